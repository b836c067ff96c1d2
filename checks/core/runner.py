"""The one place where reprobot starts processes.

Every call has a timeout that kills the whole process tree, an output cap that keeps the
tail, an elapsed time, and an environment with secrets removed. Untrusted commands (the
code under test, its build backends, its tests) additionally run as an unprivileged user
when reprobot itself runs as root, and every process they leave behind is killed.
"""

from __future__ import annotations

import contextlib
import fnmatch
import os
import resource
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from reprobot.checks.core import reaping

DEFAULT_TIMEOUT = 600.0
MAX_TIMEOUT = 7 * 24 * 3600.0  # a timer longer than this is a mistake (and may overflow)
DEFAULT_OUTPUT_CAP = 256 * 1024  # bytes kept per stream (the tail)
STOP_POLL = 2.0  # seconds between questions to a command's `stop_when`
# The unprivileged user of the code under test: nobody, or the user an audit gives each of
# its parallel slots (so repositories checked at the same time cannot see each other).
_SLOT_UID = os.environ.get("REPROBOT_SANDBOX_UID", "")
UNPRIVILEGED_UID = int(_SLOT_UID) if _SLOT_UID.isdigit() and int(_SLOT_UID) > 0 else 65534
UNPRIVILEGED_GID = UNPRIVILEGED_UID if UNPRIVILEGED_UID != 65534 else 65534

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
    stopped: str | None = None  # why `stop_when` stopped it early, when it did

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


def drops_privileges() -> bool:
    return os.name == "posix" and os.geteuid() == 0


def _within_hard(kind: int, value: int) -> int:
    """`value`, or the hard limit we run under when that is lower: without the capability
    to raise limits (in most containers) asking for more than the hard limit fails."""
    try:
        hard = resource.getrlimit(kind)[1]
    except (OSError, ValueError):
        return value
    return value if hard == resource.RLIM_INFINITY else min(value, hard)


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
            words.append(f"--as={_within_hard(resource.RLIMIT_AS, self.memory_mb * 2**20)}")
        if self.processes:
            nproc = _within_hard(resource.RLIMIT_NPROC, self.processes + own_processes)
            words.append(f"--nproc={nproc}")
        if self.file_size_mb:
            words.append(
                f"--fsize={_within_hard(resource.RLIMIT_FSIZE, self.file_size_mb * 2**20)}"
            )
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
    with reaping.running_lock:  # started and named at once: no other thread takes it for a stray
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
        reaping.running.add(proc.pid)
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


def _wait(
    proc: subprocess.Popen[bytes], timeout: float, stop_when: Callable[[], str | None] | None
) -> tuple[bool, str | None]:
    """Wait for the command; at the deadline a timer kills its group. (expired, stopped):
    `stop_when`, asked every few seconds, gives a reason to stop the command early.

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
    stopped = None
    while stop_when is not None and stopped is None:
        try:
            proc.wait(timeout=STOP_POLL)
            break
        except subprocess.TimeoutExpired:
            stopped = stop_when()
    if stopped is not None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    timer.cancel()
    # Kill the whole group: a finished leader may still have children holding the pipes.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    return expired.is_set(), stopped


def _collect(
    run: _Started, argv: tuple[str, ...], *, timed_out: bool, killed: int, stopped: str | None
) -> RunOutcome:
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
        stopped=stopped,
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
    reap_user: int | None = None,
    stop_when: Callable[[], str | None] | None = None,
    niceness: int = 0,
) -> RunOutcome:
    """Run a command; never raises for a command that fails, hangs or cannot start.

    `env` replaces the (scrubbed) environment; `extra_env` adds to it. With `untrusted`,
    the process runs as an unprivileged user when we are root, in its own session, under
    `limits`, and every descendant is killed when it ends. `reap_user`: every process of
    that (unprivileged) user is killed when the command ends, for a command of reprobot's
    own that runs untrusted code as that user. `niceness` (via `nice`) lowers the command's
    priority, for work whose result is wanted later than others'.
    """
    argv = tuple(str(a) for a in args)
    as_nobody = untrusted and drops_privileges()
    nice = shutil.which("nice") if niceness > 0 else None
    if nice is not None:
        argv = (nice, "-n", str(niceness), *argv)
    if untrusted and limits is not None:
        own = 0 if as_nobody else _processes_of(os.getuid())
        argv = (*limits.prefix(own_processes=own), *argv)
    watch = reaping.become_subreaper() if untrusted else False
    before = reaping.children_of(os.getpid()) if watch else set()
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
    timed_out, stopped = _wait(started.proc, timeout, stop_when)
    with reaping.running_lock:
        reaping.running.discard(started.proc.pid)
    killed = reaping.kill_leftovers(before) if watch else 0
    if reap_user is not None and reap_user != os.geteuid():
        killed += reaping.kill_user(reap_user)
    return _collect(
        started, tuple(str(a) for a in args), timed_out=timed_out, killed=killed, stopped=stopped
    )


def git(repo: Path | str, *args: str, timeout: float = 60.0) -> RunOutcome:
    """A git command on reprobot's own behalf (trusted, but never prompting)."""
    return run(
        ("git", "-C", str(repo), *args),
        timeout=timeout,
        extra_env={"GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0"},
        output_cap=64 * 1024 * 1024,
    )
