"""`environment.yml`: its `pip:` list installs in the fresh environment; the conda
packages are reported as unverified (reprobot does not run conda), never dropped.

An exported environment (`conda env export`) pins platform build strings
(`numpy=1.21.2=py39h20f2e39_0`) and the author's `prefix:`; it installs on no other
machine, so it is called out with its lines."""

from __future__ import annotations

import re
from typing import Any

from packaging.utils import canonicalize_name
from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from checks.core.model import Finding
from checks.core.snapshot import Snapshot
from checks.manifests import Declared, Part, PythonRequest
from checks.manifests.requirements_txt import declared_from, logical_lines

_CONDA_SPEC = re.compile(
    r"^(?:[\w.-]+::)?(?P<name>[A-Za-z0-9_][A-Za-z0-9._-]*)\s*"
    r"(?P<version>[=<>!~ ]+[^=\s]*)?(?:=(?P<build>\S+))?\s*$"
)
_SKIP = frozenset({"pip", "python"})


def _line(node: Any, index: int) -> int | None:
    try:
        return int(node.lc.item(index)[0]) + 1
    except (AttributeError, KeyError, TypeError, IndexError):
        return None


def _key_line(node: Any, key: str) -> int | None:
    try:
        return int(node.lc.key(key)[0]) + 1
    except (AttributeError, KeyError, TypeError):
        return None


def parse(snapshot: Snapshot, path: str) -> Part:
    text = snapshot.read_text(path)
    if not text.ok:
        return Part(problems=(Finding(text.problem or f"{path} unreadable", path),))
    try:
        data = YAML(typ="rt").load(text.text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = f"{path} is not valid YAML: {exc.problem or exc.context}"
        return Part(problems=(Finding(problem, path, line),))
    except (YAMLError, ValueError, TypeError, RecursionError) as exc:
        return Part(problems=(Finding(f"{path} is not valid YAML: {exc}", path),))
    if not isinstance(data, dict):
        return Part(problems=(Finding(f"{path} must be a mapping with `dependencies:`", path),))
    deps = data.get("dependencies") or []
    if not isinstance(deps, list):
        line = _key_line(data, "dependencies")
        return Part(problems=(Finding(f"{path}: `dependencies` must be a list", path, line),))
    conda: list[Declared] = []
    pip: list[Declared] = []
    problems: list[Finding] = []
    portability: list[Finding] = []
    install_lines: list[str] = []
    python: PythonRequest | None = None
    builds = 0
    for index, item in enumerate(deps):
        line = _line(deps, index)
        if isinstance(item, dict) and "pip" in item:
            lines, found, bad = _pip_list(item["pip"], path, snapshot)
            install_lines += lines
            pip += found
            problems += bad
            continue
        if not isinstance(item, str):
            problems.append(Finding(f"{path} line {line}: `{item}` is not a package", path, line))
            continue
        match = _CONDA_SPEC.match(item.strip())
        if match is None:
            problems.append(
                Finding(f"{path} line {line}: `{item}` is not a conda package spec", path, line)
            )
            continue
        name, version = match.group("name"), (match.group("version") or "").strip()
        if match.group("build"):
            builds += 1
        if name.lower() == "python" and version:
            spec = _python_spec(version)
            python = PythonRequest(spec, f"python{version} in {path}", path, line)
        if name.lower() in _SKIP:
            continue
        exact = version.startswith("=") and "*" not in version and version.count(".") >= 2
        conda.append(Declared(item.strip(), canonicalize_name(name), path, line, exact, "conda"))
    if builds:
        portability.append(
            Finding(
                f"{path} pins {builds} platform build string(s) (like `numpy=1.21.2="
                "py39h20f2e39_0`): it is an exported environment that installs only on the "
                "machine it came from",
                path,
                next((d.line for d in conda if d.requirement.count("=") >= 2), None),
            )
        )
    if "prefix" in data:
        portability.append(
            Finding(
                f"{path} names the author's own environment path (`prefix: "
                f"{data['prefix']}`); remove the line",
                path,
                _key_line(data, "prefix"),
            )
        )
    return Part(
        tuple(pip),
        unverified=tuple(conda),
        problems=tuple(problems),
        python=python,
        install_lines=tuple(install_lines),
        portability=tuple(portability),
    )


def _python_spec(version: str) -> str:
    version = version.strip()
    if version.startswith(("==", ">", "<", "!", "~")):
        return version.replace(" ", "")
    bare = version.lstrip("= ")
    if bare.endswith(".*"):
        return f"=={bare}"
    return f"=={bare}" if bare.count(".") >= 2 else f"=={bare}.*"


def _pip_list(
    items: Any, path: str, snapshot: Snapshot
) -> tuple[list[str], list[Declared], list[Finding]]:
    """The `pip:` entries; `-r file` is read relative to the environment file."""
    from checks.manifests.requirements_txt import parse_requirements

    if not isinstance(items, list):
        return [], [], [Finding(f"{path}: the `pip:` entry must be a list", path)]
    text = "\n".join(str(i) for i in items)
    numbers = [_line(items, i) for i in range(len(items))]
    lines: list[str] = []
    declared: list[Declared] = []
    problems: list[Finding] = []
    base = path.rsplit("/", 1)[0] + "/" if "/" in path else ""
    for offset, (index, line) in enumerate(logical_lines(text)):
        number = numbers[index - 1] if index - 1 < len(numbers) else None
        del offset
        if line.startswith(("-r ", "--requirement ", "-c ", "--constraint ")):
            flag, target = line.split(None, 1)
            joined = base + target.strip()
            lines.append(f"{flag} {joined}")
            for part in parse_requirements(snapshot, joined, scope="main").values():
                declared.extend(part.requirements)
                problems.extend(part.problems)
            continue
        if line.startswith("-") and not line.startswith(("-e ", "--editable ")):
            lines.append(line)
            continue
        lines.append(line)
        target = line.split(None, 1)[1] if line.startswith("-") else line
        if target.strip() in (".", "./") or target.startswith(("./", "../", "/", "git+", "http")):
            continue
        found, problem = declared_from(target, path, number, "main", pinned_names=frozenset())
        declared.extend([found] if found else [])
        problems.extend([problem] if problem else [])
    return lines, declared, problems
