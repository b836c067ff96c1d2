"""SARIF 2.1.0 for code scanning: valid against the OASIS schema, placed, fingerprinted."""

from __future__ import annotations

import copy
import dataclasses
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from reprobot.bot import sarif
from reprobot.bot.cli import main
from reprobot.checks import all_checks
from reprobot.checks.core.model import CheckResult, Finding, Fix, Report, Status
from tests.actionrun import ActionHarness, event_payload
from tests.ghserver import GitHubServer

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads(
    (ROOT / "tests" / "fixtures" / "sarif" / "sarif-schema-2.1.0.json").read_text("utf-8")
)


def push_event() -> dict[str, object]:
    return event_payload("push.json", ref="refs/heads/main")


def schema_errors(log: Any) -> list[str]:
    validator = jsonschema.validators.validator_for(SCHEMA)(
        SCHEMA, format_checker=jsonschema.FormatChecker()
    )
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(log)]


def report_of(*results: CheckResult, commit: str | None = None) -> Report:
    return Report("0.1.0", "/r", commit, results, "2024-01-01T00:00:00+00:00", 0.1)


def results_by_rule(log: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for result in log["runs"][0]["results"]:
        found.setdefault(result["ruleId"], []).append(result)
    return found


def where(result: dict[str, Any]) -> tuple[str, str, int]:
    (location,) = result["locations"]
    physical = location["physicalLocation"]
    artifact = physical["artifactLocation"]
    return artifact["uri"], artifact["uriBaseId"], physical["region"]["startLine"]


def test_the_schema_is_the_real_one_and_refuses_what_is_wrong(example_report: Report) -> None:
    assert SCHEMA["id"].endswith("/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json")
    log = sarif.to_sarif(example_report)
    broken = copy.deepcopy(log)
    broken["runs"][0]["results"][0]["level"] = "fatal"
    del broken["runs"][0]["tool"]["driver"]["name"]
    errors = schema_errors(broken)
    assert any("'fatal' is not one of" in e for e in errors)
    assert any("'name' is a required property" in e for e in errors)


def test_a_real_report_is_valid_sarif_with_one_rule_per_check(
    example_report: Report, example_repo: Path
) -> None:
    log = json.loads(sarif.to_text(example_report, root=example_repo))
    assert schema_errors(log) == []
    assert log["version"] == "2.1.0"
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("reprobot", example_report.tool_version)
    assert driver["informationUri"] == sarif.PROJECT_URL
    known = {c.code(): c for c in all_checks()}
    rules = driver["rules"]
    assert [r["id"] for r in rules] == [c.code for c in example_report.checks]
    readme = (ROOT / "README.md").read_text("utf-8")
    for rule in rules:
        check = known[rule["id"]]
        assert rule["shortDescription"]["text"] == check.title()
        assert rule["fullDescription"]["text"] == check.explanation()
        assert rule["help"]["markdown"] == check.explanation()
        assert rule["helpUri"] == f"{sarif.PROJECT_URL}#{rule['id'].lower()}"
        assert f'<a name="{rule["id"].lower()}"></a>' in readme  # the anchor it points at
        assert rule["defaultConfiguration"]["level"] == "error"
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_failures_are_errors_warnings_warnings_and_passes_nothing(
    example_report: Report, example_repo: Path
) -> None:
    log = sarif.to_sarif(example_report, root=example_repo)
    found = results_by_rule(log)
    statuses = {c.code: c.status for c in example_report.checks}
    assert set(found) == {code for code, s in statuses.items() if s in (Status.FAIL, Status.WARN)}
    assert set(found) >= {"CIT001", "DOC001", "PTH001"}
    for code, results in found.items():
        expected = "error" if statuses[code] == Status.FAIL else "warning"
        assert {r["level"] for r in results} == {expected}
    # a finding at a file and line is an alert at that line, relative to the repository root
    paths = sorted(where(r) for r in found["PTH001"])
    assert paths == [
        ("analysis/heat.py", "%SRCROOT%", 10),
        ("notebooks/figure3.ipynb", "%SRCROOT%", 1),
    ]
    assert "/home/chidi/data/argo_north_atlantic.csv" in found["PTH001"][0]["message"]["text"]
    # no CITATION.cff to point at: the alert is on the README's first line, with the fix
    (missing,) = found["CIT001"]
    assert where(missing) == ("README.md", "%SRCROOT%", 1)
    assert missing["message"]["text"] == (
        "no CITATION.cff at the repository root\nFix: Add a generated CITATION.cff"
    )


def test_a_finding_without_a_file_goes_to_the_manifest_or_nowhere(tmp_path: Path) -> None:
    result = CheckResult("DEP003", "dependencies", "Installs", Status.FAIL, "no wheel for x")
    report = report_of(result)
    (tmp_path / "README.md").write_text("# r\n")
    (bare,) = sarif.to_sarif(report, root=tmp_path)["runs"][0]["results"]
    assert where(bare)[0] == "README.md"
    (tmp_path / "requirements.txt").write_text("x\n")
    (placed,) = sarif.to_sarif(report, root=tmp_path)["runs"][0]["results"]
    assert where(placed)[0] == "requirements.txt"
    # a finding naming a file still to be written (a generated smoke test) is no place
    new = Finding("a smoke test to start from", "tests/test_smoke.py")
    smoke = CheckResult("TST001", "tests", "Tests exist", Status.FAIL, "no tests", findings=(new,))
    (start,) = sarif.to_sarif(report_of(smoke), root=tmp_path)["runs"][0]["results"]
    assert where(start) == ("requirements.txt", "%SRCROOT%", 1)
    assert start["message"]["text"] == "no tests"
    log = sarif.to_sarif(report, root=None)
    (nowhere,) = log["runs"][0]["results"]
    assert "locations" not in nowhere
    assert schema_errors(log) == []


def test_a_checked_folder_prefixes_every_path_and_names_the_analysis(tmp_path: Path) -> None:
    (tmp_path / "analysis" / "src").mkdir(parents=True)
    (tmp_path / "analysis" / "pyproject.toml").write_text("[project]\n")
    (tmp_path / "analysis" / "src" / "run me.py").write_text("print()\n")
    findings = (Finding("absolute path", "src/run me.py", 3), Finding("outside", "../x.py", 1))
    results = (
        CheckResult("PTH001", "portability", "Paths", Status.FAIL, "2 paths", findings=findings),
        CheckResult("TST001", "tests", "Tests exist", Status.WARN, "no tests"),
    )
    log = sarif.to_sarif(report_of(*results), prefix="analysis/", root=tmp_path)
    assert schema_errors(log) == []
    (run,) = log["runs"]
    assert run["automationDetails"] == {"id": "reprobot/analysis/"}
    uris = [where(r)[0] for r in run["results"] if "locations" in r]
    assert uris == ["analysis/src/run%20me.py", "analysis/pyproject.toml"]
    assert "automationDetails" not in sarif.to_sarif(report_of(*results))["runs"][0]
    for same in ("./analysis", "analysis//", " analysis/. "):
        log = sarif.to_sarif(report_of(*results), prefix=same, root=tmp_path)
        assert log["runs"][0]["automationDetails"] == {"id": "reprobot/analysis/"}
        assert [where(r)[0] for r in log["runs"][0]["results"]] == uris
    for root in (".", "./", ""):
        assert "automationDetails" not in sarif.to_sarif(report_of(), prefix=root)["runs"][0]


def test_fingerprints_survive_moved_lines_and_tell_findings_apart() -> None:
    def log_with(*findings: Finding) -> list[str]:
        result = CheckResult("PTH001", "portability", "P", Status.FAIL, "m", findings=findings)
        results = sarif.to_sarif(report_of(result))["runs"][0]["results"]
        return [r["partialFingerprints"][sarif.FINGERPRINT] for r in results]

    first = log_with(Finding("`/home/a` exists only here", "a.py", 10), Finding("`/x`", "a.py", 12))
    moved = log_with(Finding("`/home/a` exists only here", "a.py", 40), Finding("`/x`", "a.py", 41))
    assert first == moved
    assert len(set(first)) == 2
    twice = log_with(Finding("same", "a.py", 1), Finding("same", "a.py", 9))
    assert len(set(twice)) == 2


def test_a_check_that_broke_is_a_notification_not_an_alert() -> None:
    broken = CheckResult("DEP003", "dependencies", "Installs", Status.ERROR, "network down")
    fine = CheckResult("CIT001", "citation", "Cite", Status.PASS, "found")
    log = sarif.to_sarif(report_of(broken, fine))
    assert schema_errors(log) == []
    (run,) = log["runs"]
    assert run["results"] == []
    (invocation,) = run["invocations"]
    assert invocation["executionSuccessful"] is False
    (note,) = invocation["toolExecutionNotifications"]
    assert note["descriptor"] == {"id": "DEP003"}
    assert "network down" in note["message"]["text"]


def test_a_forged_report_cannot_choose_the_rules_words() -> None:
    forged = CheckResult(
        "CIT001", "citation", "<img src=x>", Status.FAIL, "m", explanation="[click](http://x)"
    )
    unknown = CheckResult("ZZZ999", "other", "Made up", Status.WARN, "m", explanation="words")
    rules = sarif.to_sarif(report_of(forged, unknown))["runs"][0]["tool"]["driver"]["rules"]
    known = {c.code(): c for c in all_checks()}
    assert rules[0]["shortDescription"]["text"] == known["CIT001"].title()
    assert rules[0]["fullDescription"]["text"] == known["CIT001"].explanation()
    assert rules[1]["fullDescription"]["text"] == "words"


def test_the_command_line_prints_and_writes_sarif(
    example_repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out" / "reprobot.sarif"
    argv = ["check", str(example_repo), "--select", "CIT,DOC", "--format", "sarif"]
    code = main([*argv, "--sarif", str(out)])
    assert code == 1
    printed = json.loads(capsys.readouterr().out)
    assert printed == json.loads(out.read_text("utf-8"))
    assert schema_errors(printed) == []
    assert set(results_by_rule(printed)) == {"CIT001", "DOC001"}


def test_fixes_do_not_change_the_fingerprint_words() -> None:
    plain = CheckResult("CIT001", "citation", "C", Status.FAIL, "no CITATION.cff")
    fixed = dataclasses.replace(plain, fixes=(Fix("Add a generated CITATION.cff"),))
    (a,) = sarif.to_sarif(report_of(plain))["runs"][0]["results"]
    (b,) = sarif.to_sarif(report_of(fixed))["runs"][0]["results"]
    assert a["partialFingerprints"] == b["partialFingerprints"]
    assert b["message"]["text"].endswith("Fix: Add a generated CITATION.cff")


def test_the_action_writes_the_sarif_input_for_upload_sarif(
    github_server: GitHubServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    harness = ActionHarness(github_server, tmp_path, monkeypatch)
    (harness.workspace / "analysis").mkdir()
    harness.commit({"analysis/README.md": "# Analysis\n"})
    run = harness.run(
        "push", push_event(), inputs={"sarif": "results/reprobot.sarif", "path": "analysis"}
    )
    assert run.code == 1
    log = json.loads((harness.workspace / "results" / "reprobot.sarif").read_text("utf-8"))
    assert schema_errors(log) == []
    (run_log,) = log["runs"]
    assert run_log["automationDetails"] == {"id": "reprobot/analysis/"}
    (missing,) = results_by_rule(log)["CIT001"]
    assert where(missing) == ("analysis/README.md", "%SRCROOT%", 1)


def test_a_sarif_input_out_of_the_workspace_or_through_a_link_is_refused(
    github_server: GitHubServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    harness = ActionHarness(github_server, tmp_path, monkeypatch)
    refused = harness.run("push", push_event(), inputs={"sarif": "../reprobot.sarif"})
    assert refused.code == 2
    assert "invalid sarif '../reprobot.sarif'" in refused.summary
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (harness.workspace / "out").symlink_to(elsewhere)
    linked = harness.run("push", push_event(), inputs={"sarif": "out/deep/reprobot.sarif"})
    assert linked.code == 1
    assert "no SARIF file was written" in linked.summary
    assert list(elsewhere.iterdir()) == []
