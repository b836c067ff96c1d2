"""`setup.py` read with `ast`, never executed: `install_requires`, `extras_require` and
`python_requires` when they are literals or module-level names bound to literals."""

from __future__ import annotations

import ast
from dataclasses import replace

from reprobot.checks.core.model import Finding
from reprobot.checks.core.snapshot import Snapshot
from reprobot.checks.manifests.model import Part, PythonRequest, read_file
from reprobot.checks.manifests.requirement import Requirements


def _setup_call(tree: ast.Module) -> ast.Call | None:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name == "setup":
                return node
    return None


def _bindings(tree: ast.Module) -> dict[str, ast.expr]:
    found: dict[str, ast.expr] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name):
                found[target.id] = node.value
    return found


def _literal(node: ast.expr | None, names: dict[str, ast.expr]) -> ast.expr | None:
    if isinstance(node, ast.Name) and node.id in names:
        return names[node.id]
    return node


def _string_items(node: ast.expr | None) -> list[tuple[str, int]] | None:
    if not isinstance(node, (ast.List, ast.Tuple)):
        return None
    items = []
    for element in node.elts:
        if not isinstance(element, ast.Constant) or not isinstance(element.value, str):
            return None
        items.append((element.value, element.lineno))
    return items


def read_setup_py(snapshot: Snapshot, path: str) -> Part:
    text = read_file(snapshot, path)
    if isinstance(text, Part):
        return replace(text, package=True)
    try:
        tree = ast.parse(text, filename=path)
    except (SyntaxError, ValueError) as exc:
        line = getattr(exc, "lineno", None)
        message = f"{path} is not valid Python: {getattr(exc, 'msg', exc)}"
        return Part(problems=(Finding(message, path, line),), package=True)
    except (RecursionError, MemoryError):
        # An expression nested thousands of levels deep exhausts the parser's stack.
        message = (
            f"{path} is nested too deeply for Python to parse (an expression inside "
            "thousands of others); reprobot could not read its requirements"
        )
        return Part(problems=(Finding(message, path),), package=True)
    call = _setup_call(tree)
    if call is None:
        return Part(package=True)
    names = _bindings(tree)
    keywords = {k.arg: k.value for k in call.keywords if k.arg}
    found = Requirements(path)
    for value, line in _string_items(_literal(keywords.get("install_requires"), names)) or []:
        found.add(value, line, "main")
    extras = _literal(keywords.get("extras_require"), names)
    if isinstance(extras, ast.Dict):
        for key, node in zip(extras.keys, extras.values, strict=False):
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                for value, line in _string_items(_literal(node, names)) or []:
                    found.add(value, line, f"extra:{key.value}")
    python = None
    requires = _literal(keywords.get("python_requires"), names)
    if isinstance(requires, ast.Constant) and isinstance(requires.value, str):
        spec = requires.value
        python = PythonRequest(spec, f"python_requires {spec} in {path}", path, requires.lineno)
    return found.part(python=python, package=True)
