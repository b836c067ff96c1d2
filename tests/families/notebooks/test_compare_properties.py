"""Properties: a notebook compared with itself always reproduces fully, whatever it holds;
and a comparison never raises on what a notebook may hold."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from reprobot.checks.families.notebooks.compare import compare_notebooks
from reprobot.checks.families.notebooks.masking import mask
from reprobot.checks.families.notebooks.tolerance import compare_text
from tests.families.notebooks.compare_data import (
    DATAFRAME_HTML,
    code,
    error,
    figure,
    notebook,
    png,
    result,
    stream,
)

PICTURES = [png(line_at=10), png(line_at=40, size=(60, 90)), png(line_at=5, fmt="JPEG")]
text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=80)
numbers = st.floats(allow_nan=True, allow_infinity=True).map(repr)
printed = st.lists(st.one_of(text, numbers), max_size=6).map(" ".join)

outputs = st.one_of(
    printed.map(stream),
    printed.map(lambda t: stream(t, name="stderr")),
    printed.map(result),
    printed.map(lambda t: result(t, kind="display_data")),
    st.sampled_from(PICTURES).map(figure),
    st.sampled_from(PICTURES).map(lambda p: figure(p, mime="image/jpeg")),
    st.just(result("df", html=DATAFRAME_HTML)),
    st.builds(lambda t: result("x", html=f"<table><tr><td>{t}</td></tr></table>"), text),
    st.builds(error, st.sampled_from(["ValueError", "KeyError"]), text),
)
cells = st.builds(
    lambda source, outs, tags: code(source, *outs, tags=tags),
    st.one_of(text, st.sampled_from(["# NBVAL_IGNORE_OUTPUT\nx", "# NBVAL_CHECK_OUTPUT\ny"])),
    st.lists(outputs, max_size=4),
    st.sampled_from([None, ["nbval-skip"], ["raises-exception"]]),
)
notebooks = st.lists(cells, max_size=6).map(lambda c: notebook(*c))


@settings(max_examples=80, deadline=None)
@given(notebooks, st.sampled_from([0.0, 1e-6, 0.05]), st.booleans())
def test_a_notebook_compared_with_itself_reproduces_fully(
    nb: dict[str, Any], tolerance: float, lax: bool
) -> None:
    comparison = compare_notebooks(nb, copy.deepcopy(nb), tolerance=tolerance, lax=lax)
    assert comparison.differences == ()
    assert comparison.cells_reproduced == comparison.cells_compared
    assert comparison.nothing_to_compare == (comparison.cells_compared == 0)
    assert comparison.share == (1.0 if comparison.cells_compared else 0.0)


@settings(max_examples=80, deadline=None)
@given(notebooks, notebooks)
def test_any_two_notebooks_compare_without_raising(
    first: dict[str, Any], second: dict[str, Any]
) -> None:
    comparison = compare_notebooks(first, second, tolerance=0.01)
    assert 0 <= comparison.cells_reproduced <= comparison.cells_compared
    assert len({d.cell for d in comparison.differences}) == (
        comparison.cells_compared - comparison.cells_reproduced
    )


@settings(max_examples=100, deadline=None)
@given(printed)
def test_masking_is_idempotent_and_text_equals_itself(value: str) -> None:
    assert mask(mask(value)) == mask(value)
    assert compare_text(mask(value), mask(value), 0.0).same


words = st.text(alphabet="abcdefghij :=,()[]", max_size=12)
values = st.floats(min_value=1e-3, max_value=1e6)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(words, values), min_size=1, max_size=6), st.data())
def test_one_number_moved_is_seen_beyond_the_tolerance_and_forgiven_within(
    parts: list[tuple[str, float]], data: st.DataObject
) -> None:
    tolerance = 0.01
    index = data.draw(st.integers(0, len(parts) - 1))

    def printed(factor: float) -> str:
        return " ".join(
            f"{w} {v * factor if i == index else v!r}" for i, (w, v) in enumerate(parts)
        )

    stored = notebook(code("report()", stream(printed(1.0))))
    near = notebook(code("report()", stream(printed(1.004))))
    far = notebook(code("report()", stream(printed(1.05))))
    assert compare_notebooks(stored, near, tolerance=tolerance).reproduced
    (difference,) = compare_notebooks(stored, far, tolerance=tolerance).differences
    assert difference.kind == "number"
    assert difference.relative is not None and difference.relative > tolerance
