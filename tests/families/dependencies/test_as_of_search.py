"""The culprit search and the bounds it proposes, over plain data: which pins make what
failed work is given, the search only asks."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from reprobot.checks.core.check import Context, Rerun, Variant
from reprobot.checks.core.model import CheckResult, Finding, Status
from reprobot.checks.core.snapshot import Snapshot
from reprobot.checks.families.dependencies.asof.era import as_of_date, python_current_at
from reprobot.checks.families.dependencies.asof.rerun import Moved, _named, _Search, upper_bound


def _result(status: Status) -> CheckResult:
    return CheckResult("TST002", "tests", "The tests pass", status, "")


def _context(tmp_path: Any, works: Callable[[set[str]], bool]) -> tuple[Context, list[tuple]]:
    asked: list[tuple] = []

    def rerun(codes: Sequence[str], variant: Variant, facts: Sequence[Any]) -> Rerun:
        asked.append(variant.constraints)
        status = Status.PASS if works(set(variant.constraints)) else Status.FAIL
        return Rerun({"TST002": _result(status)}, {}, 0.0)

    ctx = Context(Snapshot(tmp_path))
    ctx.rerun = rerun
    return ctx, asked


MOVED = tuple(Moved(f"d{i}", "1.0", "2.0") for i in range(8))


def test_one_culprit_among_eight_in_three_halvings(tmp_path: Any) -> None:
    ctx, asked = _context(tmp_path, lambda pins: "d5==1.0" in pins)
    culprits, finished = _Search(ctx, ("TST002",), 60).culprits(MOVED)
    assert finished and culprits == (MOVED[5],)
    assert len(asked) <= 6  # at most two trials a halving


def test_two_culprits_in_different_halves_stay_together(tmp_path: Any) -> None:
    ctx, _ = _context(tmp_path, lambda pins: {"d1==1.0", "d6==1.0"} <= pins)
    culprits, finished = _Search(ctx, ("TST002",), 60).culprits(MOVED)
    assert finished and set(culprits) == set(MOVED)  # neither half alone restores it


def test_the_budget_stops_the_search(tmp_path: Any) -> None:
    ctx, asked = _context(tmp_path, lambda pins: "d5==1.0" in pins)
    search = _Search(ctx, ("TST002",), 0)
    culprits, finished = search.culprits(MOVED)
    assert not finished and search.out_of_time and culprits == MOVED and asked == []


def test_the_fix_is_the_loosest_bound_that_works(tmp_path: Any) -> None:
    ctx, asked = _context(tmp_path, lambda pins: bool(pins & {"numpy<2", "numpy==1.26.4"}))
    fix = _Search(ctx, ("TST002",), 60).fix([Moved("numpy", "1.26.4", "2.1.0")])
    assert fix == ("numpy<2",) and asked == [("numpy<2",)]
    ctx, _ = _context(tmp_path, lambda pins: "numpy==1.26.4" in pins)
    assert _Search(ctx, ("TST002",), 60).fix([Moved("numpy", "1.26.4", "2.1.0")]) == (
        "numpy==1.26.4",
    )


def test_bounds_and_dates() -> None:
    assert upper_bound(Moved("numpy", "1.21.6", "2.0.1")) == "numpy<2"
    assert upper_bound(Moved("pandas", "1.3.5", "1.5.0")) == "pandas<1.5"
    assert upper_bound(Moved("six", "1.16.0", "1.16.1")) == "six==1.16.0"
    assert upper_bound(Moved("odd", "weird", "2.0")) == "odd==weird"
    assert python_current_at("2021-06-01T12:00:00Z") == "3.9"
    assert python_current_at("2019-10-14") == "3.8"
    assert python_current_at("2015-01-01") is None
    assert as_of_date("auto", "2021-06-01T12:00:00Z") == "2021-06-01T12:00:00Z"
    assert as_of_date("2020-02-02", None) == "2020-02-02T23:59:59Z"
    assert as_of_date("off", "2021-06-01T12:00:00Z") is None


def test_what_the_failure_names_is_tried_first() -> None:
    """As on scikit-hep/particle: 36 distributions moved, the failure names pandas."""
    moved = (
        Moved("numpy", "2.5.1", "2.6.0"),
        Moved("pandas", "3.0.2", "3.1.0"),
        Moved("pytest-cov", "7.0.0", "7.1.0"),
        Moved("typing-extensions", "4.14.0", "4.15.0"),
    )
    failing = CheckResult(
        "TST002", "tests", "The tests pass", Status.FAIL, "599 passed, 1 failed",
        findings=(Finding("test_generate failed: pandas.errors.Pandas4Warning: inplace"),),
    )  # fmt: skip
    assert _named(moved, {"TST002": failing}) == (moved[1],)
    cov = CheckResult("TST002", "tests", "t", Status.FAIL, "no module named 'pytest_cov'")
    assert _named(moved, {"TST002": cov}) == (moved[2],)  # the import name counts too
    assert _named(moved, {"TST002": _result(Status.FAIL)}) == ()
