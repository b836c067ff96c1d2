"""DEP007 for real: an API removed by a later release of an unpinned dependency fails
today, works as of the commit date, the culprit is found and its pin, applied, makes the
checks pass today; code that was broken at its commit date is told so. Against a dated
package index on 127.0.0.1, so `--exclude-newer` means what it means on the real index."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from reprobot.checks import check_repository
from reprobot.checks.core import runner
from reprobot.checks.core.model import Status
from reprobot.checks.families.dependencies.asof.words import CACHED
from tests.datedindex import DatedIndex
from tests.realwheels import CACHE, real_wheels
from tests.wheelhouse import wheel_bytes

pytestmark = pytest.mark.integration

OLD = "2019-03-01T00:00:00Z"
STUDY = {
    "README.md": "# Glacier study\n\nInstall: `pip install -r requirements.txt`.\n"
    "Run: `python analysis.py`.\n",
    "requirements.txt": "glacier  # the melt model\n",
    "analysis.py": "import glacier\n\n\ndef run():\n    return glacier.melt()\n",
    "tests/test_analysis.py": "from analysis import run\n\n\ndef test_run():\n"
    "    assert run() == 1\n",
}


def _pure(specs: tuple[str, ...]) -> list[Path]:
    """Pure-Python wheels of `specs`, downloaded once (they install on any Python)."""
    folder = CACHE / "pure"
    have = sorted(folder.glob("*-none-any.whl")) if folder.is_dir() else []
    if len(have) < len(specs):
        done = runner.run((sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                           "--only-binary=:all:", "--python-version", "3.9", "--dest",
                           str(folder), *specs), timeout=300)  # fmt: skip
        assert done.ok, done.tail()
        have = sorted(folder.glob("*-none-any.whl"))
    return have


@pytest.fixture
def dated_index(monkeypatch: pytest.MonkeyPatch, sandbox_tmp: Path) -> Iterator[DatedIndex]:
    index = DatedIndex()
    for wheel in real_wheels():  # pytest and friends, long out
        if "-none-any" in wheel.name:
            index.add(wheel.name, wheel.read_bytes(), OLD)
    for wheel in _pure(("tomli==2.2.1",)):  # pytest needs it on the Python of 2021
        index.add(wheel.name, wheel.read_bytes(), OLD)
    melts = {"glacier/__init__.py": "def melt():\n    return 1\n"}
    thaws = {"glacier/__init__.py": "def thaw():\n    return 2\n"}  # melt() removed in 2.0
    index.add("glacier-1.0-py3-none-any.whl", wheel_bytes("glacier", "1.0", files=melts),
              "2020-01-10T00:00:00Z")  # fmt: skip
    index.add("glacier-2.0-py3-none-any.whl", wheel_bytes("glacier", "2.0", files=thaws),
              "2023-06-01T00:00:00Z")  # fmt: skip
    with index.serving():
        monkeypatch.delenv("REPROBOT_FIND_LINKS", raising=False)
        monkeypatch.setenv("UV_INDEX_URL", index.url)
        monkeypatch.setenv("UV_DEFAULT_INDEX", index.url)
        cache = sandbox_tmp / "cache"  # reprobot's own cache (the as-of memo) for this test only
        cache.mkdir(mode=0o755)
        monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
        yield index


def _committed(root: Path, files: dict[str, str], when: str) -> Path:
    root.mkdir(parents=True)
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    env = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when,
           "GIT_AUTHOR_NAME": "Ada", "GIT_AUTHOR_EMAIL": "ada@example.org",
           "GIT_COMMITTER_NAME": "Ada", "GIT_COMMITTER_EMAIL": "ada@example.org"}  # fmt: skip
    for args in (("init", "-q", "-b", "main"), ("add", "-A"), ("commit", "-q", "-m", "study")):
        subprocess.run(["git", "-C", str(root), *args], env=env, check=True)
    return root


def _commit_all(repo: Path, message: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Ada", "GIT_AUTHOR_EMAIL": "a@e.org",
           "GIT_COMMITTER_NAME": "Ada", "GIT_COMMITTER_EMAIL": "a@e.org"}  # fmt: skip
    subprocess.run(["git", "-C", str(repo), "commit", "-qam", message], check=True, env=env)


def _statuses(root: Path) -> dict[str, object]:
    report = check_repository(root, select=("DEP", "TST"))
    return {r.code: r for r in report.checks}


def test_rot_is_found_named_and_its_verified_pin_makes_it_pass(
    dated_index: DatedIndex, sandbox_tmp: Path
) -> None:
    repo = _committed(sandbox_tmp / "study", STUDY, "2021-06-01T12:00:00+00:00")
    results = _statuses(repo)
    assert results["TST002"].status is Status.FAIL
    dep7 = results["DEP007"]
    assert dep7.status is Status.PASS, dep7.message
    assert (
        "dependency rot: TST002 fails today but worked as of its commit date (2021-06-01)"
        in dep7.message
    )
    assert "works with glacier 1.0" in dep7.message and "fails with glacier 2.0" in dep7.message
    assert "pin glacier<2" in dep7.message
    assert any("glacier 1.0 → 2.0" in f.message for f in dep7.findings)
    assert not dep7.message.endswith(CACHED)
    again = _statuses(repo)["DEP007"]  # the same declarations, the same date: remembered
    assert again.message == dep7.message + CACHED
    pin, lock = dep7.fixes
    assert pin.files == {"requirements.txt": "glacier<2  # the melt model\n"}
    assert "glacier==1.0" in lock.files["requirements.lock"]

    for fix in dep7.fixes:  # applied as written, then checked again
        for rel, text in fix.files.items():
            (repo / rel).write_text(text)
    _commit_all(repo, "pin glacier")
    again = _statuses(repo)
    assert again["TST002"].status is Status.PASS, again["TST002"].message
    assert again["DEP007"].status is Status.SKIP
    assert not [r for r in again.values() if r.status is Status.FAIL and r.code != "DEP006"]


def test_code_broken_at_its_commit_date_is_told_so(
    dated_index: DatedIndex, sandbox_tmp: Path
) -> None:
    broken = {**STUDY, "tests/test_analysis.py": "from analysis import run\n\n\ndef test_run():\n"
              "    assert run() == 3\n"}  # fmt: skip
    repo = _committed(sandbox_tmp / "broken", broken, "2021-06-01T12:00:00+00:00")
    dep7 = _statuses(repo)["DEP007"]
    assert dep7.status is Status.FAIL
    assert dep7.message.startswith("it did not work as of its commit date (2021-06-01) either")
    assert "never worked with what it declares" in dep7.message


def test_as_of_off_and_nothing_failed_skip(dated_index: DatedIndex, sandbox_tmp: Path) -> None:
    files = {**STUDY, ".reprobot.yml": "dependencies:\n  as_of: off\n"}
    off = _committed(sandbox_tmp / "off", files, "2021-06-01T12:00:00+00:00")
    assert (
        _statuses(off)["DEP007"].message
        == "dependencies.as_of is off in the reprobot configuration"
    )


def test_a_committed_lock_is_tried_first(dated_index: DatedIndex, sandbox_tmp: Path) -> None:
    files = {**STUDY, "requirements.lock": "glacier==1.0\n"}
    repo = _committed(sandbox_tmp / "locked", files, "2021-06-01T12:00:00+00:00")
    dep7 = _statuses(repo)["DEP007"]
    assert dep7.status is Status.PASS, dep7.message
    assert "installed from its committed requirements.lock it works today" in dep7.message


def test_a_test_requirement_that_moved_is_found_and_pinned_for_the_tests(
    dated_index: DatedIndex, sandbox_tmp: Path
) -> None:
    """What broke is a requirement of the tests alone (on scikit-hep/particle, a pandas
    release whose new warning the suite turns into an error): it is named and pinned where
    the tests' requirements are, never added to the project's own dependencies."""
    study = {
        "README.md": STUDY["README.md"],
        "requirements.txt": "tomli\n",
        "requirements-dev.txt": "glacier\n",
        "analysis.py": "import tomli\n\n\ndef run():\n    return tomli.loads('a = 1')['a']\n",
        "tests/test_analysis.py": "import glacier\nfrom analysis import run\n\n\n"
        "def test_run():\n    assert run() == glacier.melt()\n",
    }
    repo = _committed(sandbox_tmp / "tested", study, "2021-06-01T12:00:00+00:00")
    results = _statuses(repo)
    assert results["TST002"].status is Status.FAIL
    dep7 = results["DEP007"]
    assert dep7.status is Status.PASS, dep7.message
    assert "pin glacier<2" in dep7.message
    assert any("glacier 1.0 → 2.0" in f.message for f in dep7.findings)
    pin, lock = dep7.fixes
    assert pin.title == "Pin glacier<2 for the tests"
    assert not pin.files and "not in the package's own dependencies" in pin.description
    assert "(`glacier` of requirements-dev.txt, line 1)" in pin.description
    assert "glacier" not in lock.files["requirements.lock"]  # the declared ones alone

    (repo / "requirements-dev.txt").write_text("glacier<2\n")  # the fix, where it says
    _commit_all(repo, "pin glacier")
    again = _statuses(repo)
    assert again["TST002"].status is Status.PASS, again["TST002"].message
    assert again["DEP007"].status is Status.SKIP
