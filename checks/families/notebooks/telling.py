"""A difference between stored and new outputs in plain words, for messages."""

from __future__ import annotations

from reprobot.checks.families.notebooks.compare import Comparison, Difference, first_differences
from reprobot.checks.families.notebooks.images import CHANGED_SHARE


def _percent(share: float) -> str:
    if share == float("inf"):
        return "not comparable"
    return f"{share * 100:.2g}%" if share < 0.1 else f"{share * 100:.0f}%"


def _quoted(text: str) -> str:
    return f"`{text}`" if text else "nothing"


def describe(difference: Difference) -> str:
    """`cell 7 (print(score)): 0.873 → 0.861 (rel. 1.4%)`, `cell 3: the figure changed
    (4.2% of it)`, `cell 5: ZeroDivisionError: division by zero in the new run`."""
    code = f" (`{difference.source}`)" if difference.source else ""
    at = f"cell {difference.cell}{code}"
    place = f", {difference.place}" if difference.place else ""
    kind, stored, new = difference.kind, difference.stored, difference.new
    if kind == "number" or (kind == "table" and difference.relative is not None):
        rel = f" (rel. {_percent(difference.relative)})" if difference.relative is not None else ""
        return f"{at}{place}: {stored} → {new}{rel}"
    if kind == "image":
        if difference.relative is not None:
            return (
                f"{at}{place}: the figure changed ({_percent(difference.relative)} of it, "
                f"more than {_percent(CHANGED_SHARE)})"
            )
        return f"{at}{place}: the figure was {stored}, now {new}"
    if kind == "error":
        return f"{at}: {new} in the new run (stored: {_quoted(stored)})"
    if kind == "missing":
        instead = f" (the new run shows {_quoted(new)})" if new else ""
        return f"{at}{place}: {_quoted(stored)} did not come out again{instead}"
    if kind == "extra":
        return f"{at}{place}: the new run also shows {_quoted(new)}"
    return f"{at}{place}: {_quoted(stored)} → {_quoted(new)}"


def summary(comparison: Comparison, limit: int = 3) -> str:
    """`4 of 5 cells reproduce; cell 7 (...): 0.873 → 0.861 (rel. 1.4%)`."""
    if comparison.nothing_to_compare:
        return "no stored outputs to compare"
    head = f"{comparison.cells_reproduced} of {comparison.cells_compared} cells reproduce"
    first = [describe(d) for d in first_differences(comparison, limit)]
    return "; ".join([head, *first])
