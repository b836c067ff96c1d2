from __future__ import annotations

import json
from pathlib import Path

import pytest

from reprobot.bot.cli import main
from reprobot.checks import all_checks


def test_broken_config_exits_2_naming_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / ".reprobot.yml").write_text("tests:\n  timeout: [1\n")
    assert main(["check", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "reprobot: error: .reprobot.yml:" in err and "not valid YAML" in err
    assert "Traceback" not in err


def test_unknown_select_code_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(tmp_path), "--select", "NOPE9"]) == 2
    assert "--select: no check matches NOPE9" in capsys.readouterr().err


def test_missing_directory_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(tmp_path / "absent")]) == 2
    assert "is not a directory" in capsys.readouterr().err


def test_json_format_prints_only_json_and_output_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out" / "report.json"
    code = main(
        ["check", str(tmp_path), "--format", "json", "--select", "CIT001", "--output", str(out)]
    )
    printed = json.loads(capsys.readouterr().out)
    assert printed == json.loads(out.read_text())
    assert printed["schema"] == "reprobot.report/1"
    assert [c["code"] for c in printed["checks"]] == ["CIT001"]
    assert printed["checks"][0]["status"] == "fail"
    assert code == 1


def test_select_and_ignore_repeat_and_split_on_commas(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(
        [
            "check",
            str(tmp_path),
            "--format",
            "json",
            "--select",
            "CIT,LIC",
            "--select",
            "DOC001",
            "--ignore",
            "CIT002,CIT003",
        ]
    )
    checks = {c["code"]: c for c in json.loads(capsys.readouterr().out)["checks"]}
    assert {"CIT001", "LIC001", "DOC001"} <= set(checks)
    assert not any(code.startswith(("DEP", "TST", "BLD")) for code in checks)
    assert checks["CIT002"]["status"] == "skip"
    assert checks["CIT002"]["message"] == "ignored: ignored on the command line"


def test_text_format_shows_failures_with_explanation_and_fix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "tidal-model"\nversion = "1.2.0"\n'
        'authors = [{name = "Ada Lovelace", email = "ada@example.org"}]\n'
    )
    assert main(["check", str(tmp_path), "--select", "CIT001"]) == 1
    out = capsys.readouterr().out
    assert "FAIL" in out and "CIT001" in out
    assert "Fix:" in out and "CITATION.cff" in out and "Lovelace" in out
    assert "\x1b[" not in out  # no colour when not a terminal


def test_list_checks_and_readme_table_agree() -> None:
    from reprobot.bot import render

    table = render.checks_table(all_checks())
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert table in readme, (
        "README's table of checks is stale: run `reprobot list-checks --format markdown`"
    )


def test_list_checks_prints_every_code(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list-checks"]) == 0
    out = capsys.readouterr().out
    for check in all_checks():
        assert check.code() in out and check.title() in out
