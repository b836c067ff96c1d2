"""What a repository declares it needs, and where it says so.

Several styles may coexist; `FORMATS` reads them all. A repository often carries several
recipes (the package's metadata, requirements files, an `environment.yml` for Binder or
the docs, one environment per analysis folder); the one checked first is the one a
stranger would follow: the file the README's install instructions name, else the
package's own metadata, else repo2docker's precedence (environment.yml, Pipfile,
requirements.txt). The others are `Recipe`s of their own: a broken one is reported, and
does not stop the primary one from being installed. Every requirement keeps the file and
line that asked for it, and every line that does not parse is a problem with its file and
line. Nothing here runs the repository's code.

Each format is a module that knows only its own files (`model` and `requirement` are what
they share); this module alone knows them all, through `FORMATS`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import NamedTuple

from reprobot.checks.core.check import Context
from reprobot.checks.core.snapshot import Snapshot
from reprobot.checks.manifests import (
    conda,
    pipfile,
    poetry,
    pyproject,
    requirements_txt,
    setup_cfg,
    setup_py,
)
from reprobot.checks.manifests.model import (
    Declared,
    Manifest,
    Part,
    PythonRequest,
    Recipe,
    wanted_python,
)
from reprobot.checks.manifests.python_version import python_request
from reprobot.checks.manifests.recipes import folder_recipe_files, named_in_readme

__all__ = [
    "FORMATS",
    "Declared",
    "Format",
    "Manifest",
    "Part",
    "PythonRequest",
    "Recipe",
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
    """Read every manifest style present, choose the recipe a stranger would follow, and
    combine them."""
    parts: dict[str, Part] = {}
    routes: dict[str, list[str]] = {}  # route -> the files its formats read, in order
    groups: dict[str, tuple[str, ...]] = {}  # a file read -> the parts it gave (includes)
    for style in FORMATS:
        for path in style.files(snapshot):
            if path in routes.get(style.route, ()):
                continue  # an earlier format read it
            found = style.read(snapshot, path, frozenset(parts))
            if found:
                parts.update(found)
                routes.setdefault(style.route, []).append(path)
                groups[path] = tuple(found)
    folders = _folder_parts(snapshot, parts, groups)
    package_file = next((p for p in routes.get("package", ()) if parts[p].package), None)
    read = _Read(parts, routes, groups, folders, package_file)
    return _combine(snapshot, read, _choose(snapshot, read))


class _Read(NamedTuple):
    """Every file read: its parts (includes keyed by their own file), the files each
    route's formats read, the parts each file gave, the folder recipes (file -> route)
    and the package's own metadata file."""

    parts: dict[str, Part]
    routes: Mapping[str, list[str]]
    groups: Mapping[str, tuple[str, ...]]
    folders: Mapping[str, str]
    package_file: str | None


class _Chosen(NamedTuple):
    """The primary recipe: its route, its file (None: the package's own route), and why."""

    route: str
    path: str | None
    because: str


def _folder_parts(
    snapshot: Snapshot, parts: dict[str, Part], groups: dict[str, tuple[str, ...]]
) -> dict[str, str]:
    """Environments and requirements files deeper in the tree (`paper1/environment.yml`),
    read into `parts`; returns file -> its route."""
    found: dict[str, str] = {}
    for path in folder_recipe_files(snapshot):
        if path in parts:
            continue
        if path.endswith((".yml", ".yaml")):
            read: Mapping[str, Part] = {path: conda.parse(snapshot, path, requirements=_INCLUDED)}
            route = "conda"
        else:
            read = requirements_txt.parse_requirements(snapshot, path, seen=frozenset(parts))
            route = "requirements"
        fresh = {k: v for k, v in read.items() if k not in parts}
        if path in fresh:
            parts.update(fresh)
            groups[path] = tuple(fresh)
            found[path] = route
    return found


def _choose(snapshot: Snapshot, read: _Read) -> _Chosen:
    """The recipe a stranger would follow."""
    routes, folders, package_file = read.routes, read.folders, read.package_file
    named = named_in_readme(snapshot)
    if named is not None:
        readme, line, target = named
        because = f"the install instructions in {readme} line {line} name it"
        if target == "package" and package_file is not None:
            return _Chosen("package", None, because)
        for route, files in (*routes.items(), *((r, [f]) for f, r in folders.items())):
            if target in files and route != "package":
                return _Chosen(route, target, because)
    if package_file is not None:
        return _Chosen("package", None, "it is the package's own metadata")
    for route in ("conda", "pipfile"):
        if found := routes.get(route):
            return _Chosen(route, found[0], "repo2docker would use it")
    if not snapshot.find_root_file("requirements.txt") and folders:
        path, route = next(iter(folders.items()))  # a folder's recipe is the only one
        return _Chosen(route, path, "it is the only recipe")
    return _Chosen("package", None, "")


class _Route(NamedTuple):
    """How the fresh environment installs what the manifests declare."""

    kind: str
    primary: str | None  # the file new requirements belong in
    install_files: tuple[str, ...] = ()
    install_lines: tuple[str, ...] | None = None
    recipe: tuple[str, ...] = ()  # the files of the primary recipe


def _combine(snapshot: Snapshot, read: _Read, chosen: _Chosen) -> Manifest:
    parts, groups, folders, package_file = read.parts, read.groups, read.folders, read.package_file
    route = _install_route(snapshot, read, chosen)
    closure = {key for path in route.recipe for key in groups.get(path, (path,))}
    folder_keys = {key for path in folders for key in groups[path]} - closure
    recipes = _recipes(read, route.recipe)

    def in_primary(key: str) -> bool:
        return key in closure if closure else key not in folder_keys

    kept = {k: v for k, v in parts.items() if k not in folder_keys}
    return Manifest(
        kind=route.kind,
        files=tuple(p for p, part in parts.items() if _declares(p, part)),
        requirements=tuple(d for p in kept.values() for d in p.requirements),
        unverified=tuple(d for p in kept.values() for d in p.unverified),
        problems=tuple(f for k, p in parts.items() if in_primary(k) for f in p.problems),
        other_problems=tuple(f for k, p in parts.items() if not in_primary(k) for f in p.problems),
        portability=tuple(f for p in parts.values() for f in p.portability),
        python=python_request(snapshot, kept.values()),
        package=package_file is not None,
        package_file=package_file,
        installs_project=any(p.installs_project for p in kept.values()),
        install_files=route.install_files,
        install_lines=route.install_lines,
        primary=route.primary,
        recipes=recipes,
        chosen_because=chosen.because,
    )


def _recipes(read: _Read, primary: tuple[str, ...]) -> tuple[Recipe, ...]:
    """Each file read as a recipe of its own, the primary recipe's files first."""
    parts, routes, groups, folders = read.parts, read.routes, read.groups, read.folders
    found: list[Recipe] = []
    every = [(path, route) for route, files in routes.items() for path in files]
    for path, route in (*every, *folders.items()):
        if not _declares(path, parts[path]):
            continue
        keys = groups.get(path, (path,))
        folder = path.rsplit("/", 1)[0] if "/" in path else ""
        if path in primary:
            role = "primary"
        elif path in folders and folder.lower() not in ("binder", ".binder"):
            role = "folder"
        else:
            role = "auxiliary"
        found.append(
            Recipe(
                path,
                route,
                role,
                folder if role == "folder" else "",
                tuple(d for k in keys for d in parts[k].requirements),
                tuple(d for k in keys for d in parts[k].unverified),
                tuple(f for k in keys for f in parts[k].problems),
            )
        )
    return tuple(sorted(found, key=lambda r: r.role != "primary"))


def _install_route(snapshot: Snapshot, read: _Read, chosen: _Chosen) -> _Route:
    """The chosen environment file's `pip:` list, the Pipfile (its lock first), a
    requirements file, or the package's own route (the root requirements.txt and the
    package)."""
    parts, routes, package_file = read.parts, read.routes, read.package_file
    if chosen.route == "conda" and chosen.path is not None:
        lines = parts[chosen.path].install_lines or ()
        return _Route("conda", chosen.path, install_lines=lines, recipe=(chosen.path,))
    if chosen.route == "pipfile" and (pipfiles := routes.get("pipfile")):
        # the lock installs; new requirements go into the Pipfile when there is one
        lines = parts[pipfiles[0]].install_lines or ()
        return _Route("pipfile", pipfiles[-1], install_lines=lines, recipe=tuple(pipfiles))
    if chosen.route == "requirements" and chosen.path is not None:
        requirements: str | None = chosen.path
    else:
        requirements = snapshot.find_root_file("requirements.txt")
    files = [requirements] if requirements else []
    if package_file is not None:
        files.append(package_file)
    kind, primary = _python_kind(parts, requirements, package_file)
    recipe = tuple(files) or ((primary,) if primary else ())
    if requirements is not None and any(part.refused for part in parts.values()):
        # never hand uv a file whose includes or paths leave the repository
        lines = tuple(requirements_txt.safe_lines(snapshot, requirements))
        package = (package_file,) if package_file is not None else ()
        return _Route(kind, primary, package, lines, recipe)
    return _Route(kind, primary, install_files=tuple(files), recipe=recipe)


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
