"""Whether a repository has tests, and how they are run.

Test files are recognised by what they contain (read with `ast`), not by their names
alone: `split_data_train_test.py` or `tests/data.csv` are not a test suite. A file meant for
pytest that pytest would not collect by its name (a `runtests.py` or `tests.py` with test
functions and a pytest shebang or no `__main__` block) is a test file run through pytest, not
a script. Runners other than pytest (tox, nox, a Makefile target, a `runtests.py` script, a
configured command) count too, unless all they do is hand over to pytest or unittest and
there is nothing for those to collect. Doctests switched on in the pytest configuration
(`--doctest-modules`, `--doctest-glob`) are tests too.
"""

from __future__ import annotations

import ast
import fnmatch
import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from reprobot.checks.core.check import Context
from reprobot.checks.core.snapshot import Snapshot
from reprobot.checks.families.tests.runners import (
    Runner,
    make_target,
    nox_session,
    read_ini,
    tox_runner,
)
from reprobot.checks.families.tests.settings import TestSettings
from reprobot.checks.repo.commands import command_argv
from reprobot.checks.repo.pyproject import read_pyproject

PYTEST_FILES = ("test_*.py", "*_test.py")
UNITTEST_FILES = ("test*.py",)
RUNTESTS = ("runtests.py", "run_tests.py")
_TEST_DEF = re.compile(r"^(?:async\s+)?def\s+test\w*\s*\(|^class\s+\w+\(.*TestCase\)", re.M)
_PYTEST_SHEBANG = re.compile(r"\A#![^\n]*\b(?:py\.?test)\b")
_DOCTESTS = re.compile(r"--doctest-(?:modules|glob)\b")
TEST_FOLDERS = ("tests", "test", "testing")


@dataclass(frozen=True)
class TestFile:
    __test__ = False  # not a pytest test class

    path: str
    tests: int
    style: str  # "pytest" or "unittest"
    collected: bool = True  # whether pytest finds it by name (else it is named explicitly)


@dataclass(frozen=True)
class TestSuite:
    __test__ = False  # not a pytest test class

    files: tuple[TestFile, ...]
    runners: tuple[Runner, ...]
    pytest_config: str | None = None
    folders: tuple[
        str, ...
    ] = ()  # top-level tests/, test/, testing/ folders, with or without tests

    @property
    def exists(self) -> bool:
        return bool(self.files) or any(not r.collector for r in self.runners)

    @property
    def idle_runners(self) -> tuple[Runner, ...]:
        """Runners that hand over to pytest or unittest when there is nothing to collect."""
        return () if self.exists else tuple(r for r in self.runners if r.collector)

    @property
    def count(self) -> int:
        return sum(f.tests for f in self.files)


@dataclass(frozen=True)
class TestPlan:
    """How TST002 runs the suite: pytest (with JUnit XML) or a command as given."""

    __test__ = False  # not a pytest test class

    kind: str  # "pytest" or "command"
    argv: tuple[str, ...]  # pytest's arguments as the repository gives them, or the command
    description: str
    paths: tuple[str, ...] = ()  # test files pytest must be given by name (relative paths)


def _split(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(value.split())
    if isinstance(value, list):
        return tuple(str(v) for v in value)
    return ()


def pytest_settings(snapshot: Snapshot) -> tuple[str | None, Mapping[str, Any]]:
    """(file, settings) of the pytest configuration, in pytest's own order of precedence."""
    for path, section in (("pytest.ini", "pytest"), (".pytest.ini", "pytest")):
        parser = read_ini(snapshot, path)
        if parser is not None:
            return path, dict(parser[section]) if parser.has_section(section) else {}
    pytest = read_pyproject(snapshot).table("tool", "pytest")
    if pytest:
        options = pytest.get("ini_options", pytest)
        return "pyproject.toml", options if isinstance(options, Mapping) else {}
    for path, section in (("tox.ini", "pytest"), ("setup.cfg", "tool:pytest")):
        parser = read_ini(snapshot, path)
        if parser is not None and parser.has_section(section):
            return path, dict(parser[section])
    return None, {}


def count_tests(source: str, *, pytest_style: bool) -> tuple[int, str]:
    """(number of test functions and methods, style) in one module's source."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        found = len(_TEST_DEF.findall(source))
        return found, "pytest"
    pytest_tests = unittest_tests = 0
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            pytest_tests += node.name.startswith("test")
        elif isinstance(node, ast.ClassDef):
            methods = sum(
                isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))
                and item.name.startswith("test")
                for item in node.body
            )
            bases = [ast.unparse(base) for base in node.bases]
            if any(base.endswith("TestCase") for base in bases):
                unittest_tests += methods
            elif node.name.startswith("Test"):
                pytest_tests += methods
    if not pytest_style:
        return unittest_tests, "unittest"
    style = "unittest" if unittest_tests and not pytest_tests else "pytest"
    return pytest_tests + unittest_tests, style


def _has_main_block(tree: ast.Module) -> bool:
    """Whether the module has an `if __name__ == "__main__":` block (it is a script)."""
    for node in tree.body:
        if isinstance(node, ast.If) and "__main__" in ast.unparse(node.test):
            return True
    return False


def pytest_module(source: str) -> int:
    """How many pytest tests a module pytest would not collect by its name holds, when it is
    meant for pytest: a pytest shebang, or test functions and no `__main__` block (else 0)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return 0
    tests, style = count_tests(source, pytest_style=True)
    if not tests or style != "pytest":
        return 0
    if _PYTEST_SHEBANG.match(source) or not _has_main_block(tree):
        return tests
    return 0


def _test_file(path: str, text: str, *, as_pytest: bool) -> TestFile | None:
    tests, style = count_tests(text, pytest_style=as_pytest)
    if tests:
        return TestFile(path, tests, style, as_pytest)
    meant_for_pytest = 0 if as_pytest else pytest_module(text)
    if meant_for_pytest:
        return TestFile(path, meant_for_pytest, "pytest", collected=False)
    return None


def _test_files(snapshot: Snapshot, patterns: tuple[str, ...]) -> tuple[TestFile, ...]:
    found: list[TestFile] = []
    runtests = snapshot.find_root_file(*RUNTESTS)
    for path in snapshot.with_suffix(".py"):
        name = path.rsplit("/", 1)[-1]
        as_pytest = any(fnmatch.fnmatchcase(name, p) for p in patterns)
        as_unittest = any(fnmatch.fnmatchcase(name, p) for p in UNITTEST_FILES)
        if not (as_pytest or as_unittest or path == runtests):
            continue
        text = snapshot.read_text(path)
        if not text.ok:
            continue
        if path == runtests and not as_pytest:
            tests = pytest_module(text.text)
            if tests:
                found.append(TestFile(path, tests, "pytest", collected=False))
            continue
        test_file = _test_file(path, text.text, as_pytest=as_pytest)
        if test_file is not None:
            found.append(test_file)
    return tuple(found)


def _doctests(config_file: str | None, settings: Mapping[str, Any]) -> Runner | None:
    addopts = " ".join(_split(settings.get("addopts")))
    if config_file is None or not _DOCTESTS.search(addopts):
        return None
    return Runner("doctests", f"doctests ({config_file} `addopts`)")


def _others(snapshot: Snapshot, command: str | None) -> tuple[Runner, ...]:
    runners: list[Runner] = []
    if command:
        runners.append(
            Runner("command", "tests.command in the configuration", command_argv(command))
        )
    for path in snapshot.glob("*conftest.py"):
        if "pytest_collect_file" in snapshot.read_text(path).text:
            runners.append(Runner("conftest", f"{path} collects its own test files"))
    script = snapshot.find_root_file(*RUNTESTS)
    if script is not None and not pytest_module(snapshot.read_text(script).text):
        runners.append(Runner("runtests", script, ("python", script)))
    for found in (make_target(snapshot), tox_runner(snapshot), nox_session(snapshot)):
        if found is not None:
            runners.append(found)
    return tuple(runners)


def detect_suite(snapshot: Snapshot, command: str | None = None) -> TestSuite:
    config_file, settings = pytest_settings(snapshot)
    patterns = _split(settings.get("python_files")) or PYTEST_FILES
    runners = _others(snapshot, command)
    doctests = _doctests(config_file, settings)
    if doctests is not None:
        runners = (*runners, doctests)
    folders = tuple(
        name for name in TEST_FOLDERS if any(f.startswith(f"{name}/") for f in snapshot.files)
    )
    return TestSuite(_test_files(snapshot, patterns), runners, config_file, folders)


def detected_suite(ctx: Context) -> TestSuite:
    """Fact provider: the detected test suite (and the configured command, if any)."""
    return detect_suite(ctx.snapshot, ctx.settings(TestSettings).command)


def code_files(ctx: Context) -> tuple[str, ...]:
    """Fact provider: the repository's Python files and notebooks."""
    return ctx.snapshot.with_suffix(".py", ".ipynb")


def _is_pytest(argv: tuple[str, ...]) -> bool:
    if not argv:
        return False
    if argv[0].rsplit("/", 1)[-1] in ("pytest", "py.test"):
        return True
    return len(argv) >= 3 and argv[0].startswith("python") and argv[1:3] == ("-m", "pytest")


def _pytest_args(argv: tuple[str, ...]) -> tuple[str, ...]:
    return argv[3:] if argv[1:3] == ("-m", "pytest") else argv[1:]


def plan(suite: TestSuite) -> TestPlan | None:
    """The command to run, or None when the only runner cannot run here (a nox session that
    does not run one plain command).

    In order: the configured command; pytest as tox or nox runs it (with their arguments);
    pytest over the test files (naming those it would not collect by name); a `runtests.py`
    script, a Makefile target, the tox or nox commands.
    """
    by_kind = {r.kind: r for r in suite.runners}
    chosen: Runner | None = by_kind.get("command")
    collectable = bool(suite.files) or "conftest" in by_kind or "doctests" in by_kind
    if chosen is None and collectable:
        for kind in ("tox", "nox"):
            runner = by_kind.get(kind)
            if runner is not None and _is_pytest(runner.argv):
                chosen = runner
                break
        else:
            return TestPlan("pytest", (), "pytest", _named(suite))
    for kind in ("runtests", "make", "tox", "nox"):
        if chosen is None and by_kind.get(kind) and by_kind[kind].argv:
            chosen = by_kind[kind]
    if chosen is None:
        return None
    if _is_pytest(chosen.argv):
        return TestPlan("pytest", _pytest_args(chosen.argv), f"pytest, as {chosen.source} says")
    return TestPlan("command", chosen.argv, f"`{shlex.join(chosen.argv)}` ({chosen.source})")


def _named(suite: TestSuite) -> tuple[str, ...]:
    """Files pytest must be given by name: when one test file is not collected by its name
    (a unittest `tests.py`, a pytest-style `runtests.py`), every test file is named."""
    if all(f.collected for f in suite.files):
        return ()
    return tuple(f.path for f in suite.files)
