"""Poetry's `[tool.poetry.dependencies]`, converted to PEP 508 with Poetry's semantics:
`^1.2.3` is `>=1.2.3,<2.0.0`, `^0.2` is `>=0.2,<0.3`, `~1.2` is `>=1.2,<1.3`, a bare
`1.2.3` is `==1.2.3` and `*` is any version."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from checks.core.snapshot import Snapshot
from checks.core.toml import key_line, line_of, section_line
from checks.manifests.model import Part, PythonRequest
from checks.manifests.requirement import Requirements, TableStyle, table_requirement
from checks.repo.pyproject import read_pyproject

_PART = re.compile(r"^\d+$")


def _bump(parts: list[str], index: int) -> str:
    upper = [int(p) for p in parts[: index + 1]]
    upper[index] += 1
    return ".".join(str(p) for p in upper + [0] * max(0, len(parts) - index - 1))


def _caret(version: str) -> str:
    parts = version.split(".")
    if not all(_PART.match(p) for p in parts):
        return f">={version}"
    index = next((i for i, p in enumerate(parts) if int(p) != 0), len(parts) - 1)
    return f">={version},<{_bump(parts, index)}"


def _tilde(version: str) -> str:
    parts = version.split(".")
    if not all(_PART.match(p) for p in parts):
        return f">={version}"
    index = 0 if len(parts) == 1 else 1
    return f">={version},<{_bump(parts, index)}"


def poetry_constraint(constraint: str) -> str:
    """One Poetry version constraint as a PEP 440 specifier (maybe empty)."""
    pieces = []
    for raw in re.split(r"\s*,\s*|\s+(?=[<>=!^~])", constraint.strip()):
        piece = raw.strip()
        if not piece or piece == "*":
            continue
        if piece.startswith("^"):
            pieces.append(_caret(piece[1:].strip()))
        elif piece.startswith("~") and not piece.startswith("~="):
            pieces.append(_tilde(piece[1:].strip()))
        elif piece[0].isdigit():
            pieces.append(f"=={piece}")
        else:
            pieces.append(piece)
    return ",".join(pieces)


def _markers(spec: Mapping[str, Any]) -> list[str]:
    markers = [spec["markers"]] if isinstance(spec.get("markers"), str) else []
    if isinstance(spec.get("python"), str):
        python = poetry_constraint(spec["python"])
        markers += [f"python_version {op}" for op in _marker_ops(python)]
    return markers


POETRY = TableStyle(poetry_constraint, _markers, refs=("rev", "tag", "branch"), urls=True)


def to_pep508(name: str, spec: Any) -> str | None:
    """A Poetry dependency entry as a PEP 508 string (None for what cannot be said)."""
    if isinstance(spec, list):
        return to_pep508(name, spec[0]) if spec else name
    return table_requirement(name, spec, POETRY)


def _marker_ops(spec: str) -> list[str]:
    out = []
    for item in filter(None, spec.split(",")):
        match = re.match(r"(==|!=|<=|>=|<|>|~=)\s*(.+)", item.strip())
        if match:
            version = ".".join(match.group(2).split(".")[:2]).rstrip(".*")
            out.append(f"{match.group(1)} '{version}'")
    return out


def parse(snapshot: Snapshot, path: str) -> Part | None:
    """The part of a `pyproject.toml` with `[tool.poetry]`; None when it has none."""
    pyproject = read_pyproject(snapshot, path)
    poetry = pyproject.table("tool").get("poetry")
    if not isinstance(poetry, dict):
        return None
    has_build_system = "build-system" in pyproject.data
    return poetry_part(poetry, path, pyproject.text, has_build_system=has_build_system)


def _groups(poetry: Mapping[str, Any]) -> list[tuple[str, str, Any]]:
    """(scope, table header, the table) of the main dependencies and every group's."""
    groups: list[tuple[str, str, Any]] = [
        ("main", "tool.poetry.dependencies", poetry.get("dependencies"))
    ]
    group_table = poetry.get("group", {})
    if isinstance(group_table, dict):
        for group, table in group_table.items():
            header = f"tool.poetry.group.{group}.dependencies"
            groups.append(("dev", header, (table or {}).get("dependencies")))
    groups.append(("dev", "tool.poetry.dev-dependencies", poetry.get("dev-dependencies")))
    return groups


def poetry_part(poetry: Mapping[str, Any], path: str, text: str, *, has_build_system: bool) -> Part:
    found = Requirements(path)
    python: PythonRequest | None = None
    lines: list[str] = []
    for scope, header, table in _groups(poetry):
        if not isinstance(table, dict):
            continue
        start = section_line(text, header)
        for name, spec in table.items():
            line = key_line(text, name, start, ignore_case=True) or line_of(text, name, start)
            if name.lower() == "python":
                if isinstance(spec, str):
                    converted = poetry_constraint(spec)
                    python = PythonRequest(converted, f"python {spec} in {path}", path, line)
                continue
            requirement = to_pep508(name, spec)
            if requirement is None:
                continue
            declared = found.add(requirement, line, scope)
            if declared is not None and scope == "main":
                lines.append(declared.requirement)
    package = has_build_system and poetry.get("package-mode", True) is not False
    return found.part(python=python, package=package, install_lines=tuple(lines))
