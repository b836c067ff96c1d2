"""The stored outputs of each notebook that ran, against the outputs of the new run: the
fact NBK002 judges. The comparison itself is `compare.py`."""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from reprobot.checks.core.check import Context
from reprobot.checks.environment.machine import machine_settings
from reprobot.checks.families.notebooks.compare import Comparison, compare_notebooks
from reprobot.checks.families.notebooks.execute import notebook_runs
from reprobot.checks.families.notebooks.figures import write_figures
from reprobot.checks.families.notebooks.settings import NotebookSettings
from reprobot.checks.repo.notebooks import read_notebook


@dataclass(frozen=True)
class Reproduction:
    path: str
    comparison: Comparison | None  # None: the stored or the new notebook could not be read
    required: bool  # `notebooks.reproduce` names it: a difference is a failure
    problem: str | None = None


def required(path: str, patterns: tuple[str, ...]) -> bool:
    return any(fnmatch.fnmatchcase(path, p) for p in patterns)


def _as_v4(nb: Mapping[str, Any]) -> Mapping[str, Any]:
    """An nbformat 3 notebook (`worksheets`) as nbformat 4, as the new run has it."""
    if nb.get("nbformat") != 3:
        return nb
    import nbformat  # costly, and only an nbformat 3 notebook needs it

    node = nbformat.from_dict(nb)  # type: ignore[no-untyped-call]
    converted: Mapping[str, Any] = nbformat.convert(node, 4)  # type: ignore[no-untyped-call]
    return converted


def reproductions(ctx: Context) -> tuple[Reproduction, ...]:
    """Fact provider: one comparison for each notebook that ran to its end."""
    settings = ctx.settings(NotebookSettings)
    found = []
    for run in ctx.fact(notebook_runs).runs:
        if not run.ok:
            continue
        must = required(run.path, settings.reproduce)
        stored = read_notebook(ctx.snapshot, run.path)
        if stored is None or run.executed is None:
            found.append(Reproduction(run.path, None, must, "the notebook could not be read"))
            continue
        try:
            comparison = compare_notebooks(
                _as_v4(stored), run.executed, tolerance=settings.tolerance
            )
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            found.append(Reproduction(run.path, None, must, f"could not be compared: {exc}"))
            continue
        found.append(Reproduction(run.path, comparison, must))
    return tuple(found)


def written_figures(ctx: Context) -> dict[str, tuple[str, ...]]:
    """Fact provider: notebook -> the side-by-side figures of its changed images, written
    into the machine's `REPROBOT_FIGURES_DIR` (nothing without one)."""
    folder = ctx.fact(machine_settings).figures_dir
    if folder is None:
        return {}
    written: dict[str, tuple[str, ...]] = {}
    for found in ctx.fact(reproductions):
        if found.comparison is None:
            continue
        stem = found.path.removesuffix(".ipynb").replace("/", "_")
        try:
            paths = write_figures(found.comparison.differences, folder, stem=stem)
        except OSError:
            continue
        if paths:
            written[found.path] = tuple(p.name for p in paths)
    return written
