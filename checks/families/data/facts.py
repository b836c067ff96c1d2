"""The data files the code reads, each with what provides it: the fact DAT001 judges."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from reprobot.checks.core.check import Context
from reprobot.checks.families.data.scan import PRESENT, DataRead, DataScan, data_scan
from reprobot.checks.families.data.sources import Source, is_lfs_pointer, provenance


@dataclass(frozen=True)
class DataFiles:
    """The scan, and for each file that is not in the repository what provides it (None:
    nothing does); `pointers` are committed files that are Git LFS pointers."""

    scan: DataScan
    sources: Mapping[str, Source | None] = field(default_factory=dict)
    pointers: frozenset[str] = frozenset()
    located: Mapping[str, str] = field(default_factory=dict)  # read path -> where provided

    def source(self, read: DataRead) -> Source | None:
        return self.sources.get(read.path)

    def place(self, read: DataRead) -> str:
        """Where the file is provided (the candidate its source names), else its path."""
        return self.located.get(read.path, read.path)


def data_files(ctx: Context) -> DataFiles:
    """Fact provider: the data files read by a literal path, and their sources."""
    found = ctx.fact(data_scan)
    known = ctx.fact(provenance)
    sources: dict[str, Source | None] = {}
    located: dict[str, str] = {}
    for read in found.missing():
        places = [c for c in read.candidates if c] or [read.path]
        offered = [(p, s) for p in places if (s := known.source(p)) is not None]
        chosen = [o for o in offered if not o[1].placeholder] or offered
        sources[read.path] = chosen[0][1] if chosen else None
        if chosen:
            located[read.path] = chosen[0][0]
    pointers = frozenset(
        r.found
        for r in found.reads
        if r.status == PRESENT and r.found and is_lfs_pointer(ctx.snapshot, r.found)
    )
    return DataFiles(found, sources, pointers, located)
