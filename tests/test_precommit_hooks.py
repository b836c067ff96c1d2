"""`.pre-commit-hooks.yaml`: read by pre-commit's own loader, and each hook's entry run on a
tiny repository as pre-commit runs it (at the root, no file names), offline."""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

import pytest
from pre_commit.clientlib import load_manifest

from reprobot.checks.core import runner
from tests.helpers import make_repo
from tests.netservers import closed_port

ROOT = Path(__file__).resolve().parents[1]
HOOKS = load_manifest(str(ROOT / ".pre-commit-hooks.yaml"))
STATIC = {"CIT", "LIC", "DOC", "DEP005", "PTH001"}
GOOD = {
    "README.md": "# Survey\n\nInstall with `pip install -r requirements.txt`, then run "
    "`python analysis.py`.\n",
    "requirements.txt": "numpy\n",
    "analysis.py": "import numpy\n\nprint(numpy.zeros(3))\n",
    "LICENSE": (ROOT / "tests" / "fixtures" / "hooks" / "LICENSE").read_text(encoding="utf-8"),
    "CITATION.cff": "cff-version: 1.2.0\nmessage: If you use this software, cite it.\n"
    "title: Survey\nauthors:\n  - family-names: Lima\n    given-names: Ana\nlicense: MIT\n",
}
# One problem for each hook: no citation, no licence, a README that says nothing, an
# import no manifest declares, a path into one person's home.
BROKEN = {
    "reprobot-citation": {"CITATION.cff": None},
    "reprobot-licence": {"LICENSE": None},
    "reprobot-docs": {"README.md": "# Survey\n"},
    "reprobot-imports": {"analysis.py": "import numpy\nimport pandas\n"},
    "reprobot-paths": {"analysis.py": "import numpy\n\nnumpy.load('/home/ana/run3.npy')\n"},
}


def run_hook(hook: dict[str, object], repo: Path) -> runner.RunOutcome:
    words = shlex.split(str(hook["entry"]))
    assert words[0] == "reprobot"
    # pre-commit's python hooks run the console script; here the same module, in-tree
    args = [sys.executable, "-m", "reprobot.bot.cli", *words[1:], *map(str, hook["args"])]  # type: ignore[call-overload]
    # no network: an index that refuses, and no local wheels
    env = {"UV_INDEX_URL": closed_port(), "PIP_FIND_LINKS": "", "PYTHONPATH": str(ROOT)}
    return runner.run([*args, "--format", "json"], cwd=repo, timeout=120, extra_env=env)


def test_the_manifest_is_valid_for_pre_commit_and_only_static() -> None:
    ids = [hook["id"] for hook in HOOKS]
    assert ids == ["reprobot-static", *BROKEN]
    for hook in HOOKS:
        words = shlex.split(hook["entry"])
        assert words[:3] == ["reprobot", "check", "--offline"]
        selected = set(words[words.index("--select") + 1].split(","))
        assert selected <= STATIC, hook["id"]
        assert hook["pass_filenames"] is False and hook["language"] == "python"


@pytest.mark.parametrize("hook", HOOKS, ids=lambda hook: str(hook["id"]))
def test_each_hook_passes_a_tidy_repository_and_fails_its_problem(
    tmp_path: Path, hook: dict[str, object]
) -> None:
    good = run_hook(hook, make_repo(tmp_path, GOOD, name="good"))
    report = json.loads(good.stdout)
    assert good.returncode == 0, [(c["code"], c["message"]) for c in report["checks"]]
    assert all(c["status"] in ("pass", "skip") for c in report["checks"])

    broken_files: dict[str, str | None] = {}
    for files in BROKEN.values() if hook["id"] == "reprobot-static" else [BROKEN[hook["id"]]]:
        broken_files.update(files)
    repo = make_repo(
        tmp_path,
        {k: v for k, v in {**GOOD, **broken_files}.items() if v is not None},
        name="broken",
    )
    broken = run_hook(hook, repo)
    statuses = {c["code"]: c["status"] for c in json.loads(broken.stdout)["checks"]}
    assert broken.returncode == 1 and "fail" in statuses.values(), statuses
    assert "error" not in statuses.values()  # nothing needed the network
