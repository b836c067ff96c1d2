"""BLD001 and BLD002 over plain facts: no repository, no build, no import in a sandbox.

(This module sits in tests/ rather than tests/families/build/: pytest does not collect
folders named `build`.)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from reprobot.checks.core.model import Outcome, Status
from reprobot.checks.core.runner import RunOutcome
from reprobot.checks.environment.fresh import FreshEnvironment, fresh_environment
from reprobot.checks.families.build.checks import BLD001, BLD002
from reprobot.checks.families.build.compile import (
    PYTHON2,
    SYNTAX,
    CompileProblem,
    StaticBuild,
    static_build,
)
from reprobot.checks.families.build.import_failure import ImportFailure
from reprobot.checks.families.build.import_run import ImportRun, import_run
from reprobot.checks.families.build.package import PackageBuild, package_build, wheel_build
from reprobot.checks.manifests import Declared, Manifest, PythonRequest, manifest
from tests.helpers import evaluate

PACKAGE = Manifest("pyproject", package=True, package_file="pyproject.toml")
SCRIPTS = StaticBuild(("run.py", "analysis/heat.py"), ("explore.ipynb",), ())
BUILT = PackageBuild(
    "setuptools.build_meta",
    RunOutcome(("uv", "build"), 0, "Successfully built", "", 3.0),
    Path("dist/ocean-1.0.tar.gz"),
    Path("dist/ocean-1.0-py3-none-any.whl"),
)
NO_NUMPY = PackageBuild(
    "setuptools.build_meta",
    RunOutcome(("uv", "build"), 1, "", "ModuleNotFoundError: No module named 'numpy'\n", 2.0),
)
MISSING_YAML = ImportFailure(
    "ocean", "ModuleNotFoundError: No module named 'yaml'", "yaml", "src/ocean/io.py", 3
)


def _bld001(static: StaticBuild, found: Manifest, build: PackageBuild | None = None) -> Outcome:
    facts: dict[Callable[..., Any], Any] = {static_build: static, manifest: found}
    if build is not None:
        facts[package_build] = build
    return evaluate(BLD001, facts)


def _environment(found: Manifest, installed: Mapping[str, str] | None = None) -> FreshEnvironment:
    return FreshEnvironment(
        Path("/env"),
        Path("/env/bin/python"),
        "3.12.1",
        None,
        None,
        found,
        None,
        None,
        None,
        installed=dict(installed or {}),
        project_installed=True,
    )


def _bld002(run: ImportRun, found: Manifest = PACKAGE, wheel: PackageBuild = BUILT) -> Outcome:
    facts: dict[Callable[..., Any], Any] = {
        manifest: found,
        wheel_build: wheel,
        fresh_environment: _environment(found),
        import_run: run,
    }
    return evaluate(BLD002, facts)


def test_bld001_passes_when_the_code_compiles_and_the_package_builds() -> None:
    scripts = _bld001(SCRIPTS, Manifest("none"))
    assert scripts.status is Status.PASS
    assert scripts.message == "2 Python files and 1 notebook compile"
    package = _bld001(StaticBuild(("src/ocean/__init__.py",), (), ()), PACKAGE, BUILT)
    assert package.status is Status.PASS
    assert package.message == (
        "built ocean-1.0.tar.gz and ocean-1.0-py3-none-any.whl, 1 Python file compiles"
    )


def test_bld001_fails_on_a_file_that_does_not_compile() -> None:
    broken = CompileProblem("run.py", SYNTAX, "invalid syntax", 3)
    outcome = _bld001(StaticBuild(("run.py",), (), (broken,)), Manifest("none"))
    assert outcome.status is Status.FAIL
    assert outcome.message == "1 file does not compile (run.py:3: invalid syntax)"
    assert [(f.path, f.line) for f in outcome.findings] == [("run.py", 3)]


def test_bld001_fails_on_python2_code_with_2to3_as_the_fix() -> None:
    py2 = CompileProblem("run.py", PYTHON2, 'Python 2 code: a print statement (`print "..."`)', 2)
    outcome = _bld001(StaticBuild(("run.py",), (), (py2,)), Manifest("none"))
    assert outcome.status is Status.FAIL
    assert outcome.message.startswith("Python 2 code in 1 file: a print statement")
    (fix,) = outcome.fixes
    assert fix.commands == ("2to3 --write --nobackups run.py",)
    assert fix.description.startswith("`2to3` (shipped with Python up to 3.12) rewrites")


def test_bld001_warns_when_the_project_asks_for_a_newer_python() -> None:
    newer = PythonRequest(">=3.99", "requires-python >=3.99 in pyproject.toml", "pyproject.toml")
    broken = CompileProblem("run.py", SYNTAX, "invalid syntax", 3)
    outcome = _bld001(StaticBuild(("run.py",), (), (broken,)), Manifest("none", python=newer))
    assert outcome.status is Status.WARN
    assert outcome.message.endswith(
        "; the project asks for requires-python >=3.99 in pyproject.toml)"
    )


def test_bld001_fails_when_the_build_misses_a_build_requirement() -> None:
    outcome = _bld001(StaticBuild((), (), ()), PACKAGE, NO_NUMPY)
    assert outcome.status is Status.FAIL
    assert outcome.message == (
        "the package does not build with setuptools.build_meta: "
        "ModuleNotFoundError: No module named 'numpy'"
    )
    (fix,) = outcome.fixes
    assert fix.title == "Declare numpy as a build requirement"
    assert fix.description == (
        "The build runs in an isolated environment with only what `[build-system] requires` "
        "lists in pyproject.toml: add `numpy` there (for a setup.py project: "
        '`requires = ["setuptools>=61", "numpy"]`).'
    )


def test_bld001_skips_without_code_or_package() -> None:
    assert _bld001(StaticBuild((), (), ()), Manifest("none")).status is Status.SKIP


def test_bld002_passes_when_every_name_imports() -> None:
    outcome = _bld002(ImportRun(("ocean",)))
    assert outcome.status is Status.PASS
    assert outcome.message == "`ocean` imports in the fresh environment"


def test_bld002_fails_on_an_undeclared_dependency() -> None:
    outcome = _bld002(ImportRun(("ocean",), (MISSING_YAML,)))
    assert outcome.status is Status.FAIL
    assert outcome.message == (
        "`import ocean` needs `yaml` (src/ocean/io.py:3), which is not declared"
    )
    assert [(f.path, f.line) for f in outcome.findings] == [("src/ocean/io.py", 3)]
    (fix,) = outcome.fixes
    assert fix.title == "Declare PyYAML"
    assert fix.description == (
        "Add `PyYAML` to the dependencies in pyproject.toml (the distribution that provides "
        "the `yaml` module), or move the import inside the function that needs it."
    )


def test_bld002_fails_on_a_dependency_declared_only_in_an_extra() -> None:
    extra = Declared("pyyaml", "pyyaml", "pyproject.toml", 12, False, "extra:io")
    found = Manifest(
        "pyproject", requirements=(extra,), package=True, package_file="pyproject.toml"
    )
    outcome = _bld002(ImportRun(("ocean",), (MISSING_YAML,)), found)
    assert outcome.status is Status.FAIL
    assert outcome.message == (
        "`import ocean` needs `yaml` (src/ocean/io.py:3), declared only in the optional extra `io`"
    )
    assert outcome.fixes[0].title == "Import yaml only where it is needed"


def test_bld002_fails_when_the_package_installs_nothing_importable() -> None:
    outcome = _bld002(ImportRun(()))
    assert outcome.status is Status.FAIL
    assert outcome.message == "the built package installs no importable module"


def test_bld002_skips_when_the_wheel_did_not_build() -> None:
    outcome = _bld002(ImportRun(("ocean",)), wheel=NO_NUMPY)
    assert outcome.status is Status.SKIP
    assert outcome.message == "skipped because the wheel did not build (see BLD001)"


def test_bld002_skips_what_is_not_a_package() -> None:
    outcome = evaluate(BLD002, {manifest: Manifest("requirements")})
    assert outcome.status is Status.SKIP


SCM_LOG = (
    "LookupError: setuptools-scm was unable to detect version for /area/repository.\n"
    "Make sure you're either building from a fully intact git repository or PyPI tarballs.\n"
)


def _failed_build(log: str, **where: bool) -> PackageBuild:
    outcome = RunOutcome(("uv", "build"), 1, "", log, 2.0)
    return PackageBuild("setuptools.build_meta", outcome, **where)


def test_bld001_says_a_shallow_checkout_lacks_the_tags_and_gives_fetch_depth() -> None:
    outcome = _bld001(SCRIPTS, PACKAGE, _failed_build(SCM_LOG, git=True, shallow=True))
    assert outcome.status is Status.FAIL
    assert "reads its version from git tags, and this checkout is shallow" in outcome.message
    assert "setuptools-scm was unable to detect version" in outcome.message
    (fix,) = outcome.fixes
    assert "fetch-depth: 0" in fix.description
    assert "ships wheels" not in fix.description


def test_bld001_without_git_metadata_in_the_clean_room_is_an_error() -> None:
    outcome = _bld001(SCRIPTS, PACKAGE, _failed_build(SCM_LOG, git=False))
    assert outcome.status is Status.ERROR
    assert "could not be given the git metadata" in outcome.message


def test_bld001_full_checkout_whose_version_fails_is_the_repository_failing() -> None:
    outcome = _bld001(SCRIPTS, PACKAGE, _failed_build(SCM_LOG, git=True, shallow=False))
    assert outcome.status is Status.FAIL
    assert "does not build with setuptools.build_meta" in outcome.message
    assert "shallow" not in outcome.message


def test_bld001_build_that_cannot_reach_the_network_is_an_error() -> None:
    log = "urllib.error.URLError: <urlopen error [Errno -2] Name or service not known>\n"
    outcome = _bld001(SCRIPTS, PACKAGE, _failed_build(log))
    assert outcome.status is Status.ERROR
    assert outcome.message.startswith("the build backend needed the network")


def test_bld001_clean_room_problem_is_an_error_not_a_failure() -> None:
    build = PackageBuild("setuptools.build_meta", problem="could not prepare the clean room")
    outcome = _bld001(SCRIPTS, PACKAGE, build)
    assert outcome.status is Status.ERROR
    assert "could not prepare the clean room" in outcome.message


def test_bld001_reports_compile_failures_even_when_the_build_could_not_run() -> None:
    broken = StaticBuild(("run.py",), (), (CompileProblem("run.py", SYNTAX, "invalid syntax", 3),))
    build = PackageBuild("setuptools.build_meta", problem="could not prepare the clean room")
    outcome = _bld001(broken, PACKAGE, build)
    assert outcome.status is Status.FAIL
    assert "run.py:3" in outcome.message and "could not be built here" in outcome.message
