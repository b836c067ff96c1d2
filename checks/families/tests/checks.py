"""Test checks: tests exist (TST001) and pass in the fresh environment (TST002)."""

from __future__ import annotations

import re

from reprobot.checks.core.check import Check, Context
from reprobot.checks.core.model import Finding, Fix, Outcome, errored, failed, passed, skipped
from reprobot.checks.core.templates import render
from reprobot.checks.core.words import plural
from reprobot.checks.environment.fresh import FreshEnvironment, fresh_environment
from reprobot.checks.environment.network import machine_failure
from reprobot.checks.families.tests.hints import hint
from reprobot.checks.families.tests.junit import SKIPPED, CaseResult, JUnitSummary
from reprobot.checks.families.tests.run import NO_RESULTS_WRITTEN, CommandResult, TestRun, test_run
from reprobot.checks.families.tests.settings import TestSettings
from reprobot.checks.families.tests.smoke import generated_smoke_test
from reprobot.checks.families.tests.suite import TestPlan, TestSuite, code_files, detected_suite

MAX_FAILURES = 10
MAX_NAMED = 5  # test requirements named in the message
NO_TESTS_RAN = {
    1: "pytest stopped before it wrote any result",
    2: "pytest was interrupted",
    3: "pytest failed internally",
    4: "pytest could not start with the project's configuration",
    5: "pytest collected no tests",
}
# What a test command's output says it ran: pytest's summary line, unittest's count.
_PYTEST_SUMMARY = re.compile(
    r"^=+ (?:(?P<counts>(?:\d+ \w+(?:, )?)+) in [\d.]+s|no tests ran in [\d.]+s)\b.*=+$", re.M
)
_UNITTEST_RAN = re.compile(r"^Ran (\d+) tests? in ", re.M)
_UNITTEST_SKIPPED = re.compile(r"^(?:OK|FAILED) \((?:[^)]*, )?skipped=(\d+)", re.M)
# Lines that say why pytest stopped, most telling first.
_WHY = (
    re.compile(r"^\S*: error: .+$", re.M),
    re.compile(r"^(?:E\s+)?[\w.]*(?:Error|Exception): .+$", re.M),
    re.compile(r"^ERROR: .+$", re.M),
)


def _suite_summary(suite: TestSuite) -> str:
    parts = []
    if suite.files:
        styles = sorted({f.style for f in suite.files})
        parts.append(
            f"{plural(suite.count, 'test')} ({', '.join(styles)}) in "
            f"{plural(len(suite.files), 'file')}"
        )
    parts.extend(r.source for r in suite.runners)
    return "; ".join(parts)


class TST001(Check):
    """Tests exist

    A test suite is how a reader knows the code still does what the paper says. reprobot
    recognises pytest and unittest tests (files with test functions or `TestCase`
    classes, found by reading the code, and a `runtests.py` written for pytest), doctests
    switched on in the pytest configuration, tox, nox, a Makefile `test` or `check` target,
    a `runtests.py` script, or the `tests.command` of the configuration. A runner that only
    starts pytest or unittest, or a `tests/` folder, with nothing in it to collect, is not a
    test suite. A repository without any gets a smoke test to start from: it imports the
    package, or for scripts and notebooks imports the libraries they use and byte-compiles
    the scripts.
    """

    def evaluate(self, ctx: Context) -> Outcome:
        suite = ctx.fact(detected_suite)
        if not ctx.fact(code_files) and not suite.runners:
            return skipped("no Python code or notebooks, and no test command configured")
        if suite.exists:
            return passed(_suite_summary(suite))
        smoke = ctx.fact(generated_smoke_test)
        hint = _nothing_to_collect(suite)
        description = render("tests-smoke.md.j2", scripts=bool(smoke.scripts)).rstrip("\n")
        return failed(
            f"no tests found{hint}; start with the generated smoke test {smoke.path}",
            findings=(Finding("a smoke test to start from", smoke.path),),
            fixes=(
                Fix(
                    "Add a smoke test",
                    description,
                    files={smoke.path: smoke.content},
                    commands=("python -m pytest",),
                ),
            ),
        )


def _nothing_to_collect(suite: TestSuite) -> str:
    """` (why what looks like a test suite is not one)`, or nothing."""
    reasons = [f"{r.source} only starts pytest or unittest" for r in suite.idle_runners]
    if suite.pytest_config:
        reasons.append(f"pytest is configured in {suite.pytest_config}")
    reasons.extend(f"there is a {folder}/ folder" for folder in suite.folders)
    if not reasons:
        return ""
    return f" ({'; '.join(reasons)}, but no test is there)"


def _named(requirements: tuple[str, ...]) -> str:
    shown = ", ".join(requirements[:MAX_NAMED])
    more = len(requirements) - MAX_NAMED
    return f"{shown} and {more} more" if more > 0 else shown


def _notes(run: TestRun) -> str:
    """` (what reprobot installed for the tests, and from where)`, or nothing."""
    notes = []
    if run.installed_pytest:
        notes.append("pytest is not declared; reprobot installed it to run the tests")
    if run.test_requirements:
        places = ", ".join(dict.fromkeys(run.requirement_sources))
        source = f" from {places}" if places else ""
        declared = plural(len(run.test_requirements), "declared test requirement")
        notes.append(f"installed {declared}{source}: {_named(run.test_requirements)}")
    return f" ({'; '.join(notes)})" if notes else ""


def _no_environment(env: FreshEnvironment) -> Outcome:
    """Why there was no environment to run the suite in."""
    if env.python is None or env.venv is None:
        return skipped(f"no fresh environment to run the tests in ({env.problem or 'DEP003'})")
    step = "resolved" if env.resolve is not None and not env.resolve.ok else "installed"
    return skipped(f"the declared dependencies could not be {step} (see DEP003)")


def _with_hint(message: str) -> str:
    known = hint(message)
    return f"{message}\nHint: {known}" if known else message


def _more(cases: tuple[CaseResult, ...], what: str) -> tuple[Finding, ...]:
    """A last finding that says how many more there are than the ones listed."""
    more = len(cases) - MAX_FAILURES
    if more <= 0:
        return ()
    return (Finding(f"... and {plural(more, what)} more, not listed here"),)


def _failure_findings(summary: JUnitSummary) -> tuple[Finding, ...]:
    problems = summary.problems
    listed = tuple(
        Finding(
            _with_hint(f"{case.id} {case.outcome}: {case.message}".rstrip(": ")),
            case.file,
            case.line,
        )
        for case in problems[:MAX_FAILURES]
    )
    return listed + _more(problems, "failing test")


def _no_test_ran(outcome: CommandResult, summary: JUnitSummary | None) -> Outcome:
    if summary is not None and summary.collection_errors:
        errors = summary.collection_errors
        first = errors[0].message.splitlines()[-1] if errors[0].message else "error"
        listed = tuple(
            Finding(_with_hint(e.message), e.file, e.line) for e in errors[:MAX_FAILURES]
        )
        return failed(
            f"no test ran: {plural(len(errors), 'test module')} "
            f"failed to load ({errors[0].id}: {first})",
            findings=listed + _more(errors, "test module"),
        )
    reason = NO_TESTS_RAN.get(outcome.returncode or 0, "pytest stopped")
    if outcome.returncode == 1:  # a traceback of its own: the last exception is the cause
        crashes = list(_WHY[1].finditer(outcome.output))
        why = crashes[-1] if crashes else None
    else:
        found = (m for m in (p.search(outcome.output) for p in _WHY) if m is not None)
        why = next(found, None)
    if why is not None and outcome.returncode != 5:
        reason = f"{reason} ({why.group(0).removeprefix('E').strip()[:300]})"
    tail = outcome.tail(15)
    return failed(
        f"no test ran: {reason}", findings=(Finding(f"pytest output (last lines):\n{tail}"),)
    )


def _pytest_outcome(run: TestRun, outcome: CommandResult) -> Outcome:
    summary = run.junit
    if summary is None:
        # pytest that ended 0/1 wrote results that could not be read, unless it wrote none
        # at all: then it broke on starting, and its output says how
        unread = (run.junit_error or "").startswith(NO_RESULTS_WRITTEN) is False
        if outcome.returncode == 0 or (outcome.returncode == 1 and unread):
            return failed(f"the test results could not be read: {run.junit_error}")
        return _no_test_ran(outcome, None)
    if outcome.returncode in (2, 3, 4, 5) or summary.ran == 0:
        return _no_test_ran(outcome, summary)
    counts = summary.counts_text()
    if summary.count(SKIPPED) == summary.ran:
        reason = summary.cases[0].message
        return failed(
            f"no test ran: all {counts}{f' (first: {reason})' if reason else ''}{_notes(run)}",
            findings=(Finding(f"pytest output (last lines):\n{outcome.tail(15)}"),),
        )
    if summary.problems or outcome.returncode != 0:
        first = "see the output"
        if summary.problems:
            case = summary.problems[0]
            at = f" ({case.file}:{case.line})" if case.file and case.line else ""
            first = f"{case.id}{at}"
        return failed(
            f"{counts}; first failure: {first}{_notes(run)}", findings=_failure_findings(summary)
        )
    return passed(f"{counts}{_notes(run)}")


def tests_ran(output: str) -> tuple[int, str] | None:
    """(how many tests ran, pytest's or unittest's own words) from a command's output: the
    last summary either printed, or None when it printed none."""
    found: list[tuple[int, int, str]] = []
    for match in _PYTEST_SUMMARY.finditer(output):
        counts = match.group("counts") or ""
        ran = sum(
            int(n)
            for n, word in re.findall(r"(\d+) (\w+)", counts)
            if word in ("passed", "failed", "xfailed", "xpassed")
        )
        found.append((match.start(), ran, counts.strip() or "no tests ran"))
    for match in _UNITTEST_RAN.finditer(output):
        ran = int(match.group(1))
        skipped = _UNITTEST_SKIPPED.search(output, match.end())
        executed = ran - int(skipped.group(1)) if skipped else ran
        words = plural(ran, "test") + " ran" + (f", {skipped.group(1)} skipped" if skipped else "")
        found.append((match.start(), executed, words))
    if not found:
        return None
    _, ran, words = max(found)
    return ran, words


def _command_outcome(run: TestRun, outcome: CommandResult, description: str) -> Outcome:
    counted = tests_ran(outcome.output)
    tail = (Finding(f"output (last lines):\n{_with_hint(outcome.tail(20))}"),)
    if counted is not None and counted[0] == 0:
        return failed(
            f"no test ran: {description} exited {outcome.returncode} and its output says "
            f"{counted[1]}{_notes(run)}",
            findings=tail,
        )
    said = f": {counted[1]}" if counted is not None else ""
    if outcome.ok:
        return passed(f"{description} exited 0{said}{_notes(run)}")
    return failed(f"{description} exited {outcome.returncode}{said}{_notes(run)}", findings=tail)


def _ran(run: TestRun, plan: TestPlan, outcome: CommandResult, timeout: float) -> Outcome:
    """The verdict on a suite that was started."""
    if outcome.timed_out:
        left = outcome.leftovers_killed
        return failed(
            f"the tests did not finish within {timeout:g} s (`tests.timeout`); they were "
            f"stopped with every process they started" + (f" ({left} left behind)" if left else ""),
            findings=(Finding(f"output before the timeout:\n{outcome.tail(15)}"),),
        )
    if not outcome.ran:
        return failed(f"the tests could not start: {outcome.stderr.strip()}")
    if plan.kind == "pytest":
        return _pytest_outcome(run, outcome)
    return _command_outcome(run, outcome, plan.description)


class TST002(Check):
    """The tests pass in the fresh environment

    The test suite runs the way the repository says (the configured command, pytest as
    tox or nox runs it, pytest over the test files, a `runtests.py` script, a Makefile
    target), in a clean copy of the last commit, in the fresh environment with the declared
    dependencies (and the package itself) and what the project declares for its tests
    (test extras, test and dev requirement files, dependency groups, tox `deps` and
    `extras`, the nox test session's installs), named in the report. It runs as an
    unprivileged user with an empty home and no secrets, with a time limit
    (`tests.timeout`, 1800 s by default). A suite that stops while loading its test
    modules, or a command whose output says it ran no test, ran no test at all: that is a
    failure, not a pass with zero failures. Known causes of a failure (something NumPy 2,
    pandas 2 or a newer Python removed) come with a hint.
    """

    requires = frozenset({"TST001", "DEP003"})

    def evaluate(self, ctx: Context) -> Outcome:
        run = ctx.fact(test_run)
        if run.plan is None:
            return skipped(
                "the tests run only through nox sessions, which make their own environments; "
                "set `tests.command` in .reprobot.yml to run them here"
            )
        if run.install_failure is not None:
            return _install_failed(run.install_failure)
        if run.outcome is None:
            return _no_environment(ctx.fact(fresh_environment))
        return _ran(run, run.plan, run.outcome, ctx.settings(TestSettings).timeout)


def _install_failed(install: CommandResult) -> Outcome:
    """The test requirements did not install: the repository's failure, unless the
    machine's (the index unreachable, its certificate not trusted, the disk full)."""
    machine = machine_failure(install.output)
    if machine is not None:
        return errored(f"the test requirements could not be installed: {machine.summary}")
    return failed("the test requirements could not be installed: " + install.tail(5))
