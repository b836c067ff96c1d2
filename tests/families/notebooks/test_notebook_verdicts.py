"""The notebook checks' verdicts over plain data, and the causes they give."""

from __future__ import annotations

from pathlib import Path

import pytest

from reprobot.checks import load_config
from reprobot.checks.core.config import ConfigError
from reprobot.checks.core.model import Status
from reprobot.checks.families.notebooks.causes import diagnose, library_modules, pin
from reprobot.checks.families.notebooks.checks import NBK001, NBK002, NBK003
from reprobot.checks.families.notebooks.compare import Comparison, Difference
from reprobot.checks.families.notebooks.execute import (
    CellFailure,
    NotebookRun,
    NotebookRuns,
    notebook_runs,
    stored_error,
)
from reprobot.checks.families.notebooks.found import (
    NotebookSet,
    SavedCell,
    SavedNotebook,
    notebook_set,
)
from reprobot.checks.families.notebooks.reproduce import (
    Reproduction,
    reproductions,
    written_figures,
)
from reprobot.checks.families.notebooks.settings import NotebookSettings
from tests.helpers import evaluate, make_repo


def _nb(path: str, *counts: int | None, language: str = "python") -> SavedNotebook:
    cells = tuple(
        SavedCell(n, f"x{n} = {n}", count, count is not None, False)
        for n, count in enumerate(counts, start=1)
    )
    return SavedNotebook(path, language, "python3" if language == "python" else "ir", cells)


def _set(*notebooks: SavedNotebook, skipped: dict[str, str] | None = None) -> NotebookSet:
    return NotebookSet(notebooks, skipped or {})


A, B = _nb("a.ipynb", 1, 2), _nb("b.ipynb", 1, 2)


def test_no_notebooks_is_a_skip_never_a_pass() -> None:
    for check in (NBK001, NBK003):
        outcome = evaluate(check, {notebook_set: _set()})
        assert outcome.status is Status.SKIP and "no notebooks" in outcome.message
    assert evaluate(NBK002, {reproductions: ()}).status is Status.SKIP


def test_notebooks_that_all_run_pass() -> None:
    runs = NotebookRuns((NotebookRun("a.ipynb"), NotebookRun("b.ipynb")))
    outcome = evaluate(NBK001, {notebook_set: _set(A, B), notebook_runs: runs})
    assert outcome.status is Status.PASS
    assert outcome.message == "2 of 2 notebooks ran top to bottom"


def test_a_failing_cell_fails_with_the_cell_the_exception_and_the_cause() -> None:
    cause = diagnose("ModuleNotFoundError", "No module named 'sklearn'", provider="scikit-learn")
    failure = CellFailure("error", 2, "ModuleNotFoundError", "No module named 'sklearn'", "", cause)
    runs = NotebookRuns((NotebookRun("a.ipynb", failure), NotebookRun("b.ipynb")))
    outcome = evaluate(NBK001, {notebook_set: _set(A, B), notebook_runs: runs})
    assert outcome.status is Status.FAIL
    assert outcome.message == (
        "1 of 2 notebooks ran; first failure: a.ipynb: cell 2 (`x2 = 2`): "
        "ModuleNotFoundError: No module named 'sklearn'"
    )
    words = outcome.findings[0].message
    assert "Fix: add the line `scikit-learn` to requirements.txt." in words


def test_a_kernel_not_run_is_not_a_pass() -> None:
    r = _nb("r.ipynb", 1, language="r")
    runs = NotebookRuns((NotebookRun("a.ipynb"),))
    outcome = evaluate(NBK001, {notebook_set: _set(A, r), notebook_runs: runs})
    assert outcome.status is Status.WARN
    assert "1 not run" in outcome.message
    assert "a R kernel (ir)" in outcome.findings[0].message
    only_r = evaluate(NBK001, {notebook_set: _set(r)})
    assert only_r.status is Status.SKIP and "r.ipynb" in only_r.message


def test_a_skip_in_the_configuration_is_named_with_its_reason() -> None:
    found = _set(A, skipped={"gpu.ipynb": "needs a GPU"})
    outcome = evaluate(
        NBK001, {notebook_set: found, notebook_runs: NotebookRuns((NotebookRun("a.ipynb"),))}
    )
    assert outcome.status is Status.WARN
    assert outcome.findings[0].message == "not run: skipped in the configuration: needs a GPU"


def test_no_environment_skips_and_broken_tooling_is_an_error() -> None:
    missing = NotebookRuns(problem="the declared dependencies did not install (see DEP003)")
    outcome = evaluate(NBK001, {notebook_set: _set(A), notebook_runs: missing})
    assert outcome.status is Status.SKIP and "DEP003" in outcome.message
    broken = NotebookRuns(problem="ipykernel could not be installed: offline", machine=True)
    assert evaluate(NBK001, {notebook_set: _set(A), notebook_runs: broken}).status is Status.ERROR


def test_a_notebook_out_of_time_says_so() -> None:
    failure = CellFailure("timeout", 1, evalue="stopped after 600 s")
    runs = NotebookRuns((NotebookRun("a.ipynb", failure),))
    outcome = evaluate(NBK001, {notebook_set: _set(A), notebook_runs: runs})
    assert outcome.status is Status.FAIL
    assert (
        "cell 1 (`x1 = 1`): the notebook ran out of time (stopped after 600 s)" in outcome.message
    )


@pytest.mark.parametrize(
    ("counts", "words"),
    [
        ((2, 3), "the first count is [2]"),
        ((1, 3, 2), "cell 3 (`x3 = 3`) ran as [2], after cell 2 (`x2 = 2`) ran as [3]"),
        ((1, 4), "the count jumps from [1] to [4]"),
        ((1, None, 2), "cell 2 (`x2 = 2`) was not run before saving"),
    ],
)
def test_a_notebook_saved_out_of_order_warns(counts: tuple[int | None, ...], words: str) -> None:
    outcome = evaluate(NBK003, {notebook_set: _set(A, _nb("c.ipynb", *counts))})
    assert outcome.status is Status.WARN
    assert outcome.message == "1 of 2 notebooks saved in order; 1 saved out of order"
    assert any(f.message.startswith(words) and f.path == "c.ipynb" for f in outcome.findings)


def test_saved_in_order_passes_and_what_was_not_judged_is_named() -> None:
    assert evaluate(NBK003, {notebook_set: _set(A, B)}).status is Status.PASS
    cleared = _nb("cleared.ipynb", None, None)
    outcome = evaluate(NBK003, {notebook_set: _set(A, cleared)})
    assert outcome.status is Status.PASS
    assert outcome.message == "1 of 2 notebooks saved in order; 1 saved without counts, not judged"
    only_cleared = evaluate(NBK003, {notebook_set: _set(cleared)})
    assert only_cleared.status is Status.SKIP


def test_an_empty_notebook_is_reported_not_passed() -> None:
    empty = SavedNotebook("empty.ipynb", "python", "python3", ())
    outcome = evaluate(NBK003, {notebook_set: _set(A, empty)})
    assert outcome.status is Status.WARN
    assert outcome.findings[0].message == "the notebook has no code"


def _comparison(*differences: Difference, compared: int = 2) -> Comparison:
    return Comparison(compared, compared - len(differences), differences, compared == 0)


DIFF = Difference(3, "print(score)", "number", "0.873", "0.861", 0.014, "printed text")


def test_reproduced_outputs_pass_and_differences_warn_or_fail() -> None:
    same = Reproduction("a.ipynb", _comparison(), required=False)
    assert evaluate(NBK002, {reproductions: (same,), written_figures: {}}).status is Status.PASS
    moved = Reproduction("b.ipynb", _comparison(DIFF), required=False)
    warned = evaluate(
        NBK002, {reproductions: (same, moved), written_figures: {"b.ipynb": ("b_cell2_1.png",)}}
    )
    assert warned.status is Status.WARN
    assert "cell 3 (`print(score)`), printed text: 0.873 → 0.861" in warned.findings[0].message
    assert warned.findings[1].message == "side by side, stored and new: b_cell2_1.png"
    must = Reproduction("b.ipynb", _comparison(DIFF), required=True)
    failed = evaluate(NBK002, {reproductions: (same, must), written_figures: {}})
    assert failed.status is Status.FAIL and "b.ipynb must reproduce" in failed.message


def test_nothing_stored_to_compare_is_not_a_pass() -> None:
    nothing = Reproduction("a.ipynb", _comparison(compared=0), required=False)
    assert evaluate(NBK002, {reproductions: (nothing,), written_figures: {}}).status is Status.SKIP


@pytest.mark.parametrize(
    ("ename", "evalue", "owner", "words"),
    [
        ("FileNotFoundError", "[Errno 2] No such file or directory: 'data/x.csv'", "DAT001",
         "missing data file `data/x.csv`"),
        ("FileNotFoundError", "[Errno 2] No such file or directory: '/home/ada/x.csv'",
         "PTH001", "an absolute path into one person's machine"),
        ("ModuleNotFoundError", "No module named 'mystery.sub'", "DEP005",
         "does not know which distribution provides it"),
    ],
)  # fmt: skip
def test_causes_name_the_family_that_owns_the_fix(
    ename: str, evalue: str, owner: str, words: str
) -> None:
    cause = diagnose(ename, evalue)
    assert cause is not None and cause.owner == owner and words in cause.words


def test_an_api_change_names_the_version_and_the_pin() -> None:
    trace = "File /venv/lib/python3.11/site-packages/pandas/core/generic.py:6299"
    assert library_modules("'DataFrame' object has no attribute 'append'", trace) == ("pandas",)
    cause = diagnose("AttributeError", "x", trace, library=("pandas", "2.2.3"))
    assert cause is not None and "pandas 2.2.3" in cause.words and "`pandas<2`" in cause.fix
    assert pin("scipy", "0.19.1") == "scipy<0.19"
    assert diagnose("ZeroDivisionError", "division by zero") is None


def test_the_settings_are_read_and_checked(tmp_path: Path) -> None:
    repo = make_repo(
        tmp_path,
        {".reprobot.yml": "notebooks:\n  skip: {a.ipynb: slow}\n  parameters: {b.ipynb: {n: 3}}\n"},
        git_init=False,
    )
    settings = load_config(repo).settings(NotebookSettings)
    assert settings.skip == {"a.ipynb": "slow"} and settings.parameters == {"b.ipynb": {"n": 3}}
    assert settings.timeout == 600.0 and settings.tolerance == 1e-6
    bad = make_repo(tmp_path, {".reprobot.yml": "notebooks:\n  skip: {a.ipynb: ''}\n"}, name="bad")
    with pytest.raises(ConfigError, match="needs a reason"):
        load_config(bad)


def test_a_conda_package_this_machine_cannot_install_is_not_blamed_on_the_notebook() -> None:
    cause = diagnose("ModuleNotFoundError", "No module named 'matplotlib'", conda="environment.yml")
    assert cause is not None and not cause.judged and "conda package" in cause.words
    failure = CellFailure(
        "error", 1, "ModuleNotFoundError", "No module named 'matplotlib'", "", cause
    )
    runs = NotebookRuns((NotebookRun("a.ipynb", failure),))
    outcome = evaluate(NBK001, {notebook_set: _set(A), notebook_runs: runs})
    assert outcome.status is Status.WARN
    assert outcome.message == "0 of 1 notebook ran; 1 not run"


def test_a_cell_whose_saved_output_shows_the_same_error_is_meant_to_raise() -> None:
    saved = {
        "cells": [
            {"cell_type": "markdown", "source": "# T"},
            {"cell_type": "code", "outputs": [{"output_type": "error", "ename": "TypeError"}]},
        ]
    }
    assert stored_error(saved, 2) == "TypeError" and stored_error(saved, 1) is None
    cause = diagnose("TypeError", "no", stored_error="TypeError")
    assert cause is not None and "`raises-exception`" in cause.fix
    assert diagnose("TypeError", "no", stored_error="ValueError") is None


def test_a_download_without_network_is_not_judged_and_a_failed_one_is() -> None:
    offline = diagnose("URLError", "<urlopen error [Errno -2] Name or service not known>")
    assert offline is not None and not offline.judged and offline.owner == "DAT001"
    refused = diagnose("HTTPError", "HTTP Error 404: Not Found")
    assert refused is not None and refused.judged and "failed" in refused.words
