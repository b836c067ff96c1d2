"""DAT001 and DAT002 over plain data: no file is read."""

from __future__ import annotations

from reprobot.checks.core.model import Fix, Outcome, Status
from reprobot.checks.families.data.checks import DAT001, DAT002
from reprobot.checks.families.data.facts import DataFiles, data_files
from reprobot.checks.families.data.fixes import data_fix
from reprobot.checks.families.data.large import LargeFile, LargeFiles, large_files
from reprobot.checks.families.data.scan import GENERATED, MISSING, PRESENT, DataRead, DataScan
from reprobot.checks.families.data.sources import Source
from tests.helpers import evaluate


def _read(path: str, status: str, found: str | None = None, cell: int | None = None) -> DataRead:
    return DataRead("run.py", 3, cell, "pd.read_csv", path, (path,), status, found)


def _dat001(found: DataFiles, fix: Fix | None = None) -> Outcome:
    return evaluate(DAT001, {data_files: found, data_fix: fix})


def test_nothing_to_read_skips_and_no_reads_passes() -> None:
    assert evaluate(DAT001, {data_files: DataFiles(DataScan(0))}).status is Status.SKIP
    quiet = evaluate(DAT001, {data_files: DataFiles(DataScan(3, ("Python",)))})
    assert quiet.status is Status.PASS
    computed = evaluate(DAT001, {data_files: DataFiles(DataScan(3, ("R",), computed=2))})
    assert computed.status is Status.SKIP
    assert "2 file reads whose path the code computes" in computed.message


def test_present_generated_and_documented_reads_pass_naming_their_sources() -> None:
    reads = (
        _read("data/a.csv", PRESENT, "data/a.csv"),
        _read("out/b.csv", GENERATED, "make.py"),
        _read("raw/c.csv", MISSING),
    )
    source = Source("readme", "README.md", "README.md")
    found = DataFiles(DataScan(2, ("Python",), reads), {"raw/c.csv": source})
    outcome = evaluate(DAT001, {data_files: found})
    assert outcome.status is Status.PASS
    assert outcome.message == (
        "3 data file reads by a literal path: 1 in the repository; "
        "1 written by the repository's code; 1 documented in a README"
    )
    assert [f.message for f in outcome.findings] == [
        "`out/b.csv` is written by make.py",
        "`raw/c.csv` comes from README.md",
    ]


def test_an_unprovided_file_fails_with_its_place_and_the_fix() -> None:
    reads = (_read("data/a.csv", PRESENT, "data/a.csv"), _read("raw/c.csv", MISSING, cell=4))
    fix = Fix("Say where the data files come from", files={"README.md": "x"})
    outcome = _dat001(DataFiles(DataScan(1, ("Python",), reads), {}))
    assert outcome.status is Status.FAIL
    assert outcome.message.startswith("1 data file the code opens is neither in the repository")
    assert outcome.findings[0].path == "run.py"
    assert outcome.findings[0].line is None  # a notebook cell: the line is in the message
    assert outcome.findings[0].message.startswith("cell 4, line 3: reads `raw/c.csv`")
    with_fix = _dat001(DataFiles(DataScan(1, ("Python",), reads), {}), fix)
    assert with_fix.fixes == (fix,)


def test_a_placeholder_address_warns() -> None:
    reads = (_read("raw/c.csv", MISSING),)
    source = Source("download", "download_data.py", "the download commands", placeholder=True)
    found = DataFiles(DataScan(1, ("Python",), reads), {"raw/c.csv": source})
    outcome = evaluate(DAT001, {data_files: found})
    assert outcome.status is Status.WARN
    assert "placeholder" in outcome.findings[0].message


def test_lfs_pointers_are_noted_on_a_pass() -> None:
    reads = (_read("data/a.csv", PRESENT, "data/a.csv"),)
    found = DataFiles(DataScan(1, ("Python",), reads), {}, frozenset({"data/a.csv"}))
    outcome = evaluate(DAT001, {data_files: found})
    assert outcome.status is Status.PASS
    assert "git lfs pull" in outcome.findings[-1].message


def test_large_files_warn_with_the_lfs_commands_and_small_ones_pass() -> None:
    mb = 1024 * 1024
    none = LargeFiles(50 * mb, (), examined=12, committed=True)
    assert evaluate(DAT002, {large_files: none}).status is Status.PASS
    big = LargeFiles(50 * mb, (LargeFile("data/x y.h5", 70 * mb),), examined=12, committed=True)
    outcome = evaluate(DAT002, {large_files: big})
    assert outcome.status is Status.WARN
    assert outcome.message.startswith("1 committed file larger than 50.0 MB outside Git LFS")
    fix = outcome.fixes[0]
    assert fix.files == {".gitattributes": "data/x?y.h5 filter=lfs diff=lfs merge=lfs -text\n"}
    assert fix.commands[:2] == ("git lfs install", 'git lfs track "data/x?y.h5"')
    broken = LargeFiles(50 * mb, problem="git could not list the committed files")
    assert evaluate(DAT002, {large_files: broken}).status is Status.SKIP


def test_files_a_partial_clone_lacks_are_named_as_not_measured() -> None:
    partial = LargeFiles(1024, (), examined=3, committed=True, unmeasured=("data/a.bz2",))
    outcome = evaluate(DAT002, {large_files: partial})
    assert outcome.status is Status.PASS
    assert outcome.message == (
        "no committed file is larger than 1.0 KB (3 committed files measured; 1 committed "
        "file not measured: this clone lacks its contents, first data/a.bz2)"
    )
