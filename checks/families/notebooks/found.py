"""The notebooks to run and what their saved form says: kernel, code cells, the order in
which they were executed before they were saved.

Everything here reads the repository's files only (through the one notebook reader); the
run itself is `execute.py`.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from reprobot.checks.core.check import Context
from reprobot.checks.families.notebooks.settings import ALWAYS_EXCLUDED, NotebookSettings
from reprobot.checks.repo.notebooks import language, read_notebook

PYTHON = "python"


@dataclass(frozen=True)
class SavedCell:
    """One code cell as saved: its 1-based position among all cells, its first line, the
    execution count Jupyter stored (None when never run), whether it has outputs."""

    number: int
    first_line: str
    count: int | None
    has_outputs: bool
    empty: bool  # nothing but blanks


@dataclass(frozen=True)
class SavedNotebook:
    path: str
    language: str  # the kernel's language, lower case
    kernel: str  # the kernel's name as the notebook gives it ("" when none)
    cells: tuple[SavedCell, ...] = ()  # the code cells
    problem: str | None = None  # why it could not be read as a notebook

    @property
    def python(self) -> bool:
        return self.language == PYTHON

    @property
    def code(self) -> tuple[SavedCell, ...]:
        return tuple(c for c in self.cells if not c.empty)


@dataclass(frozen=True)
class NotebookSet:
    notebooks: tuple[SavedNotebook, ...]  # the notebooks selected, sorted by path
    skipped: Mapping[str, str]  # path -> reason, from `notebooks.skip`
    excluded: int = 0  # notebooks left out by the exclusions


def _matches(path: str, patterns: Sequence[str]) -> bool:
    return any(fnmatch.fnmatchcase(path, p) for p in patterns)


def first_line(source: str) -> str:
    for line in source.splitlines():
        if line.strip():
            return line.strip()[:80]
    return ""


def _source(cell: Mapping[str, Any]) -> str:
    source = cell.get("source", cell.get("input", ""))
    if isinstance(source, list):
        return "".join(s for s in source if isinstance(s, str))
    return source if isinstance(source, str) else ""


def _cells(nb: Mapping[str, Any]) -> list[Any]:
    if isinstance(nb.get("cells"), list):
        return list(nb["cells"])
    cells: list[Any] = []
    for sheet in nb.get("worksheets") or []:
        if isinstance(sheet, Mapping) and isinstance(sheet.get("cells"), list):
            cells.extend(sheet["cells"])
    return cells


def saved_cells(nb: Mapping[str, Any]) -> tuple[SavedCell, ...]:
    """The code cells of a notebook as saved (nbformat 4 or 3)."""
    found = []
    for number, cell in enumerate(_cells(nb), start=1):
        if not isinstance(cell, Mapping) or cell.get("cell_type") != "code":
            continue
        source = _source(cell)
        count = cell.get("execution_count", cell.get("prompt_number"))
        outputs = cell.get("outputs")
        found.append(
            SavedCell(
                number,
                first_line(source),
                count if isinstance(count, int) and not isinstance(count, bool) else None,
                bool(outputs) if isinstance(outputs, list) else False,
                not source.strip(),
            )
        )
    return tuple(found)


def _kernel(nb: Mapping[str, Any]) -> str:
    metadata = nb.get("metadata")
    spec = metadata.get("kernelspec") if isinstance(metadata, Mapping) else None
    name = spec.get("name") if isinstance(spec, Mapping) else None
    return name if isinstance(name, str) else ""


def saved_notebook(path: str, nb: Mapping[str, Any] | None) -> SavedNotebook:
    if nb is None:
        return SavedNotebook(path, PYTHON, "", problem="it is not a readable notebook (BLD001)")
    return SavedNotebook(path, language(nb), _kernel(nb), saved_cells(nb))


def notebook_set(ctx: Context) -> NotebookSet:
    """Fact provider: the notebooks `notebooks.include` selects, less the exclusions, and
    the ones `notebooks.skip` names (with their reasons)."""
    settings = ctx.settings(NotebookSettings)
    candidates = [p for p in ctx.snapshot.with_suffix(".ipynb") if _matches(p, settings.include)]
    excluded = (*ALWAYS_EXCLUDED, *settings.exclude)
    chosen = [p for p in candidates if not _matches(p, excluded)]
    skipped = {p: settings.skip[p] for p in chosen if p in settings.skip}
    notebooks = tuple(
        saved_notebook(p, read_notebook(ctx.snapshot, p))
        for p in sorted(chosen)
        if p not in skipped
    )
    return NotebookSet(notebooks, skipped, len(candidates) - len(chosen))
