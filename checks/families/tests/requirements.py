"""What the project installs for its tests, and where it says so.

Test extras (`test`, `tests`, `testing`, `dev`), test and dev requirement files (at the root,
in `requirements/` and in the test folders), PEP 735 dependency groups of the same names,
and what tox (`deps`, `extras`) or the nox test session (`session.install`) installs. A
`.[test]`-style line stands for the project's extra of that name; `-r file` for the file,
read like any requirements file. Every requirement is checked to be one (an option or a
path is never passed on to the installer), and each keeps the place that declared it so
that the report can name it.
"""

from __future__ import annotations

import posixpath
import re
import shlex
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from reprobot.checks.core.check import Context
from reprobot.checks.core.snapshot import Snapshot
from reprobot.checks.families.tests.suite import TEST_FOLDERS, TestSuite, detected_suite
from reprobot.checks.manifests import Manifest, manifest
from reprobot.checks.manifests.requirements_txt import parse_requirements
from reprobot.checks.repo.pyproject import read_pyproject

TEST_EXTRAS = ("test", "tests", "testing", "dev")  # in the order their sources are named
TEST_GROUPS = frozenset(TEST_EXTRAS)
_SELF_EXTRAS = re.compile(r"^\.(?:/)?\[([^\]]+)\]$")  # the project with extras: .[test]
# installer options that take a value (the value is the next argument unless joined by `=`)
_WITH_VALUE = frozenset(
    {"-r", "--requirement", "-c", "--constraint", "-e", "--editable", "-i", "--index-url"}
    | {"--extra-index-url", "-f", "--find-links", "--python", "-p"}
)


@dataclass(frozen=True)
class TestRequirements:
    """The requirements to install for the tests and, in the same order, where each was
    declared (`extra `test``, `requirements-dev.txt`, `tox.ini`...)."""

    __test__ = False  # not a pytest test class

    requirements: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()

    @property
    def places(self) -> tuple[str, ...]:
        """Each place that declared one, once, in order."""
        return tuple(dict.fromkeys(self.sources))


def _valid(requirement: str) -> str | None:
    try:
        return str(Requirement(requirement))
    except InvalidRequirement:
        return None


def _extras(found: Manifest, names: Sequence[str]) -> Iterator[tuple[str, str]]:
    wanted = {canonicalize_name(n) for n in names}
    for declared in found.requirements:
        scope = declared.scope
        if scope.startswith("extra:") and canonicalize_name(scope[6:]) in wanted:
            yield declared.requirement, f"extra `{scope[6:]}`"


def _file(snapshot: Snapshot, path: str, source: str | None = None) -> Iterator[tuple[str, str]]:
    path = posixpath.normpath(path)
    if path.startswith("../") or path.startswith("/") or not snapshot.exists(path):
        return
    for part in parse_requirements(snapshot, path, scope="dev").values():
        for declared in part.requirements:
            yield declared.requirement, source or declared.path


def _groups(snapshot: Snapshot) -> Iterator[tuple[str, str]]:
    """PEP 735 `[dependency-groups]` named for tests, with their `include-group`s."""
    groups: Mapping[str, Any] = read_pyproject(snapshot).table("dependency-groups")
    by_name: dict[str, Any] = {canonicalize_name(str(k)): v for k, v in groups.items()}

    def members(name: str, seen: frozenset[str]) -> Iterator[str]:
        entries = by_name.get(name)
        if name in seen or not isinstance(entries, list):
            return
        for entry in entries:
            if isinstance(entry, str):
                yield entry
            elif isinstance(entry, Mapping) and isinstance(entry.get("include-group"), str):
                yield from members(canonicalize_name(entry["include-group"]), seen | {name})

    for name in groups:
        if canonicalize_name(str(name)) in TEST_GROUPS:
            for requirement in members(canonicalize_name(str(name)), frozenset()):
                yield requirement, f"dependency group `{name}`"


def _tokens(items: Sequence[str]) -> list[str]:
    """Each item split as a shell would (`-r file` in one tox line, or two nox arguments)."""
    tokens: list[str] = []
    for item in items:
        try:
            tokens.extend(shlex.split(item))
        except ValueError:
            continue
    return tokens


def _installs(
    snapshot: Snapshot, found: Manifest, items: Sequence[str], source: str
) -> Iterator[tuple[str, str]]:
    """What tox `deps` or `session.install` lists: requirements, `-r file`, `.[extra]`;
    any other option is left out with its value."""
    tokens = _tokens(items)
    index = 0
    while index < len(tokens):
        token = tokens[index]
        index += 1
        option, _, value = token.partition("=") if token.startswith("--") else (token, "", "")
        if option in _WITH_VALUE and not value:
            value = tokens[index] if index < len(tokens) else ""
            index += 1
        elif token.startswith("-") and not token.startswith("--") and len(token) > 2:
            option, value = token[:2], token[2:]  # -rfile, -e.[test]
        if option in ("-r", "--requirement"):
            yield from _file(snapshot, value, source)
        elif option in ("-e", "--editable") or token.startswith("."):
            extras = _SELF_EXTRAS.match(value if option in ("-e", "--editable") else token)
            if extras:
                yield from _extras(found, [e.strip() for e in extras.group(1).split(",")])
        elif not token.startswith(("-", "/")):
            yield token, source


def requirement_files_for_tests(snapshot: Snapshot) -> tuple[str, ...]:
    """Requirement files in the test folders (`tests/requirements.txt`...)."""
    return tuple(
        path
        for path in snapshot.files
        if path.count("/") == 1
        and path.split("/")[0] in TEST_FOLDERS
        and path.endswith(".txt")
        and "requirements" in path.split("/")[1].lower()
    )


def collect_test_requirements(
    snapshot: Snapshot, found: Manifest, suite: TestSuite
) -> TestRequirements:
    """Every requirement the project declares for its tests, valid ones only, once each."""
    pairs: list[tuple[str, str]] = [p for extra in TEST_EXTRAS for p in _extras(found, [extra])]
    for declared in found.requirements:
        if declared.scope == "dev" and any(w in declared.path.lower() for w in ("test", "dev")):
            pairs.append((declared.requirement, declared.path))
    for path in requirement_files_for_tests(snapshot):
        pairs.extend(_file(snapshot, path))
    pairs.extend(_groups(snapshot))
    for runner in suite.runners:
        if runner.kind in ("tox", "nox"):
            source = runner.source
            pairs.extend(_extras(found, runner.extras))
            pairs.extend(_installs(snapshot, found, runner.installs, source))
    chosen: dict[str, str] = {}
    for requirement, source in pairs:
        valid = _valid(requirement)
        if valid is not None and valid not in chosen:
            chosen[valid] = source
    return TestRequirements(tuple(chosen), tuple(chosen.values()))


def declared_for_tests(ctx: Context) -> TestRequirements:
    """Fact provider: what the project declares for its tests."""
    return collect_test_requirements(ctx.snapshot, ctx.fact(manifest), ctx.fact(detected_suite))
