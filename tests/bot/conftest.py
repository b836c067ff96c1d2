"""A real report shared by the rendering tests: the bundled example study, checked once.

Only the checks that need no fresh environment run (a few seconds), which still gives
failures with files, lines and fixes (a generated CITATION.cff, README sections, paths),
a warning-free pass or two, and checks skipped for a reason.
"""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from reprobot.checks import check_repository
from reprobot.checks.core.model import Report
from tests.helpers import git

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "ocean-heat-study"
STATIC = ("CIT", "LIC", "DOC", "PTH", "DEP001", "BLD001", "TST001", "LNG")


@pytest.fixture(scope="session")
def example_repo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("example") / "ocean-heat-study"
    shutil.copytree(EXAMPLE, root)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "initial")
    yield root


@pytest.fixture(scope="session")
def example_report(example_repo: Path) -> Report:
    report = check_repository(example_repo, select=STATIC)
    assert report.commit and len(report.commit) == 40
    return dataclasses.replace(report, duration_s=1.0)
