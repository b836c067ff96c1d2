"""Runs notebooks with nbclient; started by reprobot in the clean room, as the sandbox user.

    python -I driver.py <job.json>

This file is reprobot's own, but it runs apart from reprobot: with the interpreter of a
small environment of its own that holds nbclient, never importing reprobot. The job names
the kernel (a kernel spec whose Python is the fresh environment's, with ipykernel) and,
for each notebook, where it is, the folder it runs from, its limits, the parameters to set
and where to write what happened: one JSON file per notebook, holding the executed
notebook and, when it stopped, which cell stopped it and why. Notebooks run a few at a
time (`workers`), each in its own kernel.

nbmake's conventions hold: the `skip-execution` and `raises-exception` cell tags, and the
notebook metadata `execution.allow_errors` and `execution.timeout` (seconds per cell).
Parameters go into a cell after the one tagged `parameters`, as papermill does.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import json
import re
import sys
import time
from typing import Any

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
INJECTED = "injected-parameters"
TRACEBACK_LINES = 40
STARTUP = 120  # seconds a kernel may take to start, besides the notebook's own limit


def _plain(text: str) -> str:
    return _ANSI.sub("", text)


def _inject(nb: Any, parameters: dict[str, Any]) -> int | None:
    """Put a cell setting `parameters` after the `parameters` cell (or first); its index."""
    if not parameters:
        return None
    nbformat = importlib.import_module("nbformat")
    source = "# Parameters\n" + "".join(f"{k} = {v!r}\n" for k, v in parameters.items())
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": [INJECTED]})
    at = 0
    for index, existing in enumerate(nb.cells):
        if "parameters" in existing.get("metadata", {}).get("tags", []):
            at = index + 1
            break
    nb.cells.insert(at, cell)
    return at


def _execution(nb: Any) -> dict[str, Any]:
    found = nb.get("metadata", {}).get("execution", {})
    return found if isinstance(found, dict) else {}


async def _run(job: dict[str, Any], item: dict[str, Any], gate: asyncio.Semaphore) -> None:
    async with gate:
        try:
            result = await _execute(job, item)
        except Exception as exc:  # noqa: BLE001 - said in the result, never lost
            result = {"status": "no-result", "evalue": f"{type(exc).__name__}: {exc}"}
    with open(item["out"], "w", encoding="utf-8") as handle:
        json.dump(result, handle)


async def _execute(job: dict[str, Any], item: dict[str, Any]) -> dict[str, Any]:
    nbformat = importlib.import_module("nbformat")
    nbclient = importlib.import_module("nbclient")
    exceptions = importlib.import_module("nbclient.exceptions")
    started = time.monotonic()
    try:
        nb = nbformat.read(item["path"], as_version=4)
    except Exception as exc:  # noqa: BLE001 - any reading problem is the notebook's
        return {"status": "unreadable", "evalue": f"{type(exc).__name__}: {exc}"}
    injected = _inject(nb, item.get("parameters") or {})
    options = _execution(nb)
    cell_timeout = options.get("timeout", item["cell_timeout"])
    if not isinstance(cell_timeout, (int, float)) or isinstance(cell_timeout, bool):
        cell_timeout = item["cell_timeout"]
    current: dict[str, Any] = {"index": None}
    kernel_ready = asyncio.Event()

    def on_cell(cell: Any, cell_index: int, **_: Any) -> None:
        current["index"] = cell_index

    def on_start(**_: Any) -> None:
        kernel_ready.set()

    client = nbclient.NotebookClient(
        nb,
        timeout=max(1, int(cell_timeout)),
        kernel_name=job["kernel"],
        allow_errors=bool(options.get("allow_errors", False)),
        resources={"metadata": {"path": item["cwd"]}},
        shutdown_kernel="immediate",
        on_cell_execute=on_cell,
        on_notebook_start=on_start,
        startup_timeout=STARTUP,
    )
    result: dict[str, Any] = {"status": "ok", "injected": injected}
    task = asyncio.ensure_future(client.async_execute())
    # The notebook's limit counts from a started kernel: a loaded machine's slow start-up
    # is not the notebook's time.
    ready = asyncio.ensure_future(kernel_ready.wait())
    await asyncio.wait({task, ready}, timeout=STARTUP + 10, return_when=asyncio.FIRST_COMPLETED)
    ready.cancel()
    done, _ = await asyncio.wait({task}, timeout=item["timeout"])
    if not done:  # the notebook's own limit: its kernel is shut down at once
        task.cancel()
        with contextlib.suppress(BaseException):
            await task
        result.update(status="timeout", evalue=f"stopped after {item['timeout']:g} s")
    else:
        result.update(_ending(task, exceptions, nb, current["index"]))
    if result["status"] != "ok" and result["status"] != "no-kernel":
        result["cell"] = current["index"]
    result["seconds"] = time.monotonic() - started
    result["notebook"] = nb
    return result


def _error_output(nb: Any, index: Any) -> dict[str, Any]:
    """The error the kernel showed in the cell (name, message, traceback without colours):
    what a reader sees, and right where the execute reply is not (an exception raised
    while IPython displayed a result arrives there as `NoneType`)."""
    if not isinstance(index, int) or not 0 <= index < len(nb.cells):
        return {}
    for output in nb.cells[index].get("outputs", []):
        if output.get("output_type") == "error":
            lines = _plain("\n".join(output.get("traceback", []))).rstrip().splitlines()
            return {
                "ename": str(output.get("ename", "")),
                "evalue": _plain(str(output.get("evalue", ""))),
                "traceback": "\n".join(lines[-TRACEBACK_LINES:]),
            }
    return {}


def _ending(task: Any, exceptions: Any, nb: Any, index: Any) -> dict[str, Any]:
    """How a notebook that ran within its limit ended."""
    exc = task.exception()
    if exc is None:
        return {}
    if isinstance(exc, exceptions.CellTimeoutError):
        return {"status": "cell-timeout", "evalue": _plain(str(exc)).strip()[-2000:]}
    if isinstance(exc, exceptions.DeadKernelError):
        return {"status": "dead-kernel", "evalue": _plain(str(exc)).strip()[-2000:]}
    if isinstance(exc, exceptions.CellExecutionError):
        shown = _error_output(nb, index)
        return {
            "status": "error",
            "ename": shown.get("ename") or exc.ename,
            "evalue": shown.get("evalue") or _plain(str(exc.evalue or "")),
            "traceback": shown.get("traceback", ""),
        }
    # the kernel could not start, and the like
    return {"status": "no-kernel", "evalue": _plain(f"{type(exc).__name__}: {exc}")[-2000:]}


async def _main(job: dict[str, Any]) -> None:
    gate = asyncio.Semaphore(max(1, int(job.get("workers", 1))))
    await asyncio.gather(*(_run(job, item, gate) for item in job["notebooks"]))


def main(argv: list[str]) -> int:
    with open(argv[1], encoding="utf-8") as handle:
        job = json.load(handle)
    asyncio.run(_main(job))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
