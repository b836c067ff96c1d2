"""`reprobot check` options: colour by NO_COLOR / FORCE_COLOR, `--fail-on`, `--offline`,
and help that shows the exit codes, the configuration file and an example."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest

from reprobot.bot.cli import colour_wanted, main
from tests.helpers import make_repo


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("environ", "tty", "expected"),
    [
        ({}, True, True),
        ({}, False, False),
        ({"NO_COLOR": "1"}, True, False),
        ({"NO_COLOR": ""}, True, True),  # empty: not set (no-color.org)
        ({"FORCE_COLOR": "1"}, False, True),
        ({"FORCE_COLOR": "0"}, False, False),
        ({"FORCE_COLOR": "1", "NO_COLOR": "1"}, False, False),  # NO_COLOR wins
        ({"TERM": "dumb"}, True, False),
    ],
)
def test_colour_follows_no_color_and_force_color(
    environ: dict[str, str], tty: bool, expected: bool
) -> None:
    stream = Terminal() if tty else io.StringIO()
    assert colour_wanted(stream, environ) is expected


def test_the_text_report_is_painted_only_when_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("FORCE_COLOR", "1")
    main(["check", str(tmp_path), "--select", "CIT001"])
    assert "\x1b[" in capsys.readouterr().out
    monkeypatch.setenv("NO_COLOR", "1")
    main(["check", str(tmp_path), "--select", "CIT001"])
    assert "\x1b[" not in capsys.readouterr().out


@pytest.mark.parametrize(
    ("fail_on", "code"), [("fail", 1), ("warn", 1), ("error", 0), ("never", 0)]
)
def test_fail_on_decides_the_exit_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fail_on: str, code: int
) -> None:
    """CIT001 fails (no CITATION.cff): a failure counts for fail and warn only."""
    assert main(["check", str(tmp_path), "--select", "CIT001", "--fail-on", fail_on]) == code


def test_fail_on_refuses_what_it_does_not_know(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["check", str(tmp_path), "--fail-on", "sometimes"])
    assert stop.value.code == 2
    assert "invalid choice: 'sometimes'" in capsys.readouterr().err


def test_offline_makes_no_environment_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path, {"requirements.txt": "numpy\n", "main.py": "import numpy\n"})
    before = os.environ.get("REPROBOT_OFFLINE")
    code = main(["check", str(repo), "--offline", "--select", "DEP", "--format", "json"])
    checks = {c["code"]: c for c in json.loads(capsys.readouterr().out)["checks"]}
    assert checks["DEP005"]["status"] == "pass"  # static: examined all the same
    assert checks["DEP002"]["status"] == "error"
    assert "offline" in checks["DEP002"]["message"]
    assert code == 3  # could not check: not the repository's failure
    assert os.environ.get("REPROBOT_OFFLINE") == before  # the run's setting only


@pytest.mark.parametrize("argv", [["--help"], ["check", "--help"]])
def test_help_shows_exit_codes_the_config_file_and_colour(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 0
    out = capsys.readouterr().out
    assert "exit codes:" in out and "  3  a check could not be run" in out
    assert ".reprobot.yml" in out and "[tool.reprobot]" in out
    assert "NO_COLOR" in out


def test_check_help_has_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["check", "--help"])
    out = capsys.readouterr().out
    assert "example:" in out and "reprobot check . --select CIT,LIC,DEP005 --offline" in out
    assert "--fail-on {fail,warn,error,never}" in out
