"""Large committed files and whether Git LFS holds them: the fact DAT002 judges.

In a git repository the sizes are those of the committed blobs (`git ls-tree -l HEAD`):
a file Git LFS stores is committed as a small pointer, whatever the work tree holds after
`git lfs pull`. Without a commit, the files' sizes on disk are used.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from reprobot.checks.core import runner
from reprobot.checks.core.check import Context
from reprobot.checks.core.snapshot import Snapshot
from reprobot.checks.families.data.settings import DataSettings
from reprobot.checks.families.data.sources import LfsPattern, lfs_patterns


@dataclass(frozen=True)
class LargeFile:
    path: str
    size: int  # bytes, as committed
    pattern: str | None = None  # an LFS pattern that covers it (committed before tracking)


@dataclass(frozen=True)
class LargeFiles:
    """The files over the threshold; `examined` is how many files were measured, and
    `problem` why the committed sizes could not be read."""

    threshold: int  # bytes
    files: tuple[LargeFile, ...] = ()
    examined: int = 0
    committed: bool = False  # sizes are the committed blobs'
    problem: str | None = None
    gitattributes: str = ""  # the root .gitattributes, which the fix extends
    unmeasured: tuple[str, ...] = ()  # committed, but their objects are not in this clone


def _committed_sizes(snapshot: Snapshot) -> tuple[dict[str, int], list[str]] | None:
    """The committed blobs' sizes, and the blobs this clone lacks (a partial clone)."""
    out = runner.git(snapshot.root, "ls-tree", "-r", "-l", "-z", "HEAD")
    if out.returncode != 0:
        return None
    sizes: dict[str, int] = {}
    absent: list[str] = []
    for entry in out.stdout.split("\0"):
        meta, _, path = entry.partition("\t")
        words = meta.split()
        if len(words) == 4 and words[1] == "blob":
            if words[3].isdigit():
                sizes[path] = int(words[3])
            else:
                absent.append(path)
    return sizes, absent


def _covering(patterns: tuple[LfsPattern, ...], path: str) -> str | None:
    return next((p.pattern for p in patterns if p.covers(path)), None)


def find_large_files(snapshot: Snapshot, threshold: int) -> LargeFiles:
    sizes: dict[str, int] | None = None
    absent: list[str] = []
    if snapshot.is_git and snapshot.commit is not None:
        listed = _committed_sizes(snapshot)
        if listed is None:
            return LargeFiles(threshold, problem="git could not list the committed files")
        sizes, absent = listed
    committed = sizes is not None
    if sizes is None:
        sizes = {}
        for path in snapshot.files:
            try:
                info = os.lstat(snapshot.root / path)
            except OSError:
                continue
            sizes[path] = info.st_size
    patterns = lfs_patterns(snapshot)
    large = [
        LargeFile(path, size, _covering(patterns, path))
        for path, size in sorted(sizes.items())
        if size > threshold
    ]
    large.sort(key=lambda f: -f.size)
    read = snapshot.read_text(".gitattributes") if snapshot.exists(".gitattributes") else None
    attributes = read.text if read is not None and read.ok else ""
    return LargeFiles(
        threshold, tuple(large), len(sizes), committed, None, attributes, tuple(absent)
    )


def large_files(ctx: Context) -> LargeFiles:
    """Fact provider: the committed files over `data.large_file_mb`."""
    mb = ctx.settings(DataSettings).large_file_mb
    return find_large_files(ctx.snapshot, int(mb * 1024 * 1024))
