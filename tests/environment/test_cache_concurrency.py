"""Runs at the same time on one machine share root's uv cache: one run that is over must
not take away what another run's environment is made of.

As root, each run's uv works in a layer of its own over the shared cache and unpacks new
wheels into the shared `archive-v0`, as the unprivileged user every run shares; the
run's venv is symbolic links into those entries. What the unprivileged user added there
may go only when no run is going any more: while one is, it is that run's venv.
"""

from __future__ import annotations

import fcntl
import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reprobot.checks.core import runner
from reprobot.checks.core.check import Context
from reprobot.checks.core.snapshot import Snapshot
from reprobot.checks.environment import cache
from tests.helpers import make_repo

pytestmark = pytest.mark.skipif(
    not runner.drops_privileges(), reason="layers over the shared cache are made only as root"
)

PAIRS = 2  # each with a cold cache of its own: the entries of both runs are new
ROOT = Path(__file__).resolve().parents[2]

WAIT = """
import os
import time


def wait_for(path):
    for _ in range(1200):
        if os.path.exists(path):
            return
        time.sleep(0.1)
"""
# The first run's suite waits until the second run's has started (so the second run has
# installed all it needs) and then passes; the second run's suite waits until the first
# run is over, then imports from its environment.
SHORT_SUITE = (
    WAIT
    + """

def test_versions_order():
    wait_for({started!r})
    from packaging.version import Version

    assert Version("1.0") < Version("2.0")
"""
)
LONG_SUITE = (
    WAIT
    + """

def test_versions_order_later():
    open({started!r}, "w").close()
    wait_for({over!r})
    from packaging.version import Version

    assert Version("1.0") < Version("2.0")
"""
)


def _repo(base: Path, name: str, suite: str) -> Path:
    files = {"requirements.txt": "packaging==24.2\n", "tests/test_it.py": suite.lstrip("\n")}
    return make_repo(base, files, name=name)


def _check(repo: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    """`reprobot check --select TST002` as a program of its own, as a CI job runs it."""
    command = [
        sys.executable,
        "-m",
        "reprobot.bot.cli",
        "check",
        "--select",
        "TST002",
        "--format",
        "json",
    ]
    return subprocess.Popen(
        [*command, str(repo)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _verdict(run: subprocess.Popen[str]) -> str:
    out, err = run.communicate(timeout=600)
    try:
        (result,) = json.loads(out)["checks"]
    except (ValueError, KeyError) as exc:
        return f"no report ({exc}): {err[-2000:]}"
    findings = [f.get("message", "") for f in result.get("findings", [])]
    return f"{result['status']}: {result['message']} {findings}"


def _layer_made(layers: Path, deadline: float) -> None:
    while not (layers.is_dir() and any(layers.glob("run-*"))):
        assert time.monotonic() < deadline, "the first run never made its cache layer"
        time.sleep(0.05)


def test_a_run_that_ends_leaves_the_environment_of_a_run_still_going_whole(
    real_index: Path, sandbox_tmp: Path
) -> None:
    signals = sandbox_tmp / "signals"  # where the unprivileged user's suites may write
    signals.mkdir()
    os.chown(signals, runner.UNPRIVILEGED_UID, runner.UNPRIVILEGED_GID)
    verdicts = []
    for pair in range(PAIRS):
        shared = sandbox_tmp / f"uv-{pair}"
        env = {**os.environ, "REPROBOT_UV_CACHE": str(shared)}
        env["REPROBOT_FIND_LINKS"] = str(real_index)
        started, over = str(signals / f"started-{pair}"), str(sandbox_tmp / f"over-{pair}")
        short = _repo(sandbox_tmp, f"short-{pair}", SHORT_SUITE.format(started=started))
        long = _repo(sandbox_tmp, f"long-{pair}", LONG_SUITE.format(started=started, over=over))
        first = _check(short, env)
        _layer_made(sandbox_tmp / f"uv-{pair}-layers", time.monotonic() + 300)
        second = _check(long, env)  # its uv unpacks its wheels after the first run began
        verdicts.append(_verdict(first))
        Path(over).touch()
        verdicts.append(_verdict(second))
        archive = shared / cache.ARCHIVE
        # The last run out removed what the unprivileged user added, and left the archive
        # open to the next run; the wheels were promoted: the next run starts warm.
        assert cache._theirs(archive) == set()
        assert stat.S_IMODE(archive.stat().st_mode) == 0o1777
        names = {name for _, name, _ in cache._wheel_entries(shared)}
        assert {"packaging", "pytest"} <= names
    broken = [v for v in verdicts if not v.startswith("pass: 1 passed")]
    assert broken == [], f"{len(broken)} of {len(verdicts)} concurrent runs broken: {broken}"


def test_the_sandbox_entries_go_only_when_no_other_run_is_going(sandbox_tmp: Path) -> None:
    shared = sandbox_tmp / "uv"
    shared.mkdir()
    archive = cache._archive(shared)
    entry = archive / "unpacked-by-a-run"
    entry.mkdir()
    os.chown(entry, runner.UNPRIVILEGED_UID, runner.UNPRIVILEGED_GID)
    other = cache._run_lock(shared)  # a run still going
    try:
        with cache._run_lock(shared) as this:
            assert cache.tidy(shared, this) is False
        assert entry.is_dir()  # left for the last run out
    finally:
        other.close()
    with cache._run_lock(shared) as this:
        assert cache.tidy(shared, this) is True
    assert not entry.exists()
    assert stat.S_IMODE(archive.stat().st_mode) == 0o1777
    lock = (shared / cache.RUNS_LOCK).stat()
    assert lock.st_uid == 0 and stat.S_IMODE(lock.st_mode) == 0o600  # not the sandbox's


def test_a_layer_holds_the_shared_lock_until_its_run_is_over(
    sandbox_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REPROBOT_UV_CACHE", str(sandbox_tmp / "uv"))
    ctx = Context(Snapshot(make_repo(sandbox_tmp, {"a.py": ""})))
    layer = ctx.fact(cache.cache_layer)
    assert layer.layered and layer.path.is_dir()
    probe = cache._run_lock(layer.shared)
    try:
        with pytest.raises(BlockingIOError):  # the run's shared lock keeps others out
            fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
    finally:
        probe.close()
    left = layer.shared / cache.ARCHIVE / "unpacked-by-this-run"
    left.mkdir()
    os.chown(left, runner.UNPRIVILEGED_UID, runner.UNPRIVILEGED_GID)
    ctx.close()
    assert not left.exists()  # the last run out tidies the archive
    probe = cache._run_lock(layer.shared)
    try:
        fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)  # over: nobody holds it
    finally:
        probe.close()
    assert not layer.path.exists()
