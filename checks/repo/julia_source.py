"""Julia code as reprobot reads it: the packages `using` and `import` load, and what
`Project.toml` and `Manifest.toml` declare.

Julia loads a package from the active project only when the project's `[deps]` names it
(a package that is only in the Manifest, as a dependency of a dependency, does not load),
so `[deps]` is the declaration; `[extras]` counts for the code under `test/`. A
`Project.toml` covers the Julia code in its folder and below; the nearest one wins.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from reprobot.checks.core.snapshot import Snapshot
from reprobot.checks.core.toml import parse_toml
from reprobot.checks.repo.languages import JULIA, CodeUnit, Lines, blank_comments

STDLIB = frozenset(
    [
        "Base",
        "Core",
        "Main",
        "ArgTools",
        "Artifacts",
        "Base64",
        "CRC32c",
        "Dates",
        "DelimitedFiles",
        "Distributed",
        "Downloads",
        "FileWatching",
        "Future",
        "InteractiveUtils",
        "LazyArtifacts",
        "LibCURL",
        "LibGit2",
        "Libdl",
        "LinearAlgebra",
        "Logging",
        "Markdown",
        "Mmap",
        "NetworkOptions",
        "Pkg",
        "Printf",
        "Profile",
        "REPL",
        "Random",
        "SHA",
        "Serialization",
        "SharedArrays",
        "Sockets",
        "SparseArrays",
        "Statistics",
        "StyledStrings",
        "SuiteSparse",
        "TOML",
        "Tar",
        "Test",
        "UUIDs",
        "Unicode",
        "JuliaSyntaxHighlighting",
    ]
)
_TOKEN = re.compile(
    r'(?P<str>"""(?s:.*?)(?:"""|\Z)|"(?:[^"\\\n]|\\.)*")|(?P<name>[A-Za-z_][\w!]*)'
    r"|(?P<nl>\n)|(?P<op>[.,:;@])|(?P<ws>[ \t\r]+)|(?P<other>.)"
)
_MODULE = re.compile(r"^\s*(?:bare)?module\s+([A-Za-z_]\w*)", re.M)


@dataclass(frozen=True)
class JuliaUse:
    package: str
    path: str
    line: int
    cell: int | None = None


def _tokens(text: str) -> list[tuple[str, str, int]]:
    return [
        (m.lastgroup or "other", m.group(), m.start())
        for m in _TOKEN.finditer(text)
        if m.lastgroup != "ws"
    ]


def package_uses(unit: CodeUnit) -> Iterator[JuliaUse]:
    """The packages `using A, B.C` / `import A: f` / `import A as B` load, relative
    modules (`using .Local`) left out."""
    text = blank_comments(JULIA, unit.text)
    toks = _tokens(text)
    lines = Lines(text)
    at = 0
    while at < len(toks):
        kind, word, offset = toks[at]
        at += 1
        if kind != "name" or word not in ("using", "import"):
            continue
        if at >= 2 and toks[at - 2][1] == ".":
            continue  # `Base.using`, not a statement
        expect_path = True
        while at < len(toks):
            kind, word, start = toks[at]
            if kind == "nl" and expect_path:
                at += 1  # `using A,\n    B`
                continue
            if kind in ("nl",) or word in (";", ":"):
                break
            if word == ",":
                expect_path = True
            elif expect_path and kind == "name":
                if at == 0 or toks[at - 1][1] != ".":
                    yield JuliaUse(word, unit.path, lines.of(start), unit.cell)
                expect_path = False
            elif expect_path and word == ".":
                expect_path = False  # relative: `using ..Parent`
            at += 1
        del offset


def local_modules(units: list[CodeUnit]) -> frozenset[str]:
    """Modules the repository defines itself (`module Foo`)."""
    return frozenset(m for u in units for m in _MODULE.findall(blank_comments(JULIA, u.text)))


@dataclass(frozen=True)
class JuliaProject:
    """One Project.toml: what it declares, and the Manifest beside it."""

    path: str
    name: str | None
    deps: frozenset[str]
    extras: frozenset[str]
    is_package: bool  # has a uuid: a package, whose Manifest is not usually committed
    manifest: str | None = None  # path of the Manifest.toml beside it
    manifest_names: frozenset[str] = frozenset()
    problem: str | None = None
    line: int | None = None

    @property
    def folder(self) -> str:
        return self.path.rpartition("/")[0]

    def covers(self, path: str) -> bool:
        return not self.folder or path.startswith(self.folder + "/")


def _names(table: object) -> frozenset[str]:
    return frozenset(str(k) for k in table) if isinstance(table, dict) else frozenset()


def _manifest(snapshot: Snapshot, folder: str) -> tuple[str | None, frozenset[str], str | None]:
    prefix = f"{folder}/" if folder else ""
    candidates = [f"{prefix}JuliaManifest.toml", f"{prefix}Manifest.toml"]
    candidates += sorted(snapshot.glob(f"{prefix}Manifest-v*.toml"), reverse=True)
    path = next((c for c in candidates if snapshot.exists(c)), None)
    if path is None:
        return None, frozenset(), None
    read = snapshot.read_text(path)
    if not read.ok:
        return path, frozenset(), read.problem
    data, problem = parse_toml(read.text, path)
    if data is None:
        return path, frozenset(), problem.message if problem else f"{path} is not valid TOML"
    if isinstance(data.get("deps"), dict):  # manifest_format 2.0
        return path, _names(data["deps"]), None
    return path, frozenset(k for k, v in data.items() if isinstance(v, list)), None


def projects(snapshot: Snapshot) -> tuple[JuliaProject, ...]:
    """Every Project.toml (or JuliaProject.toml) with its Manifest."""
    out: list[JuliaProject] = []
    for path in snapshot.files:
        if path.rsplit("/", 1)[-1] not in ("Project.toml", "JuliaProject.toml"):
            continue
        read = snapshot.read_text(path)
        if not read.ok:
            out.append(
                JuliaProject(path, None, frozenset(), frozenset(), False, problem=read.problem)
            )
            continue
        data, problem = parse_toml(read.text, path)
        if data is None:
            message = problem.message if problem else f"{path} is not valid TOML"
            line = problem.line if problem else None
            out.append(
                JuliaProject(
                    path, None, frozenset(), frozenset(), False, problem=message, line=line
                )
            )
            continue
        folder = path.rpartition("/")[0]
        manifest, names, manifest_problem = _manifest(snapshot, folder)
        name = data.get("name")
        out.append(
            JuliaProject(
                path,
                name if isinstance(name, str) else None,
                _names(data.get("deps")),
                _names(data.get("extras")),
                "uuid" in data,
                manifest,
                names,
                manifest_problem,
            )
        )
    return tuple(out)
