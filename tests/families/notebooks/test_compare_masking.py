"""What is masked before outputs are compared, on outputs stored in real notebooks
(jakevdp/PythonDataScienceHandbook unless said otherwise), and what is not: data."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from reprobot.checks.families.notebooks.compare import compare_notebooks
from reprobot.checks.families.notebooks.masking import MAX_TEXT, mask, play_terminal
from tests.families.notebooks.compare_data import code, notebook, result, stream

HANDBOOK = Path("/work/real/jakevdp+PythonDataScienceHandbook/notebooks")

# (stored, a later run of the same code): each pair must compare equal.
SAME = [
    # %timeit (01.07, 02.07)
    (
        "1.53 µs ± 47.8 ns per loop (mean ± std. dev. of 7 runs, 1000000 loops each)\n",
        "1.61 µs ± 12.1 ns per loop (mean ± std. dev. of 7 runs, 1000000 loops each)\n",
    ),
    (
        "NumPy histogram (100 points):\n33.8 µs ± 311 ns per loop (mean ± std. dev. of 7 runs,"
        " 10000 loops each)\nCustom histogram (100 points):\n17.6 µs ± 113 ns per loop (mean ±"
        " std. dev. of 7 runs, 100000 loops each)\n",
        "NumPy histogram (100 points):\n40.1 µs ± 2 µs per loop (mean ± std. dev. of 7 runs,"
        " 10000 loops each)\nCustom histogram (100 points):\n9.6 µs ± 13 ns per loop (mean ±"
        " std. dev. of 7 runs, 100000 loops each)\n",
    ),
    # %time
    (
        "CPU times: user 2.1 s, sys: 12 ms, total: 2.11 s\nWall time: 2.12 s\n",
        "CPU times: user 1.9 s, sys: 8.2 ms, total: 1.91 s\nWall time: 1.93 s\n",
    ),
    # object reprs (03.08, 04.10)
    (
        "<pandas.core.groupby.generic.DataFrameGroupBy object at 0x11d241e20>",
        "<pandas.core.groupby.generic.DataFrameGroupBy object at 0x7f3a2c1b9e50>",
    ),
    (
        "<matplotlib.ticker.LogLocator object at 0x1129b9370>\n"
        "<matplotlib.ticker.LogLocator object at 0x1129aaf70>\n",
        "<matplotlib.ticker.LogLocator object at 0x7f0e4a1d2b10>\n"
        "<matplotlib.ticker.LogLocator object at 0x7f0e4a1d2c40>\n",
    ),
    (
        "[<matplotlib.lines.Line2D at 0x1a1c6b4c50>]",
        "[<matplotlib.lines.Line2D at 0x7fb1d8e3a0d0>]",
    ),
    # tqdm's bar, rewritten in place with carriage returns, then the result
    (
        "  0%|          | 0/470 [00:00<?, ?it/s]\r100%|##########| 470/470 [00:01<00:00, 900it/s]\n"
        "mean 435\nCV 0.69\n",
        "100%|##########| 470/470 [00:02<00:00, 233.10it/s]\nmean 435\nCV 0.69\n",
    ),
    # torchvision's download counter and bar (a stored MNIST notebook)
    (
        "32768it [00:00, 454170.99it/s]\n"
        "  1%|          | 16384/1648877 [00:00<00:11, 146491.86it/s]",
        "",
    ),
    # keras' epoch lines
    (
        "Epoch 1/2\n1875/1875 [==============================] - 3s 1ms/step - loss: 0.2962\n",
        "Epoch 1/2\n1875/1875 [==============================] - 5s 2ms/step - loss: 0.2971\n",
    ),
    # a warning printed into stdout, with the source line Python adds
    (
        "/Users/pouria/Documents/Coding/LatteReview/venv/lib/python3.9/site-packages/tokencost/"
        "constants.py:69: RuntimeWarning: coroutine 'update_token_costs' was never awaited\n"
        '  logger.error("Failed to update token costs. Using static costs.")\nscore: 4\n',
        "score: 4\n",
    ),
    (
        "C:\\Users\\bechi\\anaconda3\\lib\\site-packages\\sklearn\\linear_model\\_logistic.py:763:"
        " ConvergenceWarning: lbfgs failed to converge (status=1):\nAccuracy=0.78\n",
        "Accuracy=0.78\n",
    ),
    # clocks read at run time
    (
        "2024-10-29 18:37:34,960 INFO fitted\n",
        "2026-12-01 14:06:45,989 INFO fitted\n",
    ),
    (
        "2024-10-29 18:37:34.960 Thread 'MainThread': ready\n",
        "2026-12-01 09:01:02.003 Thread 'MainThread': ready\n",
    ),
    (
        "started datetime.datetime(2023, 5, 1, 12, 3, 4, 123456)",
        "started datetime.datetime(2026, 12, 1, 9, 0, 1, 5)",
    ),
    ("Mon May  1 12:03:04 2023", "Tue Dec  1 14:00:00 2026"),
    ("Last updated: 2023-05-01T12:34:56.123456+02:00\n\nnumpy: 1.24.3\n", "numpy: 1.24.3\n"),
    ("took 12.5s", "took 3.2s"),
    # temporary and home folders
    ("saved to /tmp/tmpab12cd_x/model.pkl", "saved to /tmp/tmp9zz81q0e/model.pkl"),
    ("saved to /var/folders/xy/abc123/T/data.csv", "saved to /tmp/pytest-7/data.csv"),
    ("reading /Users/jake/data/file.csv", "reading /home/runner/data/file.csv"),
    # prompt numbers and ids
    ("see Out[12]", "see Out[3]"),
    ("run 9b2f6c1e-5d3a-4f8e-b1c2-0a9d8e7f6a5b", "run 3e1f7a22-1b0c-4d9e-8f7a-6b5c4d3e2f1a"),
    # found by running the handbook's notebooks again with NumPy 2.4, pandas 3.1:
    # NumPy 2 names a scalar's type (02.02 cell 12)
    ("9", "np.int64(9)"),
    ("(0.5, True, 'a')", "(np.float64(0.5), np.True_, np.str_('a'))"),
    # `%%file` (01.07 cell 31), when the file was already there
    ("Overwriting mprun_demo.py\n", "Writing mprun_demo.py\n"),
    # a set of strings, printed in the order of this interpreter's hash seed
    ("{'ham', 'eggs', 'spam'}", "{'spam', 'ham', 'eggs'}"),
    ("frozenset({'b', 'a'})", "frozenset({'a', 'b'})"),
    # colours and blank ends
    ("\x1b[1;31mred\x1b[0m  \n\n", "red"),
]

# Data that looks like dates or times but is a result: a change must be seen.
DIFFERENT = [
    # 03.11: dates of a time series
    (
        "DatetimeIndex(['2015-07-03', '2015-07-04', '2015-07-05', '2015-07-06'],\n"
        "              dtype='datetime64[ns]', freq='D')",
        "DatetimeIndex(['2015-07-03', '2015-07-04', '2015-07-06', '2015-07-06'],\n"
        "              dtype='datetime64[ns]', freq='D')",
    ),
    ("Timestamp('2021-07-04 00:00:00')", "Timestamp('2021-07-05 00:00:00')"),
    (
        "numpy.datetime64('2021-07-04T12:59:59.500000000')",
        "numpy.datetime64('2021-07-04T12:59:58.500000000')",
    ),
    (
        "2020-07-04    0\n2020-08-04    1\ndtype: int64",
        "2020-07-04    0\n2020-08-04    2\ndtype: int64",
    ),
    ("<function f at 0x10> returned 3", "<function f at 0x10> returned 4"),
    # a type that is not NumPy's, and pandas 3's string dtype (03.01 cell 34): shown
    ("Decimal('9')", "9"),
    ("dtype: object", "dtype: str"),
    ("{'ham', 'eggs'}", "{'ham', 'spam'}"),
    ("{'a': 1, 'b': 2}", "{'b': 2, 'a': 1}"),
    ("Timer unit: 1e-06 s", "Timer unit: 1e-09 s"),
]


@pytest.mark.parametrize(("stored", "new"), SAME)
def test_what_changes_from_run_to_run_is_masked(stored: str, new: str) -> None:
    assert mask(stored) == mask(new)
    nb_stored = notebook(code("f()", stream(stored)), code("g()", result("start\n" + stored)))
    nb_new = notebook(code("f()", stream(new)), code("g()", result("start\n" + new)))
    assert compare_notebooks(nb_stored, nb_new, tolerance=0.0).differences == ()


@pytest.mark.parametrize(("stored", "new"), DIFFERENT)
def test_data_that_looks_like_time_is_compared(stored: str, new: str) -> None:
    comparison = compare_notebooks(
        notebook(code("x", result(stored))), notebook(code("x", result(new))), tolerance=0.0
    )
    assert not comparison.reproduced and comparison.differences


def test_arrays_padded_and_wrapped_anew_are_the_same_numbers() -> None:
    # NumPy pads and wraps arrays as its version and the values like (02.01 cell 38)
    stored = "array([[-0.46652655, -0.59158776, -1.05392451],\n       [ 0.1, 0.2, 0.3]])"
    new = "array([[-0.46652655, -0.59158776, -1.05392451], [0.1, 0.2, 0.3]])"
    assert compare_notebooks(
        notebook(code("x", result(stored))), notebook(code("x", result(new))), tolerance=0.0
    ).reproduced


def test_profiling_magics_leave_their_cell_out() -> None:
    profile = "14 function calls in 0.621 seconds\n\n   Ordered by: internal time\n"
    for source in ("%prun sum_of_lists(1000000)", "from m import f\n%mprun -f f f(10)"):
        comparison = compare_notebooks(
            notebook(code(source, result(profile))), notebook(code(source)), tolerance=0.0
        )
        assert comparison.cells_ignored == 1 and comparison.nothing_to_compare


def test_terminal_overwrites_keep_the_last_version_of_a_line() -> None:
    assert play_terminal("loading 1\rloading 2\rdone\nnext\r\n") == "done\nnext\n"


def test_masking_keeps_the_words_around_what_it_masks() -> None:
    assert (
        mask("<Foo object at 0x7f3a2c1b9e50> in /tmp/tmpab12cd_x")
        == "<Foo object at 0x<address>> in <tmp>"
    )
    assert mask("Out[7]: 3 after 2.5 ms") == "Out[_]: 3 after <duration>"


def _handbook(name: str) -> dict[str, Any]:
    path = HANDBOOK / name
    if not path.exists():
        pytest.skip(f"{path} is not on this machine")
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def _outputs(nb: dict[str, Any]) -> list[dict[str, Any]]:
    return [o for c in nb["cells"] for o in c.get("outputs", [])]


def test_a_real_notebook_rerun_with_new_addresses_and_timings_reproduces() -> None:
    stored = _handbook("03.08-Aggregation-and-Grouping.ipynb")
    new = copy.deepcopy(stored)
    changed = 0
    for output in _outputs(new):
        plain = output.get("data", {}).get("text/plain")
        if plain and "object at 0x" in "".join(plain):
            output["data"]["text/plain"] = "".join(plain).replace("0x11d", "0x7f0")
            changed += 1
    assert changed >= 3
    comparison = compare_notebooks(stored, new, tolerance=0.0)
    assert comparison.reproduced and comparison.cells_compared >= 20


def test_a_real_notebook_with_one_changed_table_value_does_not() -> None:
    stored = _handbook("03.01-Introducing-Pandas-Objects.ipynb")
    new = copy.deepcopy(stored)
    for output in _outputs(new):
        html = output.get("data", {}).get("text/html")
        if html and "<td>423967</td>" in "".join(html):
            output["data"]["text/html"] = "".join(html).replace(
                "<td>423967</td>", "<td>423000</td>"
            )
            break
    comparison = compare_notebooks(stored, new, tolerance=0.001)
    assert [(d.kind, d.place, d.stored, d.new) for d in comparison.differences] == [
        ("table", "row 'California', column 'area'", "423967", "423000")
    ]
    assert comparison.cells_reproduced == comparison.cells_compared - 1
    assert compare_notebooks(stored, new, tolerance=0.01).reproduced


def test_the_timing_notebook_has_nothing_left_but_its_results() -> None:
    stored = _handbook("01.07-Timing-and-Profiling.ipynb")
    new = copy.deepcopy(stored)
    for output in _outputs(new):
        if output.get("output_type") == "stream":
            output["text"] = "".join(output["text"]).replace("±", "±").replace("1.53 µs", "2.04 µs")
    assert compare_notebooks(stored, new, tolerance=0.0).differences == ()


def test_a_huge_output_is_masked_in_part_and_compared_whole() -> None:
    head = "<Foo object at 0x7f3a2c1b9e50>\n" + "value 1.0\n" * (MAX_TEXT // 10)
    stored, new = head + "end 1\n", head.replace("0x7f3a2c1b9e50", "0x7f000000aaaa") + "end 1\n"
    assert compare_notebooks(
        notebook(code("x", stream(stored))), notebook(code("x", stream(new))), tolerance=0.0
    ).reproduced
    changed = compare_notebooks(
        notebook(code("x", stream(stored))),
        notebook(code("x", stream(new.replace("end 1", "end 2")))),
        tolerance=0.5,
    )
    assert [d.kind for d in changed.differences] == ["text"]
    assert "more characters" in changed.differences[0].stored


def test_every_handbook_notebook_compared_with_itself_reproduces_fully() -> None:
    if not HANDBOOK.exists():
        pytest.skip(f"{HANDBOOK} is not on this machine")
    judged = 0
    for path in sorted(HANDBOOK.glob("*.ipynb")):
        stored = json.loads(path.read_text(encoding="utf-8"))
        comparison = compare_notebooks(stored, copy.deepcopy(stored), tolerance=0.0)
        assert comparison.differences == (), path.name
        judged += not comparison.nothing_to_compare
    assert judged >= 50
