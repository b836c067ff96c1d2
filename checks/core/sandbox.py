"""The clean room: a fresh copy of the committed tree and an empty home.

Everything the repository's own code touches (its build backends, its tests) lives in a
work area owned by the unprivileged user that runs that code, never in the repository
itself and never in the home of the user running reprobot.

    <area>/repository   the committed tree (HEAD), as a fresh clone would see it
    <area>/home         an empty HOME (with tmp/ for TMPDIR)
    <area>/venv         the fresh environment (made by checks.environment)

The area itself belongs to the unprivileged user too, so that uv, running as that user,
can create the environment and the lock file in it.
"""

from __future__ import annotations

import atexit
import os
import shutil
import stat
import sys
import tempfile
import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from reprobot.checks.core import runner
from reprobot.checks.core.check import Context
from reprobot.checks.core.clone import copy_committed, copy_files, drop_links_out, uncommitted_note
from reprobot.checks.core.hiding import hide_from_sandbox, private_places
from reprobot.checks.core.runner import Limits, RunOutcome
from reprobot.checks.core.settings import amount
from reprobot.checks.core.snapshot import Snapshot
from reprobot.checks.core.strays import AREA_MARKER, Strays, mark_area


@dataclass(frozen=True)
class LimitSettings:
    """Limits on the code under test (the `limits` section of the configuration)."""

    memory_mb: int = amount(8192, "address space of each process, in MB", at_most=16 * 1024 * 1024)
    processes: int = amount(1024, "processes the code may run at once", at_most=4 * 1024 * 1024)
    file_size_mb: int = amount(4096, "largest file it may write, in MB", at_most=16 * 1024 * 1024)

    def limits(self) -> Limits:
        return Limits(self.memory_mb, self.processes, self.file_size_mb)


@dataclass(frozen=True)
class Workspace:
    """Where untrusted code runs. `problem` says why it could not be made."""

    path: Path
    home: Path
    problem: str | None = None
    notes: tuple[str, ...] = ()  # e.g. uncommitted changes that are not in the clean room
    git: bool = False  # the copy has the git metadata of HEAD and its tags
    shallow: bool = False  # the checkout is shallow: its history and tags are cut
    dropped_links: tuple[str, ...] = ()  # links out of the repository, removed from the copy

    @property
    def note(self) -> str | None:
        return "; ".join(self.notes) if self.notes else None

    @property
    def area(self) -> Path:
        return self.path.parent

    @property
    def tmp(self) -> Path:
        return self.home / "tmp"


def sandbox_owned() -> bool:
    """Whether files for untrusted code must be handed to the unprivileged user."""
    return runner.drops_privileges()


def give_to_sandbox(path: Path) -> None:
    """Make `path` (recursively) owned by the unprivileged user, when we are root."""
    if not sandbox_owned() or not os.path.lexists(path):
        return
    uid, gid = runner.UNPRIVILEGED_UID, runner.UNPRIVILEGED_GID
    os.lchown(path, uid, gid)
    if path.is_symlink() or not path.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(path):
        for name in (*dirnames, *filenames):
            os.lchown(os.path.join(dirpath, name), uid, gid)


def reachable_by_sandbox(path: Path) -> bool:
    """Whether the unprivileged user can reach `path` (every parent searchable)."""
    if not sandbox_owned():
        return True
    try:
        for parent in reversed(Path(path).absolute().parents):
            info = parent.stat()
            if info.st_uid == runner.UNPRIVILEGED_UID:
                allowed = bool(info.st_mode & stat.S_IXUSR)
            elif info.st_gid == runner.UNPRIVILEGED_GID:
                allowed = bool(info.st_mode & stat.S_IXGRP)
            else:
                allowed = bool(info.st_mode & stat.S_IXOTH)
            if not allowed:
                return False
    except OSError:
        return False
    return True


def remove_tree(path: Path) -> None:
    """Remove a work area even when untrusted code left read-only directories in it."""

    def retry(func: object, name: str, _exc: object) -> None:
        parent = os.path.dirname(name)
        try:
            os.chmod(parent, 0o700)
            if os.path.isdir(name) and not os.path.islink(name):
                os.chmod(name, 0o700)
                shutil.rmtree(name, ignore_errors=True)
            else:
                os.unlink(name)
        except OSError:
            return

    if not os.path.lexists(path):
        return
    if sys.version_info >= (3, 12):
        shutil.rmtree(path, onexc=retry)
    else:  # pragma: no cover - exercised on 3.10 and 3.11
        shutil.rmtree(path, onerror=retry)


def _copy(snapshot: Snapshot, path: Path, area: Path) -> Workspace:
    """The repository into `path`: HEAD as a clone has it, else the files as they are."""
    home = area / "home"
    if snapshot.is_git and snapshot.commit is not None:
        copied = copy_committed(snapshot, path, area)
        if copied.problem is not None:
            return Workspace(path, home, copied.problem)
        notes = [*copied.notes]
        uncommitted = uncommitted_note(snapshot)
        if uncommitted:
            notes.insert(0, uncommitted)
        return Workspace(path, home, notes=tuple(notes), git=copied.git, shallow=copied.shallow)
    copy_files(snapshot, path)
    notes = []
    if snapshot.is_git:
        notes.append("the repository has no commit yet; its files were copied as they are")
    return Workspace(path, home, notes=tuple(notes))


def make_workspace(snapshot: Snapshot, area: Path) -> Workspace:
    """Fill `area` with a copy of the repository and an empty home."""
    path, home = area / "repository", area / "home"
    area.mkdir(parents=True, exist_ok=True)
    os.chmod(area, 0o755)
    if sandbox_owned():
        os.chown(area, runner.UNPRIVILEGED_UID, runner.UNPRIVILEGED_GID)
    try:
        for old in (path, home, area / AREA_MARKER):
            remove_tree(old)
        made = _copy(snapshot, path, area)
        if made.problem is not None:
            return made
        dropped = drop_links_out(path)
        if dropped:
            shown = ", ".join(f"`{d}`" for d in dropped[:10])
            more = f" and {len(dropped) - 10} more" if len(dropped) > 10 else ""
            note = (
                f"{len(dropped)} link(s) out of the repository were left out of the clean "
                f"room, so nothing follows them: {shown}{more}"
            )
            made = replace(made, notes=(*made.notes, note), dropped_links=dropped)
        (home / "tmp").mkdir(parents=True)
        give_to_sandbox(path)
        give_to_sandbox(home)
        mark_area(area)
    except OSError as exc:
        return Workspace(path, home, f"could not prepare the clean room in {area}: {exc}")
    if not reachable_by_sandbox(path):
        return Workspace(
            path,
            home,
            f"the unprivileged user cannot reach {area}; set a work directory outside "
            "private home directories",
        )
    return made


@dataclass
class _Record:
    """What this run's clean room noted, for the report (filled by `workspace`)."""

    made: Workspace | None = None
    strays: Strays | None = None


def _record(ctx: Context) -> _Record:
    return _Record()


def clean_room_paths(ctx: Context) -> Callable[[str], str]:
    """A function that writes this run's clean room paths as a reader knows them: the
    repository's copy as `./`, the rest of the work area as `<clean room>/` (a message
    that names /tmp/reprobot-x1y2/repository/a.py means the repository's a.py)."""
    made = ctx.fact(_record).made
    if made is None:
        return lambda text: text
    places = [(f"{made.path}/", "./"), (str(made.path), "."), (str(made.area), "<clean room>")]
    real = made.area.resolve()
    if real != made.area:
        places += [(f"{real / made.path.name}/", "./"), (str(real), "<clean room>")]

    def rewrite(text: str) -> str:
        for path, words in places:
            if path in text:
                text = text.replace(path, words)
        return text

    return rewrite


def isolation(ctx: Context | None = None) -> str:
    """How the code under test is kept from reprobot's files and secrets, in words, and
    what its clean room had to leave out or clean up (when `ctx` made one)."""
    if sandbox_owned():
        words = (
            f"separate user: the code under test runs as uid {runner.UNPRIVILEGED_UID}, "
            "cannot read the checkout, reprobot's environment or its credentials, and "
            "writes only in its clean room"
        )
    else:
        words = (
            "same user: the code under test runs as the user running reprobot and can read "
            "whatever that user can; run reprobot as root (as the action does) to isolate it"
        )
    record = ctx.fact(_record) if ctx is not None else _Record()
    notes = list(record.made.notes) if record.made is not None else []
    swept = record.strays.words() if record.strays is not None else None
    if swept:
        notes.append(swept)
    return "; ".join([words, *notes])


def _sweep(strays: Strays) -> None:
    strays.sweep(remove_path)


def remove_path(path: str) -> None:
    if os.path.isdir(path) and not os.path.islink(path):
        remove_tree(Path(path))
    else:
        os.unlink(path)


def workspace(ctx: Context) -> Workspace:
    """Fact provider: the clean room for this run, removed when the run is over. While it
    exists, the checkout and the runner's files are closed to the sandbox user; when the
    run is over, what that user left in shared temporary places is removed."""
    if ctx.work_dir is not None:
        area = Path(ctx.work_dir)
    else:
        top = Path(tempfile.mkdtemp(prefix="reprobot-"))  # ours: never taken for a stray
        os.chmod(top, 0o755)
        weakref.finalize(ctx, remove_tree, top)  # also when a caller never closes ctx
        ctx.defer(lambda: remove_tree(top))
        area = top / "area"
    record = ctx.fact(_record)
    record.strays = strays = Strays.taken([area])
    ctx.defer(lambda: _sweep(strays))
    made = record.made = make_workspace(ctx.snapshot, area)
    if sandbox_owned():
        restore = hide_from_sandbox(private_places(ctx.snapshot, made.area))
        atexit.register(restore)
        weakref.finalize(ctx, restore)
        ctx.defer(restore)
    return made


# Our own interpreter's settings must not leak into the repository's processes.
_OUR_PYTHON = frozenset(
    {
        "PYTHONHOME",
        "PYTHONPATH",
        "PYTHONSTARTUP",
        "PYTHONUSERBASE",
        "VIRTUAL_ENV",
        "CONDA_PREFIX",
        "CONDA_DEFAULT_ENV",
    }
)


def sandbox_env(ws: Workspace, venv: Path | None = None) -> dict[str, str]:
    """Variables that point an untrusted process at the clean room instead of our home."""
    env = {
        "HOME": str(ws.home),
        "TMPDIR": str(ws.tmp),
        "XDG_CACHE_HOME": str(ws.home / ".cache"),
        "XDG_CONFIG_HOME": str(ws.home / ".config"),
        "XDG_DATA_HOME": str(ws.home / ".local" / "share"),
        "PYTHONNOUSERSITE": "1",
        "PIP_NO_INPUT": "1",
    }
    if venv is not None:
        env["VIRTUAL_ENV"] = str(venv)
        env["PATH"] = os.pathsep.join([str(venv / "bin"), os.environ.get("PATH", os.defpath)])
    return env


def sandbox_run(
    ctx: Context,
    args: Sequence[str | os.PathLike[str]],
    *,
    cwd: Path | None = None,
    timeout: float,
    extra_env: Mapping[str, str] | None = None,
    venv: Path | None = None,
    output_cap: int = runner.DEFAULT_OUTPUT_CAP,
    niceness: int = 0,
) -> RunOutcome:
    """Run untrusted code in the clean room: unprivileged, with the empty home."""
    ws = ctx.fact(workspace)
    if ws.problem is not None:
        return RunOutcome(tuple(str(a) for a in args), None, "", ws.problem, 0.0, ran=False)
    base = {k: v for k, v in os.environ.items() if k not in _OUR_PYTHON}
    env = {**base, **sandbox_env(ws, venv), **(extra_env or {})}
    limits = ctx.settings(LimitSettings).limits()
    outcome = runner.run(
        args,
        cwd=cwd or ws.path,
        timeout=timeout,
        env=env,
        untrusted=True,
        output_cap=output_cap,
        limits=limits,
        niceness=niceness,
    )
    hit = runner.limit_hit(outcome, limits)
    if hit is None:
        return outcome
    return replace(
        outcome, stderr=f"{outcome.stderr.rstrip()}\n[reprobot] stopped: {hit}", limit_hit=hit
    )
