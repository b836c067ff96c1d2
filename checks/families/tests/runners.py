"""Other ways a repository says its tests run: a Makefile target, tox, a nox session, a
configured command. Read from the files (`ast` for the noxfile), never by running them.
A runner that only starts pytest or unittest is a `collector`: it is a test suite only
when there is something for those to collect.
"""

from __future__ import annotations

import ast
import configparser
import re
import shlex
from dataclasses import dataclass

from reprobot.checks.core.snapshot import Snapshot
from reprobot.checks.repo.commands import command_argv

MAKE_TARGETS = ("test", "tests", "check")
# A command that only hands over to a collector: pytest, py.test, python -m pytest/unittest.
_COLLECTOR = re.compile(
    r"^(?:[@+-]+\s*)?(?:\S*/)?(?:(?:\S*python[\d.]*|\$[({]PYTHON[)}])\s+-m\s+"
    r"(?:pytest|unittest)|py\.?test|pytest)(?:\s|$)"
)


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


def read_ini(snapshot: Snapshot, path: str) -> configparser.RawConfigParser | None:
    """An INI-style file (tox.ini, setup.cfg, pytest.ini) parsed leniently; None when it is
    absent or does not parse."""
    if not snapshot.exists(path):
        return None
    text = snapshot.read_text(path, cap=1024 * 1024)
    parser = configparser.RawConfigParser(strict=False)
    try:
        parser.read_string(text.text, source=path)
    except configparser.Error:
        return None
    return parser


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


def make_target(snapshot: Snapshot) -> Runner | None:
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


def tox_runner(snapshot: Snapshot) -> Runner | None:
    parser = read_ini(snapshot, "tox.ini")
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


def nox_session(snapshot: Snapshot) -> Runner | None:
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
