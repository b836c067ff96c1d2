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
_PYTEST_SHEBANG = re.compile(r"\A#![^\n]*\b(?:py\.?test)\b")
# A command that only hands over to a collector: pytest, py.test, python -m pytest/unittest.
_COLLECTOR = re.compile(
    r"^(?:[@+-]+\s*)?(?:\S*/)?(?:(?:\S*python[\d.]*|\$[({]PYTHON[)}])\s+-m\s+"
    r"(?:pytest|unittest)|py\.?test|pytest)(?:\s|$)"
)
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
class Runner:
    """Another way the repository says its tests run, e.g. a Makefile target."""

    kind: str  # "command", "runtests", "make", "tox", "nox", "conftest", "doctests"
    source: str  # where it was found, for people
    argv: tuple[str, ...] = ()
    # Only hands over to pytest or unittest: a test suite only if there is something to collect.
    collector: bool = False
    installs: tuple[str, ...] = ()  # what it installs for the tests, as written (tox deps, nox)
    extras: tuple[str, ...] = ()  # the project's extras it installs (tox `extras`)


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


def collector_command(command: str) -> bool:
    """Whether a command only starts pytest or unittest (which need tests to collect)."""
    return bool(_COLLECTOR.match(command.strip()))


def _recipe(text: str, start: int) -> tuple[str, ...]:
    """The commands of the rule whose target line ends at `start` (tab-indented lines)."""
    commands = []
    for line in text[start:].splitlines()[1:]:
        if line.startswith("\t"):
            if line.strip() and not line.strip().startswith("#"):
                commands.append(line.strip())
        elif line.strip() and not line.lstrip().startswith("#"):
            break
    return tuple(commands)


def _make_target(snapshot: Snapshot) -> Runner | None:
    path = snapshot.find_root_file("GNUmakefile", "Makefile", "makefile")
    if path is None:
        return None
    text = snapshot.read_text(path).text
    for target in MAKE_TARGETS:
        match = re.search(rf"^{target}\s*::?(?!=)([^\n;]*)(;[^\n]*)?", text, re.M)
        if match is None:
            continue
        inline = (match.group(2) or "")[1:].strip()
        commands = ((inline,) if inline else ()) + _recipe(text, match.start())
        prerequisites = match.group(1).strip()
        if not commands and not prerequisites:
            continue  # an empty rule runs nothing
        collector = bool(commands) and all(collector_command(c) for c in commands)
        return Runner("make", f"{path} target `{target}`", ("make", target), collector)
    return None


def _tox_lines(parser: configparser.RawConfigParser, key: str) -> tuple[str, ...]:
    raw = parser.get("testenv", key, fallback="")
    lines = (line.split(" #")[0].strip() for line in raw.splitlines())
    return tuple(line for line in lines if line and not line.startswith("#"))


def _tox(snapshot: Snapshot) -> Runner | None:
    parser = _ini(snapshot, "tox.ini")
    if parser is None or not any(s == "tox" or s.startswith("testenv") for s in parser):
        return None
    commands = [
        line.replace("{posargs}", "").replace("{toxinidir}", ".").strip()
        for line in _tox_lines(parser, "commands")
    ]
    commands = [c for c in commands if "{" not in c]
    extras = tuple(e for line in _tox_lines(parser, "extras") for e in re.split(r"[\s,]+", line))
    return Runner(
        "tox",
        "tox.ini",
        command_argv(" && ".join(commands)) if commands else (),
        collector=bool(commands) and all(collector_command(c) for c in commands),
        installs=tuple(d for d in _tox_lines(parser, "deps") if "{" not in d),
        extras=tuple(e for e in extras if e and "{" not in e),
    )


def _decorated_session(node: ast.FunctionDef) -> bool:
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if ast.unparse(target) in ("nox.session", "session", "nox_uv.session"):
            return True
    return False


def _literal_args(call: ast.Call) -> tuple[str, ...] | None:
    """The string arguments of a call, `*session.posargs` left out; None when any other
    argument is not a plain string."""
    args: list[str] = []
    for arg in call.args:
        if isinstance(arg, ast.Starred) and "posargs" in ast.unparse(arg.value):
            continue
        if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
            return None
        args.append(arg.value)
    return tuple(args)


def _session_calls(node: ast.FunctionDef, method: str) -> list[tuple[str, ...] | None]:
    found: list[tuple[str, ...] | None] = []
    for call in ast.walk(node):
        if (
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Attribute)
            and call.func.attr == method
            and ast.unparse(call.func.value) == "session"
        ):
            found.append(_literal_args(call))
    return found


def _nox(snapshot: Snapshot) -> Runner | None:
    """The noxfile's test session: the one named for tests, else the one that runs pytest;
    what it installs and (when it runs one plain command) its command."""
    path = snapshot.find_root_file("noxfile.py")
    if path is None:
        return None
    text = snapshot.read_text(path).text
    if "session" not in text:
        return None
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return Runner("nox", path)
    sessions = [n for n in tree.body if isinstance(n, ast.FunctionDef) and _decorated_session(n)]
    if not sessions:
        return Runner("nox", path)

    def rank(node: ast.FunctionDef) -> int:
        runs = [" ".join(r) for r in _session_calls(node, "run") if r]
        if node.name in ("tests", "test", "pytest", "unit", "unittests"):
            return 0
        return 1 if any(collector_command(r) for r in runs) else 2

    session = min(sessions, key=rank)
    if rank(session) == 2:
        return Runner("nox", path)
    runs = _session_calls(session, "run")
    argv = runs[0] if len(runs) == 1 and runs[0] else ()
    installs = tuple(arg for args in _session_calls(session, "install") if args for arg in args)
    return Runner(
        "nox",
        f"{path} session `{session.name}`",
        argv or (),
        collector=bool(argv) and collector_command(shlex.join(argv or ())),
        installs=installs,
    )


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
    for found in (_make_target(snapshot), _tox(snapshot), _nox(snapshot)):
        if found is not None:
            runners.append(found)
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
