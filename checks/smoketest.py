"""A generated smoke test for a repository without tests: the fix TST001 offers.

For a package it imports the package; for a collection of scripts and notebooks it
imports the third-party modules they use and byte-compiles the scripts. All names come
from reading the code (`ast`), never from running it.
"""

from __future__ import annotations

import ast
import json
import sys
from dataclasses import dataclass

from checks.generate import render
from checks.snapshot import Snapshot

SMOKE_TEST_PATH = "tests/test_smoke.py"
NOT_PACKAGES = frozenset(
    {"tests", "test", "testing", "docs", "doc", "examples", "example", "scripts", "benchmarks"}
    | {"notebooks", "data", "build", "dist", "tools", "bin", "site", "conftest", "setup"}
)
MAX_MODULES, MAX_SCRIPTS = 40, 200


@dataclass(frozen=True)
class SmokeTest:
    path: str
    content: str
    modules: tuple[str, ...]
    scripts: tuple[str, ...]


def imported_names(source: str) -> set[str]:
    """Top-level names of absolute imports in one module or cell (empty if unparsable)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return set()
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def _is_test(path: str) -> bool:
    parts = path.split("/")
    name = parts[-1]
    return (
        any(p in ("tests", "test", "testing") for p in parts[:-1])
        or name.startswith("test_")
        or name.endswith("_test.py")
        or name == "conftest.py"
    )


def package_modules(snapshot: Snapshot) -> tuple[str, ...]:
    """Import names of the project's own packages, from the layout (src layout too)."""
    found: set[str] = set()
    for path in snapshot.with_suffix(".py"):
        parts = path.split("/")
        if parts[0] == "src" and len(parts) >= 2:
            name = parts[1][:-3] if len(parts) == 2 else parts[1]
        elif len(parts) == 2 and parts[1] == "__init__.py":
            name = parts[0]
        else:
            continue
        if name.isidentifier() and name not in NOT_PACKAGES:
            found.add(name)
    return tuple(sorted(found))


def local_modules(snapshot: Snapshot) -> set[str]:
    """Every name a script in the repository could import from the repository itself."""
    names: set[str] = set()
    for path in snapshot.with_suffix(".py"):
        parts = path.split("/")
        names.add(parts[-1][:-3])
        names.update(p for p in parts[:-1] if p.isidentifier())
    return names


def _notebook_sources(snapshot: Snapshot, path: str) -> list[str]:
    text = snapshot.read_text(path, cap=8 * 1024 * 1024)
    try:
        cells = json.loads(text.text).get("cells", []) if text.ok else []
    except (ValueError, AttributeError, RecursionError):
        return []
    sources: list[str] = []
    for cell in cells if isinstance(cells, list) else []:
        source = cell.get("source", "") if isinstance(cell, dict) else ""
        source = "".join(source) if isinstance(source, list) else source
        if isinstance(source, str) and cell.get("cell_type") == "code":
            sources.append(
                "\n".join(
                    ln for ln in source.splitlines() if not ln.lstrip().startswith(("%", "!"))
                )
            )
    return sources


def third_party_imports(snapshot: Snapshot, paths: tuple[str, ...]) -> tuple[str, ...]:
    """Modules the scripts and notebooks import that are neither standard nor local."""
    names: set[str] = set()
    for path in paths:
        if path.endswith(".ipynb"):
            for source in _notebook_sources(snapshot, path):
                names |= imported_names(source)
        else:
            text = snapshot.read_text(path)
            names |= imported_names(text.text) if text.ok else set()
    ignore = set(sys.stdlib_module_names) | local_modules(snapshot) | {"__future__"}
    return tuple(sorted(n for n in names if n not in ignore and n.isidentifier()))


def smoke_test(snapshot: Snapshot, package: tuple[str, ...] = ()) -> SmokeTest:
    """The generated test: imports `package` when given, else the scripts' imports."""
    code = tuple(p for p in snapshot.with_suffix(".py", ".ipynb") if not _is_test(p))
    notebooks = tuple(p for p in code if p.endswith(".ipynb"))
    scripts: tuple[str, ...] = ()
    if package:
        modules = package[:MAX_MODULES]
        what = "imports" if len(modules) == 1 else "packages import"
        comment = "The project's own packages: importing them runs their top-level code."
    else:
        modules = third_party_imports(snapshot, code)[:MAX_MODULES]
        scripts = tuple(p for p in code if p.endswith(".py"))[:MAX_SCRIPTS]
        what = "byte-compiles and the libraries it uses import"
        comment = "Libraries the scripts and notebooks import: each must be installed."
    content = render(
        "test_smoke.py.j2",
        what=what,
        modules=modules,
        modules_comment=comment,
        scripts=scripts,
        notebooks=() if package else notebooks,
        depth=SMOKE_TEST_PATH.count("/"),
    )
    return SmokeTest(SMOKE_TEST_PATH, content, modules, scripts)
