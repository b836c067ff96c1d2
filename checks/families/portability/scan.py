"""The path scan: paths in code, notebooks and conda files that name one person's machine.

Each `.py` file and each Python notebook's code cells (read by `checks.repo.notebooks`) is
parsed with `ast`, and every string constant that is not a docstring is matched against the
home-folder, Windows-drive and mounted-drive prefixes; code that does not parse is left to
BLD001. R, Julia, MATLAB, Stata and shell code (files, R Markdown and Quarto chunks, notebook
cells of those kernels, read by `checks.repo.languages`) has its comments blanked, and a path
counts where a string or a word starts with such a prefix. The `prefix:` line of a conda
`environment.yml` names the folder the environment was exported from. The scan is the
portability family's fact; PTH001 judges what it found.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

from reprobot.checks.core.check import Context
from reprobot.checks.core.snapshot import Snapshot
from reprobot.checks.core.words import where
from reprobot.checks.repo.languages import (
    JULIA,
    MATLAB,
    PYTHON,
    SHELL,
    STATA,
    Lines,
    R,
    blank_comments,
    code_units,
    kernel_language,
    notebook_language,
)
from reprobot.checks.repo.notebooks import NOTEBOOK_CAP, SCRIPT_CAP, code_cells

# Quick byte test before any parsing: most files mention no such path at all.
_HINT = re.compile(rb"/home/|/Users/|(?<![A-Za-z])[A-Za-z]:[\\/]|/content/drive/|/mnt/[a-z]/")
# The start of a path only one machine has: a home folder, a Windows drive (`C:\Users\ana`,
# `D:\data`, `S:/lab`), a Colab drive, a Windows drive seen from WSL.
_PREFIX = (
    r"(?:/home/[^/\s'\"$]+/|/Users/[^/\s'\"$]+/|[A-Za-z]:(?:\\|/)+[^\\/\s'\":*?<>|]|"
    r"/content/drive/|/mnt/[a-z]/Users/)"
)
_PERSONAL = re.compile(rf"^{_PREFIX}")
# In other languages: where a string or a word starts (after a quote, a space, `(`, `=`...).
_IN_CODE = re.compile(rf"""(?<![^\s'"`(=,\[{{;])({_PREFIX}[^\s'"`,;)\]}}]*)""")
_WORDS = (b"/home/", b"Users", b"/content/drive/", b"/mnt/", b":\\", b":/")
LANGUAGES = (R, JULIA, MATLAB, STATA, SHELL)
_CONDA = ("environment.yml", "environment.yaml")
_PREFIX_LINE = re.compile(r"^prefix:[ \t]*(\S[^\n]*?)[ \t]*$", re.M)


@dataclass(frozen=True)
class HardCodedPath:
    path: str
    line: int
    value: str
    cell: int | None = None  # 1-based position of the notebook cell

    @property
    def where(self) -> str:
        return where(self.path, self.line, self.cell)


@dataclass(frozen=True)
class PathScan:
    """What the scan looked at (how many files, in which languages) and what it found;
    `conda_fixes` are environment files with their `prefix:` line taken out."""

    sources: int
    found: tuple[HardCodedPath, ...] = ()
    languages: tuple[str, ...] = ()
    conda_fixes: tuple[tuple[str, str], ...] = ()


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of the string constants that are docstrings (prose, not paths the code opens)."""
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def _in_source(source: str, path: str, cell: int | None = None) -> Iterator[HardCodedPath]:
    try:
        tree = ast.parse(source, path)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return  # BLD001 reports code that does not parse
    prose = _docstrings(tree)
    found = [
        HardCodedPath(path, node.lineno, node.value, cell)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in prose
        and _PERSONAL.match(node.value)
    ]
    yield from sorted(found, key=lambda f: f.line)


def _in_notebook(data: bytes, path: str) -> Iterator[HardCodedPath]:
    try:
        nb = json.loads(data)
    except (ValueError, RecursionError):
        return  # BLD001 reports a notebook that is not JSON
    if not isinstance(nb, dict) or kernel_language(nb) != PYTHON:
        return  # notebooks of other kernels are read with their language (`in_code`)
    for cell in code_cells(nb):
        python = cell.python
        if python is not None and _mentions_personal_path(python.encode("utf-8", "replace")):
            yield from _in_source(python, path, cell.number)


def _mentions_personal_path(data: bytes) -> bool:
    # Substring tests are many times faster than the regular expression on large trees.
    return any(word in data for word in _WORDS) and _HINT.search(data) is not None


def hard_coded_paths(snapshot: Snapshot) -> tuple[HardCodedPath, ...]:
    found: list[HardCodedPath] = []
    for path in snapshot.with_suffix(".py", ".ipynb"):
        notebook = path.endswith(".ipynb")
        data, problem = snapshot.read_bytes(path, cap=NOTEBOOK_CAP if notebook else SCRIPT_CAP)
        if problem is not None or not _mentions_personal_path(data):
            continue
        if notebook:
            found.extend(_in_notebook(data, path))
        else:
            found.extend(_in_source(data.decode("utf-8", "replace"), path))
    return tuple(found)


def in_code(language: str, text: str, path: str, cell: int | None = None) -> list[HardCodedPath]:
    """The personal paths in R, Julia, MATLAB, Stata or shell code, comments left out."""
    if not _mentions_personal_path(text.encode("utf-8", "replace")):
        return []
    code = blank_comments(language, text)
    lines = Lines(code)
    return [
        HardCodedPath(path, lines.of(m.start()), m.group(1).rstrip("\\"), cell)
        for m in _IN_CODE.finditer(code)
    ]


def conda_prefixes(snapshot: Snapshot) -> tuple[list[HardCodedPath], list[tuple[str, str]]]:
    """The `prefix:` lines of conda environment files, and each file without that line."""
    found, fixes = [], []
    for path in snapshot.files:
        if path.rsplit("/", 1)[-1] not in _CONDA:
            continue
        read = snapshot.read_text(path)
        matches = list(_PREFIX_LINE.finditer(read.text)) if read.ok else []
        if not matches:
            continue
        lines = Lines(read.text)
        found += [
            HardCodedPath(path, lines.of(m.start()), m.group(1).strip("'\"")) for m in matches
        ]
        fixes.append(
            (path, _PREFIX_LINE.sub("", read.text).replace("\n\n\n", "\n\n").rstrip("\n") + "\n")
        )
    return found, fixes


def path_scan(ctx: Context) -> PathScan:
    """Fact provider: the hard-coded personal paths in the repository's code."""
    snapshot = ctx.snapshot
    python = len(snapshot.with_suffix(".py")) + sum(
        1 for p in snapshot.with_suffix(".ipynb") if notebook_language(snapshot, p) == PYTHON
    )
    found = list(hard_coded_paths(snapshot)) if python else []
    units = list(code_units(snapshot, *LANGUAGES))
    for unit in units:
        found.extend(in_code(unit.language, unit.text, unit.path, unit.cell))
    conda, fixes = conda_prefixes(snapshot)
    found.extend(conda)
    seen = [PYTHON] if python else []
    seen += [lang for lang in LANGUAGES if any(u.language == lang for u in units)]
    seen += (
        ["conda environment files"]
        if any(p.rsplit("/", 1)[-1] in _CONDA for p in snapshot.files)
        else []
    )
    sources = python + len({u.path for u in units})
    sources += sum(1 for p in snapshot.files if p.rsplit("/", 1)[-1] in _CONDA)
    return PathScan(sources, tuple(found), tuple(seen), tuple(fixes))
