"""Closing the checkout and the runner's files to the sandbox user while a clean room exists.

actions/checkout leaves a token in `.git/config`, users keep untracked `.env` files, and
the runner keeps step files (GITHUB_ENV may hold secrets of earlier steps) beside the
checkout: while the code under test runs, they lose group and other permissions, and get
them back when the run closes. Shared folders such as /tmp are never closed."""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Callable, Sequence
from pathlib import Path

from reprobot.checks.core import runner
from reprobot.checks.core.snapshot import Snapshot

# What the runner keeps beside the checkout: event payload, step files (GITHUB_ENV may hold
# secrets set by earlier steps), the runner's temp folder.
_RUNNER_PLACES = (
    "GITHUB_WORKSPACE",
    "GITHUB_EVENT_PATH",
    "GITHUB_ENV",
    "GITHUB_OUTPUT",
    "GITHUB_STATE",
    "GITHUB_PATH",
    "GITHUB_STEP_SUMMARY",
    "RUNNER_TEMP",
)


def _shared(path: Path) -> bool:
    """A folder every user writes in (/tmp, /var/tmp, /dev/shm: world-writable, sticky):
    closing it would break every other program, so it is never hidden."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return True
    return bool(mode & stat.S_ISVTX) or bool(mode & stat.S_IWOTH)


def private_places(snapshot: Snapshot, area: Path) -> list[Path]:
    """The checkout (its git work tree too), and the runner's step files and folders:
    none of them is for the code under test to read. A step file is closed itself, never
    the folder it lies in; never a shared folder, nor one that holds the clean room."""
    places = [snapshot.root]
    if snapshot.is_git:
        top = runner.git(snapshot.root, "rev-parse", "--show-toplevel").stdout.strip()
        if top:
            places.append(Path(top))
    places += [Path(v) for name in _RUNNER_PLACES if (v := os.environ.get(name))]
    area = area.resolve()
    found = []
    for place in dict.fromkeys(p.resolve() for p in places):
        if not place.exists() or place == Path("/") or area.is_relative_to(place):
            continue
        if place.is_dir() and _shared(place):
            continue
        found.append(place)
    return found


def hide_from_sandbox(places: Sequence[Path]) -> Callable[[], None]:
    """Take group and other permissions off `places` (the sandbox user can no longer enter
    or read them); the returned function puts the modes back."""
    changed: list[tuple[Path, int]] = []
    for place in places:
        try:
            mode = stat.S_IMODE(place.stat().st_mode)
            if mode & 0o077:
                os.chmod(place, mode & 0o700)
                changed.append((place, mode))
        except OSError:
            continue

    def restore() -> None:
        for place, mode in reversed(changed):
            with contextlib.suppress(OSError):
                os.chmod(place, mode)

    return restore
