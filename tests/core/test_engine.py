from __future__ import annotations

from pathlib import Path

from reprobot.checks import unknown_patterns
from reprobot.checks.core.check import Check, Context
from reprobot.checks.core.config import Config, matches
from reprobot.checks.core.engine import run_checks
from reprobot.checks.core.model import (
    CheckResult,
    Finding,
    Outcome,
    Report,
    Score,
    Status,
    failed,
    passed,
)
from reprobot.checks.core.snapshot import Snapshot


class XYZ001(Check):
    """A file named marker exists

    Without a marker nothing else can be judged.
    """

    family = "demo"

    def evaluate(self, ctx: Context) -> Outcome:
        if ctx.snapshot.exists("marker"):
            return passed("marker found")
        return failed("no marker", findings=(Finding("add it", path="marker"),))


class XYZ002(Check):
    """The marker says hello"""

    family = "demo"
    requires = frozenset({"XYZ001"})

    def evaluate(self, ctx: Context) -> Outcome:
        text = ctx.snapshot.read_text("marker").text
        return passed() if "hello" in text else failed("marker does not say hello")


class XYZ003(Check):
    """A check that breaks"""

    family = "demo"

    def evaluate(self, ctx: Context) -> Outcome:
        raise KeyError("boom")


CHECKS = (XYZ001, XYZ002, XYZ003)


def _run(root: Path, config: Config | None = None) -> dict[str, CheckResult]:
    results = run_checks(Context(Snapshot(root), config), CHECKS)
    return {r.code: r for r in results}


def test_requires_skips_dependents_of_a_failure(tmp_path: Path) -> None:
    results = _run(tmp_path)
    first, second = results["XYZ001"], results["XYZ002"]
    assert first.status is Status.FAIL
    assert first.explanation == "Without a marker nothing else can be judged."
    assert second.status is Status.SKIP
    assert "XYZ001 (fail)" in second.message


def test_requires_satisfied_runs_dependents(tmp_path: Path) -> None:
    (tmp_path / "marker").write_text("hello world")
    results = _run(tmp_path)
    assert results["XYZ001"].status is Status.PASS
    assert results["XYZ002"].status is Status.PASS


def test_a_check_that_raises_is_an_error_never_a_pass(tmp_path: Path) -> None:
    result = _run(tmp_path)["XYZ003"]
    assert result.status is Status.ERROR
    assert "KeyError" in result.message and "test_engine.py" in result.message


def test_select_and_ignore_with_reason(tmp_path: Path) -> None:
    config = Config(select=("XYZ00",), ignore={"XYZ003": "known flaky"})
    results = _run(tmp_path, config)
    assert results["XYZ003"].status is Status.SKIP
    assert results["XYZ003"].message == "ignored: known flaky"
    only = _run(tmp_path, Config(select=("XYZ002",)))
    assert list(only) == ["XYZ002"]


def test_matching_and_unknown_patterns() -> None:
    assert matches("CIT002", ["DEP", "cit"]) == "cit"
    assert matches("CIT002", ["CIT003"]) is None
    assert unknown_patterns(["XYZ", "NOPE1"], CHECKS) == ["NOPE1"]


def test_score_leaves_skips_out_and_errors_count_as_failures(tmp_path: Path) -> None:
    results = run_checks(Context(Snapshot(tmp_path)), CHECKS)
    score = Score.of(results)
    assert (score.passed, score.failed, score.warned, score.total) == (0, 2, 0, 2)
    report = Report("0", str(tmp_path), None, results, "2026-01-01T00:00:00+00:00", 0.1)
    data = report.to_dict()
    assert data["schema"] == "reprobot.report/1"
    assert data["status"] == "fail"
    assert data["score"] == {"passed": 0, "failed": 2, "warned": 0, "total": 2}
    assert [c["code"] for c in data["checks"]] == ["XYZ001", "XYZ002", "XYZ003"]
    assert data["checks"][0]["findings"] == [{"path": "marker", "line": None, "message": "add it"}]


def test_fact_is_computed_once(tmp_path: Path) -> None:
    ctx = Context(Snapshot(tmp_path))
    calls: list[int] = []

    def provider(c: Context) -> int:
        calls.append(1)
        return 42

    assert ctx.fact(provider) == 42 and ctx.fact(provider) == 42
    assert calls == [1]


def test_every_registered_check_is_documented_and_its_requirements_exist() -> None:
    from reprobot.checks import all_checks

    checks = all_checks()
    codes = [c.code() for c in checks]
    assert len(codes) == len(set(codes))
    prefixes = {"citation": "CIT", "licence": "LIC", "docs": "DOC", "dependencies": "DEP",
                "build": "BLD", "tests": "TST", "notebooks": "NBK", "portability": "PTH",
                "languages": "LNG", "data": "DAT", "run": "RUN"}  # fmt: skip
    for check in checks:
        assert check.code().startswith(prefixes[check.family]), check.code()
        assert check.title() != check.code() and len(check.title()) < 80, check.code()
        assert len(check.explanation()) > 80, f"{check.code()} needs a user-facing explanation"
        for required in check.requires:
            assert required in codes, f"{check.code()} requires unknown {required}"
            assert codes.index(required) < codes.index(check.code()), "requires runs first"
