"""Whether a notebook was saved as one run from top to bottom, from its execution counts.

A notebook run top to bottom in a fresh kernel stores the counts 1, 2, 3 ... down its code
cells. A count lower than the one above means a cell was run after a later one; a jump
means cells were run more than once, or run and then deleted, in between; a cell without
a count among counted ones was never run. Pure functions over the saved cells.
"""

from __future__ import annotations

from dataclasses import dataclass

from reprobot.checks.families.notebooks.found import SavedCell, SavedNotebook


@dataclass(frozen=True)
class Order:
    """What the counts say. `judged` is False when no count was saved at all."""

    judged: bool
    problems: tuple[str, ...] = ()

    @property
    def in_order(self) -> bool:
        return self.judged and not self.problems


def _label(cell: SavedCell) -> str:
    return f"cell {cell.number} (`{cell.first_line}`)" if cell.first_line else f"cell {cell.number}"


def saved_order(nb: SavedNotebook) -> Order:
    cells = nb.code
    counted = [c for c in cells if c.count is not None]
    if not counted:
        return Order(False)
    problems: list[str] = []
    first = counted[0]
    if first.count != 1:
        problems.append(
            f"the first count is [{first.count}] at {_label(first)}: other cells ran before"
        )
    previous: SavedCell | None = None
    for cell in cells:
        if cell.count is None:
            problems.append(f"{_label(cell)} was not run before saving")
            continue
        if previous is not None and previous.count is not None:
            if cell.count <= previous.count:
                problems.append(
                    f"{_label(cell)} ran as [{cell.count}], after {_label(previous)} "
                    f"ran as [{previous.count}]"
                )
            elif cell.count > previous.count + 1:
                problems.append(
                    f"the count jumps from [{previous.count}] to [{cell.count}] at "
                    f"{_label(cell)}: cells in between were run again or deleted"
                )
        previous = cell
    return Order(True, tuple(problems))
