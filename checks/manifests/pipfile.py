"""`Pipfile` (`[packages]`, `[dev-packages]`, `[requires] python_version`) and
`Pipfile.lock` (its `default` section installs, pinned)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from checks.core.model import Finding
from checks.core.snapshot import Snapshot
from checks.core.toml import line_of, load_toml, section_line
from checks.manifests import Declared, Part, PythonRequest
from checks.manifests.requirements_txt import declared_from


def _pep508(name: str, spec: Any) -> str | None:
    if isinstance(spec, str):
        return name if spec.strip() in ("*", "") else f"{name}{spec.strip()}"
    if not isinstance(spec, dict):
        return None
    extras = spec.get("extras") or []
    head = f"{name}[{','.join(extras)}]" if extras else name
    if "git" in spec:
        ref = spec.get("ref")
        body = f"{head} @ git+{spec['git']}" + (f"@{ref}" if ref else "")
    elif "path" in spec or "file" in spec:
        return None
    else:
        version = str(spec.get("version", "*")).strip()
        body = head if version in ("*", "") else f"{head}{version}"
    markers = spec.get("markers")
    return f"{body}; {markers}" if isinstance(markers, str) and markers else body


def _sections(
    data: Mapping[str, Any],
    path: str,
    sections: tuple[tuple[str, str], ...],
    line_for: Callable[[str, str], int | None],
) -> tuple[list[Declared], list[Finding], list[str]]:
    """Requirements of the Pipfile (or lock) tables `sections` ((table, scope), ...): the
    declared ones, the problems, and the install lines of the main scope."""
    declared: list[Declared] = []
    problems: list[Finding] = []
    lines: list[str] = []
    for section, scope in sections:
        table = data.get(section)
        if not isinstance(table, dict):
            continue
        for name, spec in table.items():
            requirement = _pep508(name, spec)
            if requirement is None:
                continue
            line = line_for(section, name)
            found, bad = declared_from(requirement, path, line, scope, pinned_names=frozenset())
            if found is not None:
                declared.append(found)
                if scope == "main":
                    lines.append(found.requirement)
            problems.extend([bad] if bad else [])
    return declared, problems, lines


def parse(snapshot: Snapshot, path: str) -> Part:
    data, text, problem = load_toml(snapshot, path)
    if data is None:
        return Part(problems=(problem,) if problem else ())
    declared, problems, lines = _sections(
        data,
        path,
        (("packages", "main"), ("dev-packages", "dev")),
        lambda section, name: _key_line(text, name, section_line(text, section)),
    )
    python = None
    requires = data.get("requires")
    if isinstance(requires, dict):
        version = requires.get("python_full_version") or requires.get("python_version")
        if isinstance(version, str):
            spec = f"=={version}" if version.count(".") >= 2 else f"=={version}.*"
            line = line_of(text, version)
            python = PythonRequest(spec, f"python_version {version} in {path}", path, line)
    return Part(
        tuple(declared), problems=tuple(problems), python=python, install_lines=tuple(lines)
    )


def _key_line(text: str, key: str, start: int) -> int | None:
    for number, raw in enumerate(text.splitlines(), start=1):
        if number > start and raw.strip().strip("\"'").startswith(key):
            stripped = raw.strip()
            if stripped.split("=")[0].strip().strip("\"'") == key:
                return number
    return None


def parse_lock(snapshot: Snapshot, path: str) -> Part:
    text = snapshot.read_text(path)
    if not text.ok:
        return Part(problems=(Finding(text.problem or f"{path} unreadable", path),))
    try:
        data = json.loads(text.text)
    except (json.JSONDecodeError, RecursionError) as exc:
        line = getattr(exc, "lineno", None)
        return Part(problems=(Finding(f"{path} is not valid JSON: {exc}", path, line),))
    if not isinstance(data, dict):
        return Part(problems=(Finding(f"{path} must be a JSON object", path),))
    declared, problems, lines = _sections(
        data,
        path,
        (("default", "main"), ("develop", "dev")),
        lambda _section, name: line_of(text.text, name),
    )
    return Part(tuple(declared), problems=tuple(problems), install_lines=tuple(lines))
