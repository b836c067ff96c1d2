"""Notebook checks: they run in the fresh environment (NBK001), they were saved in
execution order (NBK003)."""

from __future__ import annotations

from collections.abc import Mapping

from reprobot.checks.core.check import Check, Context
from reprobot.checks.core.model import Finding, Outcome, errored, failed, passed, skipped, warned
from reprobot.checks.core.words import plural
from reprobot.checks.families.notebooks.execute import (
    NotebookRun,
    NotebookRuns,
    notebook_runs,
    runnable,
)
from reprobot.checks.families.notebooks.found import NotebookSet, SavedNotebook, notebook_set
from reprobot.checks.families.notebooks.order import saved_order
from reprobot.checks.families.notebooks.reproduce import (
    Reproduction,
    reproductions,
    written_figures,
)
from reprobot.checks.families.notebooks.telling import summary
from reprobot.checks.families.notebooks.words import failure_words, first_line_of, not_run_words


def _not_run(found: NotebookSet) -> list[tuple[str, str]]:
    """(path, why) for every selected notebook NBK001 does not run."""
    out = [(path, f"skipped in the configuration: {why}") for path, why in found.skipped.items()]
    out += [(nb.path, not_run_words(nb)) for nb in found.notebooks if not runnable(nb)]
    return sorted(out)


def judged(run: NotebookRun) -> bool:
    """Whether a notebook that stopped is the notebook's failure (not this machine's)."""
    cause = run.failure.cause if run.failure is not None else None
    return cause is None or cause.judged


def _nothing_selected(found: NotebookSet) -> Outcome:
    left_out = f" ({plural(found.excluded, 'notebook')} excluded)" if found.excluded else ""
    return skipped(f"no notebooks to run{left_out}")


class NBK001(Check):
    """The notebooks run from top to bottom

    Every notebook is run from its first cell to its last in a new kernel of the fresh
    environment (only what the repository declares, and ipykernel), from its own folder in
    a clean copy of the repository, with a time limit per cell (`notebooks.cell_timeout`)
    and per notebook (`notebooks.timeout`). A notebook that stops tells the reader the
    results cannot be had from the repository as it is. The message names the cell, the
    exception, and the cause when reprobot knows it: an undeclared import (add the
    requirement), a data file that is not in the repository, an absolute path, a library
    whose API changed (pin the version that worked). Cells tagged `skip-execution` are not
    run and cells tagged `raises-exception` may raise; the notebook metadata
    `execution.allow_errors` and `execution.timeout` are honoured, parameters from
    `notebooks.parameters` are set after the cell tagged `parameters`, and
    `notebooks.skip` leaves a notebook out with a reason. Notebooks of other kernels (R,
    Julia) are named as not run.
    """

    def evaluate(self, ctx: Context) -> Outcome:
        found = ctx.fact(notebook_set)
        if not found.notebooks and not found.skipped:
            return _nothing_selected(found)
        not_run = _not_run(found)
        if not any(runnable(nb) for nb in found.notebooks):
            reasons = "; ".join(f"{path}: {why}" for path, why in not_run[:5])
            return skipped(f"no notebook could be run ({reasons})")
        runs: NotebookRuns = ctx.fact(notebook_runs)
        if runs.problem is not None:
            if runs.machine:
                return errored(f"the notebooks could not be run: {runs.problem}")
            return skipped(runs.problem)
        return _verdict(runs, not_run, found)


def _verdict(runs: NotebookRuns, not_run: list[tuple[str, str]], found: NotebookSet) -> Outcome:
    by_path = {nb.path: nb for nb in found.notebooks}
    stopped = [r for r in runs.runs if not r.ok]
    broken = [r for r in stopped if judged(r)]
    unjudged = [r for r in stopped if not judged(r)]
    ran = len(runs.runs) - len(stopped)
    findings = [Finding(failure_words(run, by_path.get(run.path)), run.path) for run in stopped]
    findings += [Finding(f"not run: {why}", path) for path, why in not_run]
    not_run = [*not_run, *((r.path, "not judged") for r in unjudged)]
    notes = []
    if runs.installed_kernel:
        notes.append("ipykernel was installed into the fresh environment to run them")
    if runs.leftovers_killed:
        verb = "was" if runs.leftovers_killed == 1 else "were"
        notes.append(f"{plural(runs.leftovers_killed, 'process')} left running {verb} stopped")
    note = f" ({'; '.join(notes)})" if notes else ""
    counts = f"{ran} of {plural(len(runs.runs), 'notebook')} ran"
    if not_run:
        counts += f"; {len(not_run)} not run"
    if broken:
        first = broken[0]
        head = first_line_of(first, by_path.get(first.path))
        return failed(
            f"{counts}; first failure: {first.path}: {head}{note}", findings=tuple(findings)
        )
    if not_run:
        return warned(f"{counts}{note}", findings=tuple(findings))
    return passed(f"{counts} top to bottom{note}")


class NBK002(Check):
    """The notebooks' stored results come out again

    A notebook that runs may still not give the results it shows. Each notebook that ran
    to its end (NBK001) has the outputs stored in the repository compared, cell by cell,
    with the outputs of the new run: printed text and results after masking what changes
    from run to run (memory addresses, times, temporary paths), numbers within the
    relative tolerance `notebooks.tolerance`, tables cell by cell, figures by how much of
    them changed. nbval's markers (`# NBVAL_IGNORE_OUTPUT`, `# NBVAL_SKIP` and the tags
    `nbval-ignore-output`, `nbval-skip`) leave a cell out. A difference is a warning, and a
    failure for the notebooks `notebooks.reproduce` names. A notebook saved without
    outputs has nothing to compare and is named instead of passed. Fix: find what changed
    (a seed, a dependency's version, a data file), or run the notebook again and commit
    its outputs when the new results are the right ones.
    """

    def evaluate(self, ctx: Context) -> Outcome:
        found: tuple[Reproduction, ...] = ctx.fact(reproductions)
        if not found:
            return skipped("no notebook ran to its end to compare (see NBK001)")
        return _reproduction_verdict(found, ctx.fact(written_figures))


def _reproduction_verdict(
    found: tuple[Reproduction, ...], figures: Mapping[str, tuple[str, ...]] | None = None
) -> Outcome:
    same, different, unjudged = [], [], []
    for item in found:
        comparison = item.comparison
        if comparison is None or comparison.nothing_to_compare:
            why = item.problem or "saved without outputs: nothing to compare"
            unjudged.append(Finding(why, item.path))
        elif comparison.reproduced:
            same.append(item)
        else:
            different.append(item)
    findings = [Finding(summary(i.comparison), i.path) for i in different if i.comparison]
    for path, names in (figures or {}).items():
        findings.append(Finding(f"side by side, stored and new: {', '.join(names)}", path))
    counts = f"{len(same)} of {plural(len(found), 'notebook')} reproduce their stored outputs"
    if unjudged:
        counts += f"; {len(unjudged)} not compared"
    if not same and not different:
        return skipped(f"no notebook that ran has stored outputs to compare ({found[0].path})")
    required = [i.path for i in different if i.required]
    if required:
        shown = ", ".join(required[:3])
        message = f"{counts}; {shown} must reproduce (notebooks.reproduce) and did not"
        return failed(message, findings=(*findings, *unjudged))
    if different:
        first = different[0]
        return warned(f"{counts}; first: {first.path}", findings=(*findings, *unjudged))
    return passed(counts, findings=tuple(unjudged))


def _judged(nb: SavedNotebook) -> bool:
    return nb.problem is None


class NBK003(Check):
    """The notebooks were saved in execution order

    The execution counts a notebook stores show how it was run before it was saved. Saved
    from one run from top to bottom in a fresh kernel, they read 1, 2, 3 ... down the code
    cells. Counts that go back, jump, or are missing mean the saved outputs came from
    cells run out of order, run again or deleted: the results shown may not follow from
    the code as it reads. Restart the kernel, run all cells, and save. An empty notebook,
    or one without code, shows nothing and is named instead of passed.
    """

    def evaluate(self, ctx: Context) -> Outcome:
        found = ctx.fact(notebook_set)
        notebooks = [nb for nb in found.notebooks if _judged(nb)]
        if not notebooks:
            return _nothing_selected(found)
        findings: list[Finding] = []
        empty: list[Finding] = []
        cleared: list[Finding] = []
        in_order = 0
        for nb in notebooks:
            if not nb.code:
                empty.append(Finding("the notebook has no code", nb.path))
                continue
            order = saved_order(nb)
            if not order.judged:
                cleared.append(Finding("saved without execution counts: not judged", nb.path))
            elif order.problems:
                findings += [Finding(problem, nb.path) for problem in order.problems[:5]]
                if len(order.problems) > 5:
                    more = plural(len(order.problems) - 5, "more place")
                    findings.append(Finding(f"... and {more}", nb.path))
            else:
                in_order += 1
        return _order_verdict(len(notebooks), in_order, findings, empty, cleared)


def _order_verdict(
    total: int, in_order: int, findings: list[Finding], empty: list[Finding], cleared: list[Finding]
) -> Outcome:
    out_of_order = len({f.path for f in findings})
    summary = f"{in_order} of {plural(total, 'notebook')} saved in order"
    others = (*empty, *cleared)
    if cleared:
        summary += f"; {len(cleared)} saved without counts, not judged"
    if out_of_order or empty:
        parts = [summary]
        if out_of_order:
            parts.append(f"{out_of_order} saved out of order")
        if empty:
            parts.append(f"{plural(len(empty), 'notebook')} without code")
        return warned("; ".join(parts), findings=(*findings, *others))
    if not in_order:
        return skipped(f"no notebook has saved execution counts to judge ({cleared[0].path})")
    return passed(summary, findings=tuple(cleared))
