"""Poetry's `[tool.poetry.dependencies]`, converted to PEP 508 with Poetry's semantics:
`^1.2.3` is `>=1.2.3,<2.0.0`, `^0.2` is `>=0.2,<0.3`, `~1.2` is `>=1.2,<1.3`, a bare
`1.2.3` is `==1.2.3` and `*` is any version."""

from __future__ import annotations

import re
from typing import Any

from checks.core.model import Finding
from checks.manifests import Declared, Part, PythonRequest
from checks.manifests.requirements_txt import declared_from

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


def to_pep508(name: str, spec: Any) -> str | None:
    """A Poetry dependency entry as a PEP 508 string (None for what cannot be said)."""
    if isinstance(spec, str):
        return f"{name}{poetry_constraint(spec)}"
    if isinstance(spec, list):
        return to_pep508(name, spec[0]) if spec else name
    if not isinstance(spec, dict):
        return None
    extras = spec.get("extras") or []
    head = f"{name}[{','.join(extras)}]" if extras else name
    markers = []
    if isinstance(spec.get("markers"), str):
        markers.append(spec["markers"])
    if isinstance(spec.get("python"), str):
        python = poetry_constraint(spec["python"])
        markers += [f"python_version {op}" for op in _marker_ops(python)]
    if "git" in spec:
        ref = spec.get("rev") or spec.get("tag") or spec.get("branch")
        body = f"{head} @ git+{spec['git']}" + (f"@{ref}" if ref else "")
    elif "url" in spec:
        body = f"{head} @ {spec['url']}"
    elif "path" in spec:
        return None
    else:
        body = f"{head}{poetry_constraint(str(spec.get('version', '*')))}"
    return f"{body}; {' and '.join(markers)}" if markers else body


def _marker_ops(spec: str) -> list[str]:
    out = []
    for item in filter(None, spec.split(",")):
        match = re.match(r"(==|!=|<=|>=|<|>|~=)\s*(.+)", item.strip())
        if match:
            version = ".".join(match.group(2).split(".")[:2]).rstrip(".*")
            out.append(f"{match.group(1)} '{version}'")
    return out


def poetry_part(poetry: dict[str, Any], path: str, text: str, *, has_build_system: bool) -> Part:
    from checks.core.toml import line_of, section_line

    declared: list[Declared] = []
    problems: list[Finding] = []
    python: PythonRequest | None = None
    groups: list[tuple[str, str, Any]] = [("main", "tool.poetry.dependencies", None)]
    group_table = poetry.get("group", {})
    if isinstance(group_table, dict):
        for group in group_table:
            groups.append(("dev", f"tool.poetry.group.{group}.dependencies", group))
    groups.append(("dev", "tool.poetry.dev-dependencies", None))
    lines: list[str] = []
    for scope, header, group in groups:
        table: Any = poetry.get(header.rsplit(".", 1)[-1]) if group is None else None
        if group is not None:
            table = (group_table.get(group) or {}).get("dependencies")
        if not isinstance(table, dict):
            continue
        start = section_line(text, header)
        for name, spec in table.items():
            line = _line_of_key(text, name, start) or line_of(text, name, start)
            if name.lower() == "python":
                if isinstance(spec, str):
                    converted = poetry_constraint(spec)
                    python = PythonRequest(converted, f"python {spec} in {path}", path, line)
                continue
            requirement = to_pep508(name, spec)
            if requirement is None:
                continue
            found, problem = declared_from(requirement, path, line, scope, pinned_names=frozenset())
            if found is not None:
                declared.append(found)
                if scope == "main":
                    lines.append(found.requirement)
            if problem is not None:
                problems.append(problem)
    package = has_build_system and poetry.get("package-mode", True) is not False
    return Part(
        tuple(declared),
        problems=tuple(problems),
        python=python,
        package=package,
        install_lines=tuple(lines),
    )


def _line_of_key(text: str, key: str, start: int) -> int | None:
    pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=", re.MULTILINE | re.IGNORECASE)
    lines = text.splitlines()
    for number in range(max(start, 1), len(lines) + 1):
        if pattern.match(lines[number - 1]):
            return number
    return None
