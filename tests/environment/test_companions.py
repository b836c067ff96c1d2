"""The test requirements installed with the declared dependencies, in one resolution.

What only the tests need is told apart from the declared dependencies: the report's
environment and the lock leave it out, and the import check (BLD002) cannot import it, so
one install gives the same verdicts as a runtime-only install followed by a second one."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from reprobot.checks import FAMILIES
from reprobot.checks.core.engine import check_repository
from reprobot.checks.core.model import CheckResult, Report, Status
from reprobot.checks.environment.distributions import (
    Distribution,
    closure,
    hidden_modules,
    only_for,
)
from reprobot.checks.families.build.import_run import import_code
from tests.helpers import make_repo, package_files

SELECTED = ("DEP002", "DEP003", "BLD001", "BLD002", "TST001", "TST002")


@pytest.fixture(autouse=True)
def hermetic(real_index: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REPROBOT_FIND_LINKS", str(real_index))


def _dist(name: str, *requires: str, top: tuple[str, ...] = ()) -> Distribution:
    return Distribution(name, "1.0", (), requires_dist=requires, top_level=frozenset(top))


DISTS = (
    _dist("glacier", "numpy", 'dask[array]; extra == "big"', top=("glacier",)),
    _dist("numpy", top=("numpy",)),
    _dist("dask", 'toolz; extra == "array"', "cloudpickle", top=("dask",)),
    _dist("toolz", top=("tlz", "toolz")),
    _dist("cloudpickle", top=("cloudpickle",)),
    _dist("pytest", "pluggy", "iniconfig", 'colorama; sys_platform == "win32"', top=("pytest",)),
    _dist("pluggy", top=("pluggy",)),
    _dist("iniconfig", top=("iniconfig",)),
    _dist("google-auth", top=("google",)),
    _dist("google-testutils", top=("google",)),
)


def test_closure_follows_requirements_and_the_extras_asked_for() -> None:
    assert closure(DISTS, ["glacier"]) == {"glacier", "numpy"}
    assert closure(DISTS, ["glacier[big]"]) == {"glacier", "numpy", "dask", "toolz", "cloudpickle"}
    assert closure(DISTS, ["Dask"]) == {"dask", "cloudpickle"}  # names are canonical
    assert closure(DISTS, ["not a requirement ~~"]) == frozenset()


def test_only_what_the_companions_alone_need_is_told_apart() -> None:
    only = only_for(DISTS, ["pytest", "numpy"], ["glacier"])
    assert only == {"pytest", "pluggy", "iniconfig"}  # numpy is the project's too
    assert only_for(DISTS, ["pytest"], ["glacier", "pytest"]) == frozenset()


def test_a_name_another_distribution_also_provides_is_never_hidden() -> None:
    assert hidden_modules(DISTS, frozenset({"pytest", "pluggy"})) == {"pytest", "pluggy"}
    assert hidden_modules(DISTS, frozenset({"google-testutils"})) == frozenset()
    hostile = (*DISTS, _dist("evil", top=("x'); import os; #", "ok_name")))
    assert hidden_modules(hostile, frozenset({"evil"})) == {"ok_name"}  # identifiers only


@pytest.mark.parametrize(
    ("hidden", "ok"),
    [(frozenset({"json"}), False), (frozenset({"yaml"}), True), (frozenset(), True)],
)
def test_the_import_program_makes_hidden_names_not_found(hidden: frozenset[str], ok: bool) -> None:
    done = subprocess.run(
        [sys.executable, "-I", "-c", import_code("json", hidden)],
        check=False,
        capture_output=True,
        text=True,
    )
    assert (done.returncode == 0) is ok
    if not ok:
        assert "ModuleNotFoundError: No module named 'json'" in done.stderr


def _package(dependencies: str, test_extra: str, init: str) -> dict[str, str]:
    files = package_files(dependencies, f"test = {test_extra}")
    files["src/glacier/__init__.py"] = init
    files["tests/test_melt.py"] = (
        "from glacier.melt import rate\n\n\ndef test_rate():\n    assert rate(10) == 1.0\n"
    )
    return files


def _check(tmp_path: Path, files: dict[str, str]) -> tuple[Report, dict[str, CheckResult]]:
    report = check_repository(make_repo(tmp_path, files), FAMILIES, select=SELECTED)
    return report, {r.code: r for r in report.checks}


def test_one_install_serves_the_tests_and_the_import_check_sees_declared_only(
    tmp_path: Path,
) -> None:
    files = _package(
        '["numpy"]', '["pyyaml", "pytest"]', "import yaml\nfrom glacier.melt import rate\n"
    )
    report, results = _check(tmp_path, files)
    assert results["DEP002"].status is Status.PASS
    assert results["DEP002"].message.startswith("2 distributions resolved")  # glacier, numpy
    assert results["TST002"].status is Status.PASS, results["TST002"].message
    assert "environment.install_extra" not in report.timings  # the tests' needs came along
    bld = results["BLD002"]
    assert bld.status is Status.FAIL
    assert "`yaml`" in bld.message and "declared only in the optional extra `test`" in bld.message
    installed = report.environment["installed"]
    assert "numpy" in installed and "pyyaml" not in installed and "pytest" not in installed


def test_a_dependency_the_tests_also_name_stays_importable(tmp_path: Path) -> None:
    files = _package('["pyyaml"]', '["pyyaml", "pytest"]', "import yaml\n")
    report, results = _check(tmp_path, files)
    assert results["BLD002"].status is Status.PASS, results["BLD002"].message
    assert results["TST002"].status is Status.PASS, results["TST002"].message
    assert "pyyaml" in report.environment["installed"]


def test_test_requirements_that_do_not_install_never_fail_the_declared_ones(
    tmp_path: Path,
) -> None:
    files = _package('["numpy"]', '["pytest", "nosuchdist-for-glacier"]', "import numpy\n")
    report, results = _check(tmp_path, files)
    assert results["DEP002"].status is Status.PASS, results["DEP002"].message
    assert results["DEP003"].status is Status.PASS, results["DEP003"].message
    assert results["BLD002"].status is Status.PASS, results["BLD002"].message
    tst = results["TST002"]
    assert tst.status is Status.FAIL
    assert "nosuchdist-for-glacier" in tst.message + "".join(f.message for f in tst.findings)
    assert "environment.install_extra" in report.timings  # the tests installed their own
