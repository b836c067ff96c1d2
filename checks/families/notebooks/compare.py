"""A notebook's stored outputs against the outputs of running it again, cell by cell.

Pure: both notebooks are given (nbformat 4, as `NotebookNode`s or plain dicts) and
nothing is read or run. Code cells are paired by their cell ids when both notebooks have
unique ids for every code cell, else by their place among the code cells. In each pair:

- printed text (`stdout`; `stderr` is warnings and progress, never compared) and
  `text/plain` results are compared after `masking.mask`, numbers within `tolerance`;
- pandas tables (`text/html` with a `<table>`) cell by cell (`tables`);
- figures (`image/png`, `image/jpeg`) by size and the share of pixels changed (`images`);
- an error in the new run where none was stored is a difference of its own;
- `execute_result` and `display_data` are the same thing shown two ways.

A cell with no stored output has nothing to compare and counts neither way; nbval's
markers (`# NBVAL_SKIP`, `# NBVAL_IGNORE_OUTPUT` comment lines, or the cell tags
`nbval-skip`, `nbval-ignore-output`) leave a cell out, and so do profiling magics (`%prun`,
`%lprun`, `%memit`, `%mprun`), whose output is never a result; and with `lax=True` only the cells
marked `# NBVAL_CHECK_OUTPUT` (tag `nbval-check-output`) are compared, as `--nbval-lax`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from reprobot.checks.families.notebooks.images import compare_images, decode
from reprobot.checks.families.notebooks.masking import Sanitizer, compile_sanitize, mask
from reprobot.checks.families.notebooks.outputs import CellOutputs, Rich, paired_cells, text_of
from reprobot.checks.families.notebooks.tables import Table, compare_tables, tables
from reprobot.checks.families.notebooks.tolerance import compare_text, excerpt

KINDS = ("text", "number", "table", "image", "missing", "extra", "error")


@dataclass(frozen=True)
class Difference:
    """One output that did not come out again.

    `cell` is the cell's number as Jupyter shows it (1-based, among all cells), `source`
    the first line of its code, `kind` one of `KINDS`, `stored` and `new` short excerpts
    (one line each, empty for nothing), `relative` the relative difference of the numbers
    when `kind` is `number` or a table's number, `place` where in the output (`line 3`,
    `row 'b', column 'x'`, `figure 2`). For figures, `images` holds both base64 payloads
    (stored, new) for `figures.side_by_side`."""

    cell: int
    source: str
    kind: str
    stored: str
    new: str
    relative: float | None = None
    place: str = ""
    images: tuple[str, str] | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Comparison:
    """A notebook's comparison: how many cells with stored outputs were compared and how
    many came out the same. `nothing_to_compare` when no cell had a stored output to
    compare (a notebook saved without outputs): not a pass."""

    cells_compared: int
    cells_reproduced: int
    differences: tuple[Difference, ...]
    nothing_to_compare: bool
    cells_ignored: int = 0  # cells with stored outputs that nbval's markers or lax left out

    @property
    def share(self) -> float:
        """Reproduced cells over compared cells (0 when nothing was compared)."""
        return self.cells_reproduced / self.cells_compared if self.cells_compared else 0.0

    @property
    def reproduced(self) -> bool:
        """Every compared cell came out the same, and there was something to compare."""
        return not self.nothing_to_compare and self.cells_reproduced == self.cells_compared


@dataclass(frozen=True)
class _Cell:
    number: int
    source: str
    tolerance: float
    sanitize: tuple[tuple[re.Pattern[str], str], ...]

    def difference(self, kind: str, stored: str, new: str, **more: Any) -> Difference:
        return Difference(self.number, self.source, kind, stored, new, **more)


def _compare_text(cell: _Cell, stored: str, new: str, place: str) -> list[Difference]:
    old, fresh = mask(stored, cell.sanitize), mask(new, cell.sanitize)
    if not old and not fresh:
        return []
    if not fresh:
        return [cell.difference("missing", excerpt(old), "", place=place)]
    if not old:
        return [cell.difference("extra", "", excerpt(fresh), place=place)]
    verdict = compare_text(old, fresh, cell.tolerance)
    if verdict.same:
        return []
    line = f"line {verdict.line}" if verdict.line and "\n" in old + fresh else ""
    at = ", ".join(part for part in (place, line) if part)
    return [
        cell.difference(
            verdict.kind, verdict.stored, verdict.new, relative=verdict.relative, place=at
        )
    ]


def _masked_tables(html: str, cell: _Cell) -> tuple[Table, ...]:
    return tuple(
        tuple(tuple(mask(text, cell.sanitize) for text in row) for row in table)
        for table in tables(html)
    )


def _compare_rich(cell: _Cell, stored: Rich, new: Rich, place: str) -> list[Difference]:
    if stored.image_mime:
        data = new.data.get(stored.image_mime)
        if data is None:
            shown = excerpt(new.plain) if new.plain else "no figure"
            return [cell.difference("image", decode(stored.image).size, shown, place=place)]
        verdict = compare_images(stored.image, data)
        if verdict.same:
            return []
        pair = (stored.image, text_of(data))
        return [
            cell.difference(
                "image",
                verdict.stored,
                verdict.new,
                relative=verdict.changed,
                place=place,
                images=pair,
            )
        ]
    if stored.table_html and new.table_html:
        old_tables = _masked_tables(stored.table_html, cell)
        if old_tables:
            verdict_t = compare_tables(
                old_tables, _masked_tables(new.table_html, cell), cell.tolerance
            )
            if verdict_t.same:
                return []
            where = f"{place}, {verdict_t.place}" if place else verdict_t.place
            return [
                cell.difference(
                    "table",
                    verdict_t.stored,
                    verdict_t.new,
                    relative=verdict_t.relative,
                    place=where,
                )
            ]
    return _compare_text(cell, stored.text, new.text, place)


def _compare_cell(cell: _Cell, stored: CellOutputs, new: CellOutputs | None) -> list[Difference]:
    if new is None:
        return [cell.difference("missing", stored.summary, "", place="not in the new notebook")]
    if new.error and new.error != stored.error:
        return [
            cell.difference(
                "error", stored.summary if not stored.error else stored.error, new.error
            )
        ]
    if stored.error and not new.error:
        return [cell.difference("missing", stored.error, new.summary)]
    found = _compare_text(cell, stored.stdout, new.stdout, "printed text")
    for number in range(max(len(stored.rich), len(new.rich))):
        place = f"output {number + 1}" if len(stored.rich) > 1 or len(new.rich) > 1 else ""
        if number >= len(new.rich):
            found.append(cell.difference("missing", stored.rich[number].summary, "", place=place))
        elif number >= len(stored.rich):
            found.append(cell.difference("extra", "", new.rich[number].summary, place=place))
        else:
            found += _compare_rich(cell, stored.rich[number], new.rich[number], place)
    return found


def compare_notebooks(
    stored: Mapping[str, Any],
    executed: Mapping[str, Any],
    *,
    tolerance: float,
    sanitize: Iterable[Sanitizer | Mapping[str, str] | tuple[str, str]] = (),
    lax: bool = False,
) -> Comparison:
    """How the executed notebook's outputs compare with the stored ones.

    `tolerance` is the relative difference allowed between two numbers (0.01 is 1%),
    `sanitize` nbval-style `{regex, replace}` replacements applied to both texts after the
    built-in masks (ValueError names an entry whose regex is not valid), `lax` compares
    only the cells marked `NBVAL_CHECK_OUTPUT`."""
    rules = compile_sanitize(sanitize)
    compared = reproduced = ignored = 0
    differences: list[Difference] = []
    for pair in paired_cells(stored, executed):
        if pair.stored.empty:
            continue
        if pair.stored.ignored(lax=lax):
            ignored += 1
            continue
        cell = _Cell(pair.stored.number, pair.stored.first_line, tolerance, rules)
        found = _compare_cell(cell, pair.stored, pair.new)
        compared += 1
        reproduced += not found
        differences += found
    return Comparison(compared, reproduced, tuple(differences), compared == 0, ignored)


def first_differences(comparison: Comparison, limit: int = 3) -> Sequence[Difference]:
    """The first differences, one per cell, for a short message."""
    seen: set[int] = set()
    first: list[Difference] = []
    for difference in comparison.differences:
        if difference.cell not in seen:
            seen.add(difference.cell)
            first.append(difference)
    return first[:limit]
