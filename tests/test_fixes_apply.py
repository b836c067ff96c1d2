"""Every fix a report offers, applied as written, makes its check pass and breaks no other.

The fixes are applied as a user would apply them (the files written as the report gives
them, committed), and the repository is checked again.
"""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from reprobot.checks import check_repository
from reprobot.checks.core.model import Report, Status
from tests.helpers import git, make_repo

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "ocean-heat-study"

R_ANALYSIS = {
    "analysis/figures.R": textwrap.dedent(
        """\
        library(ggplot2)
        suppressPackageStartupMessages(require("dplyr"))
        data <- readr::read_csv("data/obs.csv")
        ggsave("figure1.png")
        """
    ),
    "README.md": "# Sea ice extent\n\nRun `Rscript analysis/figures.R`.\n",
    "LICENSE": "MIT License\n\nCopyright (c) 2024 Ada Lovelace\n",
}


def _apply(report: Report, root: Path) -> list[str]:
    """Write every fix's files into `root` and commit them; the codes whose fixes had any."""
    fixed = []
    for result in report.checks:
        for fix in result.fixes:
            for path, content in fix.files.items():
                target = root / path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(content, encoding="utf-8")
            if fix.files:
                fixed.append(result.code)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Apply the fixes reprobot proposed")
    return fixed


def _statuses(report: Report) -> dict[str, Status]:
    return {r.code: r.status for r in report.checks}


def _check_fixes_hold(root: Path, *, select: tuple[str, ...] = ()) -> list[str]:
    before = check_repository(root, select=select)
    fixed = _apply(before, root)
    after = _statuses(check_repository(root, select=select))
    was = _statuses(before)
    broken = [c for c, s in after.items() if s is Status.FAIL and was.get(c) is not Status.FAIL]
    assert not broken, f"applying the fixes made these fail: {broken}"
    still = [c for c in dict.fromkeys(fixed) if after.get(c) is Status.FAIL]
    assert not still, f"these still fail after their fixes were applied: {still}"
    return fixed


@pytest.mark.usefixtures("local_index")
def test_the_example_studys_fixes_hold_when_applied(tmp_path: Path) -> None:
    root = tmp_path / "study"
    shutil.copytree(EXAMPLE, root)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "The study as published")
    static = ("CIT", "LIC", "DOC", "DEP001", "DEP005", "PTH", "LNG", "DAT")
    fixed = _check_fixes_hold(root, select=static)
    assert {"CIT001", "DOC001", "DEP005", "DAT001"} <= set(fixed)


def test_an_r_analysis_fixes_hold_when_applied(tmp_path: Path) -> None:
    root = make_repo(tmp_path, R_ANALYSIS)
    fixed = _check_fixes_hold(root, select=("CIT", "LIC", "DOC", "PTH", "LNG", "DEP", "DAT"))
    assert {"CIT001", "LNG002", "DAT001"} <= set(fixed)
