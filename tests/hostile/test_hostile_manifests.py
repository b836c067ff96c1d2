"""Hostile manifests: includes and local paths that leave the repository are refused by
DEP001 and never reach uv, whatever other check makes the fresh environment."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from reprobot.checks import check_repository
from reprobot.checks.core.model import CheckResult, Status
from reprobot.checks.core.snapshot import Snapshot
from reprobot.checks.manifests import read_manifest
from tests.helpers import make_repo

pytestmark = pytest.mark.usefixtures("local_index")


def _repo(tmp_path: Path, files: dict[str, str]) -> Path:
    files = {k: textwrap.dedent(v).lstrip("\n") for k, v in files.items()}
    return make_repo(tmp_path, files)


def _check(repo: Path, *select: str) -> dict[str, CheckResult]:
    return {r.code: r for r in check_repository(repo, select=select).checks}


def _outside(tmp_path: Path) -> Path:
    """A requirements file beside the repository: installing it would fail loudly."""
    outside = tmp_path / "outside.txt"
    outside.write_text("nosuchthing==1.0\n", encoding="utf-8")
    return outside


def test_includes_outside_the_repository_are_refused_and_not_installed(tmp_path: Path) -> None:
    _outside(tmp_path)
    repo = _repo(
        tmp_path,
        {
            "requirements.txt": "six==1.16.0\n-r /etc/passwd\n-r ../outside.txt\n-r sub/more.txt\n",
            "sub/more.txt": "idna==3.6\n--requirement=../../outside.txt\n",
            "run.py": "import six\nimport idna\n",
        },
    )
    dep001 = _check(repo, "DEP001")["DEP001"]
    assert dep001.status is Status.FAIL
    places = sorted((f.path or "", f.line or 0) for f in dep001.findings)
    assert places == [("requirements.txt", 2), ("requirements.txt", 3), ("sub/more.txt", 2)]
    assert all("outside the repository" in f.message for f in dep001.findings)
    found = read_manifest(Snapshot(repo))
    assert found.install_files == ()  # uv is not handed the file that names them
    assert found.install_lines == ("six==1.16.0", "idna==3.6")
    # DEP002 and DEP005 make the fresh environment even when DEP001 is not selected
    results = _check(repo, "DEP002", "DEP005")
    assert results["DEP002"].status is Status.PASS, results["DEP002"].message
    assert "2 distributions resolved" in results["DEP002"].message
    assert results["DEP005"].status is Status.PASS


def test_machine_paths_are_reported_as_not_reproducible_and_not_installed(
    tmp_path: Path,
) -> None:
    repo = _repo(
        tmp_path,
        {
            "requirements.txt": """
                six==1.16.0
                -e /home/ada/src/helper
                /home/ada/wheels/tool-1.0-py3-none-any.whl
                file:///home/ada/wheels/other-1.0-py3-none-any.whl
                extra @ file:///home/ada/extra
                -e ../sibling
                -e .
            """,
            "setup.py": "from setuptools import setup\nsetup(name='x')\n",
        },
    )
    dep001 = _check(repo, "DEP001")["DEP001"]
    assert dep001.status is Status.FAIL
    assert [f.line for f in dep001.findings] == [2, 3, 4, 5, 6]
    for finding in dep001.findings[:4]:
        assert "a path on the author's machine: it exists there only" in finding.message
    assert "points outside the repository" in dep001.findings[4].message
    found = read_manifest(Snapshot(repo))
    assert found.install_lines == ("six==1.16.0", "-e .")
    assert found.installs_project
    assert not any("/home/ada" in line or "sibling" in line for line in found.install_lines)


def test_a_conda_pip_list_cannot_reach_outside_either(tmp_path: Path) -> None:
    _outside(tmp_path)
    repo = _repo(
        tmp_path,
        {
            "binder/environment.yml": """
                dependencies:
                  - pip
                  - pip:
                      - six==1.16.0
                      - -r ../../outside.txt
                      - -r /etc/passwd
                      - -e /opt/author/pkg
                      - file:///opt/author/pkg.whl
            """,
        },
    )
    found = read_manifest(Snapshot(repo))
    assert found.kind == "conda"
    assert [(f.path, f.line) for f in found.problems] == [
        ("binder/environment.yml", 5),
        ("binder/environment.yml", 6),
        ("binder/environment.yml", 7),
        ("binder/environment.yml", 8),
    ]
    assert found.install_lines == ("six==1.16.0",)
    dep002 = _check(repo, "DEP002")["DEP002"]
    assert dep002.status is Status.PASS and "1 distribution resolved" in dep002.message
    # a path that stays inside is kept, relative to the environment file: `..` is the root
    inside = _repo(
        tmp_path / "inside", {"binder/environment.yml": "dependencies:\n  - pip:\n    - ..\n"}
    )
    assert read_manifest(Snapshot(inside)).install_lines == (".",)


def test_a_pep_508_file_url_in_pyproject_is_a_problem(tmp_path: Path) -> None:
    repo = _repo(
        tmp_path,
        {
            "pyproject.toml": """
                [project]
                name = "x"
                version = "1"
                dependencies = ["six", "helper @ file:///home/ada/helper"]
            """,
        },
    )
    found = read_manifest(Snapshot(repo))
    assert [d.name for d in found.requirements] == ["six"]
    assert len(found.problems) == 1 and found.problems[0].path == "pyproject.toml"
    assert "author's machine" in found.problems[0].message
