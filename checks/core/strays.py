"""What the code under test left in places every user shares.

The code under test gets its own temporary folder (TMPDIR in its clean room), but nothing
stops it from writing to /tmp, /var/tmp or /dev/shm by name, where a later repository's
run could pick the files up. Before the first untrusted command, what the unprivileged
user owns there is listed; at the end of the run, everything it owns there that was not
on that list is removed, and named in the report.

Work areas of reprobot runs are never taken for strays: a temporary work area lives in a
directory owned by root, and any work area holds a marker file owned by root that names
it (the code under test can move that file, but not rewrite it).
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from reprobot.checks.core import runner

SHARED_PLACES = ("/tmp", "/var/tmp", "/dev/shm", "/run/lock", "/var/lock", "/dev/mqueue")
AREA_MARKER = ".reprobot-area"
MAX_ENTRIES = 50_000  # a bound on the walk through shared places
MAX_DEPTH = 6


def mark_area(area: Path) -> None:
    """Leave the root-owned marker that keeps other runs' sweeps away from `area`."""
    if not runner.drops_privileges():
        return
    marker = area / AREA_MARKER
    fd = os.open(marker, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o444)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(str(area))


def _is_marked_area(path: str) -> bool:
    try:
        fd = os.open(os.path.join(path, AREA_MARKER), os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return False
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if info.st_uid != os.geteuid() or not stat.S_ISREG(info.st_mode):
            return False
        return handle.read(4097).decode("utf-8", "replace") == path


def _writable_by(info: os.stat_result, uid: int, gid: int) -> bool:
    if info.st_uid == uid:
        return True
    if info.st_gid == gid:
        return bool(info.st_mode & stat.S_IWGRP)
    return bool(info.st_mode & stat.S_IWOTH)


def _owned(places: Iterable[str], uid: int, gid: int) -> Iterator[tuple[str, tuple[int, int]]]:
    """(path, (device, inode)) of what `uid` owns in `places`, looking into the directories
    of others it may write to; never into its own (they go as a whole)."""
    budget = MAX_ENTRIES
    stack = [(p, 0) for p in places if os.path.isdir(p) and not os.path.islink(p)]
    while stack and budget > 0:
        directory, depth = stack.pop()
        try:
            entries = list(os.scandir(directory))
        except OSError:
            continue
        for entry in entries[:budget]:
            budget -= 1
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if info.st_uid == uid:
                yield entry.path, (info.st_dev, info.st_ino)
            elif (
                stat.S_ISDIR(info.st_mode)
                and depth < MAX_DEPTH
                and _writable_by(info, uid, gid)
                and not _is_marked_area(entry.path)
            ):
                stack.append((entry.path, depth + 1))


@dataclass
class Strays:
    """What the unprivileged user owned in shared places before the run, and what it
    left there that was removed."""

    places: tuple[str, ...] = SHARED_PLACES
    before: set[tuple[int, int]] = field(default_factory=set)
    removed: list[str] = field(default_factory=list)
    kept: tuple[str, ...] = ()  # work areas of this run

    @classmethod
    def taken(cls, kept: Iterable[Path], places: Iterable[str] = SHARED_PLACES) -> Strays:
        found = cls(tuple(places), kept=tuple(os.path.abspath(k) for k in kept))
        if runner.drops_privileges():
            uid, gid = runner.UNPRIVILEGED_UID, runner.UNPRIVILEGED_GID
            found.before = {key for _, key in _owned(found.places, uid, gid)}
        return found

    def sweep(self, remove: Callable[[str], None]) -> list[str]:
        """Remove what the unprivileged user made in shared places since `taken`;
        `remove(path)` removes a tree. Returns (and records) the paths removed."""
        if not runner.drops_privileges():
            return []
        uid, gid = runner.UNPRIVILEGED_UID, runner.UNPRIVILEGED_GID
        now = []
        for path, key in _owned(self.places, uid, gid):
            if key in self.before or self._kept(path) or _is_marked_area(path):
                continue
            with contextlib.suppress(OSError):
                remove(path)
            if not os.path.lexists(path):
                now.append(path)
        self.removed.extend(now)
        return now

    def _kept(self, path: str) -> bool:
        return any(path == k or k.startswith(path + os.sep) for k in self.kept)

    def words(self) -> str | None:
        if not self.removed:
            return None
        shown = ", ".join(sorted(self.removed)[:10])
        more = f" and {len(self.removed) - 10} more" if len(self.removed) > 10 else ""
        return (
            f"the code under test wrote outside its clean room; removed at the end of the "
            f"run: {shown}{more}"
        )
