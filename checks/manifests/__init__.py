"""What a repository declares it needs, and where it says so.

Several styles may coexist; `FORMATS` reads them in repo2docker's precedence. Every
requirement keeps the file and line that asked for it, and every line that does not parse
is a problem with its file and line. Nothing here runs the repository's code.

Each format is a module that knows only its own files (`model` and `requirement` are what
they share); this module alone knows them all, through `FORMATS`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import NamedTuple

from checks.core.check import Context
from checks.core.snapshot import Snapshot
from checks.manifests import (
    conda,
    pipfile,
    poetry,
    pyproject,
    requirements_txt,
    setup_cfg,
    setup_py,
)
from checks.manifests.model import Declared, Manifest, Part, PythonRequest, wanted_python
from checks.manifests.python_version import python_request

__all__ = [
    "FORMATS",
    "Declared",
    "Format",
    "Manifest",
    "Part",
    "PythonRequest",
    "manifest",
    "read_manifest",
    "wanted_python",
]


Reader = Callable[[Snapshot, str, frozenset[str]], Mapping[str, Part]]


@dataclass(frozen=True)
class Format:
    """One manifest style: the install route it belongs to, where its files are, and its
    reader, which gives the parts it read keyed by file (empty: the file is not its style)."""

    route: str  # "conda", "pipfile", "requirements" or "package"
    files: Callable[[Snapshot], tuple[str, ...]]
    read: Reader  # (snapshot, path, the files read so far) -> parts by file


def _root(name: str) -> Callable[[Snapshot], tuple[str, ...]]:
    """The file `name` at the root, matched case-insensitively."""

    def files(snapshot: Snapshot) -> tuple[str, ...]:
        found = snapshot.find_root_file(name)
        return (found,) if found is not None else ()

    return files


def _one(parse: Callable[[Snapshot, str], Part | None]) -> Reader:
    """A reader of one file, whose `None` means the file is not in its style."""

    def read(snapshot: Snapshot, path: str, _read: frozenset[str]) -> Mapping[str, Part]:
        part = parse(snapshot, path)
        return {path: part} if part is not None else {}

    return read


def _requirements(snapshot: Snapshot, path: str, read: frozenset[str]) -> Mapping[str, Part]:
    """A requirements file and its includes, unless an earlier file included it already."""
    if path in read:
        return {}
    return requirements_txt.parse_requirements(snapshot, path, seen=read)


_INCLUDED = requirements_txt.parse_requirements  # for formats that name requirements files

# repo2docker's precedence: an environment.yml wins, then Pipfile.lock/Pipfile, then the
# plain Python route of requirements files plus the package itself. For one file the first
# format that reads it wins: PEP 621's [project] before Poetry's [tool.poetry].
FORMATS: tuple[Format, ...] = (
    Format("conda", conda.environment_files, _one(partial(conda.parse, requirements=_INCLUDED))),
    Format("pipfile", _root("Pipfile.lock"), _one(pipfile.parse_lock)),
    Format("pipfile", _root("Pipfile"), _one(pipfile.parse)),
    Format("requirements", requirements_txt.requirement_files, _requirements),
    Format(
        "package",
        _root("pyproject.toml"),
        _one(partial(pyproject.parse_pyproject, requirements=_INCLUDED)),
    ),
    Format("package", _root("pyproject.toml"), _one(poetry.parse)),
    Format("package", _root("setup.cfg"), _one(setup_cfg.parse_setup_cfg)),
    Format("package", _root("setup.py"), _one(setup_py.read_setup_py)),
)


def read_manifest(snapshot: Snapshot) -> Manifest:
    """Read every manifest style present and combine them in precedence order."""
    parts: dict[str, Part] = {}
    routes: dict[str, list[str]] = {}  # route -> the files its formats read, in order
    for style in FORMATS:
        for path in style.files(snapshot):
            if path in routes.get(style.route, ()):
                continue  # an earlier format read it
            found = style.read(snapshot, path, frozenset(parts))
            if found:
                parts.update(found)
                routes.setdefault(style.route, []).append(path)
    package_file = next((p for p in routes.get("package", ()) if parts[p].package), None)
    return _combine(snapshot, parts, routes, package_file)


class _Route(NamedTuple):
    """How the fresh environment installs what the manifests declare."""

    kind: str
    primary: str | None  # the file new requirements belong in
    install_files: tuple[str, ...] = ()
    install_lines: tuple[str, ...] | None = None


def _combine(
    snapshot: Snapshot,
    parts: dict[str, Part],
    routes: Mapping[str, list[str]],
    package_file: str | None,
) -> Manifest:
    route = _install_route(snapshot, parts, routes, package_file)
    return Manifest(
        kind=route.kind,
        files=tuple(p for p, part in parts.items() if _declares(p, part)),
        requirements=tuple(d for p in parts.values() for d in p.requirements),
        unverified=tuple(d for p in parts.values() for d in p.unverified),
        problems=tuple(f for p in parts.values() for f in p.problems),
        portability=tuple(f for p in parts.values() for f in p.portability),
        python=python_request(snapshot, parts.values()),
        package=package_file is not None,
        package_file=package_file,
        installs_project=any(p.installs_project for p in parts.values()),
        install_files=route.install_files,
        install_lines=route.install_lines,
        primary=route.primary,
    )


def _install_route(
    snapshot: Snapshot,
    parts: dict[str, Part],
    routes: Mapping[str, list[str]],
    package_file: str | None,
) -> _Route:
    """conda's `pip:` lists, else the Pipfile (its lock first), else the Python route."""
    if conda_files := routes.get("conda"):
        return _Route(
            "conda", conda_files[0], install_lines=parts[conda_files[0]].install_lines or ()
        )
    if pipfiles := routes.get("pipfile"):
        # the lock installs; new requirements go into the Pipfile when there is one
        return _Route("pipfile", pipfiles[-1], install_lines=parts[pipfiles[0]].install_lines or ())
    root_requirements = snapshot.find_root_file("requirements.txt")
    files = [root_requirements] if root_requirements else []
    if package_file is not None:
        files.append(package_file)
    kind, primary = _python_kind(parts, root_requirements, package_file)
    return _Route(kind, primary, install_files=tuple(files))


def _declares(path: str, part: Part) -> bool:
    """A dedicated manifest always declares; a pyproject.toml or setup.cfg holding only
    tool settings does not."""
    if "#" in path:
        return False
    if not path.endswith(("pyproject.toml", "setup.cfg")):
        return True
    return bool(part.requirements or part.package or part.problems)


def _python_kind(
    parts: dict[str, Part], root_requirements: str | None, package_file: str | None
) -> tuple[str, str | None]:
    """The kind of the plain Python route, and the file new requirements belong in."""
    if root_requirements is not None:
        return "requirements", root_requirements
    pyproject_part = parts.get("pyproject.toml")
    if pyproject_part is not None and pyproject_part.install_lines is not None:
        return "poetry", "pyproject.toml"
    if pyproject_part is not None and any(
        d.path == "pyproject.toml" for d in pyproject_part.requirements
    ):
        return "pyproject", "pyproject.toml"
    if package_file in ("setup.py", "setup.cfg"):
        return "setuptools", package_file
    if package_file == "pyproject.toml":
        return "pyproject", "pyproject.toml"
    others = [p for p in parts if p.endswith(".txt")]
    if others:
        return "requirements", others[0]
    return "none", None


def manifest(ctx: Context) -> Manifest:
    """Fact provider: the repository's declared dependencies."""
    return read_manifest(ctx.snapshot)
