"""Running the test suite in the fresh environment: the facts TST002 judges.

The test requirements the project declares are installed first (and pytest, when the suite
needs it and nothing declares it). Then the suite runs in the sandbox, in the clean copy of
the last commit, with the time limit of `tests.timeout`. pytest writes its JUnit XML into a
results folder that starts empty every run; the file is written by the tests' own code, so
it is read without following a link they may have planted, and only when the tests' user
owns it.
"""

from __future__ import annotations

import errno
import os
import stat
import time
from dataclasses import dataclass
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from checks.core.check import Context
from checks.core.runner import UNPRIVILEGED_UID, RunOutcome
from checks.core.sandbox import give_to_sandbox, remove_tree, sandbox_owned, sandbox_run, workspace
from checks.environment.fresh import FreshEnvironment, fresh_environment, install_extra
from checks.families.tests.junit import JUNIT_CAP, JUnitError, JUnitSummary, parse_junit
from checks.families.tests.settings import TestSettings
from checks.families.tests.suite import TestPlan, detected_suite, plan
from checks.manifests import Manifest

INSTALL_TIMEOUT = 600.0
TEST_EXTRAS = frozenset({"test", "tests", "testing", "dev"})


@dataclass(frozen=True)
class CommandResult:
    """How a command ended, as plain data: `ran` is False when it could not start."""

    returncode: int | None
    output: str  # stdout and stderr together
    stderr: str = ""
    ran: bool = True
    timed_out: bool = False
    leftovers_killed: int = 0  # processes it left behind, killed at the end

    @classmethod
    def of(cls, outcome: RunOutcome) -> CommandResult:
        return cls(
            outcome.returncode,
            outcome.output,
            outcome.stderr,
            outcome.ran,
            outcome.timed_out,
            outcome.leftovers_killed,
        )

    @property
    def ok(self) -> bool:
        return self.ran and not self.timed_out and self.returncode == 0

    def tail(self, lines: int) -> str:
        """The last `lines` lines of the output."""
        return "\n".join(self.output.rstrip().splitlines()[-lines:])


@dataclass(frozen=True)
class TestRun:
    """What running the suite gave. `outcome` is None when the suite did not run: there is
    no plan (only nox sessions), no usable fresh environment, or `install_failure`."""

    __test__ = False  # not a pytest test class

    plan: TestPlan | None
    test_requirements: tuple[str, ...] = ()  # the declared test requirements installed
    installed_pytest: bool = False  # pytest was not declared; reprobot installed it
    install_failure: CommandResult | None = None  # installing the test requirements failed
    outcome: CommandResult | None = None
    junit: JUnitSummary | None = None  # pytest's results, when they could be read
    junit_error: str | None = None  # why pytest's results could not be read


def environment_ready(env: FreshEnvironment) -> bool:
    """Whether the fresh environment was made and its dependencies installed."""
    steps = (env.resolve, env.install)
    return env.python is not None and env.venv is not None and all(s is None or s.ok for s in steps)


def declared_test_requirements(found: Manifest) -> tuple[str, ...]:
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
    return tuple(dict.fromkeys(wanted))


def _needs_pytest(env: FreshEnvironment, chosen: TestPlan, declared: tuple[str, ...]) -> bool:
    """Whether pytest runs the suite but neither the environment nor the tests declare it."""
    names = {canonicalize_name(Requirement(r).name) for r in declared}
    names |= {canonicalize_name(n) for n in env.installed}
    return chosen.kind == "pytest" and "pytest" not in names


def read_junit(path: Path) -> JUnitSummary:
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


def _run_suite(ctx: Context, env: FreshEnvironment, chosen: TestPlan) -> tuple[RunOutcome, Path]:
    """Run the suite in the sandbox: (how it ended, where pytest writes its JUnit XML)."""
    ws = ctx.fact(workspace)
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
    timeout = ctx.settings(TestSettings).timeout
    started = time.monotonic()
    outcome = sandbox_run(ctx, args, cwd=ws.path, timeout=timeout, venv=env.venv)
    ctx.timings["tests.run"] = time.monotonic() - started
    return outcome, junit


def test_run(ctx: Context) -> TestRun:
    """Fact provider: the test requirements installed and the suite run, when it can run."""
    chosen = plan(ctx.fact(detected_suite))
    if chosen is None:
        return TestRun(None)
    env = ctx.fact(fresh_environment)
    if not environment_ready(env):
        return TestRun(chosen)
    declared = declared_test_requirements(env.manifest)
    add_pytest = _needs_pytest(env, chosen, declared)
    wanted = [*declared, "pytest"] if add_pytest else list(declared)
    if wanted:
        installed = install_extra(ctx, env, wanted, timeout=INSTALL_TIMEOUT)
        if not installed.ok:
            failure = CommandResult.of(installed)
            return TestRun(chosen, declared, add_pytest, install_failure=failure)
    ended, junit = _run_suite(ctx, env, chosen)
    outcome = CommandResult.of(ended)
    if chosen.kind != "pytest" or outcome.timed_out or not outcome.ran:
        return TestRun(chosen, declared, add_pytest, outcome=outcome)
    try:
        summary = read_junit(junit)
    except JUnitError as exc:
        return TestRun(chosen, declared, add_pytest, outcome=outcome, junit_error=str(exc))
    return TestRun(chosen, declared, add_pytest, outcome=outcome, junit=summary)
