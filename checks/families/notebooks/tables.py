"""HTML tables (pandas' DataFrame display) compared cell by cell, numbers within a tolerance.

The HTML itself changes between pandas versions (`<style scoped>`, classes, `border="1"`,
ids of a Styler), the table's contents do not: `tables` reads each `<table>` into rows of
cell texts with the standard library's `html.parser`, and `compare_tables` compares the
shapes and then each cell.
"""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser

from reprobot.checks.families.notebooks.tolerance import (
    compare_text,
    excerpt,
    split_numbers,
    worst_number,
)

Table = tuple[tuple[str, ...], ...]
# A hostile notebook's table is not read past this many cells.
MAX_CELLS = 200_000


class _TableReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[str]]] = []
        self._open: list[list[list[str]]] = []  # nested tables
        self._cell: list[str] | None = None
        self._skip = 0  # inside <style> or <script>
        self.cells = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "script"):
            self._skip += 1
        elif tag == "table":
            self._open.append([])
        elif tag == "tr" and self._open:
            self._open[-1].append([])
        elif tag in ("td", "th") and self._open and self.cells < MAX_CELLS:
            if not self._open[-1]:
                self._open[-1].append([])
            self._cell = []
            self.cells += 1
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script"):
            self._skip = max(0, self._skip - 1)
        elif tag in ("td", "th"):
            self._close_cell()
        elif tag == "table" and self._open:
            self._close_cell()
            self.tables.append(self._open.pop())

    def handle_data(self, data: str) -> None:
        if self._cell is not None and not self._skip:
            self._cell.append(data)

    def _close_cell(self) -> None:
        if self._cell is not None and self._open and self._open[-1]:
            self._open[-1][-1].append(" ".join("".join(self._cell).split()))
        self._cell = None


def tables(html: str) -> tuple[Table, ...]:
    """Each table in the HTML, as rows of cell texts (blank rows left out)."""
    reader = _TableReader()
    try:
        reader.feed(html)
        reader.close()
    except (AssertionError, ValueError):  # html.parser's own complaints on broken markup
        pass
    return tuple(tuple(tuple(row) for row in table if row) for table in reader.tables)


@dataclass(frozen=True)
class TableVerdict:
    """How two tables compare: `same`, else where (`row 'b', column 'x'`) and what."""

    same: bool
    place: str = ""
    stored: str = ""
    new: str = ""
    relative: float | None = None


def _shape(table: Table) -> str:
    columns = max((len(row) for row in table), default=0)
    return f"{len(table)} rows × {columns} columns"


def _place(table: Table, row: int, column: int) -> str:
    header = table[0] if table else ()
    name = header[column] if column < len(header) and header[column] else str(column + 1)
    label = table[row][0] if table[row] and table[row][0] and column else str(row + 1)
    return f"row {label!r}, column {name!r}"


def compare_tables(
    stored: tuple[Table, ...], new: tuple[Table, ...], tolerance: float
) -> TableVerdict:
    """The first difference of shape, else the worst number out of tolerance, else the
    first cell whose words differ."""
    if len(stored) != len(new):
        return TableVerdict(False, "tables", f"{len(stored)} tables", f"{len(new)} tables")
    first_text: TableVerdict | None = None
    worst: TableVerdict | None = None
    for number, (old_table, new_table) in enumerate(zip(stored, new, strict=True), start=1):
        prefix = f"table {number}, " if len(stored) > 1 else ""
        if [len(r) for r in old_table] != [len(r) for r in new_table]:
            shape = (_shape(old_table), _shape(new_table))
            return TableVerdict(False, prefix + "shape", *shape)
        for r, (old_row, new_row) in enumerate(zip(old_table, new_table, strict=True)):
            for c, (a, b) in enumerate(zip(old_row, new_row, strict=True)):
                verdict = compare_text(a, b, tolerance)
                if verdict.same:
                    continue
                place = prefix + _place(old_table, r, c)
                if verdict.kind == "number":
                    numbers = worst_number(split_numbers(a)[1], split_numbers(b)[1], tolerance)
                    rel = numbers[2] if numbers else None
                    if worst is None or (rel or 0) > (worst.relative or 0):
                        worst = TableVerdict(False, place, excerpt(a), excerpt(b), rel)
                elif first_text is None:
                    first_text = TableVerdict(False, place, excerpt(a), excerpt(b))
    return first_text or worst or TableVerdict(True)
