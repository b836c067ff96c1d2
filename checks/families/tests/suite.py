"""Whether a repository has tests, and how they are run.

Test files are recognised by what they contain (read with `ast`), not by their names
alone: `split_data_train_test.py` or `tests/data.csv` are not a test suite. Runners other
than pytest (tox, nox, a Makefile target, `runtests.py`, a configured command) count too.
"""

from __future__ import annotations

import ast
import configparser
import fnmatch
import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from checks.core.check import Context
from checks.core.snapshot import Snapshot
from checks.families.tests.settings import TestSettings
from checks.repo.pyproject import read_pyproject

PYTEST_FILES = ("test_*.py", "*_test.py")
UNITTEST_FILES = ("test*.py",)
MAKE_TARGETS = ("test", "tests", "check")
RUNTESTS = ("runtests.py", "run_tests.py")
SHELL_CHARS = frozenset("|&;<>()$`*?[]~{}\n#")
_TEST_DEF = re.compile(r"^(?:async\s+)?def\s+test\w*\s*\(|^class\s+\w+\(.*TestCase\)", re.M)


@dataclass(frozen=True)
class TestFile:
    __test__ = False  # not a pytest test class

    path: str
    tests: int
    style: str  # "pytest" or "unittest"
    collected: bool = True  # whether pytest finds it by name (else it is named explicitly)


@dataclass(frozen=True)
class Runner:
    """Another way the repository says its tests run, e.g. a Makefile target."""

    kind: str  # "command", "runtests", "make", "tox", "nox", "conftest"
    source: str  # where it was found, for people
    argv: tuple[str, ...] = ()


@dataclass(frozen=True)
class TestSuite:
    __test__ = False  # not a pytest test class

    files: tuple[TestFile, ...]
    runners: tuple[Runner, ...]
    pytest_config: str | None = None

    @property
    def exists(self) -> bool:
        return bool(self.files or self.runners)

    @property
    def count(self) -> int:
        return sum(f.tests for f in self.files)


@dataclass(frozen=True)
class TestPlan:
    """How TST002 runs the suite: pytest (with JUnit XML) or a command as given."""

    __test__ = False  # not a pytest test class

    kind: str  # "pytest" or "command"
    argv: tuple[str, ...]
    description: str


def _split(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(value.split())
    if isinstance(value, list):
        return tuple(str(v) for v in value)
    return ()


def _ini(snapshot: Snapshot, path: str) -> configparser.RawConfigParser | None:
    if not snapshot.exists(path):
        return None
    text = snapshot.read_text(path, cap=1024 * 1024)
    parser = configparser.RawConfigParser(strict=False)
    try:
        parser.read_string(text.text, source=path)
    except configparser.Error:
        return None
    return parser


def pytest_settings(snapshot: Snapshot) -> tuple[str | None, Mapping[str, Any]]:
    """(file, settings) of the pytest configuration, in pytest's own order of precedence."""
    for path, section in (("pytest.ini", "pytest"), (".pytest.ini", "pytest")):
        parser = _ini(snapshot, path)
        if parser is not None:
            return path, dict(parser[section]) if parser.has_section(section) else {}
    pytest = read_pyproject(snapshot).table("tool", "pytest")
    if pytest:
        options = pytest.get("ini_options", pytest)
        return "pyproject.toml", options if isinstance(options, Mapping) else {}
    for path, section in (("tox.ini", "pytest"), ("setup.cfg", "tool:pytest")):
        parser = _ini(snapshot, path)
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


def _test_files(snapshot: Snapshot, patterns: tuple[str, ...]) -> tuple[TestFile, ...]:
    found: list[TestFile] = []
    for path in snapshot.with_suffix(".py"):
        name = path.rsplit("/", 1)[-1]
        as_pytest = any(fnmatch.fnmatchcase(name, p) for p in patterns)
        as_unittest = any(fnmatch.fnmatchcase(name, p) for p in UNITTEST_FILES)
        if not (as_pytest or as_unittest):
            continue
        text = snapshot.read_text(path)
        if not text.ok:
            continue
        tests, style = count_tests(text.text, pytest_style=as_pytest)
        if tests:
            found.append(TestFile(path, tests, style, as_pytest))
    return tuple(found)


def _make_target(snapshot: Snapshot) -> Runner | None:
    path = snapshot.find_root_file("GNUmakefile", "Makefile", "makefile")
    if path is None:
        return None
    text = snapshot.read_text(path).text
    for target in MAKE_TARGETS:
        if re.search(rf"^{target}\s*::?(?!=)", text, re.M):
            return Runner("make", f"{path} target `{target}`", ("make", target))
    return None


def _tox(snapshot: Snapshot) -> Runner | None:
    parser = _ini(snapshot, "tox.ini")
    if parser is None or not any(s == "tox" or s.startswith("testenv") for s in parser):
        return None
    raw = parser.get("testenv", "commands", fallback="")
    commands = [
        line.replace("{posargs}", "").replace("{toxinidir}", ".").strip()
        for line in raw.splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]
    commands = [c for c in commands if "{" not in c]
    return Runner("tox", "tox.ini", command_argv(" && ".join(commands)) if commands else ())


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
    if script is not None:
        runners.append(Runner("runtests", script, ("python", script)))
    for found in (_make_target(snapshot), _tox(snapshot)):
        if found is not None:
            runners.append(found)
    noxfile = snapshot.find_root_file("noxfile.py")
    if noxfile is not None and "session" in snapshot.read_text(noxfile).text:
        runners.append(Runner("nox", noxfile))
    return tuple(runners)


def needs_shell(command: str) -> bool:
    """Whether a command uses shell syntax (operators, redirection, expansion) unquoted."""
    quote: str | None = None
    escaped = False
    for char in command:
        if escaped:
            escaped = False
        elif char == "\\" and quote != "'":
            escaped = True
        elif quote == "'":
            quote = None if char == "'" else quote
        elif quote == '"':
            if char in "$`":
                return True
            quote = None if char == '"' else quote
        elif char in "'\"":
            quote = char
        elif char in SHELL_CHARS:
            return True
    return False


def command_argv(command: str) -> tuple[str, ...]:
    """A configured command as argv; through `sh -c` only when it uses shell syntax."""
    try:
        argv = tuple(shlex.split(command))
    except ValueError:
        return ("sh", "-c", command)
    return ("sh", "-c", command) if not argv or needs_shell(command) else argv


def detect_suite(snapshot: Snapshot, command: str | None = None) -> TestSuite:
    config_file, settings = pytest_settings(snapshot)
    patterns = _split(settings.get("python_files")) or PYTEST_FILES
    return TestSuite(_test_files(snapshot, patterns), _others(snapshot, command), config_file)


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
    """The command to run, or None when the only runner cannot run here (nox)."""
    by_kind = {r.kind: r for r in suite.runners}
    chosen: Runner | None = by_kind.get("command")
    if chosen is None and (suite.files or "conftest" in by_kind):
        if all(f.collected for f in suite.files):
            return TestPlan("pytest", (), "pytest")
        # unittest modules pytest does not collect by name (tests.py): name every file
        return TestPlan("pytest", tuple(f.path for f in suite.files), "pytest")
    for kind in ("runtests", "make", "tox"):
        if chosen is None and by_kind.get(kind) and by_kind[kind].argv:
            chosen = by_kind[kind]
    if chosen is None:
        return None
    if _is_pytest(chosen.argv):
        return TestPlan("pytest", _pytest_args(chosen.argv), f"pytest, as {chosen.source} says")
    return TestPlan("command", chosen.argv, f"`{shlex.join(chosen.argv)}` ({chosen.source})")
