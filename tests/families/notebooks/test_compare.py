"""Stored outputs against new ones, over plain notebooks: each kind passes and fails.

Output snippets are taken from jakevdp/PythonDataScienceHandbook's stored outputs."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from reprobot.checks.core.settings import SettingError
from reprobot.checks.families.notebooks.compare import Comparison, Difference, compare_notebooks
from reprobot.checks.families.notebooks.masking import Sanitizer, parse_sanitize
from reprobot.checks.families.notebooks.reproduce import _as_v4
from reprobot.checks.families.notebooks.telling import describe, summary
from tests.families.notebooks.compare_data import (
    DATAFRAME_HTML,
    DATAFRAME_PLAIN,
    code,
    error,
    figure,
    notebook,
    png,
    result,
    stream,
)


def compared(stored: dict[str, Any], new: dict[str, Any], **options: Any) -> Comparison:
    return compare_notebooks(stored, new, tolerance=options.pop("tolerance", 0.01), **options)


def only(comparison: Comparison) -> Difference:
    assert len(comparison.differences) == 1, comparison.differences
    return comparison.differences[0]


def test_the_same_text_reproduces() -> None:
    nb = notebook(code("print('hello')", stream("hello\n")), code("1 + 1", result("2")))
    comparison = compared(nb, copy.deepcopy(nb))
    assert (comparison.cells_compared, comparison.cells_reproduced) == (2, 2)
    assert comparison.share == 1.0
    assert comparison.reproduced and not comparison.differences


def test_changed_words_are_a_text_difference_naming_cell_and_line() -> None:
    stored = notebook(
        {"cell_type": "markdown", "source": "# Title", "metadata": {}},
        code("print(names)", stream("alpha\nbeta\n")),
    )
    new = notebook(
        {"cell_type": "markdown", "source": "# Title", "metadata": {}},
        code("print(names)", stream("alpha\ngamma\n")),
    )
    comparison = compared(stored, new)
    difference = only(comparison)
    assert (difference.cell, difference.kind, difference.source) == (2, "text", "print(names)")
    assert (difference.stored, difference.new) == ("beta", "gamma")
    assert "line 2" in difference.place
    assert comparison.share == 0.0 and not comparison.reproduced
    assert describe(difference) == "cell 2 (`print(names)`), printed text, line 2: `beta` → `gamma`"


def test_numbers_within_the_tolerance_reproduce() -> None:
    stored = notebook(code("score", result("0.873")))
    new = notebook(code("score", result("0.8731")))
    assert compared(stored, new, tolerance=0.01).reproduced


def test_numbers_beyond_the_tolerance_are_a_number_difference() -> None:
    stored = notebook(code("model.score(X, y)", result("accuracy: 0.873, n=100")))
    new = notebook(code("model.score(X, y)", result("accuracy: 0.861, n=100")))
    difference = only(compared(stored, new, tolerance=0.01))
    assert difference.kind == "number"
    assert (difference.stored, difference.new) == ("0.873", "0.861")
    assert difference.relative == pytest.approx(0.012 / 0.873)
    assert describe(difference) == "cell 1 (`model.score(X, y)`): 0.873 → 0.861 (rel. 1.4%)"


def test_tolerance_zero_still_reads_numbers_as_numbers() -> None:
    assert compared(
        notebook(code("x", result("1.50"))), notebook(code("x", result("1.5"))), tolerance=0.0
    ).reproduced
    assert not compared(
        notebook(code("x", result("1.5"))), notebook(code("x", result("1.6"))), tolerance=0.0
    ).reproduced


def test_a_realigned_printed_dataframe_is_compared_by_its_numbers() -> None:
    grown = DATAFRAME_PLAIN.replace("  423967", " 4239670").replace("    area", "     area")
    stored = notebook(code("states", result(DATAFRAME_PLAIN)))
    difference = only(compared(stored, notebook(code("states", result(grown)))))
    assert (difference.kind, difference.stored, difference.new) == ("number", "423967", "4239670")
    same = DATAFRAME_PLAIN.replace("39538223", "39538224")
    assert compared(stored, notebook(code("states", result(same)))).reproduced


def test_tables_are_compared_cell_by_cell() -> None:
    stored = notebook(code("states", result(DATAFRAME_PLAIN, html=DATAFRAME_HTML)))
    restyled = DATAFRAME_HTML.replace('<table border="1" class="dataframe">', "<table>")
    assert compared(
        stored, notebook(code("states", result("other text", html=restyled)))
    ).reproduced

    changed = DATAFRAME_HTML.replace("<td>170312</td>", "<td>180312</td>")
    difference = only(
        compared(stored, notebook(code("states", result(DATAFRAME_PLAIN, html=changed))))
    )
    assert difference.kind == "table"
    assert difference.place == "row 'Florida', column 'area'"
    assert (difference.stored, difference.new) == ("170312", "180312")
    assert describe(difference).endswith(
        "row 'Florida', column 'area': 170312 → 180312 (rel. 5.5%)"
    )


def test_a_table_of_another_shape_differs() -> None:
    stored = notebook(code("states", result(DATAFRAME_PLAIN, html=DATAFRAME_HTML)))
    start = DATAFRAME_HTML.index("    <tr>\n      <th>Texas")
    end = DATAFRAME_HTML.index("    <tr>\n      <th>Florida")
    shorter = DATAFRAME_HTML[:start] + DATAFRAME_HTML[end:]
    difference = only(
        compared(stored, notebook(code("states", result(DATAFRAME_PLAIN, html=shorter))))
    )
    assert (difference.kind, difference.place) == ("table", "shape")
    assert (difference.stored, difference.new) == ("6 rows × 3 columns", "5 rows × 3 columns")


def test_figures_are_compared_by_what_they_show() -> None:
    stored = notebook(code("plt.plot(x)", figure(png(line_at=20))))
    # the same picture encoded again (other compression) reproduces
    assert compared(
        stored, notebook(code("plt.plot(x)", figure(png(line_at=20, level=1))))
    ).reproduced
    difference = only(compared(stored, notebook(code("plt.plot(x)", figure(png(line_at=60))))))
    assert difference.kind == "image"
    assert difference.relative is not None and difference.relative > 0.01
    assert difference.images is not None and difference.images[0] != difference.images[1]
    assert "the figure changed" in describe(difference)


def test_a_figure_of_another_size_differs() -> None:
    stored = notebook(code("plt.plot(x)", figure(png(line_at=20))))
    difference = only(
        compared(stored, notebook(code("plt.plot(x)", figure(png(line_at=20, size=(200, 100))))))
    )
    assert (difference.kind, difference.stored, difference.new) == ("image", "100×80", "200×100")


def test_a_figure_that_no_longer_appears_is_missing_or_replaced() -> None:
    stored = notebook(
        code("plt.plot(x)", figure(png(line_at=20), plain="<Figure size 432x288 with 1 Axes>"))
    )
    new = notebook(code("plt.plot(x)", result("<Figure size 640x480 with 1 Axes>")))
    difference = only(compared(stored, new))
    assert (difference.kind, difference.stored) == ("image", "100×80")
    assert difference.new.startswith("<Figure size")
    gone = only(compared(stored, notebook(code("plt.plot(x)"))))
    assert (gone.kind, gone.stored, gone.new) == ("missing", "a 100×80 figure", "")


def test_display_data_and_execute_result_are_the_same_output() -> None:
    stored = notebook(code("df", result(DATAFRAME_PLAIN, html=DATAFRAME_HTML)))
    new = notebook(code("df", result(DATAFRAME_PLAIN, html=DATAFRAME_HTML, kind="display_data")))
    assert compared(stored, new).reproduced


def test_an_error_in_the_new_run_is_an_error_difference() -> None:
    stored = notebook(code("1 / x", result("0.5")))
    new = notebook(code("1 / x", error("ZeroDivisionError", "division by zero")))
    difference = only(compared(stored, new))
    assert (difference.kind, difference.stored, difference.new) == (
        "error",
        "0.5",
        "ZeroDivisionError: division by zero",
    )
    assert describe(difference) == (
        "cell 1 (`1 / x`): ZeroDivisionError: division by zero in the new run (stored: `0.5`)"
    )


def test_a_stored_error_that_comes_again_reproduces_and_one_that_goes_is_missing() -> None:
    stored = notebook(code("1 / 0", error("ZeroDivisionError", "division by zero")))
    assert compared(stored, copy.deepcopy(stored)).reproduced
    difference = only(compared(stored, notebook(code("1 / 0", result("inf")))))
    assert difference.kind == "missing" and difference.stored.startswith("ZeroDivisionError")
    assert describe(difference) == (
        "cell 1 (`1 / 0`): `ZeroDivisionError: division by zero` did not come out again"
        " (the new run shows `inf`)"
    )


def test_outputs_that_appear_or_vanish_are_extra_or_missing() -> None:
    stored = notebook(code("f()", stream("done\n")))
    new = notebook(code("f()", stream("done\n"), result("42")))
    difference = only(compared(stored, new))
    assert (difference.kind, difference.new) == ("extra", "42")
    assert "also shows `42`" in describe(difference)
    gone = only(compared(new, stored))
    assert (gone.kind, gone.stored) == ("missing", "42")


def test_a_cell_missing_from_the_new_notebook_is_missing() -> None:
    stored = notebook(code("a", result("1")), code("b", result("2")))
    difference = only(compared(stored, notebook(code("a", result("1")))))
    assert (difference.cell, difference.kind) == (2, "missing")


def test_cells_are_paired_by_id_when_every_cell_has_one() -> None:
    first, second = code("a", result("1"), cell_id="aaa"), code("b", result("2"), cell_id="bbb")
    assert compared(notebook(first, second), notebook(second, first)).reproduced
    no_ids = [copy.deepcopy(c) for c in (second, first)]
    for cell in no_ids:
        del cell["id"]
    assert not compared(notebook(first, second), notebook(*no_ids)).reproduced


def test_stored_notebook_without_outputs_has_nothing_to_compare() -> None:
    stored = notebook(code("print(1)"), code("2"))
    comparison = compared(stored, notebook(code("print(1)", stream("1\n")), code("2", result("2"))))
    assert comparison.nothing_to_compare and not comparison.reproduced
    assert comparison.cells_compared == 0 and comparison.share == 0.0
    assert summary(comparison) == "no stored outputs to compare"


def test_cells_without_stored_output_count_neither_way() -> None:
    stored = notebook(code("x = 1"), code("x", result("1")))
    new = notebook(code("x = 1", stream("surprise\n")), code("x", result("1")))
    comparison = compared(stored, new)
    assert (comparison.cells_compared, comparison.cells_reproduced) == (1, 1)


def test_stderr_is_never_compared() -> None:
    warning = (
        "/home/jake/lib/python3.9/site-packages/sklearn/utils.py:30: FutureWarning: "
        "The default value will change\n  warnings.warn(\n"
    )
    stored = notebook(code("fit()", stream("fitted\n"), stream(warning, name="stderr")))
    new = notebook(code("fit()", stream("fitted\n")))
    assert compared(stored, new).reproduced


@pytest.mark.parametrize(
    ("marker", "tags"),
    [
        ("# NBVAL_IGNORE_OUTPUT\n", []),
        ("# NBVAL_SKIP\n", []),
        ("", ["nbval-ignore-output"]),
        ("", ["nbval-skip"]),
    ],
)
def test_nbval_markers_leave_a_cell_out(marker: str, tags: list[str]) -> None:
    stored = notebook(code(marker + "random()", result("0.1"), tags=tags), code("2", result("2")))
    new = notebook(code(marker + "random()", result("0.7"), tags=tags), code("2", result("2")))
    comparison = compared(stored, new)
    assert comparison.reproduced
    assert (comparison.cells_compared, comparison.cells_ignored) == (1, 1)
    assert not compared(
        notebook(code("random()", result("0.1"))), notebook(code("random()", result("0.7")))
    ).reproduced


def test_lax_compares_only_the_cells_marked_check_output() -> None:
    stored = notebook(code("random()", result("0.1")), code("# NBVAL_CHECK_OUTPUT\n2", result("2")))
    new = notebook(code("random()", result("0.7")), code("# NBVAL_CHECK_OUTPUT\n2", result("3")))
    comparison = compared(stored, new, lax=True)
    difference = only(comparison)
    assert (difference.cell, difference.source) == (2, "2")
    assert comparison.cells_ignored == 1


def test_sanitize_replacements_apply_to_both_sides() -> None:
    stored = notebook(code("run()", stream("run id: abc-123\n")))
    new = notebook(code("run()", stream("run id: xyz-999\n")))
    assert not compared(stored, new).reproduced
    rules = [{"regex": r"run id: \S+", "replace": "run id: ID"}]
    assert compared(stored, new, sanitize=rules).reproduced
    assert compared(stored, new, sanitize=[(r"id: .*", "id")]).reproduced


def test_a_sanitize_regex_that_is_not_valid_is_named() -> None:
    nb = notebook(code("x", result("1")))
    with pytest.raises(ValueError, match=r"sanitize entry 1: '\(' is not a regex"):
        compared(nb, nb, sanitize=[{"regex": "(", "replace": ""}])


def test_summary_counts_cells_and_names_the_first_differences() -> None:
    stored = notebook(code("a", result("1")), code("b", result("2")), code("c", result("3")))
    new = notebook(code("a", result("1")), code("b", result("20")), code("c", result("30")))
    assert (
        summary(compared(stored, new), limit=1)
        == "1 of 3 cells reproduce; cell 2 (`b`): 2 → 20 (rel. 90%)"
    )


def test_widgets_and_hostile_shapes_are_left_out_without_error() -> None:
    widget = {
        "output_type": "display_data",
        "data": {
            "application/vnd.jupyter.widget-view+json": {"model_id": "1f"},
            "text/plain": "IntProgress()",
        },
        "metadata": {},
    }
    stored = notebook(code("bar()", widget, stream("ok\n")))
    new = notebook(code("bar()", stream("ok\n")))
    assert compared(stored, new).reproduced
    hostile: dict[str, Any] = {
        "cells": [
            {
                "cell_type": "code",
                "source": 5,
                "outputs": [None, {"output_type": "stream"}, {"data": 3}],
            },
            "not a cell",
            {"cell_type": "code", "outputs": "nope"},
        ]
    }
    assert compared(hostile, {"cells": None}).nothing_to_compare
    bad_image = notebook(code("x", figure("not base64 at all!")))
    difference = only(compared(bad_image, notebook(code("x", figure(png(line_at=5))))))
    assert (difference.kind, difference.stored) == ("image", "an unreadable image")


def test_the_sanitize_setting_is_read_with_plain_complaints() -> None:
    entries = parse_sanitize([{"regex": r"id: \S+", "replace": "id: ID"}, {"regex": "x"}])
    assert entries == (Sanitizer(r"id: \S+", "id: ID"), Sanitizer("x", ""))
    stored = notebook(code("run()", stream("id: abc\n")))
    new = notebook(code("run()", stream("id: xyz\n")))
    assert compared(stored, new, sanitize=entries).reproduced
    for bad, words in [
        ("x", "must be a list"),
        ([{"replace": "y"}], "entry 1 must be a table with a `regex` string"),
        ([{"regex": "a", "with": "b"}], "entry 1 has unknown keys: with"),
        ([{"regex": "a", "replace": 3}], "entry 1: `replace` must be a string"),
        ([{"regex": "a"}, {"regex": "[", "replace": ""}], r"entry 2: '\[' is not a regex"),
    ]:
        with pytest.raises(SettingError, match=words):
            parse_sanitize(bad)


def test_only_cells_with_stored_outputs_count_as_left_out() -> None:
    stored = notebook(code("import x"), code("random()", result("0.1")), code("2", result("2")))
    comparison = compared(stored, copy.deepcopy(stored), lax=True)
    assert (comparison.cells_compared, comparison.cells_ignored) == (0, 2)
    assert comparison.nothing_to_compare


def _v3_notebook(source: str, printed: str) -> dict[str, Any]:
    """A notebook as IPython 1 and 2 saved it (nbformat 3): cells inside worksheets."""
    cell = {
        "cell_type": "code",
        "input": source,
        "language": "python",
        "metadata": {},
        "outputs": [{"output_type": "stream", "stream": "stdout", "text": printed}],
        "prompt_number": 1,
    }
    return {
        "nbformat": 3,
        "nbformat_minor": 0,
        "metadata": {"name": ""},
        "worksheets": [{"metadata": {}, "cells": [cell]}],
    }


@pytest.mark.parametrize(("printed", "same"), [("1\n", True), ("2\n", False)])
def test_a_stored_nbformat_3_notebook_is_compared_as_the_new_run_has_it(
    printed: str, same: bool
) -> None:
    stored = _as_v4(_v3_notebook("print(1)", "1\n"))
    assert stored["nbformat"] == 4 and "worksheets" not in stored
    comparison = compared(stored, notebook(code("print(1)", stream(printed))))
    assert comparison.cells_compared == 1
    assert comparison.reproduced is same
    if not same:
        assert (only(comparison).stored, only(comparison).new) == ("1", "2")
