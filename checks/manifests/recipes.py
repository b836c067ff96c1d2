"""Where a repository's recipes are beyond the usual places, and which one its README
tells a newcomer to follow.

`folder_recipe_files` finds the environments of single folders (`paper1/environment.yml`,
`docs/requirements.txt`); `named_in_readme` reads the README's first install command
(`conda env create -f ...`, `pip install -r ...`, `pip install .`, `pipenv install`).
"""

from __future__ import annotations

import posixpath
import re

from reprobot.checks.core.snapshot import Snapshot

# the folders FORMATS reads already, and folders that hold no one's recipe
_READ_ALREADY = frozenset({"requirements"})
_NOT_RECIPES = frozenset({"site-packages", "node_modules", "vendor", "third_party", "tests"})
_MAX_DEPTH = 3
_MAX_FILES = 50
_README = re.compile(r"^readme(\.(md|markdown|rst|txt))?$", re.I)
_README_CAP = 1024 * 1024

_CONDA = re.compile(
    r"\b(?:conda|mamba|micromamba)\s+env\s+(?:create|update)\b(?P<rest>[^\n`]*)", re.I
)
_CONDA_FILE = re.compile(r"(?:^|\s)(?:-f|--file)(?:\s+|=)(?P<file>[^\s`'\"]+)")
_PIP_R = re.compile(
    r"\b(?:pip3?|uv\s+pip|python3?\s+-m\s+pip)\s+install\b[^\n`]*?"
    r"\s(?:-r|--requirement)(?:\s+|=)(?P<file>[^\s`'\"]+)",
    re.I,
)
_PACKAGE = re.compile(
    r"\b(?:(?:pip3?|uv\s+pip|python3?\s+-m\s+pip)\s+install\s+(?:-e\s+|--editable\s+)?"
    r"(?:\.(?:\[[^\]\s]*\])?(?=[\s`'\"]|$))|poetry\s+install|uv\s+sync|pdm\s+install"
    r"|hatch\s+env\s+create)",
    re.I | re.M,
)
_PIPENV = re.compile(r"\bpipenv\s+(?:install|sync)\b", re.I)


def folder_recipe_files(snapshot: Snapshot) -> tuple[str, ...]:
    """`environment.yml` and `requirements*.txt` below the root (at most three folders
    down), outside the folders the formats read already; sorted, at most 50."""
    found = []
    for path in snapshot.files:
        parts = path.split("/")
        if not 1 < len(parts) <= _MAX_DEPTH + 1:
            continue
        folders = [p.lower() for p in parts[:-1]]
        if folders[0] in _READ_ALREADY or any(
            f in _NOT_RECIPES or (f.startswith(".") and f != ".binder") for f in folders
        ):
            continue
        name = parts[-1].lower()
        if name in ("environment.yml", "environment.yaml") or (
            name.endswith(".txt") and name.startswith("requirements")
        ):
            found.append(path)
    return tuple(sorted(found)[:_MAX_FILES])


def _readme(snapshot: Snapshot) -> tuple[str, str] | None:
    """The README GitHub shows at the root (or in `.github/`), and its text."""
    for folder in (".github/", ""):
        names = sorted(
            (
                f
                for f in snapshot.files
                if f.startswith(folder) and "/" not in f[len(folder) :]
                if _README.match(f[len(folder) :])
            ),
            key=lambda n: (not n.lower().endswith(".md"), n),
        )
        if names:
            read = snapshot.read_text(names[0], cap=_README_CAP)
            return (names[0], read.text) if read.ok else None
    return None


def named_in_readme(snapshot: Snapshot) -> tuple[str, int, str] | None:
    """The recipe the README's first install command names: (README, line, target), the
    target a repository path or `package` for the project itself; None when the README
    names none that is in the repository."""
    readme = _readme(snapshot)
    if readme is None:
        return None
    path, text = readme
    hits: list[tuple[int, str]] = []
    for match in _CONDA.finditer(text):
        file = _CONDA_FILE.search(match.group("rest"))
        hits.append((match.start(), file.group("file") if file else "environment.yml"))
    hits += [(m.start(), m.group("file")) for m in _PIP_R.finditer(text)]
    hits += [(m.start(), "package") for m in _PACKAGE.finditer(text)]
    hits += [(m.start(), "Pipfile") for m in _PIPENV.finditer(text)]
    for start, named in sorted(hits):
        target = named if named == "package" else posixpath.normpath(named.removeprefix("./"))
        if target == "package" or snapshot.exists(target):
            return path, text.count("\n", 0, start) + 1, target
    return None
