"""What the notebook checks say about a run: the cell, the exception, the cause, the fix."""

from __future__ import annotations

from reprobot.checks.families.notebooks.execute import CellFailure, NotebookRun
from reprobot.checks.families.notebooks.found import SavedNotebook

_KINDS = {
    "cell-timeout": "the cell ran longer than its time limit",
    "dead-kernel": "the kernel died (out of memory, or the code ended the process)",
    "unreadable": "nbformat could not read it",
    "no-kernel": "the kernel did not start",
    "no-result": "it left no result",
}
TRACEBACK_SHOWN = 12


def _cell(failure: CellFailure, nb: SavedNotebook | None) -> str:
    if failure.cell is None:
        return "the parameters cell reprobot added" if failure.kind == "error" else ""
    line = ""
    if nb is not None:
        line = next((c.first_line for c in nb.cells if c.number == failure.cell), "")
    return f"cell {failure.cell} (`{line}`)" if line else f"cell {failure.cell}"


def _what(failure: CellFailure, limit: float | None = None) -> str:
    if failure.kind == "error":
        message = failure.evalue.strip().splitlines()
        first = message[0][:300] if message else ""
        return f"{failure.ename}: {first}" if first else failure.ename
    if failure.kind == "timeout":
        return f"the notebook ran out of time ({failure.evalue})"
    words = _KINDS.get(failure.kind, failure.kind)
    detail = failure.evalue.strip().splitlines()[-1:] if failure.evalue.strip() else []
    return f"{words}: {detail[0][:300]}" if detail else words


def first_line_of(run: NotebookRun, nb: SavedNotebook | None) -> str:
    """One line: where and what (`cell 3 (`import x`): ModuleNotFoundError: ...`)."""
    if run.failure is None:
        return "ran"
    where = _cell(run.failure, nb)
    what = _what(run.failure)
    return f"{where}: {what}" if where else what


def failure_words(run: NotebookRun, nb: SavedNotebook | None) -> str:
    """The finding for a notebook that stopped: where, what, why, and what to do."""
    failure = run.failure
    if failure is None:
        return "ran"
    lines = [f"stopped at {first_line_of(run, nb)}"]
    if failure.cause is not None:
        lines.append(f"Cause: {failure.cause.words}.")
        if failure.cause.fix:
            lines.append(f"Fix: {failure.cause.fix}.")
    if failure.kind == "error" and failure.traceback:
        tail = failure.traceback.rstrip().splitlines()[-TRACEBACK_SHOWN:]
        lines.append("Traceback (last lines):\n" + "\n".join(tail))
    if run.parameters:
        lines.append("(run with the parameters of the configuration)")
    return "\n".join(lines)


def not_run_words(nb: SavedNotebook) -> str:
    if nb.problem is not None:
        return nb.problem
    if not nb.python:
        kernel = f" ({nb.kernel})" if nb.kernel else ""
        return f"a {nb.language.capitalize()} kernel{kernel}; reprobot runs Python notebooks only"
    return "it has no code to run"
