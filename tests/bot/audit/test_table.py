"""The audit's table, numbers and causes over plain reports."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from reprobot.bot.audit.causes import causes_of
from reprobot.bot.audit.table import (
    NOT_CHECKED,
    QUESTIONS,
    answer_of,
    audit_document,
    read_reports,
    row_of,
    to_csv,
)

FAMILIES = {"DEP": "dependencies", "BLD": "build", "TST": "tests", "CIT": "citation",
            "NBK": "notebooks", "PTH": "portability", "DAT": "data"}  # fmt: skip


def check(code: str, status: str, message: str = "", *findings: str) -> dict[str, Any]:
    return {
        "code": code,
        "family": FAMILIES[code[:3]],
        "status": status,
        "message": message,
        "findings": [{"path": "a.py", "line": 1, "message": f} for f in findings],
    }


def report(status: str, *checks: dict[str, Any], **audit: Any) -> dict[str, Any]:
    return {"schema": "reprobot.report/1", "status": status, "checks": list(checks), "audit": audit}


HEALTHY = report(
    "pass",
    check("DEP001", "pass"),
    check("DEP003", "pass"),
    check("BLD001", "pass"),
    check("TST002", "pass"),
    check("CIT002", "pass"),
    check("CIT001", "pass"),
    committed_at="2021-03-04T10:00:00+00:00",
    facts={
        "languages": {"Python": 12, "Shell": 1},
        "notebooks": 2,
        "manifests": ["pyproject.toml"],
    },
)
BROKEN = report(
    "fail",
    check("DEP001", "pass"),
    check("DEP003", "fail", "numpy does not install"),
    check("DEP005", "fail", "2 imports undeclared"),
    check("PTH001", "fail"),
    check("TST002", "skip"),
    check("CIT001", "fail"),
    check(
        "NBK001", "fail", "1 of 2 notebooks failed", "cell 3: AttributeError: np.float was removed"
    ),
    committed_at="2019-11-30T00:00:00Z",
    facts={"languages": {"R": 9, "Python": 2}, "notebooks": 2},
)
CRASHED = {
    "schema": "reprobot.report/1",
    "status": "error",
    "checks": [],
    "error": "stopped",
    "audit": {"outcome": "timed out"},
}


def test_a_question_answers_as_the_comment_does() -> None:
    tests = QUESTIONS["tests pass"]
    skipped = [check("TST001", "pass"), check("TST002", "skip", "no test ran")]
    assert answer_of(tests, skipped) == NOT_CHECKED  # tests that were not run do not pass
    assert answer_of(QUESTIONS["notebooks run"], []) == NOT_CHECKED
    assert answer_of(tests, [check("TST001", "pass"), check("TST002", "fail")]) == "fail"
    installs = [check("DEP001", "warn"), check("DEP003", "pass")]
    assert answer_of(QUESTIONS["installs"], installs) == "warn"
    assert answer_of(QUESTIONS["installs"], [check("DEP003", "error")]) == "error"


def test_rows_carry_questions_facts_and_causes() -> None:
    good, bad = row_of("a+good", HEALTHY), row_of("b+bad", BROKEN)
    assert good["questions"] == {
        "installs": "pass",
        "builds": "pass",
        "tests pass": "pass",
        "notebooks run": NOT_CHECKED,
        "citable": "pass",
    }
    assert (good["year"], good["language"], good["notebooks"]) == ("2021", "Python", 2)
    assert bad["questions"]["installs"] == "fail"
    assert bad["questions"]["tests pass"] == NOT_CHECKED
    assert bad["language"] == "R"
    assert bad["causes"] == [
        "dependencies do not install",
        "undeclared dependency",
        "absolute path",
        "no citation file",
        "API change",
    ]


def test_causes_read_what_the_running_checks_met() -> None:
    missing = report("fail", check("TST002", "fail", "1 failed", "FileNotFoundError: data/x.csv"))
    module = report(
        "fail", check("NBK001", "fail", "", "ModuleNotFoundError: No module named 'xarray'")
    )
    assert causes_of(missing) == ["missing data file"]
    assert causes_of(module) == ["undeclared dependency"]
    assert causes_of(CRASHED) == ["could not be checked"]
    assert causes_of(HEALTHY) == []


def test_headline_counts_only_what_was_examined() -> None:
    rows = [row_of("a", HEALTHY), row_of("b", BROKEN), row_of("c", CRASHED)]
    numbers = audit_document(rows, [])["headline"]
    assert numbers["installs"] == {"examined": 2, "passed": 1, "of": 3}
    assert numbers["tests pass"] == {"examined": 1, "passed": 1, "of": 3}
    assert numbers["notebooks run"] == {"examined": 1, "passed": 0, "of": 3}


def test_csv_has_a_row_per_repository_and_a_column_per_check() -> None:
    rows = [row_of("a+good", HEALTHY), row_of("b+bad", BROKEN)]
    table = list(csv.DictReader(io.StringIO(to_csv(rows))))
    assert [r["repository"] for r in table] == ["a+good", "b+bad"]
    assert table[1]["DEP005"] == "fail" and table[0]["DEP005"] == ""
    assert table[1]["installs"] == "fail"
    assert table[1]["causes"].startswith("dependencies do not install; undeclared dependency")


def test_reports_that_are_not_reports_are_named_and_left_out(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "a+good.json").write_text(json.dumps(HEALTHY))
    (reports / "b+broken.json").write_text("{ not json")
    (reports / "c+other.json").write_text(json.dumps({"schema": "something/else"}))
    found, problems = read_reports([tmp_path])
    assert list(found) == ["a+good"]
    assert len(problems) == 2 and "b+broken.json: not a readable report" in problems[0]
