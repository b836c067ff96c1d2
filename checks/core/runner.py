"""The one place where reprobot starts processes.

Every call has a timeout that kills the whole process tree, an output cap that keeps the
tail, an elapsed time, and an environment with secrets removed. Untrusted commands (the
code under test, its build backends, its tests) additionally run as an unprivileged user
when reprobot itself runs as root, and every process they leave behind is killed.
"""

from __future__ import annotations

import contextlib
import ctypes
import fnmatch
import os
import signal
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

DEFAULT_TIMEOUT = 600.0
DEFAULT_OUTPUT_CAP = 256 * 1024  # bytes kept per stream (the tail)
UNPRIVILEGED_UID = 65534  # nobody
UNPRIVILEGED_GID = 65534

SECRET_PATTERNS = (
    "GITHUB_TOKEN",
    "GH_TOKEN",
    "INPUT_*",
    "ACTIONS_*",
    "*TOKEN*",
    "*SECRET*",
    "*PASSWORD*",
    "*PASSWD*",
    "*CREDENTIAL*",
    "*API_KEY*",
    "*PRIVATE_KEY*",
)


@dataclass(frozen=True)
class RunOutcome:
    """What happened when a command ran. `ran` is False when it could not start."""

    args: tuple[str, ...]
    returncode: int | None
    stdout: str
    stderr: str
    seconds: float
    timed_out: bool = False
    truncated: bool = False
    ran: bool = True
    leftovers_killed: int = 0

    @property
    def ok(self) -> bool:
        return self.ran and not self.timed_out and self.returncode == 0

    @property
    def output(self) -> str:
        """stdout and stderr together, for log tails shown to people."""
        if self.stdout and self.stderr:
            return f"{self.stdout.rstrip()}\n{self.stderr}"
        return self.stdout or self.stderr

    def tail(self, lines: int = 30) -> str:
        return "\n".join(self.output.rstrip().splitlines()[-lines:])


def is_secret(name: str) -> bool:
    upper = name.upper()
    return any(fnmatch.fnmatchcase(upper, pattern) for pattern in SECRET_PATTERNS)


def scrubbed_environ(
    base: Mapping[str, str] | None = None, extra: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The environment minus secrets; proxies, certificates, PIP_* and UV_* survive."""
    source = os.environ if base is None else base
    env = {k: v for k, v in source.items() if not is_secret(k)}
    if extra:
        env.update(extra)
    return env


class _TailBuffer:
    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.data = bytearray()
        self.truncated = False

    def feed(self, stream: object) -> None:
        read = getattr(stream, "read1", None) or stream.read  # type: ignore[attr-defined]
        while chunk := read(65536):
            self.data += chunk
            if len(self.data) > 2 * self.cap:
                del self.data[: len(self.data) - self.cap]
                self.truncated = True

    def text(self) -> str:
        if len(self.data) > self.cap:
            del self.data[: len(self.data) - self.cap]
            self.truncated = True
        return self.data.decode("utf-8", errors="replace")


_subreaper_set = False


def _become_subreaper() -> bool:
    """Orphans of our children are re-parented to us, so we can find and kill them."""
    global _subreaper_set  # noqa: PLW0603 - a process-wide, set-once kernel flag
    if _subreaper_set:
        return True
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        _subreaper_set = libc.prctl(36, 1, 0, 0, 0) == 0  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        _subreaper_set = False
    return _subreaper_set


def _children_of(pid: int) -> set[int]:
    found: set[int] = set()
    with contextlib.suppress(OSError):
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                with open(f"/proc/{entry.name}/stat", "rb") as handle:
                    stat = handle.read()
            except OSError:
                continue
            fields = stat[stat.rfind(b")") + 2 :].split()
            if len(fields) > 1 and int(fields[1]) == pid:
                found.add(int(entry.name))
    return found


def _kill_leftovers(before: set[int]) -> int:
    """Kill and reap every child of ours that this run left behind."""
    killed = 0
    for _ in range(50):
        strays = _children_of(os.getpid()) - before
        if not strays:
            break
        for pid in strays:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, signal.SIGKILL)
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError, OSError):
                os.waitpid(pid, 0)
            killed += 1
    return killed


def drops_privileges() -> bool:
    return os.name == "posix" and os.geteuid() == 0


def run(
    args: Sequence[str | os.PathLike[str]],
    *,
    cwd: Path | str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    env: Mapping[str, str] | None = None,
    extra_env: Mapping[str, str] | None = None,
    output_cap: int = DEFAULT_OUTPUT_CAP,
    untrusted: bool = False,
    stdin_text: str | None = None,
) -> RunOutcome:
    """Run a command; never raises for a command that fails, hangs or cannot start.

    `env` replaces the (scrubbed) environment; `extra_env` adds to it. With `untrusted`,
    the process runs as an unprivileged user when we are root, in its own session, and
    every descendant is killed when it ends.
    """
    argv = tuple(str(a) for a in args)
    environment = scrubbed_environ(env, extra_env)
    watch = _become_subreaper() if untrusted else False
    before = _children_of(os.getpid()) if watch else set()
    kwargs: dict[str, object] = {}
    if untrusted and drops_privileges():
        kwargs.update(user=UNPRIVILEGED_UID, group=UNPRIVILEGED_GID, extra_groups=[])
    started = time.monotonic()
    try:
        proc = subprocess.Popen(  # the one place commands run
            argv,
            cwd=cwd,
            env=environment,
            stdin=subprocess.PIPE if stdin_text is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
            **kwargs,  # type: ignore[call-overload]
        )
    except OSError as exc:
        return RunOutcome(
            argv,
            None,
            "",
            f"could not start {argv[0]}: {exc.strerror or exc}",
            time.monotonic() - started,
            ran=False,
        )
    out, err = _TailBuffer(output_cap), _TailBuffer(output_cap)
    readers = [
        threading.Thread(target=out.feed, args=(proc.stdout,), daemon=True),
        threading.Thread(target=err.feed, args=(proc.stderr,), daemon=True),
    ]
    for reader in readers:
        reader.start()
    if stdin_text is not None and proc.stdin is not None:
        with contextlib.suppress(BrokenPipeError):
            proc.stdin.write(stdin_text.encode())
        with contextlib.suppress(BrokenPipeError):
            proc.stdin.close()
    # A timer kills the group at the deadline; waiting blocks instead of polling, so short
    # commands (most git calls) return as soon as they end.
    expired = threading.Event()

    def expire() -> None:
        expired.set()
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)

    timer = threading.Timer(timeout, expire)
    timer.daemon = True
    timer.start()
    proc.wait()
    timer.cancel()
    timed_out = expired.is_set()
    # Kill the whole group: a finished leader may still have children holding the pipes.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    killed = _kill_leftovers(before) if watch else 0
    for reader in readers:
        reader.join(timeout=5)
    for stream in (proc.stdout, proc.stderr):
        if stream is not None:
            stream.close()
    return RunOutcome(
        argv,
        None if timed_out else proc.returncode,
        out.text(),
        err.text(),
        time.monotonic() - started,
        timed_out=timed_out,
        truncated=out.truncated or err.truncated,
        leftovers_killed=killed,
    )


def git(repo: Path | str, *args: str, timeout: float = 60.0) -> RunOutcome:
    """A git command on reprobot's own behalf (trusted, but never prompting)."""
    return run(
        ("git", "-C", str(repo), *args),
        timeout=timeout,
        extra_env={"GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0"},
        output_cap=64 * 1024 * 1024,
    )
