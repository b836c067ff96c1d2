"""Notebooks run for real: nbclient and ipykernel in a real fresh environment, in the clean
room, from a local index (tests/families/notebooks/kernelwheels.py).

One tiny study holds every case, so the environment and the kernels are made once."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from reprobot.checks import check_repository
from reprobot.checks.core.model import CheckResult, Report, Status
from reprobot.checks.core.sandbox import remove_tree
from tests.families.notebooks.kernelwheels import kernel_wheelhouse
from tests.helpers import make_repo

pytestmark = pytest.mark.slow

MARKER = "3517"  # the loop notebook starts `sleep 3517`: no such process may outlive the run


def _notebook(*cells: Any, **metadata: Any) -> str:
    nb = new_notebook(cells=list(cells))
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "Py"}
    nb.metadata.update(metadata)
    return nbformat.writes(nb)


def _ran(source: str, count: int, text: str | None = None, **options: Any) -> Any:
    cell = new_code_cell(source, execution_count=count, **options)
    if text is not None:
        cell.outputs = [new_output("stream", name="stdout", text=text)]
    return cell


def _tagged(source: str, *tags: str) -> Any:
    return new_code_cell(source, metadata={"tags": list(tags)})


STUDY = {
    "requirements.txt": "oldapi==2.3.0\n",
    "analysis/ok.ipynb": _notebook(
        new_markdown_cell("# Heat"),
        _ran("print(open('here.txt').read())", 1, "here\n"),
        _ran("print(2 + 2)", 2, "4\n"),
    ),
    "analysis/here.txt": "here",
    "analysis/changed.ipynb": _notebook(_ran("print(2 + 3)", 1, "6\n")),
    "undeclared.ipynb": _notebook(new_code_cell("x = 1"), new_code_cell("import tqdm_absent")),
    "missing_data.ipynb": _notebook(new_code_cell("open('data/x.csv').read()")),
    "moved_api.ipynb": _notebook(new_code_cell("import oldapi\noldapi.legacy()")),
    "loop.ipynb": _notebook(
        new_code_cell(f"import subprocess\nsubprocess.Popen(['sleep', '{MARKER}'])"),
        new_code_cell("while True:\n    pass"),
    ),
    "tags.ipynb": _notebook(
        _tagged("raise SystemExit('never run')", "skip-execution"),
        _tagged("1 / 0", "raises-exception"),
        new_code_cell("print('after')"),
    ),
    "slow_cell.ipynb": _notebook(
        new_code_cell("import time\ntime.sleep(60)"), execution={"timeout": 2}
    ),
    "allowed.ipynb": _notebook(
        new_code_cell("1 / 0"), new_code_cell("print('on')"), execution={"allow_errors": True}
    ),
    "params.ipynb": _notebook(_tagged("n = 1", "parameters"), new_code_cell("assert n == 5, n")),
    "out_of_order.ipynb": _notebook(_ran("a = 1", 3), _ran("b = 2", 1), _ran("c = 3", 2)),
    "r_notebook.ipynb": _notebook(
        new_code_cell("1"), kernelspec={"name": "ir", "language": "R", "display_name": "R"}
    ),
    "skipped.ipynb": _notebook(new_code_cell("raise SystemExit('skipped')")),
    ".reprobot.yml": (
        "notebooks:\n"
        "  timeout: 10\n"
        "  skip: {skipped.ipynb: needs the cluster}\n"
        "  parameters: {params.ipynb: {n: 5}}\n"
        "  reproduce: [analysis/changed.ipynb]\n"
    ),
}


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Report]:
    place = Path(tempfile.mkdtemp(prefix="reprobot-nbk-"))
    os.chmod(place, 0o755)
    index = place / "index"
    index.mkdir()
    kernel_wheelhouse(index)
    saved = {k: os.environ.get(k) for k in ("REPROBOT_FIND_LINKS", "REPROBOT_UV_CACHE")}
    os.environ["REPROBOT_FIND_LINKS"] = str(index)
    os.environ["REPROBOT_UV_CACHE"] = str(place / "uv-cache")
    try:
        repo = make_repo(tmp_path_factory.mktemp("nbk"), STUDY)
        yield check_repository(repo, select=("NBK",))
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        remove_tree(place)


@pytest.fixture(scope="module")
def results(report: Report) -> dict[str, CheckResult]:
    return {r.code: r for r in report.checks}


def test_the_kernel_is_installed_with_the_declared_dependencies(report: Report) -> None:
    """One `uv pip install` for the declared dependencies and ipykernel, not two."""
    assert "environment.install" in report.timings
    assert "environment.install_extra" not in report.timings
    assert "ipykernel" not in report.environment["installed"]  # the declared ones alone
    nbk = next(r for r in report.checks if r.code == "NBK001")
    assert "(ipykernel was installed into the fresh environment to run them" in nbk.message


def _finding(result: CheckResult, path: str) -> str:
    found = [f.message for f in result.findings if f.path == path]
    assert found, f"no finding for {path}: {result.findings}"
    return "\n".join(found)


def test_the_runs_verdict_counts_and_fails(results: dict[str, CheckResult]) -> None:
    nbk = results["NBK001"]
    assert nbk.status is Status.FAIL
    # undeclared, missing_data, moved_api, loop and slow_cell stop; r_notebook and skipped
    # are not run
    assert nbk.message.startswith("6 of 11 notebooks ran; 2 not run"), nbk.message


def test_a_notebook_that_runs_passes_from_its_own_folder(results: dict[str, CheckResult]) -> None:
    paths = {f.path for f in results["NBK001"].findings}
    assert "analysis/ok.ipynb" not in paths  # it read here.txt beside it


def test_an_undeclared_import_names_the_cell_and_the_requirement(
    results: dict[str, CheckResult],
) -> None:
    words = _finding(results["NBK001"], "undeclared.ipynb")
    assert "cell 2 (`import tqdm_absent`)" in words
    assert "ModuleNotFoundError: No module named 'tqdm_absent'" in words
    assert "requirements.txt" in words and "tqdm_absent" in words


def test_a_missing_data_file_is_named(results: dict[str, CheckResult]) -> None:
    words = _finding(results["NBK001"], "missing_data.ipynb")
    assert "missing data file `data/x.csv`" in words and "DAT001" in words


def test_an_api_change_names_the_installed_version_and_a_pin(
    results: dict[str, CheckResult],
) -> None:
    words = _finding(results["NBK001"], "moved_api.ipynb")
    assert "AttributeError: module 'oldapi' has no attribute 'legacy'" in words
    assert "oldapi 2.3.0" in words and "`oldapi<2`" in words


def test_a_notebook_that_loops_is_stopped_and_leaves_nothing(
    results: dict[str, CheckResult],
) -> None:
    words = _finding(results["NBK001"], "loop.ipynb")
    assert "cell 2 (`while True:`)" in words and "ran out of time (stopped after 10 s)" in words
    left = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/cmdline", "rb") as handle:
                    argv = handle.read().split(b"\0")
            except OSError:
                continue
            if argv[:2] == [b"sleep", MARKER.encode()]:
                left.append(entry.name)
    assert not left, f"processes left running: {left}"


def test_a_cell_limit_from_the_notebook_metadata_stops_the_cell(
    results: dict[str, CheckResult],
) -> None:
    words = _finding(results["NBK001"], "slow_cell.ipynb")
    assert "cell 1 (`import time`): the cell ran longer than its time limit" in words


def test_tags_metadata_parameters_and_skips_are_honoured(results: dict[str, CheckResult]) -> None:
    paths = {f.path for f in results["NBK001"].findings}
    assert not paths & {"tags.ipynb", "allowed.ipynb", "params.ipynb"}
    assert "skipped in the configuration: needs the cluster" in _finding(
        results["NBK001"], "skipped.ipynb"
    )
    assert "R kernel" in _finding(results["NBK001"], "r_notebook.ipynb")


def test_stored_outputs_are_compared_with_the_new_run(results: dict[str, CheckResult]) -> None:
    nbk = results["NBK002"]
    assert nbk.status is Status.FAIL, nbk.message  # changed.ipynb must reproduce
    assert "analysis/changed.ipynb must reproduce" in nbk.message
    assert "printed text: 6 → 5" in _finding(nbk, "analysis/changed.ipynb")
    assert "analysis/ok.ipynb" not in {f.path for f in nbk.findings}
    assert nbk.message.startswith("1 of "), nbk.message


def test_a_notebook_saved_out_of_order_is_reported(results: dict[str, CheckResult]) -> None:
    nbk = results["NBK003"]
    assert nbk.status is Status.WARN
    words = _finding(nbk, "out_of_order.ipynb")
    assert "the first count is [3]" in words and "cell 2 (`b = 2`) ran as [1]" in words
    assert "analysis/ok.ipynb" not in {f.path for f in nbk.findings}
