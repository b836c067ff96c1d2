"""What a repository declares it needs, and where it says so.

Several styles may coexist; they are read in repo2docker's precedence: an
`environment.yml` wins, then `Pipfile.lock`/`Pipfile`, then the plain Python route of
`requirements.txt` plus the package itself (`pyproject.toml`, `setup.py`, `setup.cfg`).
Every requirement keeps the file and line that asked for it, and every line that does
not parse is a problem with its file and line. Nothing here runs the repository's code.
"""

from __future__ import annotations

from dataclasses import dataclass

from packaging.specifiers import InvalidSpecifier, SpecifierSet

from checks.core.check import Context
from checks.core.model import Finding
from checks.core.snapshot import Snapshot
from checks.core.words import where


@dataclass(frozen=True)
class Declared:
    """One declared requirement. `name` is the canonical distribution name."""

    requirement: str
    name: str
    path: str
    line: int | None
    pinned: bool
    scope: str = "main"  # "main", "extra:<name>", "dev" or "conda"

    @property
    def where(self) -> str:
        return where(self.path, self.line)


def wanted_python(spec: str) -> str:
    text = spec.strip()
    if text.startswith("==") and "," not in text:
        return text[2:].removesuffix(".*").strip()
    return text


@dataclass(frozen=True)
class PythonRequest:
    """The Python version a repository asks for, e.g. `>=3.9` from `requires-python`."""

    spec: str
    source: str  # human words: "requires-python >=3.9 in pyproject.toml"
    path: str
    line: int | None = None

    @property
    def wanted(self) -> str:
        """`3.8` for `==3.8.*`, `3.8.18` for `==3.8.18`, else the specifier itself."""
        return wanted_python(self.spec)

    @property
    def specifier(self) -> SpecifierSet | None:
        try:
            return SpecifierSet(self.spec)
        except InvalidSpecifier:
            return None


@dataclass(frozen=True)
class Part:
    """What one manifest file contributed."""

    requirements: tuple[Declared, ...] = ()
    unverified: tuple[Declared, ...] = ()
    problems: tuple[Finding, ...] = ()
    python: PythonRequest | None = None
    package: bool = False
    installs_project: bool = False  # a `-e .` / `.` line installs the repository itself
    # Lines to install when uv cannot read the file itself (conda pip lists, Pipfile,
    # Poetry); `-r`/`-c` targets and local paths are relative to the repository root.
    install_lines: tuple[str, ...] | None = None
    portability: tuple[Finding, ...] = ()
    pins: frozenset[str] = frozenset()  # names a constraints file pins


@dataclass(frozen=True)
class Manifest:
    kind: str  # "conda", "pipfile", "requirements", "pyproject", "poetry", "setuptools", "none"
    files: tuple[str, ...] = ()  # every manifest file found
    requirements: tuple[Declared, ...] = ()  # everything declared, any scope but conda
    unverified: tuple[Declared, ...] = ()  # conda-only packages: declared, not installable here
    problems: tuple[Finding, ...] = ()  # lines and files that could not be read
    portability: tuple[Finding, ...] = ()  # e.g. an exported conda environment
    python: PythonRequest | None = None
    package: bool = False  # the repository is an installable package
    package_file: str | None = None  # pyproject.toml, setup.py or setup.cfg
    installs_project: bool = False
    install_files: tuple[str, ...] = ()  # files uv reads directly, relative to the root
    install_lines: tuple[str, ...] | None = None  # or lines to write for it
    primary: str | None = None  # the file new requirements belong in

    @property
    def declared(self) -> bool:
        return bool(self.files)

    @property
    def names(self) -> frozenset[str]:
        return frozenset(d.name for d in (*self.requirements, *self.unverified) if d.name)

    @property
    def main(self) -> tuple[Declared, ...]:
        return tuple(d for d in self.requirements if d.scope == "main")


def _requirement_files(snapshot: Snapshot) -> tuple[str, ...]:
    """requirements*.txt at the root, in requirements/ and in binder/ (not deeper)."""
    found = []
    for path in snapshot.files:
        parts = path.split("/")
        name = parts[-1].lower()
        if not name.endswith(".txt") or len(parts) > 2:
            continue
        if (len(parts) == 1 and "requirements" in name) or (
            len(parts) == 2
            and (
                parts[0].lower() == "requirements"
                or (parts[0].lower() in ("binder", ".binder") and name == "requirements.txt")
            )
        ):
            found.append(path)
    return tuple(sorted(found, key=lambda p: (p.lower() != "requirements.txt", p)))


def read_manifest(snapshot: Snapshot) -> Manifest:
    """Read every manifest style present and combine them in precedence order."""
    from checks.manifests import conda as manifest_conda
    from checks.manifests import pipfile as manifest_pipfile
    from checks.manifests import pyproject as manifest_python
    from checks.manifests.requirements_txt import parse_requirements

    parts: dict[str, Part] = {}
    conda = snapshot.find_root_file("environment.yml", "environment.yaml")
    if conda is None:
        conda = next(
            (
                p
                for p in ("binder/environment.yml", ".binder/environment.yml")
                if snapshot.exists(p)
            ),
            None,
        )
    if conda is not None:
        parts[conda] = manifest_conda.parse(snapshot, conda)
    pipfile_lock = snapshot.find_root_file("Pipfile.lock")
    pipfile = snapshot.find_root_file("Pipfile")
    if pipfile_lock is not None:
        parts[pipfile_lock] = manifest_pipfile.parse_lock(snapshot, pipfile_lock)
    if pipfile is not None:
        parts[pipfile] = manifest_pipfile.parse(snapshot, pipfile)
    for path in _requirement_files(snapshot):
        if path not in parts:
            parts.update(parse_requirements(snapshot, path, seen=frozenset(parts)))
    package_file = None
    for name in ("pyproject.toml", "setup.cfg", "setup.py"):
        found = snapshot.find_root_file(name)
        if found is not None:
            part = manifest_python.parse(snapshot, found)
            parts[found] = part
            if part.package and package_file is None:
                package_file = found
    if snapshot.find_root_file("setup.py") is not None:
        package_file = package_file or snapshot.find_root_file("setup.py")
    return _combine(snapshot, parts, conda, pipfile_lock or pipfile, package_file)


def _combine(
    snapshot: Snapshot,
    parts: dict[str, Part],
    conda: str | None,
    pipfile: str | None,
    package_file: str | None,
) -> Manifest:
    requirements = tuple(d for p in parts.values() for d in p.requirements)
    unverified = tuple(d for p in parts.values() for d in p.unverified)
    problems = tuple(f for p in parts.values() for f in p.problems)
    portability = tuple(f for p in parts.values() for f in p.portability)
    python = _python_request(snapshot, parts)
    package = package_file is not None and parts.get(package_file, Part(package=True)).package
    installs_project = any(p.installs_project for p in parts.values())
    root_requirements = snapshot.find_root_file("requirements.txt")
    install_files: tuple[str, ...] = ()
    install_lines: tuple[str, ...] | None = None
    kind: str
    primary: str | None
    if conda is not None:
        kind, primary = "conda", conda
        install_lines = parts[conda].install_lines or ()
    elif pipfile is not None:
        kind, primary = "pipfile", (snapshot.find_root_file("Pipfile") or pipfile)
        install_lines = parts[pipfile].install_lines or ()
    else:
        files = [root_requirements] if root_requirements else []
        lines: list[str] = []
        pkg_part = parts.get(package_file) if package_file else None
        if package and package_file is not None:
            files.append(package_file)
        elif pkg_part is not None and pkg_part.install_lines is not None:
            lines.extend(pkg_part.install_lines)  # e.g. Poetry with package-mode = false
        install_files = tuple(files)
        install_lines = tuple(lines) if lines else None
        kind, primary = _python_kind(parts, root_requirements, package_file)
    return Manifest(
        kind=kind,
        files=tuple(p for p, part in parts.items() if _declares(p, part)),
        requirements=requirements,
        unverified=unverified,
        problems=problems,
        portability=portability,
        python=python,
        package=bool(package),
        package_file=package_file if package else None,
        installs_project=installs_project,
        install_files=install_files,
        install_lines=install_lines,
        primary=primary,
    )


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
    if root_requirements is not None:
        return "requirements", root_requirements
    pyproject = parts.get("pyproject.toml")
    if pyproject is not None and pyproject.install_lines is not None:
        return "poetry", "pyproject.toml"
    if pyproject is not None and any(d.path == "pyproject.toml" for d in pyproject.requirements):
        return "pyproject", "pyproject.toml"
    if package_file in ("setup.py", "setup.cfg"):
        return "setuptools", package_file
    if package_file == "pyproject.toml":
        return "pyproject", "pyproject.toml"
    others = [p for p in parts if p.endswith(".txt")]
    if others:
        return "requirements", others[0]
    return "none", None


def _python_request(snapshot: Snapshot, parts: dict[str, Part]) -> PythonRequest | None:
    """`.python-version` and `runtime.txt` name one version; they beat manifest ranges."""
    from checks.manifests.pyproject import pinned_python_file

    pinned = pinned_python_file(snapshot)
    if pinned is not None:
        return pinned
    for part in parts.values():
        if part.python is not None:
            return part.python
    return None


def manifest(ctx: Context) -> Manifest:
    """Fact provider: the repository's declared dependencies."""
    return read_manifest(ctx.snapshot)
