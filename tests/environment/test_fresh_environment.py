from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet

from reprobot.checks.core import runner
from reprobot.checks.core.check import Context
from reprobot.checks.core.config import Config
from reprobot.checks.core.snapshot import Snapshot
from reprobot.checks.environment import python as interpreters
from reprobot.checks.environment.fresh import (
    FreshEnvironment,
    fresh_environment,
    install_extra,
    uv_binary,
)
from reprobot.checks.environment.settings import EnvironmentSettings
from reprobot.checks.environment.uv import uv_index_args
from tests.helpers import make_repo
from tests.repos import study_package
from tests.wheelhouse import build_sdist

pytestmark = pytest.mark.usefixtures("local_index")


def _env(repo: Path, config: Config | None = None) -> tuple[Context, FreshEnvironment]:
    ctx = Context(Snapshot(repo), config)
    return ctx, ctx.fact(fresh_environment)


def test_healthy_requirements_install_into_a_fresh_venv(tmp_path: Path) -> None:
    repo = make_repo(
        tmp_path, {"requirements.txt": "requests==2.31.0\n", "a.py": "import requests\n"}
    )
    ctx = Context(Snapshot(repo))
    env = ctx.fact(fresh_environment)
    assert env.problem is None
    assert env.resolve is not None and env.resolve.ok
    assert env.install is not None and env.install.ok
    assert env.consistency is not None and env.consistency.ok
    assert env.installed["requests"] == "2.31.0"
    assert env.installed["urllib3"] == "2.0.7"
    assert env.lock is not None
    assert "requests==2.31.0" in env.lock and "urllib3==2.0.7" in env.lock
    assert "uv pip compile requirements.txt -o requirements.lock" in env.lock
    assert env.required_by["urllib3"] == ("requests",)
    assert "reprobot-" not in env.lock  # no clean-room paths leak into the lock
    assert not env.project_installed
    assert env.venv is not None and env.python is not None
    assert env.python_version.startswith(f"{sys.version_info.major}.")
    for phase in ("environment.venv", "environment.install", "environment.check"):
        assert ctx.timings[phase] > 0


def test_package_is_installed_with_its_dependencies(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, study_package())
    _, env = _env(repo)
    assert env.install is not None and env.install.ok, env.install.output
    assert env.project_installed
    assert set(env.installed) >= {"six", "study"}
    assert env.lock is not None
    assert [line for line in env.lock.splitlines() if not line.startswith("#")] == ["six==1.16.0"]
    assert "uv pip compile pyproject.toml -o requirements.lock" in env.lock


def test_conflict_fails_resolution_and_installs_nothing(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"requirements.txt": "requests==2.31.0\nurllib3==1.20\n"})
    _, env = _env(repo)
    assert env.resolve is not None and not env.resolve.ok
    assert "urllib3" in env.resolve.output
    assert "No solution found" in env.resolve.output
    assert env.install is None
    assert env.installed == {}


def test_python_from_python_version_file(tmp_path: Path) -> None:
    found = interpreters.available(uv_binary())
    other = next((i for i in found if i.version.minor != sys.version_info.minor), None)
    if other is None:
        pytest.skip("only one Python version on this machine")
    wanted = f"{other.version.major}.{other.version.minor}"
    repo = make_repo(tmp_path, {".python-version": f"{wanted}\n", "requirements.txt": "six\n"})
    _, env = _env(repo)
    assert env.python_version.startswith(wanted + ".")
    assert env.requested_python == f"Python {wanted} in .python-version"
    assert env.python_note is None
    assert env.install is not None and env.install.ok


def test_unavailable_python_uses_the_nearest_and_says_so(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"runtime.txt": "python-3.2\n", "requirements.txt": "six\n"})
    _, env = _env(repo)
    oldest = min(i.version for i in interpreters.available(uv_binary()))
    assert env.python_version == str(oldest)
    note = env.python_note
    assert note is not None and "Python 3.2 is not available here" in note
    assert f"used {oldest}, the nearest" in note


def test_configured_python_wins(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"requirements.txt": "six\n"})
    current = f"{sys.version_info.major}.{sys.version_info.minor}"
    config = Config(typed={EnvironmentSettings: EnvironmentSettings(python=current)})
    _, env = _env(repo, config)
    assert env.python_version.startswith(current)
    assert env.requested_python == f"Python {current} in the reprobot configuration"


def test_install_extra_adds_to_the_same_venv(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"requirements.txt": "six\n"})
    ctx, env = _env(repo)
    out = install_extra(ctx, env, ["pytest"], timeout=120)
    assert out.ok, out.output
    venv = env.venv
    assert list(venv.glob("lib/python*/site-packages/pytest-8.0.0.dist-info"))


def test_nothing_declared_gives_an_empty_environment(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"run.py": "print(1)\n"})
    _, env = _env(repo)
    assert env.venv is not None and env.venv.is_dir()
    assert env.resolve is None and env.install is None


def test_index_settings_from_the_environment() -> None:
    assert uv_index_args({"REPROBOT_FIND_LINKS": "/w"}) == ["--no-index", "--find-links", "/w"]
    assert uv_index_args({"PIP_INDEX_URL": "https://mirror/simple"}) == [
        "--index-url",
        "https://mirror/simple",
    ]
    assert (
        uv_index_args(
            {"PIP_INDEX_URL": "https://mirror/simple", "UV_INDEX_URL": "https://other/simple"}
        )
        == []
    )
    assert uv_index_args({"PIP_NO_INDEX": "1"}) == ["--no-index"]


@pytest.mark.skipif(not runner.drops_privileges(), reason="needs root to drop privileges")
def test_untrusted_build_cannot_see_secrets(
    tmp_path: Path, local_index: Path, monkeypatch: pytest.MonkeyPatch, sandbox_tmp: Path
) -> None:
    """A build backend dumps its environment and every /proc/*/environ it can read."""
    loot = sandbox_tmp / "loot"
    loot.mkdir()
    os.chmod(loot, 0o777)
    spy = f"""
    import glob, os
    with open({str(loot / "environ.txt")!r}, "w") as out:
        out.write(repr(dict(os.environ)))
        for path in glob.glob("/proc/*/environ"):
            try:
                with open(path, "rb") as handle:
                    out.write(repr(handle.read()))
            except OSError:
                pass
    """
    index = sandbox_tmp / "index"
    index.mkdir()
    os.chmod(index, 0o755)
    for wheel in local_index.iterdir():
        (index / wheel.name).symlink_to(wheel)
    os.chmod(build_sdist(index, "spy", "1.0", before_build=spy), 0o644)
    monkeypatch.setenv("REPROBOT_FIND_LINKS", str(index))
    monkeypatch.setenv("GITHUB_TOKEN", "secret-xyz")
    monkeypatch.setenv("INPUT_TOKEN", "input-token-abc")
    monkeypatch.setenv("ACTIONS_RUNTIME_TOKEN", "runtime-token-def")
    # A privileged process whose initial environment holds the secrets.
    holder = subprocess.Popen(
        ["sleep", "60"], env={**os.environ, "GITHUB_TOKEN": "secret-xyz", "X": "input-token-abc"}
    )
    try:
        repo = make_repo(tmp_path, {"requirements.txt": "spy\n"})
        _, env = _env(repo)
    finally:
        holder.kill()
        holder.wait()
    assert env.install is not None and env.install.ok, env.install.output
    dumped = (loot / "environ.txt").read_text()
    assert "HOME" in dumped
    for secret in ("secret-xyz", "input-token-abc", "runtime-token-def"):
        assert secret not in dumped


def test_choose_the_newest_allowed_else_the_nearest() -> None:
    from packaging.version import Version

    found = tuple(
        interpreters.Interpreter(Version(v), Path(f"/py/{v}"))
        for v in ("3.13.0", "3.12.1", "3.11.7", "3.9.18", "3.7.16")
    )
    pick = interpreters.choose
    assert pick(SpecifierSet(">=3.9"), found) == (found[0], True)
    assert pick(SpecifierSet(">=3.9,<3.12"), found) == (found[2], True)
    assert pick(SpecifierSet("==3.9.*"), found) == (found[3], True)
    assert pick(SpecifierSet("==3.9.2"), found) == (found[3], True)  # same minor is close enough
    assert pick(SpecifierSet("==3.10.*"), found) == (found[2], False)  # 3.11 and 3.9 tie: newer
    assert pick(SpecifierSet("==3.6.*"), found) == (found[4], False)
    assert pick(SpecifierSet(">=3.14"), found) == (found[0], False)
    assert pick(None, ()) == (None, False)


def test_python_downloads_can_be_turned_off_and_never_fetch_unsupported_versions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REPROBOT_PYTHON_DOWNLOADS", "never")
    assert interpreters.download(uv_binary(), SpecifierSet("==3.9.*"), tmp_path) is None
    monkeypatch.setenv("REPROBOT_PYTHON_DOWNLOADS", "automatic")
    # uv makes no environments for Python older than 3.7: nothing to download.
    assert interpreters.download(uv_binary(), SpecifierSet("<3.6"), tmp_path) is None
    assert list(tmp_path.iterdir()) == []
