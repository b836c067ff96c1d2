from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from reprobot.checks.core import runner


def _pids_running(marker: str) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as handle:
                if marker.encode() in handle.read():
                    found.append(int(entry))
        except OSError:
            continue
    return found


def test_timeout_kills_the_tree_including_escaped_daemons() -> None:
    marker = "reprobot-test-sleeper-7f3a"
    script = (
        f"exec -a {marker} sleep 300 & "  # a child in the group
        f"setsid sh -c 'exec -a {marker} sleep 300' & "  # escaped into its own session
        "sleep 300"
    )
    outcome = runner.run(["bash", "-c", script], timeout=1.0, untrusted=True)
    assert outcome.timed_out and outcome.returncode is None and not outcome.ok
    time.sleep(0.2)
    assert _pids_running(marker) == []


def test_finished_command_leaves_no_background_process() -> None:
    marker = "reprobot-test-orphan-91c2"
    outcome = runner.run(
        ["bash", "-c", f"setsid bash -c 'exec -a {marker} sleep 300' & echo started"],
        timeout=30,
        untrusted=True,
    )
    assert outcome.ok and "started" in outcome.stdout
    time.sleep(0.2)
    assert _pids_running(marker) == []


def test_output_cap_keeps_the_tail() -> None:
    outcome = runner.run(
        ["python3", "-c", "for i in range(200000): print(i)"], output_cap=1000, timeout=60
    )
    assert outcome.ok and outcome.truncated
    assert outcome.stdout.rstrip().endswith("199999")
    assert len(outcome.stdout) <= 1000


def test_secrets_are_scrubbed_but_install_settings_survive(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "ghs_secret1")
    monkeypatch.setenv("INPUT_TOKEN", "ghs_secret2")
    monkeypatch.setenv("ACTIONS_RUNTIME_TOKEN", "secret3")
    monkeypatch.setenv("MY_API_KEY", "secret4")
    monkeypatch.setenv("DB_PASSWORD", "secret5")
    monkeypatch.setenv("PIP_INDEX_URL", "https://mirror.invalid/simple")
    monkeypatch.setenv("UV_CACHE_DIR", "/tmp/uvcache")
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.invalid:3128")
    outcome = runner.run(["env"], untrusted=True)
    assert outcome.ok
    for secret in ("ghs_secret1", "ghs_secret2", "secret3", "secret4", "secret5"):
        assert secret not in outcome.stdout
    for kept in ("PIP_INDEX_URL=", "UV_CACHE_DIR=", "HTTPS_PROXY=", "PATH="):
        assert kept in outcome.stdout


@pytest.mark.skipif(os.geteuid() != 0, reason="dropping privileges needs root")
def test_untrusted_code_runs_unprivileged_and_cannot_read_our_environ() -> None:
    outcome = runner.run(
        ["sh", "-c", f"id -u; cat /proc/{os.getpid()}/environ >/dev/null 2>&1 && echo LEAK"],
        untrusted=True,
    )
    assert outcome.stdout.splitlines()[0] == str(runner.UNPRIVILEGED_UID)
    assert "LEAK" not in outcome.stdout


def test_missing_program_is_reported_not_raised(tmp_path: Path) -> None:
    outcome = runner.run(["definitely-not-a-program-xyz"], cwd=tmp_path)
    assert not outcome.ran and not outcome.ok
    assert "could not start definitely-not-a-program-xyz" in outcome.stderr


def test_tail_and_combined_output() -> None:
    outcome = runner.run(["sh", "-c", "echo out; echo err >&2; exit 3"])
    assert outcome.returncode == 3 and not outcome.ok
    assert "out" in outcome.output and "err" in outcome.output
    assert outcome.tail(1) == "err"


def test_memory_limit_stops_a_runaway_allocation_and_says_so() -> None:
    limits = runner.Limits(memory_mb=300)
    grab = "x = bytearray(2 * 1024**3)"  # 2 GB, far over the limit
    outcome = runner.run(["python3", "-c", grab], untrusted=True, limits=limits, timeout=60)
    assert not outcome.ok and "MemoryError" in outcome.output
    assert runner.limit_hit(outcome, limits) == "it ran out of memory under the 300 MB limit"
    ok = runner.run(["python3", "-c", "x = bytearray(10**6)"], untrusted=True, limits=limits)
    assert ok.ok and runner.limit_hit(ok, limits) is None


def test_file_size_limit_stops_a_disk_filler(sandbox_tmp: Path) -> None:
    tmp_path = sandbox_tmp
    os.chmod(tmp_path, 0o777)
    limits = runner.Limits(file_size_mb=1)
    target = tmp_path / "big.bin"
    write = f"open({str(target)!r}, 'wb').write(b'x' * 5 * 1024 * 1024)"
    outcome = runner.run(["python3", "-c", write], untrusted=True, limits=limits, timeout=60)
    assert not outcome.ok
    assert runner.limit_hit(outcome, limits) == "it wrote a file larger than the 1 MB limit"
    assert target.stat().st_size <= 1024 * 1024


def test_process_limit_stops_a_fork_bomb() -> None:
    limits = runner.Limits(processes=20)
    bomb = "import subprocess\nprocs = [subprocess.Popen(['sleep', '30']) for _ in range(200)]\n"
    started = time.monotonic()
    outcome = runner.run(["python3", "-c", bomb], untrusted=True, limits=limits, timeout=60)
    assert not outcome.ok and time.monotonic() - started < 30
    assert runner.limit_hit(outcome, limits) == "it started more than the 20 processes allowed"
    time.sleep(0.2)
    assert _pids_running("sleep\x0030") == []  # what it did start was killed with it


def test_no_limit_words_without_limits() -> None:
    assert runner.Limits().prefix() == ()
    assert runner.Limits(memory_mb=1).prefix()[-1] == "--"


def test_limits_never_ask_for_more_than_the_hard_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """In a container without CAP_SYS_RESOURCE, prlimit cannot raise a hard limit: asking
    for 1,024 processes under a hard limit of 500 would fail every untrusted command."""
    import resource

    hard = {resource.RLIMIT_NPROC: 500, resource.RLIMIT_AS: resource.RLIM_INFINITY}
    real = resource.getrlimit
    monkeypatch.setattr(
        resource, "getrlimit", lambda kind: (hard[kind], hard[kind]) if kind in hard else real(kind)
    )
    words = runner.Limits(memory_mb=8192, processes=1024, file_size_mb=None).prefix()
    if not words:
        pytest.skip("prlimit is not installed")
    assert "--nproc=500" in words and f"--as={8192 * 2**20}" in words


def test_limits_below_the_hard_limit_stand(monkeypatch: pytest.MonkeyPatch) -> None:
    words = runner.Limits(processes=64).prefix(own_processes=3)
    if not words:
        pytest.skip("prlimit is not installed")
    assert "--nproc=67" in words


def test_untrusted_commands_on_two_threads_do_not_take_each_other_for_leftovers() -> None:
    ended: list[runner.RunOutcome] = []
    first = threading.Thread(
        target=lambda: ended.append(runner.run(("sleep", "0.5"), untrusted=True, timeout=30))
    )
    first.start()
    time.sleep(0.1)  # the second command starts after the first and ends after it
    second = runner.run(("sh", "-c", "sleep 1.5; echo done"), untrusted=True, timeout=30)
    first.join()
    assert ended[0].ok and ended[0].leftovers_killed == 0
    assert second.ok and second.stdout.strip() == "done"
