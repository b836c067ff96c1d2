"""The path scan: string constants in code and notebook cells that name one person's machine.

Each `.py` file and each notebook's Python code cells (read by `checks.repo.notebooks`) is
parsed with `ast`, and every string constant that is not a docstring is matched against the
home-folder, Windows-user and mounted-drive prefixes. Code that does not parse is left to
BLD001. The scan is the portability family's fact; PTH001 judges what it found.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

from checks.core.check import Context
from checks.core.snapshot import Snapshot
from checks.core.words import where
from checks.repo.notebooks import NOTEBOOK_CAP, SCRIPT_CAP, code_cells

# Quick byte test before any parsing: most files mention no such path at all.
_HINT = re.compile(rb"/home/|/Users/|[A-Za-z]:[\\/]+Users|/content/drive/|/mnt/[a-z]/")
# A string that starts with a path only one machine has.
_PERSONAL = re.compile(
    r"^(?:/home/[^/\s]+/|/Users/[^/\s]+/|[A-Za-z]:[\\/]+Users[\\/]+[^\\/\s]+|"
    r"/content/drive/|/mnt/[a-z]/Users/)",
)
_WORDS = (b"/home/", b"Users", b"/content/drive/", b"/mnt/")


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
    """What the scan looked at (how many scripts and notebooks) and what it found."""

    sources: int
    found: tuple[HardCodedPath, ...] = ()


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
    if not isinstance(nb, dict):
        return
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


def path_scan(ctx: Context) -> PathScan:
    """Fact provider: the hard-coded personal paths in the repository's code."""
    sources = len(ctx.snapshot.with_suffix(".py", ".ipynb"))
    return PathScan(sources, hard_coded_paths(ctx.snapshot) if sources else ())
