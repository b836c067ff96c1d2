"""The data files the repository's code reads by a literal path, and whether it has them.

Python files and notebooks are read with `ast` (`python_reads`), R code with its tokenizer
(`r_reads`): files, R Markdown and Quarto chunks, R notebooks. A path is looked up where
the code runs: a notebook or an R Markdown document runs from its own folder; a script may
be run from its folder or from the repository's root, so either will do. A path anchored
to the file (`Path(__file__).parent`) or to the project (`here::here()`) is looked up there
only. A file is in the repository when it is committed (or a folder holds committed files),
and generated when some code of the repository writes it by a literal path.
"""

from __future__ import annotations

import ast
import posixpath
from dataclasses import dataclass

from reprobot.checks.core.check import Context
from reprobot.checks.core.snapshot import Snapshot
from reprobot.checks.core.words import where
from reprobot.checks.families.data.python_reads import (
    HERE,
    PathUse,
    notebook_trees,
    relative,
    scan_tree,
)
from reprobot.checks.families.data.r_reads import ROOT, r_uses
from reprobot.checks.repo.languages import PYTHON, R, code_units, kernel_language, vendored
from reprobot.checks.repo.notebooks import SCRIPT_CAP, code_cells, read_notebook

PRESENT, GENERATED, MISSING = "present", "generated", "missing"
_RUN_IN_FOLDER = (".ipynb", ".rmd", ".qmd", ".rmarkdown")
# Folders of templates a tool copies into new projects: their code is not this work's.
_TEMPLATES = frozenset({"templates", "template", "skeleton", "cookiecutter"})
_HINTS = (b"read", b"open", b"load", b"File", b"imread", b"save", b"to_", b"write")


@dataclass(frozen=True)
class DataRead:
    """One read of a data file by a literal path, and what the repository has of it."""

    file: str  # the code that reads it
    line: int
    cell: int | None
    how: str  # the call, e.g. `pd.read_csv`
    written: str  # the path as the code writes it
    candidates: tuple[str, ...]  # where it may be, relative to the root ("" when outside)
    status: str  # present, generated, missing
    found: str | None = None  # the committed file or folder, or the code that writes it

    @property
    def where(self) -> str:
        return where(self.file, self.line, self.cell)

    @property
    def path(self) -> str:
        """The file the read most likely means, relative to the root (as written when
        it is outside the repository)."""
        inside = [c for c in self.candidates if c]
        return inside[0] if inside else self.written.replace("\\", "/")

    @property
    def absolute(self) -> bool:
        return not relative(self.written)


@dataclass(frozen=True)
class DataScan:
    """What the scan read (files of code, languages) and the reads it found."""

    sources: int
    languages: tuple[str, ...] = ()
    reads: tuple[DataRead, ...] = ()
    computed: int = 0  # reads whose path is not a literal: not followed

    def missing(self) -> tuple[DataRead, ...]:
        return tuple(r for r in self.reads if r.status == MISSING)


def _shown(value: str) -> str:
    if value.startswith(HERE):
        return value[len(HERE) :].lstrip("/") or "."
    if value.startswith(ROOT):
        return value[len(ROOT) :].lstrip("/") or "."
    return value


def candidates(file: str, value: str) -> tuple[str, ...]:
    """Where a path the code at `file` uses may be, relative to the root; "" for a place
    outside the repository."""
    folder = posixpath.dirname(file)
    if not relative(value):
        return ("",)
    if value.startswith(HERE):
        bases, value = [folder], value[len(HERE) :].lstrip("/") or "."
    elif value.startswith(ROOT):
        bases, value = [""], value[len(ROOT) :].lstrip("/") or "."
    elif file.lower().endswith(_RUN_IN_FOLDER):
        bases = [folder]
    else:  # a script or module: run from the root, its folder or a folder above it
        parts = folder.split("/") if folder else []
        above = ["/".join(parts[:i]) for i in range(len(parts) - 1, 0, -1)]
        bases = list(dict.fromkeys(["", folder, *above]))
    out: list[str] = []
    for base in bases:
        joined = posixpath.normpath(posixpath.join(base, value.replace("\\", "/")))
        out.append("" if joined == ".." or joined.startswith("../") else joined)
    return tuple(dict.fromkeys(out))


def _folders(snapshot: Snapshot) -> frozenset[str]:
    found: set[str] = set()
    for path in snapshot.files:
        parts = path.split("/")[:-1]
        found.update("/".join(parts[: i + 1]) for i in range(len(parts)))
    return frozenset(found)


def _tail(value: str) -> str:
    parts = [p for p in _shown(value).replace("\\", "/").split("/") if p not in ("", ".", "..")]
    return "/".join(parts)


def _python_uses(snapshot: Snapshot, path: str) -> tuple[list[PathUse], list[PathUse], int]:
    if path.endswith(".ipynb"):
        nb = read_notebook(snapshot, path)
        if nb is None:
            return [], [], 0
        cells = [(c.number, p) for c in code_cells(nb) if (p := c.python) is not None]
        trees, numbers = notebook_trees(cells, path)
        return scan_tree(trees, path, numbers)
    data, problem = snapshot.read_bytes(path, cap=SCRIPT_CAP)
    if problem is not None or not any(h in data for h in _HINTS):
        return [], [], 0
    try:
        tree = ast.parse(data, path)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return [], [], 0  # BLD001 reports code that does not parse
    return scan_tree([tree], path)


def _ours(path: str) -> bool:
    """Whether a file is the work's own code (not vendored, not a template)."""
    return not vendored(path) and not (_TEMPLATES & set(path.split("/")[:-1]))


def _python_sources(snapshot: Snapshot) -> list[str]:
    out = []
    for path in snapshot.with_suffix(".py", ".ipynb"):
        if not _ours(path):
            continue
        if path.endswith(".ipynb"):
            nb = read_notebook(snapshot, path)
            if nb is None or kernel_language(nb) != PYTHON:
                continue
        out.append(path)
    return out


def scan(snapshot: Snapshot) -> DataScan:
    """The literal reads and writes of every Python and R file, and the verdict on each."""
    reads: list[PathUse] = []
    writes: list[PathUse] = []
    computed = 0
    python = _python_sources(snapshot)
    for path in python:
        found, made, unknown = _python_uses(snapshot, path)
        reads.extend(found)
        writes.extend(made)
        computed += unknown
    r_files: set[str] = set()
    for unit in code_units(snapshot, R):
        if not _ours(unit.path):
            continue
        found, made, unknown = r_uses(unit.text, unit.path, unit.cell)
        reads.extend(found)
        writes.extend(made)
        computed += unknown
        r_files.add(unit.path)
    languages = ((PYTHON,) if python else ()) + ((R,) if r_files else ())
    judged = _judge(snapshot, reads, writes)
    return DataScan(len(python) + len(r_files), languages, judged, computed)


def _judge(snapshot: Snapshot, reads: list[PathUse], writes: list[PathUse]) -> tuple[DataRead, ...]:
    folders = _folders(snapshot)
    made: dict[str, str] = {}
    made_tails: dict[str, str] = {}
    for use in writes:
        for place in candidates(use.file, use.path):
            if place:
                made.setdefault(place, use.file)
        made_tails.setdefault(_tail(use.path), use.file)
    out: list[DataRead] = []
    seen: set[tuple[str, str, int, int | None]] = set()
    for use in reads:
        key = (use.file, use.path, use.line, use.cell)
        if key in seen:
            continue
        seen.add(key)
        places = candidates(use.file, use.path)
        shown = _shown(use.path)
        here = next((p for p in places if p and (snapshot.exists(p) or p in folders)), None)
        if here is not None:
            status, found = PRESENT, here
        elif (maker := next((made[p] for p in places if p in made), None)) is not None:
            status, found = GENERATED, maker
        elif _tail(use.path) and _tail(use.path) in made_tails:
            status, found = GENERATED, made_tails[_tail(use.path)]
        else:
            status, found = MISSING, None
        out.append(DataRead(use.file, use.line, use.cell, use.how, shown, places, status, found))
    return tuple(out)


def data_scan(ctx: Context) -> DataScan:
    """Fact provider: the data files the code reads by a literal path."""
    return scan(ctx.snapshot)
