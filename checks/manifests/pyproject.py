"""Package manifests: `pyproject.toml` (PEP 621 and Poetry), `setup.cfg`, `setup.py`, and
the files that name one Python version (`.python-version`, `runtime.txt`).

`setup.py` is never executed here: its `install_requires` is read with `ast` when it is a
literal; otherwise the install in the clean room tells what it needs.
"""

from __future__ import annotations

import configparser
import re
from typing import Any

from checks.core.model import Finding
from checks.core.snapshot import Snapshot
from checks.core.toml import line_of, load_toml, section_line
from checks.manifests import Declared, Part, PythonRequest
from checks.manifests.poetry import poetry_part
from checks.manifests.requirements_txt import declared_from, parse_requirements


def _strings(
    values: Any, path: str, text: str, *, start: int, scope: str, what: str
) -> tuple[list[Declared], list[Finding]]:
    declared: list[Declared] = []
    problems: list[Finding] = []
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        problems.append(Finding(f"{path}: {what} must be a list of strings", path, start or None))
        return declared, problems
    for value in values:
        line = line_of(text, value, start)
        found, problem = declared_from(value, path, line, scope, pinned_names=frozenset())
        declared.extend([found] if found else [])
        problems.extend([problem] if problem else [])
    return declared, problems


def parse_pyproject(snapshot: Snapshot, path: str) -> Part:
    data, text, problem = load_toml(snapshot, path)
    if data is None:
        return Part(problems=(problem,) if problem else ())
    project = data.get("project")
    tool: dict[str, Any] = data["tool"] if isinstance(data.get("tool"), dict) else {}
    poetry = tool.get("poetry")
    if not isinstance(project, dict):
        if isinstance(poetry, dict):
            return poetry_part(poetry, path, text, has_build_system="build-system" in data)
        return Part(package="build-system" in data)
    declared: list[Declared] = []
    problems: list[Finding] = []
    start = section_line(text, "project")
    found, bad = _strings(
        project.get("dependencies", []), path, text, start=start, scope="main", what="dependencies"
    )
    declared += found
    problems += bad
    extras = project.get("optional-dependencies", {})
    if isinstance(extras, dict):
        at = section_line(text, "project.optional-dependencies") or start
        for extra, values in extras.items():
            found, bad = _strings(
                values, path, text, start=at, scope=f"extra:{extra}", what=f"extra `{extra}`"
            )
            declared += found
            problems += bad
    dynamic = project.get("dynamic", [])
    if isinstance(dynamic, list) and "dependencies" in dynamic:
        declared += _setuptools_dynamic(snapshot, tool)
    python = None
    requires_python = project.get("requires-python")
    if isinstance(requires_python, str):
        python = PythonRequest(
            requires_python,
            f"requires-python {requires_python} in {path}",
            path,
            line_of(text, requires_python, start),
        )
    return Part(tuple(declared), problems=tuple(problems), python=python, package=True)


def _setuptools_dynamic(snapshot: Snapshot, tool: dict[str, Any]) -> list[Declared]:
    """`[tool.setuptools.dynamic] dependencies = {file = [...]}` reads requirements files."""
    setuptools = tool.get("setuptools", {}) if isinstance(tool, dict) else {}
    dynamic = setuptools.get("dynamic", {}) if isinstance(setuptools, dict) else {}
    spec = dynamic.get("dependencies", {}) if isinstance(dynamic, dict) else {}
    files = spec.get("file", []) if isinstance(spec, dict) else []
    declared: list[Declared] = []
    for name in [files] if isinstance(files, str) else files:
        if isinstance(name, str) and snapshot.exists(name):
            for part in parse_requirements(snapshot, name, scope="main").values():
                declared.extend(part.requirements)
    return declared


def parse_setup_cfg(snapshot: Snapshot, path: str) -> Part:
    text = snapshot.read_text(path)
    if not text.ok:
        return Part(problems=(Finding(text.problem or f"{path} unreadable", path),))
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text.text, source=path)
    except configparser.Error as exc:
        line = getattr(exc, "lineno", None)
        return Part(problems=(Finding(f"{path} could not be read: {exc}", path, line),))
    declared: list[Declared] = []
    problems: list[Finding] = []
    package = parser.has_section("metadata") and parser.has_option("metadata", "name")
    python = None
    if parser.has_section("options"):
        raw = parser.get("options", "install_requires", fallback="")
        found, bad = _cfg_list(raw, path, text.text, "main")
        declared += found
        problems += bad
        requires = parser.get("options", "python_requires", fallback="").strip()
        if requires:
            python = PythonRequest(requires, f"python_requires {requires} in {path}", path, None)
    if parser.has_section("options.extras_require"):
        for extra, raw in parser.items("options.extras_require"):
            found, bad = _cfg_list(raw, path, text.text, f"extra:{extra}")
            declared += found
            problems += bad
    return Part(tuple(declared), problems=tuple(problems), python=python, package=package)


def _cfg_list(raw: str, path: str, text: str, scope: str) -> tuple[list[Declared], list[Finding]]:
    declared: list[Declared] = []
    problems: list[Finding] = []
    for item in raw.replace(";\n", "\n").splitlines():
        value = item.split(" #")[0].strip()
        if not value or value.startswith("file:"):
            continue
        line = next(
            (n for n, t in enumerate(text.splitlines(), 1) if t.strip().endswith(value)), None
        )
        found, problem = declared_from(value, path, line, scope, pinned_names=frozenset())
        declared.extend([found] if found else [])
        problems.extend([problem] if problem else [])
    return declared, problems


def parse_setup_py(snapshot: Snapshot, path: str) -> Part:
    from checks.manifests.setup_py import read_setup_py

    return read_setup_py(snapshot, path)


def parse(snapshot: Snapshot, path: str) -> Part:
    name = path.lower()
    if name.endswith("pyproject.toml"):
        return parse_pyproject(snapshot, path)
    if name.endswith("setup.cfg"):
        return parse_setup_cfg(snapshot, path)
    return parse_setup_py(snapshot, path)


_RUNTIME = re.compile(r"^\s*python-(\d+(?:\.\d+){0,2})\s*$")
_VERSION = re.compile(r"^\s*(?:cpython-|python)?(\d+(?:\.\d+){0,2})(?:[-/].*)?\s*$")


def pinned_python_file(snapshot: Snapshot) -> PythonRequest | None:
    """`.python-version` (`3.8`, `3.8.18`) or `runtime.txt` (`python-3.8`)."""
    for path, pattern in ((".python-version", _VERSION), ("runtime.txt", _RUNTIME)):
        if not snapshot.exists(path):
            continue
        text = snapshot.read_text(path, cap=4096)
        for number, raw in enumerate(text.text.splitlines(), start=1):
            if not raw.strip() or raw.lstrip().startswith("#"):
                continue
            match = pattern.match(raw)
            if match is None:
                break
            version = match.group(1)
            spec = f"=={version}" if version.count(".") == 2 else f"=={version}.*"
            return PythonRequest(spec, f"Python {version} in {path}", path, number)
    return None
