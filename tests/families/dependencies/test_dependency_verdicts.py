"""DEP001-DEP006 over plain facts: no repository, no sandbox, no uv."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from reprobot.checks.core.model import Finding, Status
from reprobot.checks.core.runner import RunOutcome
from reprobot.checks.environment.fresh import FreshEnvironment, fresh_environment
from reprobot.checks.families.dependencies.checks import (
    DEP001,
    DEP002,
    DEP003,
    DEP004,
    DEP005,
    DEP006,
)
from reprobot.checks.families.dependencies.conda_env import (
    NO_TOOL,
    CondaEnvironment,
    conda_environment,
    pypi_counterparts,
)
from reprobot.checks.families.dependencies.locks import committed_locks
from reprobot.checks.families.dependencies.python_code import PythonCode, python_code
from reprobot.checks.families.dependencies.undeclared import (
    Placed,
    Undeclared,
    declaration,
    undeclared,
)
from reprobot.checks.manifests import Declared, Manifest, manifest
from reprobot.checks.manifests.edit import Addition
from reprobot.checks.repo.imports import ImportScan, ImportSite, imports
from tests.helpers import evaluate

REQUESTS = Declared("requests", "requests", "requirements.txt", 1, pinned=False)
SIX = Declared("six==1.16.0", "six", "requirements.txt", 2, pinned=True)
DECLARED = Manifest(
    "requirements",
    files=("requirements.txt",),
    requirements=(REQUESTS, SIX),
    install_files=("requirements.txt",),
    primary="requirements.txt",
)
NOTHING = Manifest("none")
NO_IMPORTS = ImportScan((), frozenset())
SOME_PYTHON = PythonCode(files=1, notebooks=0)


def _run(output: str = "", returncode: int = 0) -> RunOutcome:
    return RunOutcome(("uv",), returncode, output, "", 0.1)


BUILT = FreshEnvironment(
    venv=Path("/clean-room/venv"),
    python=Path("/clean-room/venv/bin/python"),
    python_version="3.11.7",
    requested_python=None,
    python_note=None,
    manifest=DECLARED,
    resolve=None,
    install=None,
    consistency=None,
)


def _env(found: Manifest = DECLARED, **changes: Any) -> FreshEnvironment:
    return replace(BUILT, manifest=found, **changes)


def _scan(*modules: str) -> ImportScan:
    sites = tuple(ImportSite(m, "analysis.py", n) for n, m in enumerate(modules, 1))
    return ImportScan(sites, frozenset(), files=1)


def test_dep001_passes_with_a_manifest() -> None:
    outcome = evaluate(DEP001, {manifest: DECLARED})
    assert outcome.status is Status.PASS
    assert outcome.message == "declared in requirements.txt (2 requirements)"


def test_dep001_fails_on_an_unreadable_line() -> None:
    broken = Manifest(
        "requirements",
        files=("requirements.txt",),
        requirements=(SIX,),
        problems=(Finding("not a requirement", "requirements.txt", 3),),
    )
    outcome = evaluate(DEP001, {manifest: broken})
    assert outcome.status is Status.FAIL
    assert outcome.message.startswith("1 line in requirements.txt cannot be read")


def test_dep001_passes_without_a_manifest_for_the_standard_library() -> None:
    outcome = evaluate(
        DEP001, {manifest: NOTHING, imports: _scan("json"), python_code: SOME_PYTHON}
    )
    assert outcome.status is Status.PASS
    assert outcome.message.startswith("no manifest, and none needed")


def test_dep001_fails_without_a_manifest_and_offers_a_requirements_file() -> None:
    facts = {manifest: NOTHING, imports: _scan("numpy", "cv2"), python_code: SOME_PYTHON}
    outcome = evaluate(DEP001, facts)
    assert outcome.status is Status.FAIL
    assert "2 third-party packages (numpy, opencv-python)" in outcome.message
    (fix,) = outcome.fixes
    assert "numpy\nopencv-python\n" in fix.files["requirements.txt"]
    assert fix.description == (
        "A requirements.txt listing the distributions the code imports. Check it, and "
        "pin the versions you used."
    )


def test_dep002_passes_when_uv_resolves() -> None:
    run = _run("Resolved 5 packages in 10ms\nInstalled 5 packages")
    outcome = evaluate(DEP002, {fresh_environment: _env(resolve=run, install=run)})
    assert outcome.status is Status.PASS
    assert outcome.message == "5 distributions resolved for Python 3.11.7"


def test_dep002_fails_on_a_missing_distribution_with_its_line() -> None:
    run = _run(
        "error: No solution found when resolving dependencies\n  cause: Because requests "
        "was not found in the package registry and you require requests, we can conclude "
        "that your requirements are unsatisfiable.",
        returncode=1,
    )
    outcome = evaluate(DEP002, {fresh_environment: _env(resolve=run)})
    assert outcome.status is Status.FAIL
    assert outcome.message == (
        "requests (requirements.txt line 1) does not exist on the package index"
    )
    assert outcome.findings[0] == Finding("`requests` is declared here", "requirements.txt", 1)
    assert outcome.fixes[0].title == "Correct or remove requests"
    assert outcome.fixes[0].description.startswith("Check the spelling against the package")


def test_dep002_errors_when_no_environment_could_be_made() -> None:
    env = FreshEnvironment(None, None, "", None, None, DECLARED, None, None, None, problem="no")
    assert evaluate(DEP002, {fresh_environment: env}).status is Status.ERROR


def test_dep003_passes_and_warns_about_conda_packages() -> None:
    run = _run("Resolved 2 packages\nInstalled 2 packages")
    installed = {"requests": "2.31.0", "six": "1.16.0"}
    env = _env(resolve=run, install=run, installed=installed)
    outcome = evaluate(DEP003, {fresh_environment: env})
    assert outcome.status is Status.PASS
    assert outcome.message == "2 distributions installed in a fresh Python 3.11.7 environment"

    gdal = Declared("gdal", "gdal", "environment.yml", 4, pinned=False, scope="conda")
    conda = Manifest("conda", files=("environment.yml",), unverified=(gdal,))
    facts = {
        fresh_environment: _env(conda, resolve=run, install=run),
        conda_environment: CondaEnvironment("environment.yml", None, problem=NO_TOOL),
        pypi_counterparts: ("gdal",),
    }
    outcome = evaluate(DEP003, facts)
    assert outcome.status is Status.WARN
    assert outcome.message.endswith(
        "; 1 conda package of environment.yml not verified (neither micromamba, mamba nor "
        "conda is on this machine); 1 of them has a distribution of the same name on the "
        "package index (gdal)"
    )
    assert outcome.findings == (
        Finding(
            "`gdal` is a conda package: not verified (a distribution of the same name is "
            "on the package index)",
            "environment.yml",
            4,
        ),
    )


def test_dep003_fails_on_a_failed_build_with_its_log() -> None:
    run = _run(
        "Resolved 2 packages\n  × Failed to build `six==1.16.0`\n  ├─▶ The build backend "
        "returned an error\n      [stderr]\n      error: no compiler",
        returncode=1,
    )
    outcome = evaluate(DEP003, {fresh_environment: _env(resolve=run, install=run)})
    assert outcome.status is Status.FAIL
    assert outcome.message == (
        "six 1.16.0 could not be built from source (asked for in requirements.txt line 2)"
    )
    assert "error: no compiler" in outcome.findings[-1].message
    assert outcome.fixes[0].title == "Use a version of six that ships wheels"


def test_dep004_passes_and_fails_on_pip_check() -> None:
    env = _env(consistency=_run("All installed packages are compatible"))
    assert evaluate(DEP004, {fresh_environment: env}).status is Status.PASS
    report = (
        "The package `requests` requires `urllib3<3,>=1.21.1`, but `urllib3==1.20` is installed"
    )
    outcome = evaluate(DEP004, {fresh_environment: _env(consistency=_run(report, 1))})
    assert outcome.status is Status.FAIL
    assert outcome.message == "1 installed distribution lacks what it requires"
    assert outcome.findings[0].path == "requirements.txt"


def test_dep004_skips_when_nothing_was_installed() -> None:
    assert evaluate(DEP004, {fresh_environment: _env()}).status is Status.SKIP


def test_dep005_passes_when_every_import_is_declared() -> None:
    outcome = evaluate(DEP005, {undeclared: (), imports: _scan("requests", "json")})
    assert outcome.status is Status.PASS
    assert outcome.message == "1 third-party import, all declared"


def test_dep005_fails_on_an_undeclared_import_and_offers_the_line() -> None:
    site = ImportSite("sklearn", "analysis.py", 3, dotted="sklearn.linear_model")
    missing = (Undeclared("sklearn", "scikit-learn", (site,), optional=False),)
    addition = Addition(
        "requirements.txt",
        ("scikit-learn",),
        "requests\nsix==1.16.0\nscikit-learn\n",
        "to requirements.txt",
    )
    placed = (Placed("runtime", missing, addition),)
    facts = {undeclared: missing, imports: _scan("sklearn"), declaration: placed}
    outcome = evaluate(DEP005, facts)
    assert outcome.status is Status.FAIL
    assert outcome.message == "1 imported package not declared: scikit-learn"
    assert outcome.findings == (
        Finding("`sklearn` is imported but scikit-learn is not declared", "analysis.py", 3),
    )
    (fix,) = outcome.fixes
    assert fix.title == "Add scikit-learn to requirements.txt"
    assert fix.files == {"requirements.txt": "requests\nsix==1.16.0\nscikit-learn\n"}


def test_dep005_only_warns_about_optional_imports() -> None:
    site = ImportSite("yaml", "run.py", 2, optional=True)
    missing = (Undeclared("yaml", "PyYAML", (site,), optional=True, provider="requests"),)
    addition = Addition("requirements.txt", ("PyYAML",), None, "to requirements.txt")
    placed = (Placed("optional", missing, addition),)
    facts = {undeclared: missing, imports: _scan("yaml"), declaration: placed}
    outcome = evaluate(DEP005, facts)
    assert outcome.status is Status.WARN
    assert outcome.message == "optional imports not declared: PyYAML"
    assert outcome.findings[0].message == (
        "`yaml` is imported but PyYAML is not declared (installed today only as a "
        "dependency of requests) (optional import)"
    )
    assert outcome.fixes[0].files == {}


def test_dep006_passes_with_a_committed_lock() -> None:
    outcome = evaluate(DEP006, {manifest: DECLARED, committed_locks: ("poetry.lock",)})
    assert outcome.status is Status.PASS
    assert outcome.message == "pinned by poetry.lock"


def test_dep006_warns_about_unpinned_requirements_with_a_lock_to_commit() -> None:
    env = _env(lock="requests==2.31.0\nsix==1.16.0\n")
    facts = {manifest: DECLARED, committed_locks: (), fresh_environment: env}
    outcome = evaluate(DEP006, facts)
    assert outcome.status is Status.WARN
    assert outcome.message == "1 of 2 requirements not pinned"
    assert outcome.findings == (
        Finding("`requests` is not pinned to one version", "requirements.txt", 1),
    )
    (fix,) = outcome.fixes
    assert fix.files == {"requirements.lock": "requests==2.31.0\nsix==1.16.0\n"}
    assert fix.commands == ("uv pip compile requirements.txt -o requirements.lock",)


def test_dep006_skips_when_nothing_is_declared() -> None:
    outcome = evaluate(DEP006, {manifest: NOTHING, committed_locks: ()})
    assert outcome.status is Status.SKIP


def test_dep003_is_an_error_when_the_project_could_not_be_built_on_this_machine() -> None:
    from reprobot.checks.environment.build import PackageBuild, package_build

    run = _run(
        "  × Failed to build `study @ file:///clean-room/repository`\n"
        "  ├─▶ The build backend returned an error",
        returncode=1,
    )
    env = _env(resolve=run, install=run, project="study")
    offline = PackageBuild(
        "setuptools.build_meta",
        _run("urllib.error.URLError: <urlopen error [Errno -2] Name or service not known>", 1),
    )
    outcome = evaluate(DEP003, {fresh_environment: env, package_build: offline})
    assert outcome.status is Status.ERROR
    assert "not the repository's failure" in outcome.message
    broken = PackageBuild("setuptools.build_meta", _run("SyntaxError: invalid syntax", 1))
    outcome = evaluate(DEP003, {fresh_environment: env, package_build: broken})
    assert outcome.status is Status.FAIL
    assert outcome.message.endswith("the project itself, so BLD001 says why")
