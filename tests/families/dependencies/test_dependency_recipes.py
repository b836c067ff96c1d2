"""The dependency checks on tiny repositories with several recipes, conda environments,
no Python at all, and undeclared imports placed where they are used."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from reprobot.checks.core.model import CheckResult, Status
from reprobot.checks.families.dependencies import conda_env
from tests.helpers import check_files
from tests.repos import STUDY_BACKEND, STUDY_PYPROJECT
from tests.wheelhouse import build_wheel

CONDA_ONLY = """
    name: example
    channels: [conda-forge]
    dependencies:
      - python=3.11
      - numpy
      - cudatoolkit=11.8
"""


_check = check_files


def _messages(results: dict[str, CheckResult]) -> dict[str, str]:
    return {code: f"{r.status.value}: {r.message}" for code, r in results.items()}


@pytest.mark.usefixtures("local_index")
def test_a_broken_binder_environment_does_not_fail_the_package(tmp_path: Path) -> None:
    results = _check(
        tmp_path,
        {
            "pyproject.toml": STUDY_PYPROJECT,
            "backend.py": STUDY_BACKEND,
            "study/__init__.py": "import six\n",
            "binder/environment.yml": """
                dependencies:
                  - pip
                  - pip:
                      - numpy==
            """,
        },
    )
    dep001 = results["DEP001"]
    assert dep001.status is Status.WARN, _messages(results)
    assert dep001.message.startswith("binder/environment.yml: 1 line there cannot be read")
    assert [(f.path, f.line) for f in dep001.findings] == [("binder/environment.yml", 4)]
    assert results["DEP003"].status is Status.PASS, _messages(results)
    assert "and the project itself installed" in results["DEP003"].message


@pytest.mark.usefixtures("local_index")
def test_a_conda_only_environment_is_never_a_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(conda_env, "conda_tool", lambda: None)
    results = _check(
        tmp_path,
        {"environment.yml": CONDA_ONLY, "index.ipynb": _notebook("python", "import numpy")},
    )
    assert results["DEP002"].status is Status.WARN, _messages(results)
    dep003 = results["DEP003"]
    assert dep003.status is Status.WARN
    assert dep003.message == (
        "2 conda packages of environment.yml not verified (neither micromamba, mamba nor "
        "conda is on this machine); 1 of them has a distribution of the same name on the "
        "package index (numpy)"
    )
    assert [(f.path, f.line) for f in dep003.findings] == [
        ("environment.yml", 5),
        ("environment.yml", 6),
    ]
    assert "same name is on the package index" in dep003.findings[0].message
    assert "same name" not in dep003.findings[1].message


@pytest.mark.usefixtures("local_index")
def test_the_conda_part_is_created_with_the_machines_conda_tool(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sandbox_tmp: Path
) -> None:
    tool = sandbox_tmp / "micromamba"
    tool.write_text('#!/bin/sh\necho "uid $(id -u) args $*"\n[ -z "$FAIL" ] || exit 1\n')
    os.chmod(tool, 0o755)
    monkeypatch.setattr(conda_env, "conda_tool", lambda: str(tool))
    files = {"environment.yml": CONDA_ONLY, "run.py": "import numpy\n"}
    results = _check(tmp_path, files)
    assert results["DEP002"].status is Status.PASS, _messages(results)
    dep003 = results["DEP003"]
    assert dep003.status is Status.PASS, _messages(results)
    assert dep003.message == (
        "2 conda packages of environment.yml installed with micromamba in a fresh prefix"
    )
    monkeypatch.setenv("FAIL", "1")
    failing = _check(tmp_path / "again", files, select=("DEP003",))["DEP003"]
    assert failing.status is Status.FAIL
    assert failing.message == "micromamba could not create the environment of environment.yml"
    log = failing.findings[0].message
    assert "create --yes --prefix" in log and log.rstrip().endswith("environment.yml")
    if os.geteuid() == 0:
        assert "uid 65534" in log  # it ran as the unprivileged user


def _notebook(kernel: str, source: str) -> str:
    return json.dumps(
        {
            "metadata": {"kernelspec": {"language": kernel, "name": kernel}},
            "cells": [{"cell_type": "code", "source": [source]}],
        }
    )


def test_an_r_analysis_is_not_passed_by_the_python_checks(tmp_path: Path) -> None:
    results = _check(
        tmp_path,
        {
            "analysis.R": "library(ggplot2)\n",
            "install.R": 'install.packages("ggplot2")\n',
            "index.ipynb": _notebook("R", "library(ggplot2)"),
        },
    )
    statuses = {code: r.status for code, r in results.items()}
    assert statuses == {f"DEP00{i}": Status.SKIP for i in range(1, 8)}, _messages(results)
    for code in ("DEP001", "DEP005"):
        assert results[code].message.startswith("no Python code and no Python recipe")
    assert "index.ipynb" in results["DEP001"].message


@pytest.mark.usefixtures("local_index")
def test_imports_are_placed_where_they_are_used_and_the_fixes_hold(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": STUDY_PYPROJECT,
        "backend.py": STUDY_BACKEND,
        "study/__init__.py": "import six\nimport yaml\n",
        "tests/test_study.py": "import idna\nimport study\n",
        "docs/tutorial.py": "import pandas\n",
        "study/fast.py": "try:\n    import numpy\nexcept ImportError:\n    numpy = None\n",
        # a maintenance script beside the package (scikit-hep/particle's admin/)
        "admin/dump.py": "import urllib3\n",
    }
    before = _check(tmp_path, files)
    dep005 = before["DEP005"]
    assert dep005.status is Status.FAIL
    titles = [fix.title for fix in dep005.fixes]
    assert titles == [
        "Add PyYAML to [project] dependencies in pyproject.toml",
        "Add idna to the `test` extra in pyproject.toml",
        "Add urllib3 to the `dev` extra in pyproject.toml",
        "Add pandas to the `docs` extra in pyproject.toml",
        "Add numpy to the `optional` extra in pyproject.toml",
    ]
    assert "only the tests import them" in dep005.fixes[1].description
    assert "only the project's own tooling" in dep005.fixes[2].description
    # every fix of the report, applied as written, then checked again
    root = tmp_path / "repo"
    applied = dict(files)
    for result in before.values():
        for fix in result.fixes:
            for path, content in fix.files.items():
                applied[path] = content
                (root / path).write_text(content, encoding="utf-8")
    after = _check(tmp_path / "fixed", applied)
    assert after["DEP005"].status is Status.PASS, _messages(after)
    failing_before = {c for c, r in before.items() if r.status in (Status.FAIL, Status.ERROR)}
    failing_after = {c for c, r in after.items() if r.status in (Status.FAIL, Status.ERROR)}
    assert failing_after <= failing_before - {"DEP005"}, _messages(after)
    assert after["DEP003"].status is Status.PASS


def test_a_declared_provider_adds_nothing_and_an_unknown_name_is_not_guessed(
    tmp_path: Path,
) -> None:
    results = _check(
        tmp_path,
        {
            "requirements.txt": "opencv-python-headless==4.9.0.80\n",
            "run.py": "import cv2\nimport frobozz\n",
        },
        select=("DEP005",),
    )
    dep005 = results["DEP005"]
    assert dep005.status is Status.FAIL
    assert dep005.message == "1 imported package not declared: `frobozz`"
    assert dep005.fixes == ()
    assert "no distribution is known to provide `frobozz`" in dep005.findings[0].message


def test_a_namesake_is_proposed_only_when_it_provides_the_module(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sandbox_tmp: Path
) -> None:
    build_wheel(sandbox_tmp, "six", "1.16.0", files={"six.py": ""})
    build_wheel(sandbox_tmp, "frobnicate", "1.0")
    build_wheel(sandbox_tmp, "gizmo", "1.0", files={"notgizmo/__init__.py": ""})
    for wheel in sandbox_tmp.iterdir():
        os.chmod(wheel, 0o644)
    monkeypatch.setenv("REPROBOT_FIND_LINKS", str(sandbox_tmp))
    results = _check(
        tmp_path,
        {
            "requirements.txt": "six==1.16.0\n",
            "run.py": "import six\nimport frobnicate\nimport gizmo\nimport nosuchthing\n",
        },
        select=("DEP002", "DEP005"),
    )
    dep005 = results["DEP005"]
    assert dep005.message == "3 imported packages not declared: `gizmo`, `nosuchthing`, frobnicate"
    (fix,) = dep005.fixes
    assert fix.files == {"requirements.txt": "six==1.16.0\nfrobnicate\n"}
