"""The run history and the delta between two reports, over plain data."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from reprobot.bot import bodies, history
from reprobot.bot.delta import Change, Moved, compare, gist
from reprobot.bot.reportfile import report_schema
from reprobot.checks.core.model import CheckResult, Finding, Fix, Report, Status

SVG = "{http://www.w3.org/2000/svg}"


def result(code: str, status: Status, message: str = "", family: str = "") -> CheckResult:
    families = {"CIT": "citation", "TST": "tests", "DEP": "dependencies", "BLD": "build"}
    return CheckResult(code, family or families[code[:3]], f"title of {code}", status, message)


def report(
    *results: CheckResult,
    commit: str = "a" * 40,
    started: str = "2026-11-30T04:17:00+00:00",
    environment: dict[str, Any] | None = None,
) -> Report:
    return Report("0.1.0", "/repo", commit, results, started, 1.0, environment=environment or {})


def test_a_fixed_check_and_a_newly_failing_one_are_named_with_the_gist_of_why() -> None:
    before = report(
        result("CIT001", Status.FAIL, "no CITATION.cff"),
        result("TST002", Status.PASS, "13 passed"),
        result("BLD001", Status.PASS),
    )
    after = report(
        result("CIT001", Status.PASS),
        result("TST002", Status.FAIL, "3 failed, 10 passed; first failure: test_sum"),
        result("BLD001", Status.PASS),
    )
    delta = compare(
        before.to_dict(), after.to_dict(), against="base", branch="main", time="2026-11-30T04:17Z"
    )
    assert delta.changes == (
        Change("TST002", "title of TST002", "failing", "3 failed, 10 passed"),
        Change("CIT001", "title of CIT001", "fixed", ""),
    )
    assert delta.sha == "a" * 40
    assert [c.code for c in delta.newly_failing] == ["TST002"]
    text = bodies.comment_body(after, run_url=None, delta=delta)
    assert "**Since the last report of `main`** (`aaaaaaa`, 2026-11-30):" in text
    assert "- ❌ `TST002` newly failing: 3 failed, 10 passed" in text
    assert "- ✅ `CIT001` fixed" in text
    # near the top: before the questions' table
    assert text.index("newly failing") < text.index("| | Question | Answer |")


@pytest.mark.parametrize(
    ("then", "now", "kind"),
    [
        ("pass", "error", "broken"),
        ("skip", "fail", "failing"),
        ("pass", "warn", "warning"),
        ("warn", "pass", "fixed"),
        ("fail", "fail", None),
        ("pass", "skip", None),  # not examined now: neither fixed nor broken
        ("fail", "skip", None),
    ],
)
def test_which_status_changes_count(then: str, now: str, kind: str | None) -> None:
    before = report(result("TST002", Status(then)))
    after = report(result("TST002", Status(now), "why"))
    found = compare(before.to_dict(), after.to_dict(), against="base", branch="m", time="")
    assert [c.kind for c in found.changes] == ([kind] if kind else [])


def test_a_check_only_one_report_has_is_no_change() -> None:
    before = report(result("CIT001", Status.PASS))
    after = report(result("CIT001", Status.PASS), result("TST002", Status.FAIL, "x"))
    delta = compare(before.to_dict(), after.to_dict(), against="base", branch="main", time="t")
    assert delta.changes == ()
    assert "No change since the last report of `main`" in bodies.comment_body(
        after, run_url=None, delta=delta
    )


def test_distributions_that_moved_come_from_the_two_environments() -> None:
    before = report(
        result("TST002", Status.PASS),
        environment={"python": "3.12.1", "installed": {"numpy": "1.26.4", "six": "1.16.0"}},
    )
    after = report(
        result("TST002", Status.FAIL, "1 failed"),
        environment={"python": "3.12.1", "installed": {"numpy": "2.1.0", "pandas": "2.2.3"}},
    )
    delta = compare(before.to_dict(), after.to_dict(), against="green", branch="main", time="t")
    assert delta.moved == (
        Moved("numpy", "1.26.4", "2.1.0"),
        Moved("pandas", "", "2.2.3"),
        Moved("six", "1.16.0", ""),
    )
    assert delta.moved_from == "environment"
    text = bodies.issue_body(after, branch="main", run_url=None, delta=delta)
    assert "**Since the last green run of `main`**" in text
    assert (
        "- 📦 distributions that moved: `numpy` `1.26.4` → `2.1.0`, "
        "`pandas` not installed → `2.2.3`, `six` `1.16.0` → not installed" in text
    )


def test_without_environments_the_moves_come_from_dep007s_findings() -> None:
    findings = (
        Finding("moved since 2024-03-01: numpy 1.26.4 → 2.1.0"),
        Finding("moved since 2024-03-01: oldlib 0.3 → not installed"),
        Finding("TST002 today: 1 failed"),
    )
    dep007 = CheckResult(
        "DEP007", "dependencies", "as of", Status.FAIL, "dependency rot", findings=findings
    )
    before = report(result("TST002", Status.PASS))
    after = report(result("TST002", Status.FAIL, "1 failed"), dep007)
    delta = compare(before.to_dict(), after.to_dict(), against="green", branch="main", time="t")
    assert delta.moved == (Moved("numpy", "1.26.4", "2.1.0"), Moved("oldlib", "0.3", ""))
    assert delta.moved_from == "DEP007"
    text = bodies.issue_body(after, branch="main", run_url=None, delta=delta)
    assert "moved since the commit's date (DEP007): `numpy` `1.26.4` → `2.1.0`" in text


def test_many_moves_are_cut_and_counted() -> None:
    then = {f"d{i:02}": "1" for i in range(25)}
    now = {f"d{i:02}": "2" for i in range(25)}
    before = report(environment={"installed": then})
    after = report(environment={"installed": now})
    delta = compare(before.to_dict(), after.to_dict(), against="base", branch="b", time="t")
    assert len(delta.moved) == 20 and delta.more_moved == 5


def test_a_gist_is_one_short_line() -> None:
    assert gist("3 failed,\n 10 passed; first failure: x") == "3 failed, 10 passed"
    assert len(gist("y" * 500)) == 100


def test_a_stored_report_is_still_a_valid_report_without_fix_contents() -> None:
    big = CheckResult(
        "CIT001",
        "citation",
        "t",
        Status.FAIL,
        "m",
        explanation="long words",
        findings=tuple(Finding(f"f{i}", "a.py", i + 1) for i in range(50)),
        fixes=(Fix("add it", files={"CITATION.cff": "x" * 10_000}),),
    )
    data = json.loads(history.stored(report(big, environment={"installed": {"a": "1"}})))
    import jsonschema

    jsonschema.validate(data, report_schema())
    (check,) = data["checks"]
    assert check["fixes"] == [] and check["explanation"] == ""
    assert len(check["findings"]) == 21 and check["findings"][-1]["message"] == "… 30 more findings"
    assert history.report_data(json.dumps(data)) == data
    assert history.report_data("{not json") is None
    assert history.report_data(json.dumps({"schema": "other"})) is None


def entry(i: int, status: str = "pass") -> dict[str, Any]:
    rep = report(
        result("CIT001", Status(status), "m"),
        commit=f"{i:07x}" + "0" * 33,
        started=f"2026-11-{1 + i % 28:02}T04:17:{i % 60:02}+00:00",
    )
    return history.entry(rep, file=history.file_name(rep), event="schedule", run_url=None)


def test_the_history_keeps_the_last_hundred_runs() -> None:
    runs: list[dict[str, Any]] = []
    dropped_all: list[str] = []
    for i in range(101):
        runs, dropped = history.add_run(runs, entry(i))
        dropped_all += dropped
    assert len(runs) == 100
    assert dropped_all == [entry(0)["file"]]
    assert runs[0] == entry(1) and runs[-1] == entry(100)
    # the index read back is the same list; a broken entry or index is left out
    text = history.index_text(runs, "main")
    assert history.runs_of(text) == runs
    spoiled = json.loads(text)
    spoiled["runs"][0]["file"] = "../../etc/passwd"
    spoiled["runs"][1]["status"] = "<b>"
    assert history.runs_of(json.dumps(spoiled)) == runs[2:]
    assert history.runs_of("[1, 2]") == [] and history.runs_of(None) == []


def test_a_run_again_for_the_same_second_and_commit_replaces_its_line() -> None:
    runs, _ = history.add_run([entry(1)], entry(1))
    assert runs == [entry(1)]


def test_the_last_green_run_is_the_last_without_a_failure() -> None:
    runs = [entry(1), entry(2, "warn"), entry(3, "fail")]
    assert history.last_green(runs) == entry(2, "warn")
    assert history.last_green([entry(4, "fail")]) is None


def test_an_entry_says_status_score_and_each_question() -> None:
    line = entry(5, "fail")
    assert line["file"] == "20261106T041705Z-0000005.json"
    assert line["time"] == "2026-11-06T04:17:05Z"
    assert line["status"] == "fail"
    assert line["score"] == {"passed": 0, "failed": 1, "warned": 0, "total": 1}
    assert line["questions"] == {
        "builds": "none",
        "tests": "none",
        "installs": "none",
        "citable": "fail",
    }


@pytest.mark.parametrize(
    ("branch", "path", "folder"),
    [
        ("main", ".", "history/main"),
        ("release/1.0", "./", "history/release/1.0"),
        ("we%ird#name", "analysis/", "history/we-ird-name/analysis"),
        ("../up", ".", "history/-/up"),
    ],
)
def test_the_folder_of_a_branch(branch: str, path: str, folder: str) -> None:
    assert history.folder(branch, path) == folder


def test_the_picture_is_valid_svg_with_one_point_per_run() -> None:
    runs = [entry(i, ("pass", "warn", "fail")[i % 3]) for i in range(7)]
    runs[3]["sha"] = "<&>"
    svg = ET.fromstring(history.picture(runs))
    assert svg.tag == f"{SVG}svg"
    points = svg.findall(f"{SVG}circle[@class='run']")
    assert len(points) == 7
    assert [p.get("fill") for p in points[:3]] == ["#2da44e", "#d4a72c", "#cf222e"]
    # higher is better: a failing run (0 of 1 passed) sits below a passing one
    assert float(points[2].get("cy", 0)) > float(points[0].get("cy", 0))
    squares = [r for r in svg.findall(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    assert len(squares) == 7 * 4  # each question per run
    assert "<&>" in "".join(p.findtext(f"{SVG}title", "") for p in points)
    assert len(ET.fromstring(history.picture([])).findall(f"{SVG}circle")) == 0
