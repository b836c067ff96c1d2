"""Every import in the repository's code and notebooks, found fast.

Import statements are found with one regular expression per file instead of a full parse:
a line that starts with `import x` or `from x import` outside a triple-quoted string. A
file where that cannot be told apart (unbalanced triple quotes before an import) is parsed
with `ast` instead. Imports guarded by `try: ... except ImportError` (or in its handler)
and under `if TYPE_CHECKING:` are optional. Notebooks contribute their code cells, read by
`checks.repo.notebooks` with IPython `%magic`, `!shell` and `?help` lines made Python.
First-party modules (any module or package in the repository, src layout included) and the
standard library are told apart here; which distribution provides an import name is
`checks.repo.import_names`' business.
"""

from __future__ import annotations

import ast
import json
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from reprobot.checks.core.check import Context
from reprobot.checks.core.model import Finding
from reprobot.checks.core.snapshot import Snapshot
from reprobot.checks.core.words import where
from reprobot.checks.repo.notebooks import code_cells

_IMPORT = re.compile(
    rb"^([ \t]*)(?:import[ \t]+([^\n#;]+)|from[ \t]+(\.*[A-Za-z_][\w.]*|\.+)[ \t]+import\b)",
    re.MULTILINE,
)
_HEADER = re.compile(rb"^([ \t]*)(try|except|if|elif|else|def|async|class|with|for|while)\b(.*)$")
_OPTIONAL_EXCEPT = re.compile(rb"except\s*(:|\(?.*\b(ImportError|ModuleNotFoundError|Exception)\b)")
# Modules that left the standard library recently; still standard for the code using them.
_FORMER_STDLIB = frozenset({"distutils", "imp", "asynchat", "asyncore", "smtpd"})
STDLIB = frozenset(sys.stdlib_module_names) | _FORMER_STDLIB | {"__future__"}


@dataclass(frozen=True)
class ImportSite:
    """One import: the top-level module name and where it is."""

    module: str
    path: str
    line: int | None
    optional: bool = False
    cell: int | None = None  # 1-based position of the notebook cell, among all cells
    dotted: str = ""  # the full module path, e.g. `google.cloud.storage`

    @property
    def where(self) -> str:
        return where(self.path, self.line, self.cell)


@dataclass(frozen=True)
class ImportScan:
    sites: tuple[ImportSite, ...]
    first_party: frozenset[str]
    problems: tuple[Finding, ...] = ()
    files: int = 0

    def third_party(self) -> dict[str, tuple[ImportSite, ...]]:
        """Top-level module -> its import sites, minus the standard library and the
        repository's own modules; in order of first appearance."""
        found: dict[str, list[ImportSite]] = {}
        for site in self.sites:
            if site.module in STDLIB or site.module in self.first_party:
                continue
            found.setdefault(site.module, []).append(site)
        return {name: tuple(sites) for name, sites in found.items()}


def _names(statement: bytes) -> Iterator[str]:
    """Module paths of `import a.b as c, d` (the part after `import`)."""
    for item in statement.replace(b"(", b" ").replace(b")", b" ").replace(b"\\", b" ").split(b","):
        words = item.split()
        if words and re.fullmatch(rb"[A-Za-z_][\w.]*", words[0]):
            yield words[0].decode()


def _optional(lines: list[bytes], index: int, indent: int) -> bool:
    """Whether the import at `lines[index]` sits in a try/except ImportError, an
    ImportError handler, or an `if TYPE_CHECKING:` block (judged from indentation)."""
    for back in range(index - 1, -1, -1):
        if indent == 0:
            return False
        header = _HEADER.match(lines[back])
        if header is None or len(header.group(1).expandtabs()) >= indent:
            continue
        keyword, rest = header.group(2), header.group(3)
        width = len(header.group(1).expandtabs())
        guarded = (
            (keyword == b"try" and _try_catches_import_error(lines, index, width))
            or (keyword == b"except" and _OPTIONAL_EXCEPT.match(lines[back].lstrip()) is not None)
            or (keyword == b"if" and b"TYPE_CHECKING" in rest)
        )
        if guarded:
            return True
        indent = width
    return False


def _try_catches_import_error(lines: list[bytes], start: int, indent: int) -> bool:
    for line in lines[start + 1 :]:
        stripped = line.lstrip()
        if not stripped or stripped.startswith(b"#"):
            continue
        width = len(line[: len(line) - len(stripped)].expandtabs())
        if width > indent:
            continue
        if width < indent or not stripped.startswith(b"except"):
            if width == indent and stripped.startswith((b"else", b"finally")):
                continue
            return False
        if _OPTIONAL_EXCEPT.match(stripped):
            return True
    return False


def _balanced(data: bytes, end: int) -> bool:
    return data.count(b'"""', 0, end) % 2 == 0 and data.count(b"'''", 0, end) % 2 == 0


def scan_source(data: bytes, path: str, cell: int | None = None) -> list[ImportSite]:
    """The imports of one file (or notebook cell)."""
    if b"import" not in data:
        return []
    matches = list(_IMPORT.finditer(data))
    if not matches:
        return []
    if not all(_balanced(data, m.start()) for m in matches):
        return _scan_ast(data, path, cell)
    lines: list[bytes] | None = None
    found: list[ImportSite] = []
    line, position = 1, 0
    for match in matches:
        line += data.count(b"\n", position, match.start())
        position = match.start()
        indent = len(match.group(1).expandtabs())
        optional = False
        if indent:
            lines = lines if lines is not None else data.split(b"\n")
            optional = _optional(lines, line - 1, indent)
        if match.group(2) is not None:
            names: Iterable[str] = _names(match.group(2))
        else:
            module = match.group(3)
            names = () if module.startswith(b".") else (module.decode(),)
        found.extend(
            ImportSite(name.split(".")[0], path, line, optional, cell, name) for name in names
        )
    return found


def _scan_ast(data: bytes, path: str, cell: int | None) -> list[ImportSite]:
    try:
        tree = ast.parse(data)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    guarded: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Try) and any(
            h.type is None or _OPTIONAL_EXCEPT.match(f"except {ast.unparse(h.type)}:".encode())
            for h in node.handlers
        ):
            for inner in [*node.body, *(s for h in node.handlers for s in h.body)]:
                guarded.update(id(n) for n in ast.walk(inner))
    found: list[ImportSite] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            names = [node.module]
        else:
            continue
        optional = id(node) in guarded
        found.extend(
            ImportSite(n.split(".")[0], path, node.lineno, optional, cell, n) for n in names
        )
    return sorted(found, key=lambda s: s.line or 0)


def scan_notebook(data: bytes, path: str) -> tuple[list[ImportSite], Finding | None]:
    """The imports of a notebook's Python code cells (read by `checks.repo.notebooks`)."""
    try:
        notebook = json.loads(data)
    except (ValueError, RecursionError) as exc:
        line = getattr(exc, "lineno", None)
        return [], Finding(f"{path} is not a valid notebook (not JSON: {exc})", path, line)
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        return [], Finding(f"{path} is not a valid notebook (no list of cells)", path)
    found: list[ImportSite] = []
    for cell in code_cells(notebook):
        python = cell.python
        if python is not None:
            found += scan_source(python.encode("utf-8", "replace"), path, cell.number)
    return found, None


def first_party(files: Iterable[str]) -> frozenset[str]:
    """Every module and package name the repository itself provides, at any depth
    (scripts import their neighbours; src layouts put packages one level down)."""
    names: set[str] = set()
    for path in files:
        if not path.endswith((".py", ".pyx", ".pyi", ".so", ".pyd")):
            continue
        parts = path.split("/")
        names.update(parts[:-1])
        names.add(parts[-1].split(".", 1)[0])
    return frozenset(names)


def _read(snapshot: Snapshot, path: str) -> tuple[bytes, str | None]:
    """The file's bytes through the snapshot's safe read (no link out of the repository,
    no named pipe or device, a size cap)."""
    data, problem = snapshot.read_bytes(path)
    if problem is not None:
        return b"", f"{problem.removesuffix('; not read')}; its imports were not checked"
    return data, None


def scan_imports(snapshot: Snapshot) -> ImportScan:
    sources = snapshot.with_suffix(".py", ".ipynb")
    sites: list[ImportSite] = []
    problems: list[Finding] = []
    for path in sources:
        data, problem = _read(snapshot, path)
        if problem is not None:
            problems.append(Finding(problem, path))
            continue
        if path.endswith(".py"):
            sites += scan_source(data, path)
        else:
            found, bad = scan_notebook(data, path)
            sites += found
            problems += [bad] if bad else []
    return ImportScan(tuple(sites), first_party(snapshot.files), tuple(problems), len(sources))


def imports(ctx: Context) -> ImportScan:
    """Fact provider: the repository's imports."""
    return scan_imports(ctx.snapshot)
