"""Running the test suite in the fresh environment: the facts TST002 judges.

The test requirements the project declares (and pytest, when the suite needs it and
nothing declares it) are installed with the declared dependencies, in the same resolution
(`suite_installs`, the family's `installs`); when that install failed, the tests install
them on their own, and a failure is theirs. Then the suite runs in the sandbox, in the clean copy of
the last commit, with the time limit of `tests.timeout`. pytest is kept inside the clean
room: a link in it that leads out of the repository, or to a directory, is never collected
through (`--ignore`), conftest files above the repository are not loaded (`--confcutdir`),
the cache is off, and every path reprobot names starts with `./`, so that a folder named
`-p` is a path and never an option. pytest writes its JUnit XML into a results folder that
starts empty every run; the file is written by the tests' own code, so it is read as
hostile input: never through a link, never unless it is a regular file the tests' user
owns, with a size cap and a deadline.
"""

from __future__ import annotations

import errno
import os
import stat
import time
from dataclasses import dataclass, replace
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from reprobot.checks.core.check import Context
from reprobot.checks.core.runner import UNPRIVILEGED_UID, RunOutcome
from reprobot.checks.core.sandbox import (
    give_to_sandbox,
    remove_tree,
    sandbox_owned,
    sandbox_run,
    workspace,
)
from reprobot.checks.environment.fresh import FreshEnvironment, fresh_environment, install_extra
from reprobot.checks.families.tests.junit import JUNIT_CAP, JUnitError, JUnitSummary, parse_junit
from reprobot.checks.families.tests.requirements import TestRequirements, declared_for_tests
from reprobot.checks.families.tests.settings import TestSettings
from reprobot.checks.families.tests.suite import TestPlan, detected_suite, plan

INSTALL_TIMEOUT = 600.0
MAX_WALK = 200_000  # entries of the clean room looked at for links


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
    requirement_sources: tuple[str, ...] = ()  # where each of them was declared
    installed_pytest: bool = False  # pytest was not declared; reprobot installed it
    install_failure: CommandResult | None = None  # installing the test requirements failed
    outcome: CommandResult | None = None
    junit: JUnitSummary | None = None  # pytest's results, when they could be read
    junit_error: str | None = None  # why pytest's results could not be read


def environment_ready(env: FreshEnvironment) -> bool:
    """Whether the fresh environment was made and its dependencies installed."""
    steps = (env.resolve, env.install)
    return env.python is not None and env.venv is not None and all(s is None or s.ok for s in steps)


def _names(requirements: tuple[str, ...]) -> set[str]:
    return {canonicalize_name(Requirement(r).name) for r in requirements}


def _needs_pytest(env: FreshEnvironment, chosen: TestPlan, declared: tuple[str, ...]) -> bool:
    """Whether pytest runs the suite but neither the environment nor the tests declare it."""
    names = _names(declared) | {canonicalize_name(n) for n in env.installed}
    return chosen.kind == "pytest" and "pytest" not in names


READ_DEADLINE = 30.0  # seconds for reading the JUnit XML, however it is served
_CHUNK = 1024 * 1024


def _open_results(path: Path) -> int:
    """A descriptor of the file the tests wrote, opened without following a link (in its
    folder or as itself) and without blocking (a FIFO opens at once and is then refused)."""
    nofollow = getattr(os, "O_NOFOLLOW", 0)
    nonblock = getattr(os, "O_NONBLOCK", 0)
    folder = os.open(path.parent, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | nofollow)
    try:
        return os.open(path.name, os.O_RDONLY | nofollow | nonblock, dir_fd=folder)
    finally:
        os.close(folder)


NO_RESULTS_WRITTEN = "no JUnit XML was written"


def read_junit(path: Path, *, deadline: float = READ_DEADLINE) -> JUnitSummary:
    """Read the file the tests wrote as hostile input: never through a link they planted,
    never anything but a regular file the tests' user owns, at most `JUNIT_CAP` bytes and
    within `deadline` seconds."""
    try:
        info = os.lstat(path)
    except OSError as exc:
        raise JUnitError(f"{NO_RESULTS_WRITTEN} ({exc.strerror})") from None
    if stat.S_ISLNK(info.st_mode):
        raise JUnitError("the JUnit XML was replaced by a link; not followed")
    if not stat.S_ISREG(info.st_mode):
        raise JUnitError("the JUnit XML is not a regular file; not read")
    try:
        fd = _open_results(path)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENOTDIR):
            raise JUnitError("the JUnit XML was replaced by a link; not followed") from None
        raise JUnitError(f"the JUnit XML could not be opened ({exc.strerror})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise JUnitError("the JUnit XML is not a regular file; not read")
        if sandbox_owned() and info.st_uid != UNPRIVILEGED_UID:
            raise JUnitError("the JUnit XML was replaced by a file the tests do not own")
        if info.st_size > JUNIT_CAP:
            raise JUnitError(f"the JUnit XML is larger than {JUNIT_CAP // (1024 * 1024)} MB")
        os.set_blocking(fd, True)  # a regular file: reads do not wait on a writer
        chunks: list[bytes] = []
        size, stop = 0, time.monotonic() + deadline
        while size <= JUNIT_CAP:
            if time.monotonic() > stop:
                raise JUnitError(f"the JUnit XML could not be read within {deadline:g} s")
            chunk = os.read(fd, min(_CHUNK, JUNIT_CAP + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise JUnitError(f"the JUnit XML could not be read ({exc.strerror})") from None
    finally:
        os.close(fd)
    return parse_junit(b"".join(chunks))


def links_to_skip(root: Path, *, limit: int = MAX_WALK) -> tuple[Path, ...]:
    """Links in the clean room that pytest must not collect through: every link to a
    directory (it may loop, or lead out) and every link that leads out of `root`. The walk
    never follows a link and looks at no more than `limit` entries."""
    base = os.path.realpath(root)
    found: list[Path] = []
    stack, seen = [str(root)], 0
    while stack and seen < limit:
        folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            seen += 1
            try:
                if entry.is_symlink():
                    target = os.path.realpath(entry.path)
                    inside = target == base or target.startswith(base + os.sep)
                    if not inside or os.path.isdir(target):
                        found.append(Path(entry.path))
                elif entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
            except (OSError, ValueError):
                found.append(Path(entry.path))
    return tuple(sorted(found))


def pytest_argv(
    python: Path, chosen: TestPlan, root: Path, junit: Path, skip: tuple[Path, ...] = ()
) -> tuple[str, ...]:
    """pytest's command line: reprobot's options first, then the repository's own, then the
    files reprobot names, each as `./path` so that no name is read as an option."""
    ours = (
        str(python), "-m", "pytest", "-p", "no:cacheprovider", f"--junitxml={junit}",
        "-o", "junit_family=xunit1", "--color=no", f"--confcutdir={root}",
    )  # fmt: skip
    ignores = tuple(f"--ignore={path}" for path in skip)
    return (*ours, *ignores, *chosen.argv, *(f"./{p}" for p in chosen.paths))


def _run_suite(ctx: Context, env: FreshEnvironment, chosen: TestPlan) -> tuple[RunOutcome, Path]:
    """Run the suite in the sandbox: (how it ended, where pytest writes its JUnit XML)."""
    ws = ctx.fact(workspace)
    results = ws.area / "results"
    remove_tree(results)  # never read a previous run's results
    results.mkdir()
    give_to_sandbox(results)
    junit = results / "junit.xml"
    if chosen.kind == "pytest" and env.python is not None:
        args = pytest_argv(env.python, chosen, ws.path, junit, links_to_skip(ws.path))
    else:
        args = chosen.argv
    timeout = ctx.settings(TestSettings).timeout
    started = time.monotonic()
    outcome = sandbox_run(ctx, args, cwd=ws.path, timeout=timeout, venv=env.venv)
    ctx.timings["tests.run"] = time.monotonic() - started
    return outcome, junit


def suite_installs(ctx: Context) -> tuple[str, ...]:
    """What the tests add to the fresh environment (`Family.installs`), installed with the
    declared dependencies: the test requirements, and pytest when it runs the suite and
    nothing declares it."""
    chosen = plan(ctx.fact(detected_suite)) if ctx.config.runs("TST002") else None
    if chosen is None:
        return ()
    declared = ctx.fact(declared_for_tests).requirements
    pytest = chosen.kind == "pytest" and "pytest" not in _names(declared)
    return (*declared, "pytest") if pytest else declared


def test_run(ctx: Context) -> TestRun:
    """Fact provider: the test requirements installed and the suite run, when it can run."""
    chosen = plan(ctx.fact(detected_suite))
    if chosen is None:
        return TestRun(None)
    env = ctx.fact(fresh_environment)
    if not environment_ready(env):
        return TestRun(chosen)
    found: TestRequirements = ctx.fact(declared_for_tests)
    declared = found.requirements
    add_pytest = _needs_pytest(env, chosen, declared)
    wanted = [*declared, "pytest"] if add_pytest else list(declared)
    base = TestRun(chosen, declared, found.sources, add_pytest)
    if wanted and not set(wanted) <= set(env.companions):  # else installed with the rest
        installed = install_extra(ctx, env, wanted, timeout=INSTALL_TIMEOUT)
        if not installed.ok:
            return replace(base, install_failure=CommandResult.of(installed))
    ended, junit = _run_suite(ctx, env, chosen)
    outcome = CommandResult.of(ended)
    if chosen.kind != "pytest" or outcome.timed_out or not outcome.ran:
        return replace(base, outcome=outcome)
    try:
        summary = read_junit(junit)
    except JUnitError as exc:
        return replace(base, outcome=outcome, junit_error=str(exc))
    return replace(base, outcome=outcome, junit=summary)
