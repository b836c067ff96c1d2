"""`pyproject.toml`'s PEP 621 `[project]` table: dependencies, optional dependencies,
`requires-python`, PEP 735 `[dependency-groups]` (scope "dev"), and setuptools' dynamic
dependencies read from requirements files.
A file with Poetry's `[tool.poetry]` and no `[project]` is Poetry's (`manifests.poetry`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reprobot.checks.core.snapshot import Snapshot
from reprobot.checks.core.toml import line_of, section_line
from reprobot.checks.manifests.model import Declared, Part, PythonRequest, ReadRequirements
from reprobot.checks.manifests.requirement import Requirements
from reprobot.checks.repo.pyproject import read_pyproject


def _strings(
    found: Requirements, values: Any, text: str, *, start: int, scope: str, what: str
) -> None:
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        found.problem(f"{found.path}: {what} must be a list of strings", start or None)
        return
    for value in values:
        found.add(value, line_of(text, value, start), scope)


def parse_pyproject(
    snapshot: Snapshot, path: str, *, requirements: ReadRequirements
) -> Part | None:
    """The `[project]` table's part; None when the file is Poetry's."""
    pyproject = read_pyproject(snapshot, path)
    if pyproject.problem is not None:
        return Part(problems=(pyproject.problem,))
    data, text = pyproject.data, pyproject.text
    project = data.get("project")
    tool = pyproject.table("tool")
    if not isinstance(project, dict):
        if isinstance(tool.get("poetry"), dict):
            return None
        return Part(package="build-system" in data)
    found = Requirements(path)
    start = section_line(text, "project")
    dependencies = project.get("dependencies", [])
    _strings(found, dependencies, text, start=start, scope="main", what="dependencies")
    extras = project.get("optional-dependencies", {})
    if isinstance(extras, dict):
        at = section_line(text, "project.optional-dependencies") or start
        for extra, values in extras.items():
            scope, what = f"extra:{extra}", f"extra `{extra}`"
            _strings(found, values, text, start=at, scope=scope, what=what)
    groups = data.get("dependency-groups", {})
    if isinstance(groups, dict):
        at = section_line(text, "dependency-groups") or start
        for group, values in groups.items():
            strings = (
                [v for v in values if isinstance(v, str)] if isinstance(values, list) else values
            )
            what = f"dependency group `{group}`"
            _strings(
                found, strings, text, start=at, scope="dev", what=what
            )  # include-group: skipped
    dynamic = project.get("dynamic", [])
    if isinstance(dynamic, list) and "dependencies" in dynamic:
        found.declared += _setuptools_dynamic(snapshot, tool, requirements)
    python = None
    requires_python = project.get("requires-python")
    if isinstance(requires_python, str):
        python = PythonRequest(
            requires_python,
            f"requires-python {requires_python} in {path}",
            path,
            line_of(text, requires_python, start),
        )
    return found.part(python=python, package=True)


def _setuptools_dynamic(
    snapshot: Snapshot, tool: Mapping[str, Any], requirements: ReadRequirements
) -> list[Declared]:
    """`[tool.setuptools.dynamic] dependencies = {file = [...]}` reads requirements files."""
    setuptools = tool.get("setuptools", {})
    dynamic = setuptools.get("dynamic", {}) if isinstance(setuptools, dict) else {}
    spec = dynamic.get("dependencies", {}) if isinstance(dynamic, dict) else {}
    files = spec.get("file", []) if isinstance(spec, dict) else []
    declared: list[Declared] = []
    for name in [files] if isinstance(files, str) else files:
        if isinstance(name, str) and snapshot.exists(name):
            for part in requirements(snapshot, name, scope="main").values():
                declared.extend(part.requirements)
    return declared
