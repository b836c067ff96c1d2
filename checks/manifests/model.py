"""What manifests are read into: one `Declared` requirement with its file and line, the
`Part` one file contributes, the `PythonRequest` a file makes, and the combined `Manifest`.

Every format module builds these; none of them needs another format to do so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from packaging.specifiers import InvalidSpecifier, SpecifierSet

from reprobot.checks.core.model import Finding
from reprobot.checks.core.snapshot import Snapshot
from reprobot.checks.core.words import where


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
    # Lines that are never installed: includes and local paths outside the repository
    # (`-r /etc/passwd`, `-e /home/ada/pkg`, `file:///...`); each is also a problem.
    refused: tuple[Finding, ...] = ()


@dataclass(frozen=True)
class Recipe:
    """One way the repository says to install it: a manifest file and what it gave.

    `role` is "primary" for the recipe a stranger would follow (the package's metadata,
    or the file the README's install instructions name), "auxiliary" for the others at
    the root or in `binder/`, and "folder" for an environment that serves one folder
    (`paper1/environment.yml`): its requirements count for that folder's code only.
    """

    path: str
    route: str  # "conda", "pipfile", "requirements" or "package"
    role: str
    folder: str = ""  # for a folder recipe: the folder it serves ("paper1")
    requirements: tuple[Declared, ...] = ()
    unverified: tuple[Declared, ...] = ()
    problems: tuple[Finding, ...] = ()

    @property
    def names(self) -> frozenset[str]:
        return frozenset(d.name for d in (*self.requirements, *self.unverified) if d.name)


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
    # Every recipe found, the primary one first. `problems` above are the primary
    # recipe's (what stops a stranger's install); the other recipes' are `other_problems`.
    recipes: tuple[Recipe, ...] = ()
    other_problems: tuple[Finding, ...] = ()
    chosen_because: str = ""  # why the primary recipe is the one a stranger follows

    @property
    def declared(self) -> bool:
        return bool(self.files)

    @property
    def folders(self) -> tuple[Recipe, ...]:
        return tuple(r for r in self.recipes if r.role == "folder")

    def names_for(self, path: str) -> frozenset[str]:
        """What counts as declared for the code in `path`: the repository's recipes, and
        the recipes of the folders that hold it."""
        names = set(self.names)
        for recipe in self.folders:
            if path.startswith(recipe.folder + "/"):
                names |= recipe.names
        return frozenset(names)

    @property
    def names(self) -> frozenset[str]:
        return frozenset(d.name for d in (*self.requirements, *self.unverified) if d.name)

    @property
    def main(self) -> tuple[Declared, ...]:
        return tuple(d for d in self.requirements if d.scope == "main")


def read_file(snapshot: Snapshot, path: str) -> str | Part:
    """The text of manifest `path`, or a `Part` whose one problem says why it cannot be read."""
    text = snapshot.read_text(path)
    if text.ok:
        return text.text
    return Part(problems=(Finding(text.problem or f"{path} unreadable", path),))


class ReadRequirements(Protocol):
    """Reads a requirements file and every file it includes: parts keyed by file. The
    formats that name such files (a conda `pip:` list, setuptools' dynamic dependencies) are
    given it, so they need not import the requirements.txt format."""

    def __call__(self, snapshot: Snapshot, path: str, *, scope: str) -> dict[str, Part]: ...
