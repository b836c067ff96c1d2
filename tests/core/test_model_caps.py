from __future__ import annotations

import json

from reprobot.checks.core.model import (
    MAX_FINDINGS,
    MAX_MESSAGE,
    MAX_REPORT,
    CheckResult,
    Finding,
    Fix,
    Outcome,
    Report,
    Status,
    cap_findings,
    cut,
    failed,
)


def test_a_long_message_is_cut_and_says_how_much_is_left_out() -> None:
    finding = Finding("x" * (MAX_MESSAGE + 1234), "requirements.txt", 3)
    assert finding.message == "x" * MAX_MESSAGE + "… 1234 more characters"
    assert cut("short") == "short"
    assert failed("y" * (MAX_MESSAGE + 1)).message.endswith("… 1 more character")


def test_thousands_of_findings_keep_the_first_and_count_the_rest() -> None:
    findings = tuple(Finding(f"line {i} is wrong", "requirements.txt", i) for i in range(5000))
    outcome = Outcome(Status.FAIL, "5000 lines are wrong", findings)
    assert len(outcome.findings) == MAX_FINDINGS + 1
    assert outcome.findings[:MAX_FINDINGS] == findings[:MAX_FINDINGS]
    assert outcome.findings[-1] == Finding(f"… {5000 - MAX_FINDINGS} more findings")


def test_capping_twice_adds_up_what_was_left_out() -> None:
    findings = [Finding(f"f{i}") for i in range(300)]
    once = cap_findings(findings, 100)
    twice = cap_findings(once, 10)
    assert twice[-1].message == "… 290 more findings"
    assert len(twice) == 11
    assert cap_findings(once, 100) == once


def test_a_fix_description_and_a_result_are_bounded_too() -> None:
    fix = Fix("t" * (MAX_MESSAGE + 5), "d" * 100_000, {"a.txt": "z" * 100_000})
    assert len(fix.title) < MAX_MESSAGE + 40 and len(fix.description) < 100_000
    assert fix.files["a.txt"] == "z" * 100_000  # a cut fix could not be applied
    result = CheckResult("X001", "x", "t", Status.FAIL, "m" * 10**6, findings=(Finding("a"),) * 999)
    assert len(result.message) < MAX_MESSAGE + 40
    assert len(result.findings) == MAX_FINDINGS + 1


def test_the_report_fits_its_bound_whatever_the_checks_say() -> None:
    many = tuple(Finding("w" * MAX_MESSAGE, "a.py", i) for i in range(MAX_FINDINGS))
    checks = tuple(
        CheckResult(f"X{i:03}", "x", "title", Status.FAIL, "m", findings=many) for i in range(40)
    )
    report = Report("0.1.0", "/r", None, checks, "2024-01-01T00:00:00+00:00", 1.0)
    data = report.to_dict()
    assert len(json.dumps(data, ensure_ascii=False)) <= MAX_REPORT + 10_000
    first = data["checks"][0]["findings"]
    assert first[-1]["message"].startswith("… ") and first[-1]["message"].endswith(" more findings")
    kept = len(first) - 1
    assert first[-1]["message"] == f"… {MAX_FINDINGS - kept} more findings"
    small = Report("0.1.0", "/r", None, checks[:1], "2024-01-01T00:00:00+00:00", 1.0)
    assert len(small.to_dict()["checks"][0]["findings"]) == MAX_FINDINGS
