"""Packages whose version comes from git tags build, install, import and pass their tests
in the clean room, and the project is built once: the wheel BLD001 built is installed."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from reprobot.checks.core import runner
from reprobot.checks.core.check import Context
from reprobot.checks.core.engine import run_checks
from reprobot.checks.core.model import CheckResult, Status
from reprobot.checks.core.snapshot import Snapshot
from reprobot.checks.families.build.checks import BLD001, BLD002
from reprobot.checks.families.dependencies.checks import DEP003
from reprobot.checks.families.tests.checks import TST001, TST002
from tests.helpers import git, make_repo

SCM_WHEELS = (
    "setuptools-scm==8.1.0",
    "hatchling==1.27.0",
    "hatch-vcs==0.4.0",
    "setuptools==75.3.0",
    "pytest==8.3.5",
)
CACHE = Path.home() / ".cache" / "reprobot-test-wheels-scm"
SELECT = (DEP003, BLD001, BLD002, TST001, TST002)


@pytest.fixture(scope="module")
def scm_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The build backends and pytest, downloaded once from the package index."""
    CACHE.mkdir(parents=True, exist_ok=True)
    if len(list(CACHE.glob("*.whl"))) < len(SCM_WHEELS):
        out = runner.run(
            (sys.executable, "-m", "pip", "download", "--quiet", "--only-binary=:all:",
             "--dest", str(CACHE), *SCM_WHEELS),
            timeout=600,
        )  # fmt: skip
        if not out.ok:
            pytest.skip(f"the package index is not reachable: {out.tail(3)}")
    yield CACHE


@pytest.fixture(autouse=True)
def hermetic(scm_index: Path, monkeypatch: pytest.MonkeyPatch, sandbox_tmp: Path) -> None:
    index = sandbox_tmp / "index"
    index.mkdir()
    for wheel in scm_index.glob("*.whl"):
        (index / wheel.name).write_bytes(wheel.read_bytes())
        (index / wheel.name).chmod(0o644)
    monkeypatch.setenv("REPROBOT_FIND_LINKS", str(index))
    monkeypatch.setenv("REPROBOT_UV_CACHE", str(sandbox_tmp / "uv-cache"))


TESTS = textwrap.dedent(
    """
    from importlib.metadata import version

    from tidal import amplitude


    def test_amplitude():
        assert amplitude([1.0, 3.0]) == 1.0


    def test_the_version_is_the_tag():
        assert version("tidal").startswith("1.2.")
    """
)
MODULE = "def amplitude(values):\n    return (max(values) - min(values)) / 2\n"


def _package(tmp_path: Path, pyproject: str) -> Path:
    repo = make_repo(
        tmp_path,
        {
            "pyproject.toml": pyproject,
            "src/tidal/__init__.py": MODULE,
            "tests/test_tidal.py": TESTS,
        },
    )
    git(repo, "tag", "v1.2.0")
    (repo / "README.md").write_text("tidal\n")
    git(repo, "add", "README.md")
    git(repo, "commit", "-qm", "one commit after the tag")
    return repo


SETUPTOOLS_SCM = """\
[build-system]
requires = ["setuptools>=64", "setuptools-scm>=8"]
build-backend = "setuptools.build_meta"

[project]
name = "tidal"
dynamic = ["version"]
requires-python = ">=3.9"

[project.optional-dependencies]
test = ["pytest"]

[tool.setuptools_scm]
"""

HATCH_VCS = """\
[build-system]
requires = ["hatchling", "hatch-vcs"]
build-backend = "hatchling.build"

[project]
name = "tidal"
dynamic = ["version"]
requires-python = ">=3.9"

[project.optional-dependencies]
test = ["pytest"]

[tool.hatch.version]
source = "vcs"

[tool.hatch.build.targets.wheel]
packages = ["src/tidal"]
"""


def _check(repo: Path, area: Path) -> dict[str, CheckResult]:
    ctx = Context(Snapshot(repo), work_dir=area)
    try:
        return {r.code: r for r in run_checks(ctx, SELECT)}
    finally:
        ctx.close()


@pytest.mark.parametrize(
    "pyproject", [SETUPTOOLS_SCM, HATCH_VCS], ids=["setuptools-scm", "hatch-vcs"]
)
def test_version_from_git_tags_builds_installs_imports_and_passes(
    tmp_path: Path, sandbox_tmp: Path, pyproject: str
) -> None:
    repo = _package(tmp_path, pyproject)
    results = _check(repo, sandbox_tmp / "area")
    for code in ("DEP003", "BLD001", "BLD002", "TST002"):
        assert results[code].status is Status.PASS, (code, results[code].message)
    assert "tidal-1.2.1.dev1+g" in results["BLD001"].message  # one commit after v1.2.0
    assert results["TST002"].message.startswith("2 passed")


def test_the_installed_project_is_the_wheel_bld001_built(tmp_path: Path, sandbox_tmp: Path) -> None:
    repo = _package(tmp_path, SETUPTOOLS_SCM)
    ctx = Context(Snapshot(repo), work_dir=sandbox_tmp / "area")
    try:
        from reprobot.checks.environment.build import package_build
        from reprobot.checks.environment.fresh import fresh_environment

        env = ctx.fact(fresh_environment)
        build = ctx.fact(package_build)
        assert build.wheel is not None and env.install is not None and env.install.ok
        assert str(build.wheel) in env.install.args  # no second build from the source tree
        assert env.project == "tidal" and env.project_installed
    finally:
        ctx.close()
