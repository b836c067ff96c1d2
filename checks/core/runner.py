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
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

DEFAULT_TIMEOUT = 600.0
MAX_TIMEOUT = 7 * 24 * 3600.0  # a timer longer than this is a mistake (and may overflow)
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
    limit_hit: str | None = None  # which resource limit stopped it, when one did

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
# Leaders of the commands running now, in any thread: never another run's leftovers.
_running: set[int] = set()
_running_lock = threading.Lock()


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
    """Kill and reap every child of ours that this run left behind (never the command
    another thread is running at the same time)."""
    killed = 0
    for _ in range(50):
        with _running_lock:  # no command starts while the strays are told apart
            strays = _children_of(os.getpid()) - before - _running
            for pid in strays:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(pid, signal.SIGKILL)
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, signal.SIGKILL)
        if not strays:
            break
        for pid in strays:
            with contextlib.suppress(ChildProcessError, OSError):
                os.waitpid(pid, 0)
            killed += 1
    return killed


def drops_privileges() -> bool:
    return os.name == "posix" and os.geteuid() == 0


@dataclass(frozen=True)
class Limits:
    """Resource limits for untrusted commands (None: no limit of that kind)."""

    memory_mb: int | None = None  # address space of each process
    processes: int | None = None  # processes of the user that runs the code
    file_size_mb: int | None = None  # the largest file a process may write

    def prefix(self, *, own_processes: int = 0) -> tuple[str, ...]:
        """The `prlimit` words that apply these limits to a command, or () without prlimit.

        `own_processes` is added to the process limit when the code runs as our own user,
        whose other processes count against the same limit."""
        words = []
        if self.memory_mb:
            words.append(f"--as={self.memory_mb * 1024 * 1024}")
        if self.processes:
            words.append(f"--nproc={self.processes + own_processes}")
        if self.file_size_mb:
            words.append(f"--fsize={self.file_size_mb * 1024 * 1024}")
        tool = shutil.which("prlimit") if words else None
        return (tool, *words, "--") if tool else ()


def _processes_of(uid: int) -> int:
    count = 0
    with contextlib.suppress(OSError):
        for entry in os.scandir("/proc"):
            if entry.name.isdigit():
                with contextlib.suppress(OSError):
                    count += entry.stat().st_uid == uid
    return count


def limit_hit(outcome: RunOutcome, limits: Limits) -> str | None:
    """Which limit a finished command ran into, when its end says so; None otherwise."""
    text = outcome.output[-20000:]
    too_large = outcome.returncode == -signal.SIGXFSZ or "File too large" in text
    if too_large and limits.file_size_mb:
        return f"it wrote a file larger than the {limits.file_size_mb} MB limit"
    if limits.memory_mb and ("MemoryError" in text or "Cannot allocate memory" in text):
        return f"it ran out of memory under the {limits.memory_mb} MB limit"
    if limits.processes and (
        "Resource temporarily unavailable" in text or "BlockingIOError" in text
    ):
        return f"it started more than the {limits.processes} processes allowed"
    return None


@dataclass
class _Started:
    proc: subprocess.Popen[bytes]
    out: _TailBuffer
    err: _TailBuffer
    readers: list[threading.Thread]
    started: float


def _start(
    argv: tuple[str, ...],
    *,
    cwd: Path | str | None,
    environment: Mapping[str, str],
    output_cap: int,
    as_nobody: bool,
    stdin_text: str | None,
) -> _Started | RunOutcome:
    """Start the command with its output read into capped tail buffers."""
    kwargs: dict[str, object] = {}
    if as_nobody:
        kwargs.update(user=UNPRIVILEGED_UID, group=UNPRIVILEGED_GID, extra_groups=[])
    started = time.monotonic()
    with _running_lock:  # started and named at once: no other thread takes it for a stray
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
            reason = f"could not start {argv[0]}: {exc.strerror or exc}"
            return RunOutcome(argv, None, "", reason, time.monotonic() - started, ran=False)
        _running.add(proc.pid)
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
    return _Started(proc, out, err, readers, started)


def _wait(proc: subprocess.Popen[bytes], timeout: float) -> bool:
    """Wait for the command; at the deadline a timer kills its group. True if it expired.

    Waiting blocks instead of polling, so short commands (most git calls) return as soon
    as they end."""
    expired = threading.Event()

    def expire() -> None:
        expired.set()
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)

    timer = threading.Timer(max(0.0, min(timeout, MAX_TIMEOUT)), expire)
    timer.daemon = True
    timer.start()
    proc.wait()
    timer.cancel()
    # Kill the whole group: a finished leader may still have children holding the pipes.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    return expired.is_set()


def _collect(run: _Started, argv: tuple[str, ...], *, timed_out: bool, killed: int) -> RunOutcome:
    for reader in run.readers:
        reader.join(timeout=5)
    for stream in (run.proc.stdout, run.proc.stderr):
        if stream is not None:
            stream.close()
    return RunOutcome(
        argv,
        None if timed_out else run.proc.returncode,
        run.out.text(),
        run.err.text(),
        time.monotonic() - run.started,
        timed_out=timed_out,
        truncated=run.out.truncated or run.err.truncated,
        leftovers_killed=killed,
    )


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
    limits: Limits | None = None,
) -> RunOutcome:
    """Run a command; never raises for a command that fails, hangs or cannot start.

    `env` replaces the (scrubbed) environment; `extra_env` adds to it. With `untrusted`,
    the process runs as an unprivileged user when we are root, in its own session, under
    `limits`, and every descendant is killed when it ends.
    """
    argv = tuple(str(a) for a in args)
    as_nobody = untrusted and drops_privileges()
    if untrusted and limits is not None:
        own = 0 if as_nobody else _processes_of(os.getuid())
        argv = (*limits.prefix(own_processes=own), *argv)
    watch = _become_subreaper() if untrusted else False
    before = _children_of(os.getpid()) if watch else set()
    started = _start(
        argv,
        cwd=cwd,
        environment=scrubbed_environ(env, extra_env),
        output_cap=output_cap,
        as_nobody=as_nobody,
        stdin_text=stdin_text,
    )
    if isinstance(started, RunOutcome):
        return started
    timed_out = _wait(started.proc, timeout)
    with _running_lock:
        _running.discard(started.proc.pid)
    killed = _kill_leftovers(before) if watch else 0
    return _collect(started, tuple(str(a) for a in args), timed_out=timed_out, killed=killed)


def git(repo: Path | str, *args: str, timeout: float = 60.0) -> RunOutcome:
    """A git command on reprobot's own behalf (trusted, but never prompting)."""
    return run(
        ("git", "-C", str(repo), *args),
        timeout=timeout,
        extra_env={"GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0"},
        output_cap=64 * 1024 * 1024,
    )
