"""Running the notebooks in the fresh environment: the facts NBK001 and NBK002 judge.

The fresh environment gets ipykernel (unless it has it), so that the kernel is its own
Python with what the repository declares; note that ipykernel's dependencies (tornado,
traitlets, pyzmq, IPython ...) are then importable by the notebooks too. nbclient itself
runs apart, in a small environment of the clean room, from reprobot's own `driver.py`.
One sandboxed command runs every notebook, a few at a time, each from its own folder in
the clean copy of the repository, with a limit per cell and per notebook; the command's
own limit (all notebooks' limits over the parallel runs, plus start-up) kills the whole
process tree if the driver itself hangs, and nothing it started outlives it.

What the driver writes is the notebooks' own doing, so each result file is read as
hostile input: never through a link, only a regular file, with a size cap.
"""

from __future__ import annotations

import json
import math
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name

from reprobot.checks.core.check import Context
from reprobot.checks.core.runner import RunOutcome
from reprobot.checks.core.sandbox import give_to_sandbox, remove_tree, sandbox_run, workspace
from reprobot.checks.core.snapshot import read_regular
from reprobot.checks.environment.cache import sandbox_uv_env
from reprobot.checks.environment.distributions import environment_names, installed_distributions
from reprobot.checks.environment.fresh import FreshEnvironment, fresh_environment, install_extra
from reprobot.checks.environment.machine import machine_settings
from reprobot.checks.environment.uv import sandbox_uv, uv_index_args
from reprobot.checks.families.notebooks.causes import (
    Cause,
    diagnose,
    library_modules,
    missing_module,
)
from reprobot.checks.families.notebooks.found import SavedNotebook, notebook_set
from reprobot.checks.families.notebooks.settings import NotebookSettings
from reprobot.checks.manifests import manifest
from reprobot.checks.repo.import_names import known_distribution
from reprobot.checks.repo.notebooks import read_notebook

KERNEL = "reprobot-fresh"
INSTALL_TIMEOUT = 600.0
START_UP = 300.0  # seconds the driver may take besides the notebooks' own limits
KERNEL_START = 130.0  # what the driver allows each kernel to start, besides its limit
RESULT_CAP = 128 * 1024 * 1024
DRIVER_PACKAGES = ("nbclient>=0.8", "nbformat>=5.9")
DRIVER_PYTHON = ">=3.10"  # for the driver's own environment


@dataclass(frozen=True)
class CellFailure:
    """Why a notebook stopped. `cell` is the 1-based number of the cell in the notebook as
    saved (None: the cell reprobot injected for the parameters, or none known)."""

    kind: str  # "error", "cell-timeout", "timeout", "dead-kernel", "no-kernel", "unreadable"
    cell: int | None = None
    ename: str = ""
    evalue: str = ""
    traceback: str = ""
    cause: Cause | None = None


@dataclass(frozen=True)
class NotebookRun:
    path: str
    failure: CellFailure | None = None  # None: it ran top to bottom
    seconds: float = 0.0
    executed: Mapping[str, Any] | None = None  # the executed notebook, cells as saved
    parameters: bool = False  # reprobot set parameters from the configuration

    @property
    def ok(self) -> bool:
        return self.failure is None


@dataclass(frozen=True)
class NotebookRuns:
    runs: tuple[NotebookRun, ...] = ()
    problem: str | None = None  # why no notebook could be run at all
    machine: bool = False  # the problem is reprobot's tooling (ipykernel, nbclient), not the code
    installed_kernel: bool = False  # reprobot installed ipykernel into the environment
    leftovers_killed: int = 0
    workers: int = 1
    notes: tuple[str, ...] = field(default=())


def runnable(nb: SavedNotebook) -> bool:
    """Whether NBK001 runs the notebook: readable, Python, with some code."""
    return nb.problem is None and nb.python and bool(nb.code)


def _ready(env: FreshEnvironment) -> str | None:
    if env.python is None or env.venv is None:
        return f"no fresh environment to run the notebooks in ({env.problem or 'DEP003'})"
    if any(step is not None and not step.ok for step in (env.resolve, env.install)):
        return "the declared dependencies did not install (see DEP003)"
    return None


def _tail(outcome: RunOutcome, lines: int = 8) -> str:
    return outcome.tail(lines) or outcome.stderr.strip() or "no output"


def _driver_env(ctx: Context, env: FreshEnvironment, place: Path) -> Path | str:
    """A small environment with nbclient for the driver: its Python, or why not."""
    known = ctx.fact(machine_settings)
    uv = sandbox_uv(known)
    if uv is None or env.python is None:
        return "uv cannot be run by the sandbox user"
    uv_env = sandbox_uv_env(ctx)
    # nbclient needs a recent Python, whatever the repository's is; the kernel is its own.
    for wanted in (DRIVER_PYTHON, str(env.python)):
        made = sandbox_run(
            ctx,
            (uv, "venv", "--no-config", "--python", wanted, place),
            timeout=120,
            extra_env=uv_env,
        )
        if made.ok:
            break
    if not made.ok:
        return f"the notebook runner's environment could not be made: {_tail(made)}"
    python = place / "bin" / "python"
    args = [uv, "pip", "install", "--no-config", "--python", str(python)]
    installed = sandbox_run(
        ctx,
        [*args, *uv_index_args(known), *DRIVER_PACKAGES],
        timeout=INSTALL_TIMEOUT,
        extra_env=uv_env,
    )
    if not installed.ok:
        return f"nbclient could not be installed to run the notebooks: {_tail(installed)}"
    return python


def _kernel_spec(env: FreshEnvironment, share: Path) -> None:
    folder = share / "kernels" / KERNEL
    folder.mkdir(parents=True)
    spec = {
        "argv": [str(env.python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python (fresh environment)",
        "language": "python",
    }
    (folder / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")


def _job(
    ctx: Context, notebooks: list[SavedNotebook], results: Path, workers: int
) -> dict[str, Any]:
    settings = ctx.settings(NotebookSettings)
    root = ctx.fact(workspace).path
    items = []
    for number, nb in enumerate(notebooks):
        path = root / nb.path
        items.append(
            {
                "path": str(path),
                "cwd": str(path.parent),
                "out": str(results / f"{number}.json"),
                "timeout": settings.timeout,
                "cell_timeout": settings.cell_timeout,
                "parameters": dict(settings.parameters.get(nb.path, {})),
            }
        )
    return {"kernel": KERNEL, "workers": workers, "notebooks": items}


def _cell_number(index: Any, injected: Any) -> int | None:
    if not isinstance(index, int):
        return None
    if isinstance(injected, int):
        if index == injected:
            return None
        return index if index > injected else index + 1
    return index + 1


def _executed(nb: Any, injected: Any) -> Mapping[str, Any] | None:
    """The executed notebook with the injected parameters cell taken out again."""
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        return None
    if isinstance(injected, int) and 0 <= injected < len(nb["cells"]):
        return {**nb, "cells": [c for i, c in enumerate(nb["cells"]) if i != injected]}
    return dict(nb)


def _read_result(path: Path) -> dict[str, Any] | str:
    data, problem = read_regular(path, RESULT_CAP)
    if problem is not None:
        return f"the notebook's result {problem}"
    try:
        found = json.loads(data)
    except (ValueError, RecursionError):
        return "the notebook's result is not valid JSON"
    return found if isinstance(found, dict) else "the notebook's result is not a JSON object"


def _text(found: Mapping[str, Any], key: str) -> str:
    value = found.get(key)
    return value if isinstance(value, str) else ""


@dataclass(frozen=True)
class _Lookups:
    """What the causes need to know about the environment, read once."""

    modules: Mapping[str, tuple[str, ...]]
    versions: Mapping[str, str]
    manifest_file: str
    conda: Mapping[str, str] = field(default_factory=dict)  # not installed here -> its file


def stored_error(nb: Mapping[str, Any] | None, number: int | None) -> str | None:
    """The exception name the saved notebook shows in cell `number` (1-based), if any."""
    cells = nb.get("cells") if nb is not None else None
    if number is None or not isinstance(cells, list) or not 0 < number <= len(cells):
        return None
    cell = cells[number - 1]
    outputs = cell.get("outputs") if isinstance(cell, Mapping) else None
    for output in outputs if isinstance(outputs, list) else ():
        if isinstance(output, Mapping) and output.get("output_type") == "error":
            name = output.get("ename")
            return name if isinstance(name, str) else None
    return None


def _cause(failure: CellFailure, lookups: _Lookups, stored: str | None) -> Cause | None:
    provider = library = conda = None
    module = missing_module(failure.evalue)
    if failure.ename == "ModuleNotFoundError" and module:
        provider = known_distribution(module)
        names = {str(canonicalize_name(n)) for n in (module, provider) if n}
        conda = next((lookups.conda[n] for n in sorted(names) if n in lookups.conda), None)
    for name in library_modules(failure.evalue, failure.traceback):
        dists = lookups.modules.get(name, ())
        versions = [(d, lookups.versions[d]) for d in dists if d in lookups.versions]
        if versions:
            library = versions[0]
            break
    return diagnose(
        failure.ename,
        failure.evalue,
        failure.traceback,
        provider=provider,
        library=library,
        manifest_file=lookups.manifest_file,
        conda=conda,
        stored_error=stored,
    )


def _run_of(
    nb: SavedNotebook,
    found: dict[str, Any] | str,
    lookups: _Lookups,
    saved: Mapping[str, Any] | None,
) -> NotebookRun:
    if isinstance(found, str):
        return NotebookRun(nb.path, CellFailure("no-result", evalue=found))
    status = _text(found, "status")
    injected = found.get("injected")
    seconds = found.get("seconds")
    elapsed = float(seconds) if isinstance(seconds, int | float) else 0.0
    executed = _executed(found.get("notebook"), injected)
    failure = None
    if status != "ok":
        failure = CellFailure(
            status or "no-result",
            _cell_number(found.get("cell"), injected),
            _text(found, "ename"),
            _text(found, "evalue"),
            _text(found, "traceback"),
        )
        cause = _cause(failure, lookups, stored_error(saved, failure.cell))
        if cause is not None:
            failure = CellFailure(**{**failure.__dict__, "cause": cause})
    return NotebookRun(nb.path, failure, elapsed, executed, isinstance(injected, int))


def _lookups(ctx: Context, env: FreshEnvironment) -> _Lookups:
    found = ctx.fact(manifest)
    primary = found.primary or "requirements.txt"
    conda = {d.name: d.path for d in found.unverified}
    declared = {str(canonicalize_name(k)): v for k, v in env.installed.items()}
    if env.venv is None:
        return _Lookups({}, declared, primary, conda)
    versions = {**installed_distributions(env.venv), **declared}
    return _Lookups(environment_names(env.venv), versions, primary, conda)


def _has_ipykernel(env: FreshEnvironment) -> bool:
    return any(canonicalize_name(n) == "ipykernel" for n in env.installed)


def kernel_installs(ctx: Context) -> tuple[str, ...]:
    """What the notebooks add to the fresh environment (`Family.installs`), installed with
    the declared dependencies: the kernel, when there are notebooks to run."""
    if not ctx.config.runs("NBK001"):
        return ()
    return ("ipykernel",) if any(runnable(nb) for nb in ctx.fact(notebook_set).notebooks) else ()


def notebook_runs(ctx: Context) -> NotebookRuns:
    """Fact provider: every runnable notebook run top to bottom in the fresh environment."""
    chosen = [nb for nb in ctx.fact(notebook_set).notebooks if runnable(nb)]
    if not chosen:
        return NotebookRuns()
    env = ctx.fact(fresh_environment)
    problem = _ready(env)
    if problem is not None:
        return NotebookRuns(problem=problem)
    add_kernel = not _has_ipykernel(env)
    if add_kernel and "ipykernel" not in env.companions:  # else installed with the rest
        added = install_extra(ctx, env, ["ipykernel"], timeout=INSTALL_TIMEOUT)
        if not added.ok:
            why = f"ipykernel could not be installed: {_tail(added)}"
            return NotebookRuns(problem=why, machine=True)
    ws = ctx.fact(workspace)
    base = ws.area / "notebooks"
    remove_tree(base)  # never read a previous run's results
    base.mkdir()
    give_to_sandbox(base)
    driver = _driver_env(ctx, env, base / "runner")
    if isinstance(driver, str):
        return NotebookRuns(problem=driver, machine=True, installed_kernel=add_kernel)
    _kernel_spec(env, base / "share")
    results = base / "results"
    results.mkdir()
    script = base / "driver.py"
    script.write_text(Path(__file__).with_name("driver.py").read_text("utf-8"), "utf-8")
    workers = max(1, min(len(chosen), os.cpu_count() or 1))
    job = base / "job.json"
    job.write_text(json.dumps(_job(ctx, chosen, results, workers)), encoding="utf-8")
    for part in ("share", "results", "driver.py", "job.json"):
        give_to_sandbox(base / part)
    settings = ctx.settings(NotebookSettings)
    limit = math.ceil(len(chosen) / workers) * (settings.timeout + KERNEL_START) + START_UP
    started = time.monotonic()
    outcome = sandbox_run(
        ctx,
        (driver, "-I", script, job),
        timeout=limit,
        venv=env.venv,
        extra_env={"JUPYTER_PATH": str(base / "share"), "JUPYTER_PLATFORM_DIRS": "1"},
    )
    ctx.timings["notebooks.run"] = time.monotonic() - started
    lookups = _lookups(ctx, env)
    runs = []
    for number, nb in enumerate(chosen):
        found = _read_result(results / f"{number}.json")
        if isinstance(found, str) and not outcome.ok:
            why = "it ran out of time" if outcome.timed_out else _tail(outcome)
            found = f"the notebook runner stopped before this notebook ended: {why}"
        runs.append(_run_of(nb, found, lookups, read_notebook(ctx.snapshot, nb.path)))
    return NotebookRuns(
        tuple(runs),
        installed_kernel=add_kernel,
        leftovers_killed=outcome.leftovers_killed,
        workers=workers,
    )
