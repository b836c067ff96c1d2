"""Strict loading of an untrusted report.json and pull-request file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from reprobot.bot import render
from reprobot.bot.reportfile import MAX_REPORT_BYTES, ReportFileError, load_pull, load_report
from reprobot.checks.core.model import CheckResult, Finding, Fix, Report, Status


def sample() -> Report:
    return Report(
        tool_version="0.1.0",
        repository="/github/workspace",
        commit="0123456789abcdef0123456789abcdef01234567",
        checks=(
            CheckResult(
                "CIT001",
                "citation",
                "A CITATION.cff file is at the repository root",
                Status.FAIL,
                "no CITATION.cff",
                "Explanation **markdown**",
                (Finding("missing", "CITATION.cff", 1),),
                (
                    Fix(
                        "Add one",
                        "generated",
                        {"CITATION.cff": "cff-version: 1.2.0\n"},
                        ("git add",),
                    ),
                ),
                0.25,
            ),
            CheckResult("LIC001", "licence", "Licence", Status.PASS, duration_s=0.5),
            CheckResult("DOC001", "docs", "Readme", Status.WARN, "thin"),
        ),
        started_at="2024-05-01T10:00:00+00:00",
        duration_s=1.5,
        timings={"scan": 0.125},
    )


def write(tmp_path: Path, data: Any) -> Path:
    path = tmp_path / "report.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def test_round_trip_rebuilds_the_report(tmp_path: Path) -> None:
    original = sample()
    loaded = load_report(write(tmp_path, render.to_json(original)))
    assert loaded.to_dict() == original.to_dict()
    assert loaded.checks[0].fixes[0].files == {"CITATION.cff": "cff-version: 1.2.0\n"}
    assert loaded.checks[0].findings[0] == Finding("missing", "CITATION.cff", 1)
    assert loaded.status is Status.FAIL


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(extra=1), "at (top level): Additional properties are not allowed"),
        (lambda d: d["checks"][1].update(status="great"), "at checks/1/status: 'great' is not one"),
        (lambda d: d.update(schema="reprobot.report/9"), "at schema: 'reprobot.report/1' was"),
        (
            lambda d: d["checks"][0]["findings"][0].update(path="../../etc/passwd"),
            "at checks/0/findings/0/path",
        ),
        (
            lambda d: d["checks"][0]["fixes"][0]["files"].update({"/abs": "x"}),
            "at checks/0/fixes/0/files",
        ),
        (lambda d: d["score"].update(passed=3), "`score` does not match"),
        (lambda d: d.update(status="pass"), "`status` does not match"),
        (lambda d: d["checks"].append(dict(d["checks"][1])), "appears twice"),
    ],
)
def test_invalid_reports_are_refused_with_the_place(
    tmp_path: Path, change: Any, message: str
) -> None:
    data = json.loads(render.to_json(sample()))
    change(data)
    if message == "appears twice":
        data["score"]["passed"] += 1
        data["score"]["total"] += 1
    path = write(tmp_path, data)
    with pytest.raises(ReportFileError) as caught:
        load_report(path)
    assert message in str(caught.value)
    assert str(path) in str(caught.value)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "not JSON (line 1, column 2"),
        ('{"duration_s": NaN}', "NaN is not a JSON number"),
        (b"\xff\xfe", "not UTF-8"),
    ],
)
def test_unparsable_files(tmp_path: Path, content: str | bytes, message: str) -> None:
    path = tmp_path / "report.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    with pytest.raises(ReportFileError) as caught:
        load_report(path)
    assert message in str(caught.value)


def test_missing_and_oversized_files(tmp_path: Path) -> None:
    with pytest.raises(ReportFileError, match="no such file; was the report uploaded"):
        load_report(tmp_path / "absent.json")
    big = tmp_path / "big.json"
    with big.open("wb") as handle:
        handle.truncate(MAX_REPORT_BYTES + 1)
    with pytest.raises(ReportFileError, match="larger than the"):
        load_report(big)


def test_pull_file(tmp_path: Path) -> None:
    path = tmp_path / "pull.json"
    path.write_text(json.dumps({"number": 7, "head_sha": "a" * 40}))
    assert load_pull(path) == (7, "a" * 40)
    for bad in ({"number": "7", "head_sha": "a" * 40}, {"number": 7, "head_sha": "$(x)"}, {}):
        path.write_text(json.dumps(bad))
        with pytest.raises(ReportFileError, match="not a valid pull request file"):
            load_pull(path)
