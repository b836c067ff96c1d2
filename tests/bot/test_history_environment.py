"""The report's `environment` on a tiny real repository (real uv, the local wheelhouse),
kept through the history and read back, and what moved between two such reports."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from reprobot.bot import history
from reprobot.bot.delta import Moved, compare
from reprobot.bot.reportfile import load_report
from reprobot.checks import check_repository
from tests.helpers import make_repo
from tests.repos import study_package

pytestmark = pytest.mark.usefixtures("local_index")


def test_the_report_names_what_got_installed_but_not_the_project_itself(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, study_package())
    report = check_repository(repo, select=("DEP003",))
    assert report.checks[0].status.value == "pass", report.checks[0].message
    environment = report.to_dict()["environment"]
    assert environment["installed"] == {"six": "1.16.0"}  # not `study`, the project itself
    assert environment["python"].count(".") == 2
    # the kept report, read back, still carries it; so does report.json read strictly
    kept = history.report_data(history.stored(report))
    assert kept is not None and kept["environment"] == environment
    path = tmp_path / "report.json"
    path.write_text(json.dumps(report.to_dict()), encoding="utf-8")
    assert load_report(path).environment == environment
    # a later run where six moved on: the delta names it
    later = dataclasses.replace(report, environment={**environment, "installed": {"six": "1.17.0"}})
    delta = compare(kept, later.to_dict(), against="green", branch="main", time="t")
    assert delta.moved == (Moved("six", "1.16.0", "1.17.0"),)


def test_a_static_run_has_no_environment(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"README.md": "# x\n"})
    assert "environment" not in check_repository(repo, select=("CIT001",)).to_dict()


def test_a_failed_install_leaves_no_environment(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"requirements.txt": "requests==2.31.0\nurllib3==1.20\n"})
    report = check_repository(repo, select=("DEP003",))
    assert report.checks[0].status.value == "fail"
    assert "environment" not in report.to_dict()
