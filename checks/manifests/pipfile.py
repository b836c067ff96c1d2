"""`Pipfile` (`[packages]`, `[dev-packages]`, `[requires] python_version`) and
`Pipfile.lock` (its `default` section installs, pinned)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from reprobot.checks.core.model import Finding
from reprobot.checks.core.snapshot import Snapshot
from reprobot.checks.core.toml import key_line, line_of, load_toml, section_line
from reprobot.checks.manifests.model import Part, PythonRequest, read_file
from reprobot.checks.manifests.requirement import Requirements, TableStyle, table_requirement


def _constraint(version: str) -> str:
    return "" if version.strip() in ("*", "") else version.strip()


def _markers(spec: Mapping[str, Any]) -> list[str]:
    markers = spec.get("markers")
    return [markers] if isinstance(markers, str) and markers else []


PIPFILE = TableStyle(_constraint, _markers, refs=("ref",), local=("path", "file"))


def _sections(
    data: Mapping[str, Any],
    path: str,
    sections: tuple[tuple[str, str], ...],
    line_for: Callable[[str, str], int | None],
) -> tuple[Requirements, list[str]]:
    """Requirements of the Pipfile (or lock) tables `sections` ((table, scope), ...), and
    the install lines of the main scope."""
    found = Requirements(path)
    lines: list[str] = []
    for section, scope in sections:
        table = data.get(section)
        if not isinstance(table, dict):
            continue
        for name, spec in table.items():
            requirement = table_requirement(name, spec, PIPFILE)
            if requirement is None:
                continue
            declared = found.add(requirement, line_for(section, name), scope)
            if declared is not None and scope == "main":
                lines.append(declared.requirement)
    return found, lines


def parse(snapshot: Snapshot, path: str) -> Part:
    data, text, problem = load_toml(snapshot, path)
    if data is None:
        return Part(problems=(problem,) if problem else ())
    found, lines = _sections(
        data,
        path,
        (("packages", "main"), ("dev-packages", "dev")),
        lambda section, name: key_line(text, name, section_line(text, section)),
    )
    python = None
    requires = data.get("requires")
    if isinstance(requires, dict):
        version = requires.get("python_full_version") or requires.get("python_version")
        if isinstance(version, str):
            spec = f"=={version}" if version.count(".") >= 2 else f"=={version}.*"
            line = line_of(text, version)
            python = PythonRequest(spec, f"python_version {version} in {path}", path, line)
    return found.part(python=python, install_lines=tuple(lines))


def parse_lock(snapshot: Snapshot, path: str) -> Part:
    text = read_file(snapshot, path)
    if isinstance(text, Part):
        return text
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, or an integer too long
        line = getattr(exc, "lineno", None)
        return Part(problems=(Finding(f"{path} is not valid JSON: {exc}", path, line),))
    if not isinstance(data, dict):
        return Part(problems=(Finding(f"{path} must be a JSON object", path),))
    found, lines = _sections(
        data,
        path,
        (("default", "main"), ("develop", "dev")),
        lambda _section, name: line_of(text, name),
    )
    return found.part(install_lines=tuple(lines))
