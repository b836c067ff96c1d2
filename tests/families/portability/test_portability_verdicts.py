"""PTH001 over plain facts: no repository on disk, no file read."""

from __future__ import annotations

from reprobot.checks.core.model import Status
from reprobot.checks.families.portability.checks import PTH001
from reprobot.checks.families.portability.scan import HardCodedPath, PathScan, path_scan
from tests.helpers import evaluate


def test_pth001_skips_a_repository_without_code() -> None:
    assert evaluate(PTH001, {path_scan: PathScan(0)}).status is Status.SKIP


def test_pth001_passes_code_without_personal_paths() -> None:
    outcome = evaluate(PTH001, {path_scan: PathScan(3)})
    assert outcome.status is Status.PASS


def test_pth001_fails_each_path_at_its_place() -> None:
    found = (
        HardCodedPath("load.py", 3, "/home/ana/run.csv"),
        HardCodedPath("fig.ipynb", 2, "/content/drive/x.csv", cell=4),
    )
    outcome = evaluate(PTH001, {path_scan: PathScan(2, found)})
    assert outcome.status is Status.FAIL
    assert outcome.message == "2 hard-coded paths in 2 files, first at load.py:3"
    assert [(f.path, f.line) for f in outcome.findings] == [("load.py", 3), ("fig.ipynb", None)]
    assert outcome.findings[1].message.startswith("cell 4, line 2: `/content/drive/x.csv`")
    assert "Path(__file__).resolve().parent" in outcome.fixes[0].description


def test_pth001_counts_one_path_in_the_singular() -> None:
    found = (HardCodedPath("load.py", 3, "/home/ana/run.csv"),)
    outcome = evaluate(PTH001, {path_scan: PathScan(1, found)})
    assert outcome.message == "1 hard-coded path in 1 file, first at load.py:3"
