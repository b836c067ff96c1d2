"""Test checks: tests exist (TST001) and pass in the fresh environment (TST002)."""

from __future__ import annotations

import errno
import os
import re
import stat
import time
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from checks.core.check import Check, Context
from checks.core.model import Finding, Fix, Outcome, failed, passed, skipped
from checks.core.runner import UNPRIVILEGED_UID, RunOutcome
from checks.core.sandbox import (
    give_to_sandbox,
    remove_tree,
    sandbox_owned,
    sandbox_run,
    workspace,
)
from checks.environment.fresh import FreshEnvironment, fresh_environment, install_extra
from checks.families.tests.junit import JUNIT_CAP, JUnitError, JUnitSummary, parse_junit
from checks.families.tests.settings import TestSettings
from checks.families.tests.smoke import smoke_test
from checks.families.tests.suite import TestPlan, TestSuite, detect_suite, plan
from checks.manifests import Manifest, manifest
from checks.repo.imports import imports
from checks.repo.layout import package_modules

INSTALL_TIMEOUT = 600.0
MAX_FAILURES = 10
TEST_EXTRAS = frozenset({"test", "tests", "testing", "dev"})
NO_TESTS_RAN = {
    2: "pytest was interrupted",
    3: "pytest failed internally",
    4: "pytest could not start with the project's configuration",
    5: "pytest collected no tests",
}
# Lines that say why pytest stopped, most telling first.
_WHY = (
    re.compile(r"^\S*: error: .+$", re.M),
    re.compile(r"^(?:E\s+)?[\w.]*(?:Error|Exception): .+$", re.M),
    re.compile(r"^ERROR: .+$", re.M),
)


def test_suite(ctx: Context) -> TestSuite:
    """Fact provider: the detected test suite (and the configured command, if any)."""
    return detect_suite(ctx.snapshot, ctx.settings(TestSettings).command)


class TST001(Check):
    """Tests exist

    A test suite is how a reader knows the code still does what the paper says. reprobot
    recognises pytest and unittest tests (files with test functions or `TestCase`
    classes, found by reading the code), tox, nox, a Makefile `test` or `check` target, a
    `runtests.py`, or the `tests.command` of the configuration. A repository without any
    gets a smoke test to start from: it imports the package, or for scripts and notebooks
    imports the libraries they use and byte-compiles the scripts.
    """

    def evaluate(self, ctx: Context) -> Outcome:
        snapshot = ctx.snapshot
        if not snapshot.with_suffix(".py", ".ipynb") and not ctx.fact(test_suite).runners:
            return skipped("no Python code or notebooks, and no test command configured")
        suite = ctx.fact(test_suite)
        if suite.exists:
            parts = []
            if suite.files:
                styles = sorted({f.style for f in suite.files})
                parts.append(
                    f"{suite.count} test{'s' if suite.count != 1 else ''} "
                    f"({', '.join(styles)}) in {len(suite.files)} "
                    f"file{'s' if len(suite.files) != 1 else ''}"
                )
            parts.extend(r.source for r in suite.runners)
            return passed("; ".join(parts))
        found = ctx.fact(manifest)
        smoke = smoke_test(
            snapshot, package_modules(snapshot) if found.package else (), ctx.fact(imports)
        )
        hint = ""
        if suite.pytest_config:
            hint = f" (pytest is configured in {suite.pytest_config}, but no test is there)"
        return failed(
            f"no tests found{hint}; start with the generated smoke test {smoke.path}",
            findings=(Finding("a smoke test to start from", smoke.path),),
            fixes=(
                Fix(
                    "Add a smoke test",
                    "A first test that imports the code"
                    + (" and byte-compiles the scripts" if smoke.scripts else "")
                    + "; run it with `python -m pytest`, then add tests that check results.",
                    files={smoke.path: smoke.content},
                    commands=("python -m pytest",),
                ),
            ),
        )


def _test_requirements(found: Manifest) -> list[str]:
    """Requirements the project declares for its tests: test extras and test/dev files."""
    wanted: list[str] = []
    for declared in found.requirements:
        scope = declared.scope
        extra = scope.startswith("extra:") and scope[6:].lower() in TEST_EXTRAS
        dev = scope == "dev" and any(w in declared.path.lower() for w in ("test", "dev"))
        if not (extra or dev):
            continue
        try:
            Requirement(declared.requirement)
        except InvalidRequirement:
            continue
        wanted.append(declared.requirement)
    return list(dict.fromkeys(wanted))


def _prepare(
    ctx: Context, env: FreshEnvironment, chosen: TestPlan
) -> tuple[list[str], RunOutcome | None]:
    """Install the declared test requirements, and pytest when the suite needs it."""
    notes: list[str] = []
    declared_tests = _test_requirements(env.manifest)
    requirements = list(declared_tests)
    declared = {canonicalize_name(Requirement(r).name) for r in requirements}
    declared |= {canonicalize_name(n) for n in env.installed}
    if chosen.kind == "pytest" and "pytest" not in declared:
        requirements.append("pytest")
        notes.append("pytest is not declared; reprobot installed it to run the tests")
    if declared_tests:
        count = len(declared_tests)
        notes.append(f"installed {count} declared test requirement{'s' if count != 1 else ''}")
    if requirements:
        outcome = install_extra(ctx, env, requirements, timeout=INSTALL_TIMEOUT)
        if not outcome.ok:
            return notes, outcome
    return notes, None


def _read_junit(path: Path) -> JUnitSummary:
    """Read the file the tests wrote without following links they may have planted."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise JUnitError("the JUnit XML was replaced by a link; not followed") from None
        raise JUnitError(f"no JUnit XML was written ({exc.strerror})") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise JUnitError("the JUnit XML is not a regular file")
        if sandbox_owned() and info.st_uid != UNPRIVILEGED_UID:
            raise JUnitError("the JUnit XML was replaced by a file the tests do not own")
        return parse_junit(handle.read(JUNIT_CAP + 1))


def _failure_findings(summary: JUnitSummary) -> tuple[Finding, ...]:
    return tuple(
        Finding(f"{case.id} {case.outcome}: {case.message}".rstrip(": "), case.file, case.line)
        for case in summary.problems[:MAX_FAILURES]
    )


def _no_test_ran(outcome: RunOutcome, summary: JUnitSummary | None) -> Outcome:
    if summary is not None and summary.collection_errors:
        errors = summary.collection_errors
        first = errors[0].message.splitlines()[-1] if errors[0].message else "error"
        return failed(
            f"no test ran: {len(errors)} test module{'s' if len(errors) != 1 else ''} "
            f"failed to load ({errors[0].id}: {first})",
            findings=tuple(Finding(e.message, e.file, e.line) for e in errors[:MAX_FAILURES]),
        )
    reason = NO_TESTS_RAN.get(outcome.returncode or 0, "pytest stopped")
    found = (m for m in (p.search(outcome.output) for p in _WHY) if m is not None)
    why = next(found, None)
    if why is not None and outcome.returncode != 5:
        reason = f"{reason} ({why.group(0).removeprefix('E').strip()[:300]})"
    tail = outcome.tail(15)
    return failed(
        f"no test ran: {reason}", findings=(Finding(f"pytest output (last lines):\n{tail}"),)
    )


def _pytest_outcome(outcome: RunOutcome, junit: Path, notes: list[str]) -> Outcome:
    try:
        summary = _read_junit(junit)
    except JUnitError as exc:
        if outcome.returncode in (0, 1):
            return failed(f"the test results could not be read: {exc}")
        return _no_test_ran(outcome, None)
    if outcome.returncode in (2, 3, 4, 5) or summary.ran == 0:
        return _no_test_ran(outcome, summary)
    counts = summary.counts_text()
    suffix = f" ({'; '.join(notes)})" if notes else ""
    if summary.problems or outcome.returncode != 0:
        first = "see the output"
        if summary.problems:
            case = summary.problems[0]
            at = f" ({case.file}:{case.line})" if case.file and case.line else ""
            first = f"{case.id}{at}"
        return failed(
            f"{counts}; first failure: {first}{suffix}", findings=_failure_findings(summary)
        )
    return passed(f"{counts}{suffix}")


class TST002(Check):
    """The tests pass in the fresh environment

    The test suite runs in a clean copy of the last commit, in the fresh environment with
    the declared dependencies (and the package itself), as an unprivileged user with an
    empty home and no secrets, with a time limit (`tests.timeout`, 1800 s by default).
    A suite that stops while loading its test modules ran no test at all: that is a
    failure, not a pass with zero failures.
    """

    requires = frozenset({"TST001", "DEP003"})

    def evaluate(self, ctx: Context) -> Outcome:
        chosen = plan(ctx.fact(test_suite))
        if chosen is None:
            return skipped(
                "the tests run only through nox sessions, which make their own environments; "
                "set `tests.command` in .reprobot.yml to run them here"
            )
        env = ctx.fact(fresh_environment)
        if env.python is None or env.venv is None:
            return skipped(f"no fresh environment to run the tests in ({env.problem or 'DEP003'})")
        for step, outcome in (("resolved", env.resolve), ("installed", env.install)):
            if outcome is not None and not outcome.ok:
                return skipped(f"the declared dependencies could not be {step} (see DEP003)")
        notes, install_failure = _prepare(ctx, env, chosen)
        if install_failure is not None:
            return failed(
                "the test requirements could not be installed: " + install_failure.tail(5)
            )
        ws = ctx.fact(workspace)
        timeout = ctx.settings(TestSettings).timeout
        results = ws.area / "results"
        remove_tree(results)  # never read a previous run's results
        results.mkdir()
        give_to_sandbox(results)
        junit = results / "junit.xml"
        if chosen.kind == "pytest":
            args: tuple[str, ...] = (
                str(env.python), "-m", "pytest", *chosen.argv, f"--junitxml={junit}",
                "-o", "junit_family=xunit1", "-p", "no:cacheprovider", "--color=no",
            )  # fmt: skip
        else:
            args = chosen.argv
        started = time.monotonic()
        outcome = sandbox_run(ctx, args, cwd=ws.path, timeout=timeout, venv=env.venv)
        ctx.timings["tests.run"] = time.monotonic() - started
        if outcome.timed_out:
            left = outcome.leftovers_killed
            return failed(
                f"the tests did not finish within {timeout:g} s (`tests.timeout`); they were "
                f"stopped with every process they started"
                + (f" ({left} left behind)" if left else ""),
                findings=(Finding(f"output before the timeout:\n{outcome.tail(15)}"),),
            )
        if not outcome.ran:
            return failed(f"the tests could not start: {outcome.stderr.strip()}")
        if chosen.kind == "pytest":
            return _pytest_outcome(outcome, junit, notes)
        suffix = f" ({'; '.join(notes)})" if notes else ""
        if outcome.ok:
            return passed(f"{chosen.description} exited 0{suffix}")
        return failed(
            f"{chosen.description} exited {outcome.returncode}{suffix}",
            findings=(Finding(f"output (last lines):\n{outcome.tail(20)}"),),
        )
