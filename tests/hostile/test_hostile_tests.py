"""Hostile repositories and hostile test output against the tests family: names that look
like options, links out of the clean room, a FIFO or a bomb where the JUnit XML should be."""

from __future__ import annotations

import os
import textwrap
import threading
import time
from pathlib import Path

import pytest

from reprobot.checks import load_config
from reprobot.checks.core.check import Context
from reprobot.checks.core.engine import run_checks
from reprobot.checks.core.model import CheckResult, Status
from reprobot.checks.core.runner import UNPRIVILEGED_GID, UNPRIVILEGED_UID
from reprobot.checks.core.sandbox import sandbox_owned
from reprobot.checks.core.snapshot import Snapshot
from reprobot.checks.families.tests.checks import TST001, TST002
from reprobot.checks.families.tests.junit import JUNIT_CAP, MAX_DEPTH, JUnitError, parse_junit
from reprobot.checks.families.tests.run import links_to_skip, pytest_argv, read_junit
from reprobot.checks.families.tests.suite import TestPlan
from tests.helpers import make_repo


@pytest.fixture(autouse=True)
def hermetic(real_index: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REPROBOT_FIND_LINKS", str(real_index))


def check(repo: Path) -> dict[str, CheckResult]:
    ctx = Context(Snapshot(repo), load_config(repo))
    return {r.code: r for r in run_checks(ctx, (TST001, TST002))}


TESTS_PY = (
    "def test_sum():\n    assert sum([1, 2]) == 3\n\n\ndef test_len():\n    assert len('ab') == 2\n"
)


# --- untrusted names and links in the repository ------------------------------------------


def test_a_folder_named_like_an_option_is_a_path(tmp_path: Path) -> None:
    """`-p/tests.py` is named to pytest (pytest does not collect `tests.py` by name); were it
    passed as is, pytest would read `-p` as its plugin option."""
    repo = make_repo(tmp_path, {"-p/tests.py": TESTS_PY, "--junitxml=x/testing.py": TESTS_PY})
    results = check(repo)
    assert results["TST001"].message.startswith("4 tests (pytest) in 2 files")
    tst = results["TST002"]
    assert tst.status is Status.PASS, tst.message
    assert tst.message.startswith("4 passed")


def test_pytest_argv_keeps_every_name_a_path() -> None:
    chosen = TestPlan("pytest", ("-x",), "pytest", ("-p/tests.py", "--co/tests.py"))
    argv = pytest_argv(Path("/venv/bin/python"), chosen, Path("/room"), Path("/r/junit.xml"))
    assert argv[-3:] == ("-x", "./-p/tests.py", "./--co/tests.py")
    assert argv.index("-x") > argv.index("--junitxml=/r/junit.xml")
    assert "--confcutdir=/room" in argv and "no:cacheprovider" in argv


def test_a_tracked_link_to_the_root_is_not_collected_through(tmp_path: Path) -> None:
    """pytest follows linked directories when it collects; a link to `/` would have it walk
    (and import test files from) the whole filesystem."""
    repo = make_repo(
        tmp_path,
        {
            "stats.py": "def mean(xs):\n    return sum(xs) / len(xs)\n",
            "tests/test_stats.py": (
                "from stats import mean\n\n\ndef test_mean():\n    assert mean([1, 3]) == 2\n"
            ),
            ".reprobot.yml": "tests:\n  timeout: 300\n",
        },
    )
    os.symlink("/", repo / "tests" / "everything")
    os.symlink("/usr/lib", repo / "lib")
    os.symlink("..", repo / "tests" / "loop")
    from tests.helpers import git

    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "links")
    tst = check(repo)["TST002"]
    assert tst.status is Status.PASS, tst.message
    assert tst.message.startswith("1 passed")


def test_links_to_skip_are_links_out_and_linked_directories(tmp_path: Path) -> None:
    room = tmp_path / "room"
    (room / "tests" / "data").mkdir(parents=True)
    (room / "tests" / "test_a.py").write_text("def test_a():\n    pass\n")
    os.symlink("/", room / "tests" / "root")
    os.symlink("/etc/hostname", room / "test_outside.py")
    os.symlink("tests", room / "inner_dir")
    os.symlink("tests/test_a.py", room / "test_b.py")  # a file inside: harmless
    os.symlink("missing", room / "dangling")
    os.mkfifo(room / "tests" / "data" / "fifo")
    assert links_to_skip(room) == (
        room / "inner_dir",
        room / "test_outside.py",
        room / "tests" / "root",
    )


# --- what the tests write is hostile input --------------------------------------------------


def _owned_by_tests(path: Path) -> None:
    if sandbox_owned():
        os.lchown(path, UNPRIVILEGED_UID, UNPRIVILEGED_GID)


def _within(seconds: float, call: object) -> object:
    """`call()`'s result, failing the test when it does not return within `seconds`."""
    box: list[object] = []

    def target() -> None:
        try:
            box.append(call())  # type: ignore[operator]
        except Exception as exc:  # noqa: BLE001 - handed back to the test
            box.append(exc)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"did not return within {seconds} s"
    return box[0]


def test_a_fifo_as_junit_file_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "junit.xml"
    os.mkfifo(fifo)
    _owned_by_tests(fifo)
    got = _within(10, lambda: read_junit(fifo))
    assert isinstance(got, JUnitError)
    assert str(got) == "the JUnit XML is not a regular file; not read"


def test_a_fifo_left_by_the_tests_does_not_block_the_report(tmp_path: Path) -> None:
    conftest = textwrap.dedent(
        """
        import os


        def pytest_unconfigure(config):
            path = config.option.xmlpath
            if path:
                os.remove(path)
                os.mkfifo(path)
        """
    )
    repo = make_repo(
        tmp_path,
        {
            "a.py": "x = 1\n",
            "tests/conftest.py": conftest,
            "tests/test_a.py": "def test_a():\n    pass\n",
        },
    )
    started = time.monotonic()
    tst = _within(600, lambda: check(repo)["TST002"])
    assert isinstance(tst, CheckResult)
    assert tst.status is Status.FAIL
    assert tst.message == (
        "the test results could not be read: the JUnit XML is not a regular file; not read"
    )
    assert time.monotonic() - started < 600


def test_a_huge_sparse_junit_file_is_not_read(tmp_path: Path) -> None:
    huge = tmp_path / "junit.xml"
    with huge.open("wb") as handle:
        handle.truncate(64 * JUNIT_CAP)  # a gigabyte that takes no disk
    _owned_by_tests(huge)
    with pytest.raises(JUnitError, match="larger than 16 MB"):
        read_junit(huge)


def test_a_junit_file_the_tests_do_not_own_is_not_read(tmp_path: Path) -> None:
    if not sandbox_owned():
        pytest.skip("needs root: only then is the owner of the file the tests' user")
    planted = tmp_path / "junit.xml"
    planted.write_bytes(b"<testsuite/>")
    with pytest.raises(JUnitError, match="do not own"):
        read_junit(planted)


def test_a_junit_file_whose_folder_became_a_link_is_not_followed(tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "junit.xml").write_bytes(b"<testsuite/>")
    _owned_by_tests(tmp_path / "elsewhere" / "junit.xml")
    os.symlink(tmp_path / "elsewhere", tmp_path / "results")
    with pytest.raises(JUnitError, match="replaced by a link"):
        read_junit(tmp_path / "results" / "junit.xml")


BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + "".join(
        f' <!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10 if n > 1 else "&lol;" * 10}">\n'
        for n in range(1, 10)
    )
    + ']>\n<testsuite><testcase classname="m" name="&lol9;"/></testsuite>\n'
)


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (BILLION_LAUGHS.encode(), "declares a document type or entities"),
        # the same bomb in UTF-16, which a search of the bytes for `<!DOCTYPE` cannot see
        (BILLION_LAUGHS.replace('"1.0"?', '"1.0" encoding="UTF-16"?').encode("utf-16"), "declares"),
        (
            b'<?xml version="1.0"?><!DOCTYPE t SYSTEM "http://example.org/t.dtd"><testsuite/>',
            "declares",
        ),
        (b"<testsuite>" + b"<a>" * 100_000 + b"</a>" * 100_000 + b"</testsuite>", "deep"),
        (
            b"<testsuite>" + b"<testcase name='x'/>" * (JUNIT_CAP // 20 + 1) + b"</testsuite>",
            "16 MB",
        ),
        (b"<testsuite>" + b"\xff\xfe" * 10 + b"</testsuite>", "not well-formed"),
        (b"\x00" * 1000, "not well-formed"),
    ],
    ids=["billion-laughs", "utf16-bomb", "external-dtd", "deep", "huge", "bad-bytes", "nul"],
)
def test_hostile_junit_is_refused_promptly(data: bytes, words: str) -> None:
    got = _within(30, lambda: parse_junit(data))
    assert isinstance(got, JUnitError), got
    assert words in str(got)


def test_nesting_just_within_the_cap_still_parses() -> None:
    depth = MAX_DEPTH - 4  # under testsuites, testsuite, testcase and system-out
    data = (
        b"<testsuites><testsuite><testcase classname='m' name='t'>"
        + b"<system-out>" + b"<x>" * depth + b"</x>" * depth + b"</system-out>"
        + b"</testcase></testsuite></testsuites>"
    )  # fmt: skip
    assert parse_junit(data).counts_text() == "1 passed"
