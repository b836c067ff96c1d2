"""Portability check: no absolute paths into someone's own machine in code or notebooks."""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

from checks.core.check import Check, Context
from checks.core.model import Finding, Fix, Outcome, failed, passed, skipped
from checks.core.snapshot import Snapshot
from checks.core.words import where
from checks.repo.notebooks import NOTEBOOK_CAP, SCRIPT_CAP, code_cells, strip_magics

# Quick byte test before any parsing: most files mention no such path at all.
_HINT = re.compile(rb"/home/|/Users/|[A-Za-z]:[\\/]+Users|/content/drive/|/mnt/[a-z]/")
# A string that starts with a path only one machine has.
_PERSONAL = re.compile(
    r"^(?:/home/[^/\s]+/|/Users/[^/\s]+/|[A-Za-z]:[\\/]+Users[\\/]+[^\\/\s]+|"
    r"/content/drive/|/mnt/[a-z]/Users/)",
)
_WORDS = (b"/home/", b"Users", b"/content/drive/", b"/mnt/")
MAX_FINDINGS = 50


@dataclass(frozen=True)
class HardCodedPath:
    path: str
    line: int
    value: str
    cell: int | None = None

    @property
    def where(self) -> str:
        return where(self.path, self.line, self.cell)


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
    for number, source in code_cells(nb):
        python = strip_magics(source)
        if python is not None and _mentions_personal_path(python.encode("utf-8", "replace")):
            yield from _in_source(python, path, number)


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


class PTH001(Check):
    """No absolute paths into one person's machine

    A path like `/home/ana/data/run3.csv`, `C:\\Users\\ana\\Desktop\\fig.png` or a Colab
    `/content/drive/...` exists on one computer only: on any other machine the script stops
    at `FileNotFoundError`, and the reader cannot tell which file was meant. Build paths
    from the repository instead (`Path(__file__).resolve().parent / "data" / "run3.csv"`),
    or take them from a command-line argument or an environment variable, and say in the
    README where each data file comes from.
    """

    def evaluate(self, ctx: Context) -> Outcome:
        if not ctx.snapshot.with_suffix(".py", ".ipynb"):
            return skipped("no Python code or notebooks")
        found = hard_coded_paths(ctx.snapshot)
        if not found:
            return passed("no absolute paths into a home directory or a mounted drive")
        files = sorted({f.path for f in found})
        findings = tuple(
            Finding(
                f"{'' if f.cell is None else f'cell {f.cell}, line {f.line}: '}"
                f"`{f.value}` exists only on the machine it was written on",
                f.path,
                f.line if f.cell is None else None,
            )
            for f in found[:MAX_FINDINGS]
        )
        fix = Fix(
            "Build paths from the repository or take them as arguments",
            "Replace each absolute path with one relative to the repository, e.g.\n\n"
            "    from pathlib import Path\n"
            "    ROOT = Path(__file__).resolve().parent\n"
            '    frame = pd.read_csv(ROOT / "data" / "profiles.csv")\n\n'
            "in a script (in a notebook, paths relative to the notebook's folder work as "
            "they are), or read it from `sys.argv` / an environment variable, and list in "
            "the README where each data file can be downloaded.",
        )
        count = f"{len(found)} hard-coded path{'s' if len(found) != 1 else ''}"
        return failed(
            f"{count} in {len(files)} file{'s' if len(files) != 1 else ''}, first at "
            f"{found[0].where}",
            findings=findings,
            fixes=(fix,),
        )
