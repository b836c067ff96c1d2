"""Static byte-compilation of scripts and notebooks, in-process, never running their code.

Every `.py` file is compiled with `compile(..., dont_inherit=True)` from the snapshot's
bytes (so PEP 263 coding lines are honoured); every notebook is parsed as JSON, validated
against nbformat, and its Python code cells are compiled after IPython magics and shell
escapes are blanked out. Code that fails because it is Python 2 is recognised as such.
"""

from __future__ import annotations

import ast
import json
import os
import re
import warnings
from dataclasses import dataclass
from typing import Any

from reprobot.checks.core.check import Context
from reprobot.checks.core.snapshot import Snapshot
from reprobot.checks.core.words import where
from reprobot.checks.repo.notebooks import NOTEBOOK_CAP, SCRIPT_CAP, code_cells, language

SYNTAX, PYTHON2, NOTEBOOK, UNREAD = "syntax", "python2", "notebook", "unread"
NOT_PYTHON = "not-python"  # a valid notebook of another kernel: its cells are not compiled
_KERNEL_NAMES = {"r": "R", "julia": "Julia", "matlab": "MATLAB", "octave": "Octave"}


@dataclass(frozen=True)
class CompileProblem:
    """Why one file (or notebook cell) does not compile or is not a valid notebook."""

    path: str
    kind: str  # SYNTAX, PYTHON2, NOTEBOOK or UNREAD (could not be read: not a failure)
    message: str
    line: int | None = None
    cell: int | None = None  # 1-based position of the notebook cell

    @property
    def where(self) -> str:
        return where(self.path, self.line, self.cell)


@dataclass(frozen=True)
class StaticBuild:
    """Every script and notebook found, and the problems; a file that could not be read
    (a link out of the repository, a named pipe, too large) is `unread`, never counted
    as compiled."""

    scripts: tuple[str, ...]
    notebooks: tuple[str, ...]
    problems: tuple[CompileProblem, ...]

    @property
    def failures(self) -> tuple[CompileProblem, ...]:
        return tuple(p for p in self.problems if p.kind not in (UNREAD, NOT_PYTHON))

    @property
    def other_languages(self) -> tuple[CompileProblem, ...]:
        """Valid notebooks whose kernel is not Python: their cells were not compiled."""
        return tuple(p for p in self.problems if p.kind == NOT_PYTHON)

    @property
    def unread(self) -> tuple[CompileProblem, ...]:
        return tuple(p for p in self.problems if p.kind == UNREAD)

    @property
    def compiled_scripts(self) -> tuple[str, ...]:
        """The scripts that were read and compiled (whether or not they compile)."""
        unread = {p.path for p in self.unread}
        return tuple(s for s in self.scripts if s not in unread)

    @property
    def compiled_notebooks(self) -> tuple[str, ...]:
        """The Python notebooks that were read and checked (whether or not they are valid)."""
        left = {p.path for p in (*self.unread, *self.other_languages)}
        return tuple(n for n in self.notebooks if n not in left)

    @property
    def python2(self) -> tuple[CompileProblem, ...]:
        return tuple(p for p in self.problems if p.kind == PYTHON2)


_PY2_BY_MESSAGE = (
    ("Missing parentheses in call to 'print'", 'a print statement (`print "..."`)'),
    ("Missing parentheses in call to 'exec'", 'an exec statement (`exec "..."`)'),
    ("multiple exception types must be parenthesized", "`except X, e:`"),
    ("leading zeros in decimal integer literals", "an old-style octal literal (`0777`)"),
)
_PY2_BY_LINE = (
    (re.compile(r"`"), "backticks for repr (`` `x` ``)"),
    (re.compile(r"<>"), "the `<>` operator"),
    (re.compile(r"(?<![\w'\"])[uU][rR]['\"]"), 'a `ur"..."` string'),
    (re.compile(r"^\s*raise\s+[\w.]+\s*,"), '`raise E, "message"`'),
    (re.compile(r"(?<![\w.])\d+[lL]\b"), "a long integer literal (`10L`)"),
    (re.compile(r"^\s*except\s*\(?[\w.,\s]+\)?\s*,\s*\w+\s*:"), "`except X, e:`"),
)


def python2_construct(exc: SyntaxError) -> str | None:
    """The Python 2 construct that explains this syntax error, if one does."""
    message = str(exc.msg or "")
    for needle, construct in _PY2_BY_MESSAGE:
        if needle in message:
            return construct
    if not message.startswith(("invalid syntax", "invalid decimal literal")):
        return None
    line = exc.text or ""
    for pattern, construct in _PY2_BY_LINE:
        if pattern.search(line):
            return construct
    return None


_CHEVRON_HINT = re.compile(r"\bprint\s*>>")
_CHEVRON_HINT_BYTES = re.compile(rb"\bprint\s*>>")


def _print_chevron(tree: ast.AST) -> int | None:
    """Line of a `print >>f, x` statement: valid Python 3 syntax, but Python 2 code."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Expr):
            continue
        value = node.value
        if isinstance(value, ast.Tuple) and value.elts:
            value = value.elts[0]
        if (
            isinstance(value, ast.BinOp)
            and isinstance(value.op, ast.RShift)
            and isinstance(value.left, ast.Name)
            and value.left.id == "print"
        ):
            return node.lineno
    return None


def compile_source(
    source: str | bytes, path: str, *, notebook_cell: int | None = None, flags: int = 0
) -> CompileProblem | None:
    """Compile without executing; a problem names the line and, for Python 2, the construct."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escapes etc. are not build failures
            compile(source, path, "exec", flags, dont_inherit=True)
    except SyntaxError as exc:
        construct = python2_construct(exc)
        detail = f"{type(exc).__name__}: {exc.msg}"
        if construct is not None:
            return CompileProblem(
                path, PYTHON2, f"Python 2 code: {construct}", exc.lineno, notebook_cell
            )
        return CompileProblem(path, SYNTAX, detail, exc.lineno, notebook_cell)
    except (MemoryError, RecursionError):
        return CompileProblem(
            path, SYNTAX, "too deeply nested for Python to compile", None, notebook_cell
        )
    except ValueError as exc:  # e.g. null bytes on older Pythons
        return CompileProblem(path, SYNTAX, f"cannot be compiled: {exc}", None, notebook_cell)
    # Only the rare file that mentions `print >>` is parsed again to look for the statement.
    hint = _CHEVRON_HINT if isinstance(source, str) else _CHEVRON_HINT_BYTES
    if not hint.search(source):  # type: ignore[arg-type]
        return None
    text = source if isinstance(source, str) else source.decode("utf-8", errors="replace")
    tree = compile(text, path, "exec", flags | ast.PyCF_ONLY_AST, dont_inherit=True)
    line = _print_chevron(tree)
    if line is not None:
        return CompileProblem(path, PYTHON2, "Python 2 code: `print >>f, ...`", line, notebook_cell)
    return None


def _validation_message(exc: Exception) -> str:
    where = [p for p in getattr(exc, "absolute_path", ()) or ()]
    message = str(getattr(exc, "message", "") or exc).splitlines()[0][:300]
    if len(where) >= 2 and where[0] == "cells" and isinstance(where[1], int):
        rest = ".".join(str(p) for p in where[2:])
        return f"cell {where[1] + 1}{f' `{rest}`' if rest else ''}: {message}"
    if where:
        return f"`{'.'.join(str(p) for p in where)}`: {message}"
    return message


def check_notebook(path: str, data: bytes) -> tuple[CompileProblem, ...]:
    """Validity as JSON and as nbformat, then every Python code cell compiled."""
    return tuple(p for p in _notebook_results(path, data) if p.kind != NOT_PYTHON)


def _as_jupyter_reads_it(nb: Any) -> Any:
    """Cell ids came with nbformat 4.5; a 4.0-4.4 notebook saved by a newer Jupyter has
    them, and Jupyter opens it as 4.5. Judge it as Jupyter reads it, not as invalid."""
    cells = nb.get("cells") if isinstance(nb, dict) else None
    minor = nb.get("nbformat_minor") if isinstance(nb, dict) else None
    has_ids = isinstance(cells, list) and any(isinstance(c, dict) and "id" in c for c in cells)
    if nb.get("nbformat") == 4 and isinstance(minor, int) and minor < 5 and has_ids:
        return {**nb, "nbformat_minor": 5}
    return nb


def _notebook_results(path: str, data: bytes) -> tuple[CompileProblem, ...]:
    """`check_notebook`'s problems, and a NOT_PYTHON entry for a notebook of another
    kernel, so that it is never counted as compiled."""
    import nbformat

    try:
        nb = json.loads(data)
    except json.JSONDecodeError as exc:
        return (CompileProblem(path, NOTEBOOK, f"not valid JSON: {exc.msg}", exc.lineno),)
    except UnicodeDecodeError:
        return (CompileProblem(path, NOTEBOOK, "not valid JSON: not UTF-8 text"),)
    except RecursionError:
        return (CompileProblem(path, NOTEBOOK, "not a notebook: JSON nested too deeply"),)
    except ValueError:  # an integer of more digits than Python converts
        return (CompileProblem(path, NOTEBOOK, "not valid JSON: a number has too many digits"),)
    if not isinstance(nb, dict):
        return (CompileProblem(path, NOTEBOOK, "not a notebook: the JSON is not an object"),)
    version = nb.get("nbformat")
    if isinstance(version, bool) or version not in (3, 4):
        return (
            CompileProblem(
                path,
                NOTEBOOK,
                f"not a notebook nbformat can read: `nbformat` is {version!r}, expected 4",
            ),
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            nbformat.validate(_as_jupyter_reads_it(nb))
    except nbformat.ValidationError as exc:
        return (CompileProblem(path, NOTEBOOK, f"invalid notebook: {_validation_message(exc)}"),)
    except (TypeError, AttributeError, KeyError, ValueError, AssertionError, RecursionError):
        # nbformat trips over some wrong types before its schema can name them.
        return (CompileProblem(path, NOTEBOOK, "invalid notebook: fields have the wrong types"),)
    kernel = language(nb)
    if kernel not in ("python", "python3", "python2", "ipython"):
        name = _KERNEL_NAMES.get(kernel, kernel) or "non-Python"
        return (CompileProblem(path, NOT_PYTHON, f"a {name} notebook"),)
    problems: list[CompileProblem] = []
    for cell in code_cells(nb):
        flags = ast.PyCF_ALLOW_TOP_LEVEL_AWAIT
        problem = compile_source(cell.source, path, notebook_cell=cell.number, flags=flags)
        if problem is None:
            continue
        python = cell.python
        if python is None:
            continue
        problem = compile_source(python, path, notebook_cell=cell.number, flags=flags)
        if problem is not None:
            problems.append(problem)
    return tuple(problems)


PARALLEL_FROM = 500  # files; below this, starting worker processes costs more than it saves


def _compile_chunk(sources: list[tuple[bytes, str]]) -> list[CompileProblem]:
    return [p for data, path in sources if (p := compile_source(data, path)) is not None]


def _compile_all(sources: list[tuple[bytes, str]]) -> list[CompileProblem]:
    """Compile a large repository on every core: compiling is CPU-bound and per file.
    Workers only compile bytes handed to them; they read nothing and run nothing."""
    workers = min(os.cpu_count() or 1, 8)
    if workers < 2 or len(sources) < PARALLEL_FROM:
        return _compile_chunk(sources)
    # Imported here: multiprocessing is costly and only a large repository uses it.
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool
    from multiprocessing import get_context

    chunks = [sources[i::workers] for i in range(workers)]
    try:
        with ProcessPoolExecutor(workers, mp_context=get_context("forkserver")) as pool:
            found = [p for chunk in pool.map(_compile_chunk, chunks) for p in chunk]
    except (OSError, BrokenProcessPool):
        return _compile_chunk(sources)
    order = {path: i for i, (_, path) in enumerate(sources)}
    return sorted(found, key=lambda p: order[p.path])


def compile_files(snapshot: Snapshot) -> StaticBuild:
    scripts = snapshot.with_suffix(".py")
    notebooks = snapshot.with_suffix(".ipynb")
    problems: list[CompileProblem] = []
    sources: list[tuple[bytes, str]] = []
    for path in scripts:
        data, problem = snapshot.read_bytes(path, cap=SCRIPT_CAP)
        if problem is not None:
            problems.append(CompileProblem(path, UNREAD, problem))
        else:
            sources.append((data, path))
    problems.extend(_compile_all(sources))
    for path in notebooks:
        data, problem = snapshot.read_bytes(path, cap=NOTEBOOK_CAP)
        if problem is not None:
            problems.append(CompileProblem(path, UNREAD, problem))
            continue
        problems.extend(_notebook_results(path, data))
    return StaticBuild(scripts, notebooks, tuple(problems))


def static_build(ctx: Context) -> StaticBuild:
    """Fact provider: the byte-compile and notebook results for the whole repository."""
    return compile_files(ctx.snapshot)
