"""HTML tables (pandas' DataFrame display) compared cell by cell, numbers within a tolerance.

The HTML itself changes between pandas versions (`<style scoped>`, classes, `border="1"`,
ids of a Styler), the table's contents do not: `tables` reads each `<table>` into rows of
cell texts with the standard library's `html.parser`, and `compare_tables` compares the
shapes and then each cell.
"""

from __future__ import annotations

from dataclasses import dataclass

from reprobot.checks.families.notebooks.tolerance import (
    compare_text,
    excerpt,
    split_numbers,
    worst_number,
)

Table = tuple[tuple[str, ...], ...]


def tables(html: str) -> tuple[Table, ...]:
    """Each table in the HTML, as rows of cell texts (blank rows left out)."""
    from reprobot.checks.families.notebooks.markup import TableReader  # html.parser is costly

    reader = TableReader()
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
