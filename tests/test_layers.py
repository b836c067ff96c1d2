"""The layers point one way; checks are pure; no cycles; no module over 400 lines.

    core  <-  repo  <-  manifests  <-  environment  <-  families/*  <-  checks (API)  <-  bot

Every import is counted, including those inside functions, so a cycle cannot hide.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MAX_LINES = 400

# layer -> the layers it may import (besides itself)
ALLOWED = {
    "core": set(),
    "repo": {"core"},
    "manifests": {"core", "repo"},
    "environment": {"core", "repo", "manifests"},
    "families": {"core", "repo", "manifests", "environment"},
    "api": {"core", "repo", "manifests", "environment", "families"},
}
# What a family's checks module (the verdicts) must not import: the process runner, the sandbox,
# the uv layer. It reads facts through ctx.fact and never the snapshot.
IMPURE = ("checks.core.runner", "checks.core.sandbox", "checks.environment.uv", "subprocess")
BOT_MAY_IMPORT = ("checks", "checks.core.model")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules(package: str) -> dict[str, Path]:
    return {_module_name(p): p for p in sorted((ROOT / package).rglob("*.py"))}


def _imports(path: Path, name: str) -> list[tuple[str, int]]:
    """(module imported, line) for every import in the file, at any depth."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: list[tuple[str, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.append((base, node.lineno))
            # `from checks.families import citation` imports the submodule citation
            found += [(f"{base}.{alias.name}", node.lineno) for alias in node.names]
    # imports name reprobot.checks...; the layers are spoken of by folder
    return [(m.removeprefix("reprobot."), line) for m, line in found]


def _layer(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "checks":
        return None
    if len(parts) == 1:
        return "api"
    return parts[1] if parts[1] in ALLOWED else "api"


def _family(module: str) -> str | None:
    parts = module.split(".")
    return parts[2] if len(parts) > 2 and parts[:2] == ["checks", "families"] else None


ALL = {**_modules("checks"), **_modules("bot")}


def _edges() -> dict[str, set[tuple[str, int]]]:
    known = set(ALL)
    out: dict[str, set[tuple[str, int]]] = {}
    for name, path in ALL.items():
        out[name] = {(m, line) for m, line in _imports(path, name) if m in known and m != name}
    return out


EDGES = _edges()


def test_layers_point_one_way() -> None:
    wrong = []
    for name, targets in EDGES.items():
        source = _layer(name)
        if source is None or source == "api":
            continue
        for target, line in sorted(targets):
            dest = _layer(target)
            if dest is None:
                continue
            if dest == source:
                # the registry (checks.families) lists every family; a family imports only itself
                mine = _family(name)
                if mine is not None and _family(target) not in (None, mine):
                    wrong.append(f"{ALL[name]}:{line}: {name} imports {target} (another family)")
                continue
            if dest not in ALLOWED[source]:
                wrong.append(f"{ALL[name]}:{line}: {name} ({source}) imports {target} ({dest})")
    assert not wrong, "imports against the layers:\n" + "\n".join(wrong)


def test_bot_uses_only_the_public_api() -> None:
    wrong = [
        f"{ALL[name]}:{line}: {name} imports {target}"
        for name, targets in EDGES.items()
        if name.startswith("bot")
        for target, line in sorted(targets)
        if target.startswith("checks") and target not in BOT_MAY_IMPORT
    ]
    assert not wrong, "bot reaches past the checks package's API:\n" + "\n".join(wrong)


def _check_modules() -> list[tuple[str, Path]]:
    return [
        (n, p) for n, p in ALL.items() if n.startswith("checks.families.") and n.endswith(".checks")
    ]


@pytest.mark.parametrize(("name", "path"), _check_modules(), ids=str)
def test_check_modules_are_pure(name: str, path: Path) -> None:
    wrong = [
        f"{path}:{line}: imports {target}"
        for target, line in _imports(path, name)
        if target.startswith(IMPURE)
    ]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in ("snapshot", "read_text", "read_bytes"):
            wrong.append(f"{path}:{node.lineno}: reads files (.{node.attr})")
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "open"
        ):
            wrong.append(f"{path}:{node.lineno}: opens a file")
    assert not wrong, "a check module must be pure over facts:\n" + "\n".join(wrong)


def test_no_import_cycle() -> None:
    graph = {name: {t for t, _ in targets} for name, targets in EDGES.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for succ in graph[node]:
            if succ not in index:
                visit(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    assert not cycles, "import cycles:\n" + "\n".join(" <-> ".join(c) for c in cycles)


def test_no_module_over_the_limit() -> None:
    long = [
        f"{path}: {n} lines"
        for path in ALL.values()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    ]
    assert not long, f"modules over {MAX_LINES} lines:\n" + "\n".join(long)
