"""What act is given: the example workflow made local, and the copy of the action.

No container here (these run in the quick suite): the workflow is checked with actionlint,
and the copy against the checkout.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from reprobot.checks.core.runner import run
from tests.act.workflow import EXAMPLE, REPO_ROOT, act_workflow, action_copy
from tests.test_examples_lint import actionlint

SHA = "0123456789abcdef0123456789abcdef01234567"


def steps(text: str) -> list[dict[str, object]]:
    doc = YAML(typ="safe").load(text)
    return [step for job in doc["jobs"].values() for step in job["steps"]]


def remote_uses(text: str) -> list[str]:
    return [str(s["uses"]) for s in steps(text) if "uses" in s]


def test_the_example_keeps_only_the_steps_act_resolves_itself(tmp_path: Path) -> None:
    workflow = act_workflow()
    assert workflow.action_ref == "reprobot/reprobot@v1"
    assert workflow.stand_ins and all("checkout" not in u for u in workflow.stand_ins)
    left = remote_uses(workflow.text)
    assert [u.partition("@")[0] for u in left] == ["actions/checkout", "reprobot/reprobot"]
    example = EXAMPLE.read_text(encoding="utf-8")
    assert len(steps(workflow.text)) == len(steps(example))  # each replaced in its place
    assert len(workflow.stand_ins) == len(remote_uses(example)) - 2
    path = tmp_path / "reprobot.yml"
    path.write_text(workflow.text, encoding="utf-8")
    outcome = run([actionlint(), "-no-color", str(path)], cwd=tmp_path, timeout=120)
    assert outcome.returncode == 0, outcome.output


def test_the_stand_in_checks_the_files_the_action_would_read() -> None:
    (stand_in,) = [s for s in steps(act_workflow().text) if s.get("name") == "Keep the report"]
    assert stand_in["if"] == "always()"
    assert str(stand_in["run"]).startswith('if test -e "${{ steps.reprobot.outputs.report_path')


@pytest.mark.parametrize(("missing", "code"), [("ignore", 0), ("warn", 0), ("error", 1)])
def test_the_stand_in_fails_on_a_missing_path_only_where_the_action_would(
    tmp_path: Path, missing: str, code: int
) -> None:
    text = EXAMPLE.read_text()
    text = re.sub(r"if-no-files-found: \w+", f"if-no-files-found: {missing}", text)
    text = text.replace("${{ steps.reprobot.outputs.report_path }}", "nothing-here")
    path = tmp_path / "reprobot.yml"
    path.write_text(text, encoding="utf-8")
    (stand_in,) = [s for s in steps(act_workflow(path).text) if s.get("name") == "Keep the report"]
    done = run(["bash", "-e", "-c", str(stand_in["run"])], cwd=tmp_path, timeout=30)
    assert done.returncode == code, done.output
    assert "finds nothing at nothing-here" in done.output


def test_actions_pinned_by_sha_are_resolved_the_same(tmp_path: Path) -> None:
    pinned = re.sub(r"(uses: [\w./-]+)@\S+", rf"\1@{SHA} # pinned", EXAMPLE.read_text())
    path = tmp_path / "reprobot.yml"
    path.write_text(pinned, encoding="utf-8")
    workflow = act_workflow(path)
    assert workflow.action_ref == f"reprobot/reprobot@{SHA}"
    assert [u.partition("@")[0] for u in remote_uses(workflow.text)] == [
        "actions/checkout",
        "reprobot/reprobot",
    ]


def test_a_checkout_of_another_repository_is_refused(tmp_path: Path) -> None:
    text = EXAMPLE.read_text().replace("fetch-depth: 0", "repository: octo-org/other")
    path = tmp_path / "reprobot.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match="another repository"):
        act_workflow(path)


def test_the_copy_builds_on_the_local_base_or_names_the_prebuilt_image(tmp_path: Path) -> None:
    built = action_copy(tmp_path / "dockerfile", base_image="localhost/base:test")
    dockerfile = (built / "Dockerfile").read_text()
    assert "ARG BASE_IMAGE=localhost/base:test\n" in dockerfile
    original = (REPO_ROOT / "Dockerfile").read_text()
    assert dockerfile.count("\n") == original.count("\n")  # nothing else changed
    assert (built / "bot" / "cli.py").read_bytes() == (REPO_ROOT / "bot" / "cli.py").read_bytes()
    assert (built / ".dockerignore").read_bytes() == (REPO_ROOT / ".dockerignore").read_bytes()
    assert not (built / ".venv").exists()  # ignored by git: not part of the action
    assert YAML(typ="safe").load((built / "action.yml").read_text())["runs"]["image"] == (
        "Dockerfile"
    )

    prebuilt = action_copy(tmp_path / "prebuilt", base_image="b", image="localhost/reprobot:x")
    metadata = YAML(typ="safe").load((prebuilt / "action.yml").read_text())
    assert metadata["runs"]["image"] == "docker://localhost/reprobot:x"
    assert (
        metadata["inputs"].keys()
        == YAML(typ="safe").load((REPO_ROOT / "action.yml").read_text())["inputs"].keys()
    )
