"""Whether the repository has any Python at all: the dependency checks examine Python
recipes and Python imports, and have nothing to say about an R or Julia analysis."""

from __future__ import annotations

from dataclasses import dataclass

from reprobot.checks.core.check import Context
from reprobot.checks.core.snapshot import Snapshot
from reprobot.checks.repo.notebooks import language, read_notebook

_SOURCES = (".py", ".pyx", ".pyi")


@dataclass(frozen=True)
class PythonCode:
    """How much Python the repository holds; `other_notebooks` are the notebooks of
    other kernels (R, Julia, ...)."""

    files: int
    notebooks: int
    other_notebooks: tuple[str, ...] = ()

    @property
    def any(self) -> bool:
        return bool(self.files or self.notebooks)


def _python_notebook(snapshot: Snapshot, path: str) -> bool:
    """Whether the notebook's kernel is Python (a notebook that cannot be read counts as
    Python: the import scan reports it)."""
    notebook = read_notebook(snapshot, path)
    return notebook is None or language(notebook) in ("python", "python3")


def scan_python_code(snapshot: Snapshot) -> PythonCode:
    files = len(snapshot.with_suffix(*_SOURCES))
    notebooks, others = 0, []
    for path in snapshot.with_suffix(".ipynb"):
        if files or notebooks:
            notebooks += 1  # one Python file is enough: the rest are not opened
        elif _python_notebook(snapshot, path):
            notebooks += 1
        else:
            others.append(path)
    return PythonCode(files, notebooks, tuple(others))


def python_code(ctx: Context) -> PythonCode:
    """Fact provider: the repository's Python files and Python notebooks."""
    return scan_python_code(ctx.snapshot)
