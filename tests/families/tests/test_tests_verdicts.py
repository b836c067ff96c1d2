"""TST001 and TST002 over plain facts: no repository, no sandbox, no test run."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reprobot.checks.core.model import Outcome, Status
from reprobot.checks.environment.fresh import FreshEnvironment, fresh_environment
from reprobot.checks.families.tests import run, smoke, suite
from reprobot.checks.families.tests.checks import TST001, TST002
from reprobot.checks.families.tests.junit import (
    ERROR,
    FAILED,
    PASSED,
    SKIPPED,
    CaseResult,
    JUnitSummary,
)
from reprobot.checks.families.tests.run import CommandResult, TestRun
from reprobot.checks.families.tests.runners import Runner
from reprobot.checks.families.tests.settings import TestSettings
from reprobot.checks.families.tests.smoke import SmokeTest
from reprobot.checks.families.tests.suite import TestFile, TestPlan, TestSuite
from reprobot.checks.manifests import Manifest
from tests.helpers import evaluate

PYTEST = TestPlan("pytest", (), "pytest")
PASSING = tuple(CaseResult(f"tests/test_a.py::test_{n}", PASSED, "tests/test_a.py") for n in "xyz")
SMOKE = SmokeTest("tests/test_smoke.py", "import numpy\n", ("numpy",), ("run.py",))


def test_tst001_passes_with_counted_tests_and_runners() -> None:
    found = TestSuite(
        (TestFile("tests/test_a.py", 3, "pytest"), TestFile("tests/test_b.py", 1, "unittest")),
        (Runner("make", "Makefile target `test`", ("make", "test")),),
    )
    outcome = evaluate(TST001, {suite.detected_suite: found, suite.code_files: ("run.py",)})
    assert outcome.status is Status.PASS
    assert outcome.message == "4 tests (pytest, unittest) in 2 files; Makefile target `test`"


def test_tst001_fails_without_tests_and_offers_the_smoke_test() -> None:
    outcome = evaluate(
        TST001,
        {
            suite.detected_suite: TestSuite((), (), "pytest.ini"),
            suite.code_files: ("run.py",),
            smoke.generated_smoke_test: SMOKE,
        },
    )
    assert outcome.status is Status.FAIL
    assert outcome.message == (
        "no tests found (pytest is configured in pytest.ini, but no test is there); "
        "start with the generated smoke test tests/test_smoke.py"
    )
    (fix,) = outcome.fixes
    assert fix.files == {"tests/test_smoke.py": "import numpy\n"}
    assert fix.description == (
        "A first test that imports the code and byte-compiles the scripts; run it with "
        "`python -m pytest`, then add tests that check results."
    )


def test_tst001_skips_without_code_or_runner() -> None:
    outcome = evaluate(TST001, {suite.detected_suite: TestSuite((), ()), suite.code_files: ()})
    assert outcome.status is Status.SKIP


def _tst002(test_run: TestRun, *settings: object, env: FreshEnvironment | None = None) -> Outcome:
    facts: dict[Callable[..., Any], Any] = {run.test_run: test_run}
    if env is not None:
        facts[fresh_environment] = env
    return evaluate(TST002, facts, *settings)


def test_tst002_passes_with_the_counts_and_what_was_installed() -> None:
    outcome = _tst002(
        TestRun(
            PYTEST,
            test_requirements=("pytest>=8", "hypothesis"),
            requirement_sources=("extra `test`", "requirements-dev.txt"),
            outcome=CommandResult(0, "3 passed"),
            junit=JUnitSummary(PASSING),
        )
    )
    assert outcome.status is Status.PASS
    assert outcome.message == (
        "3 passed (installed 2 declared test requirements from extra `test`, "
        "requirements-dev.txt: pytest>=8, hypothesis)"
    )


def test_tst002_names_the_failing_tests_with_file_and_line() -> None:
    failing = CaseResult(
        "tests/test_a.py::test_w", FAILED, "tests/test_a.py", 7, "assert 8.0 == 7.0"
    )
    outcome = _tst002(
        TestRun(
            PYTEST,
            installed_pytest=True,
            outcome=CommandResult(1, "1 failed, 3 passed"),
            junit=JUnitSummary((*PASSING, failing)),
        )
    )
    assert outcome.status is Status.FAIL
    assert outcome.message == (
        "3 passed, 1 failed; first failure: tests/test_a.py::test_w (tests/test_a.py:7) "
        "(pytest is not declared; reprobot installed it to run the tests)"
    )
    (finding,) = outcome.findings
    assert finding.message == "tests/test_a.py::test_w failed: assert 8.0 == 7.0"
    assert (finding.path, finding.line) == ("tests/test_a.py", 7)


def test_tst002_no_test_ran_when_collection_fails() -> None:
    broken = CaseResult(
        "tests/test_a.py",
        ERROR,
        "tests/test_a.py",
        1,
        "ModuleNotFoundError: No module named 'yaml'",
        collected=False,
    )
    outcome = _tst002(
        TestRun(PYTEST, outcome=CommandResult(2, "1 error"), junit=JUnitSummary((broken,)))
    )
    assert outcome.status is Status.FAIL
    assert outcome.message == (
        "no test ran: 1 test module failed to load "
        "(tests/test_a.py: ModuleNotFoundError: No module named 'yaml')"
    )


def test_tst002_says_how_pytest_broke_when_it_wrote_no_results() -> None:
    """An old pinned pytest on a new Python crashes while it starts (a real repository's
    case): no JUnit XML, exit code 1; the message says so and quotes pytest's error."""
    crash = (
        "Traceback (most recent call last):\n  ...\n"
        "AttributeError: 'AssertionRewritingHook' object has no attribute 'find_spec'\n\n"
        "During handling of the above exception, another exception occurred:\n  ...\n"
        'TypeError: required field "lineno" missing from alias\n'
    )
    outcome = _tst002(
        TestRun(
            PYTEST,
            outcome=CommandResult(1, crash),
            junit_error="no JUnit XML was written (No such file or directory)",
        )
    )
    assert outcome.status is Status.FAIL
    assert outcome.message == (
        "no test ran: pytest stopped before it wrote any result "
        '(TypeError: required field "lineno" missing from alias)'
    )
    unreadable = _tst002(
        TestRun(
            PYTEST,
            outcome=CommandResult(1, "1 failed"),
            junit_error="the JUnit XML was replaced by a link; not followed",
        )
    )
    assert unreadable.message == (
        "the test results could not be read: the JUnit XML was replaced by a link; not followed"
    )


def test_tst002_no_test_ran_when_nothing_was_collected() -> None:
    outcome = _tst002(
        TestRun(PYTEST, outcome=CommandResult(5, "collected 0 items"), junit=JUnitSummary(()))
    )
    assert outcome.status is Status.FAIL
    assert outcome.message == "no test ran: pytest collected no tests"
    assert "collected 0 items" in outcome.findings[0].message


def test_tst002_fails_at_the_timeout() -> None:
    stopped = CommandResult(None, "still running", timed_out=True, leftovers_killed=2)
    outcome = _tst002(TestRun(PYTEST, outcome=stopped), TestSettings(timeout=5))
    assert outcome.status is Status.FAIL
    assert outcome.message == (
        "the tests did not finish within 5 s (`tests.timeout`); they were stopped with "
        "every process they started (2 left behind)"
    )
    assert outcome.findings[0].message == "output before the timeout:\nstill running"


def test_tst002_fails_when_the_test_requirements_do_not_install() -> None:
    failure = CommandResult(1, "Resolving...\nerror: no version of pytest==99 found")
    outcome = _tst002(TestRun(PYTEST, install_failure=failure))
    assert outcome.status is Status.FAIL
    assert outcome.message == (
        "the test requirements could not be installed: "
        "Resolving...\nerror: no version of pytest==99 found"
    )


def test_tst002_judges_a_configured_command_by_its_exit_code() -> None:
    command = TestPlan("command", ("make", "test"), "`make test` (Makefile target `test`)")
    good = _tst002(TestRun(command, outcome=CommandResult(0, "ok")))
    assert good.status is Status.PASS
    assert good.message == "`make test` (Makefile target `test`) exited 0"
    bad = _tst002(TestRun(command, outcome=CommandResult(2, "sum is wrong")))
    assert bad.status is Status.FAIL
    assert bad.message == "`make test` (Makefile target `test`) exited 2"
    assert "sum is wrong" in bad.findings[0].message


def test_tst002_skips_nox_only_suites_and_missing_environments() -> None:
    assert _tst002(TestRun(None)).status is Status.SKIP
    env = FreshEnvironment(
        None, None, "", None, None, Manifest("none"), None, None, None, problem="no Python 3.7"
    )
    outcome = _tst002(TestRun(PYTEST), env=env)
    assert outcome.status is Status.SKIP
    assert outcome.message == "no fresh environment to run the tests in (no Python 3.7)"


def test_tst002_could_not_start() -> None:
    missing = CommandResult(None, "", "no such file: make", ran=False)
    outcome = _tst002(TestRun(TestPlan("command", ("make",), "`make`"), outcome=missing))
    assert outcome.status is Status.FAIL
    assert outcome.message == "the tests could not start: no such file: make"


def test_tst001_says_why_an_idle_runner_is_no_suite() -> None:
    found = TestSuite(
        (),
        (Runner("make", "Makefile target `test`", ("make", "test"), collector=True),),
        folders=("tests",),
    )
    outcome = evaluate(
        TST001,
        {
            suite.detected_suite: found,
            suite.code_files: ("a.py",),
            smoke.generated_smoke_test: SMOKE,
        },
    )
    assert outcome.status is Status.FAIL
    assert outcome.message.startswith(
        "no tests found (Makefile target `test` only starts pytest or unittest; "
        "there is a tests/ folder, but no test is there); "
    )


def test_tst002_lists_ten_failures_and_says_how_many_more() -> None:
    failing = tuple(
        CaseResult(f"tests/test_a.py::test_{n}", FAILED, "tests/test_a.py", n, "assert 0")
        for n in range(13)
    )
    outcome = _tst002(
        TestRun(PYTEST, outcome=CommandResult(1, "13 failed"), junit=JUnitSummary(failing))
    )
    assert outcome.status is Status.FAIL
    assert len(outcome.findings) == 11
    assert outcome.findings[-1].message == "... and 3 failing tests more, not listed here"
    assert outcome.findings[9].message == "tests/test_a.py::test_9 failed: assert 0"


def test_tst002_hints_at_a_numpy_2_removal() -> None:
    message = (
        "AttributeError: `np.float_` was removed in the NumPy 2.0 release. "
        "Use `np.float64` instead."
    )
    failing = CaseResult("tests/test_a.py::test_w", ERROR, "tests/test_a.py", 3, message)
    outcome = _tst002(
        TestRun(PYTEST, outcome=CommandResult(1, "1 failed"), junit=JUnitSummary((failing,)))
    )
    (finding,) = outcome.findings
    assert finding.message.endswith(
        "\nHint: `np.float_` was removed in NumPy 2.0: use `np.float64` "
        "(or declare `numpy<2` until the code is updated)"
    )


def test_tst002_hint_for_a_module_that_failed_to_load() -> None:
    broken = CaseResult(
        "tests/test_a.py",
        ERROR,
        "tests/test_a.py",
        1,
        "ImportError: cannot import name 'Mapping' from 'collections'",
        collected=False,
    )
    outcome = _tst002(
        TestRun(PYTEST, outcome=CommandResult(2, "1 error"), junit=JUnitSummary((broken,)))
    )
    assert outcome.findings[0].message.endswith(
        "\nHint: import `Mapping` from `collections.abc`: it was removed from `collections` "
        "in Python 3.10"
    )


def test_tst002_names_at_most_five_test_requirements() -> None:
    names = tuple(f"plugin{n}" for n in range(7))
    outcome = _tst002(
        TestRun(
            PYTEST,
            test_requirements=names,
            requirement_sources=("tox.ini",) * 7,
            outcome=CommandResult(0, "3 passed"),
            junit=JUnitSummary(PASSING),
        )
    )
    assert outcome.message == (
        "3 passed (installed 7 declared test requirements from tox.ini: "
        "plugin0, plugin1, plugin2, plugin3, plugin4 and 2 more)"
    )


COMMAND = TestPlan("command", ("make", "test"), "`make test` (Makefile target `test`)")


def test_tst002_command_that_ran_no_test_is_no_pass() -> None:
    unittest_empty = "\n----------------------------------------------------------------------\n"
    unittest_empty += "Ran 0 tests in 0.000s\n\nNO TESTS RAN\n"
    outcome = _tst002(TestRun(COMMAND, outcome=CommandResult(0, unittest_empty)))
    assert outcome.status is Status.FAIL
    assert outcome.message == (
        "no test ran: `make test` (Makefile target `test`) exited 0 and its output says 0 tests ran"
    )
    pytest_empty = "collected 0 items\n\n============================ no tests ran in 0.01s "
    pytest_empty += "=============================\n"
    outcome = _tst002(TestRun(COMMAND, outcome=CommandResult(5, pytest_empty)))
    assert outcome.status is Status.FAIL
    assert outcome.message.startswith("no test ran: `make test` (Makefile target `test`) exited 5")


def test_tst002_command_says_what_it_ran() -> None:
    output = (
        "....\n========================= 3 passed, 1 skipped in 0.05s ==========================\n"
    )
    outcome = _tst002(TestRun(COMMAND, outcome=CommandResult(0, output)))
    assert outcome.status is Status.PASS
    assert outcome.message == "`make test` (Makefile target `test`) exited 0: 3 passed, 1 skipped"
    output = "Ran 4 tests in 0.002s\n\nFAILED (failures=1)\n"
    outcome = _tst002(TestRun(COMMAND, outcome=CommandResult(1, output)))
    assert outcome.status is Status.FAIL
    assert outcome.message == "`make test` (Makefile target `test`) exited 1: 4 tests ran"


def test_tst002_all_tests_skipped_is_no_test_ran() -> None:
    skipped = tuple(
        CaseResult(f"tests/test_a.py::test_{n}", SKIPPED, "tests/test_a.py", 1, "needs a GPU")
        for n in "xy"
    )
    outcome = _tst002(
        TestRun(PYTEST, outcome=CommandResult(0, "2 skipped"), junit=JUnitSummary(skipped))
    )
    assert outcome.status is Status.FAIL
    assert outcome.message == "no test ran: all 2 skipped (first: needs a GPU)"
    output = "Ran 2 tests in 0.001s\n\nOK (skipped=2)\n"
    command = _tst002(TestRun(COMMAND, outcome=CommandResult(0, output)))
    assert command.status is Status.FAIL
    assert command.message.endswith("its output says 2 tests ran, 2 skipped")
    pytest_skips = "======================== 3 skipped in 0.01s ========================\n"
    command = _tst002(TestRun(COMMAND, outcome=CommandResult(0, pytest_skips)))
    assert command.status is Status.FAIL
