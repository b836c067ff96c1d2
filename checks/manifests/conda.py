"""`environment.yml`: its `pip:` list installs in the fresh environment; the conda
packages are reported as unverified (reprobot does not run conda), never dropped.

An exported environment (`conda env export`) pins platform build strings
(`numpy=1.21.2=py39h20f2e39_0`) and the author's `prefix:`; it installs on no other
machine, so it is called out with its lines."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from packaging.utils import canonicalize_name

from reprobot.checks.core.model import Finding
from reprobot.checks.core.snapshot import Snapshot
from reprobot.checks.core.yaml import YamlProblem, load_yaml
from reprobot.checks.manifests.model import (
    Declared,
    Part,
    PythonRequest,
    ReadRequirements,
    read_file,
)
from reprobot.checks.manifests.requirement import (
    LOCAL,
    Requirements,
    included_path,
    logical_lines,
    outside,
    refusal,
)

_CONDA_SPEC = re.compile(
    r"^(?:[\w.-]+::)?(?P<name>[A-Za-z0-9_][A-Za-z0-9._-]*)\s*"
    r"(?P<version>[=<>!~ ]+[^=\s]*)?(?:=(?P<build>\S+))?\s*$"
)
_SKIP = frozenset({"pip", "python"})


def environment_files(snapshot: Snapshot) -> tuple[str, ...]:
    """The environment file repo2docker would use: at the root, else in binder/."""
    found = snapshot.find_root_file("environment.yml", "environment.yaml") or next(
        (p for p in ("binder/environment.yml", ".binder/environment.yml") if snapshot.exists(p)),
        None,
    )
    return (found,) if found is not None else ()


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


def _load(snapshot: Snapshot, path: str) -> dict[str, Any] | Part:
    """The environment file's mapping, or a `Part` with the problem."""
    text = read_file(snapshot, path)
    if isinstance(text, Part):
        return text
    try:
        data = load_yaml(text)
    except YamlProblem as exc:
        return Part(problems=(Finding(f"{path} is {exc.message}", path, exc.line),))
    if not isinstance(data, dict):
        return Part(problems=(Finding(f"{path} must be a mapping with `dependencies:`", path),))
    return data


@dataclass
class _Conda:
    """The conda packages of `dependencies:`, gathered entry by entry."""

    path: str
    declared: list[Declared] = field(default_factory=list)
    builds: int = 0  # entries that pin a platform build string
    python: PythonRequest | None = None

    def add(self, item: str, line: int | None) -> str | None:
        """Take one conda spec (`numpy=1.26`, `conda-forge::xarray`); the problem if it is none."""
        match = _CONDA_SPEC.match(item.strip())
        if match is None:
            return f"{self.path} line {line}: `{item}` is not a conda package spec"
        name, version = match.group("name"), (match.group("version") or "").strip()
        if match.group("build"):
            self.builds += 1
        if name.lower() == "python" and version:
            spec = _python_spec(version)
            self.python = PythonRequest(spec, f"python{version} in {self.path}", self.path, line)
        if name.lower() not in _SKIP:
            exact = version.startswith("=") and "*" not in version and version.count(".") >= 2
            canonical = canonicalize_name(name)
            self.declared.append(Declared(item.strip(), canonical, self.path, line, exact, "conda"))
        return None


def parse(snapshot: Snapshot, path: str, *, requirements: ReadRequirements) -> Part:
    data = _load(snapshot, path)
    if isinstance(data, Part):
        return data
    deps = data.get("dependencies") or []
    if not isinstance(deps, list):
        line = _key_line(data, "dependencies")
        return Part(problems=(Finding(f"{path}: `dependencies` must be a list", path, line),))
    pip, conda = Requirements(path), _Conda(path)
    install_lines: list[str] = []
    for index, item in enumerate(deps):
        line = _line(deps, index)
        if isinstance(item, dict) and "pip" in item:
            install_lines += _pip_list(item["pip"], snapshot, pip, requirements)
        elif not isinstance(item, str):
            pip.problem(f"{path} line {line}: `{item}` is not a package", line)
        elif (problem := conda.add(item, line)) is not None:
            pip.problem(problem, line)
    return pip.part(
        unverified=tuple(conda.declared),
        python=conda.python,
        install_lines=tuple(install_lines),
        portability=_portability(data, conda),
    )


def _portability(data: dict[str, Any], conda: _Conda) -> tuple[Finding, ...]:
    """What ties the environment to the author's machine: build strings, `prefix:`."""
    path = conda.path
    found: list[Finding] = []
    if conda.builds:
        found.append(
            Finding(
                f"{path} pins {conda.builds} platform build string(s) (like `numpy=1.21.2="
                "py39h20f2e39_0`): it is an exported environment that installs only on the "
                "machine it came from",
                path,
                next((d.line for d in conda.declared if d.requirement.count("=") >= 2), None),
            )
        )
    if "prefix" in data:
        found.append(
            Finding(
                f"{path} names the author's own environment path (`prefix: "
                f"{data['prefix']}`); remove the line",
                path,
                _key_line(data, "prefix"),
            )
        )
    return tuple(found)


def _python_spec(version: str) -> str:
    version = version.strip()
    if version.startswith(("==", ">", "<", "!", "~")):
        return version.replace(" ", "")
    bare = version.lstrip("= ")
    if bare.endswith(".*"):
        return f"=={bare}"
    return f"=={bare}" if bare.count(".") >= 2 else f"=={bare}.*"


def _pip_list(
    items: Any, snapshot: Snapshot, found: Requirements, requirements: ReadRequirements
) -> list[str]:
    """The `pip:` entries gathered into `found`; returns their install lines. `-r file` is
    read relative to the environment file."""
    path = found.path
    if not isinstance(items, list):
        found.problem(f"{path}: the `pip:` entry must be a list")
        return []
    numbers = [_line(items, i) for i in range(len(items))]
    lines: list[str] = []
    for index, line in logical_lines("\n".join(str(i) for i in items)):
        number = numbers[index - 1] if index - 1 < len(numbers) else None
        where = f"{path} line {number}" if number else path
        if line.startswith(("-r ", "--requirement ", "-c ", "--constraint ")):
            flag, target = line.split(None, 1)
            joined = included_path(path, target.strip())
            if outside(joined, target.strip()):
                found.refuse(
                    f"{where} includes {target.strip()}, which is outside the repository: "
                    "it is not read and not installed",
                    number,
                )
                continue
            parts = requirements(snapshot, joined, scope="main").values()
            for part in parts:
                found.extend(part)
            if not any(part.refused for part in parts):
                lines.append(f"{flag} {joined}")  # else the include is not installed at all
            continue
        if line.startswith("-") and not line.startswith(("-e ", "--editable ")):
            lines.append(line)
            continue
        flag, target = line.split(None, 1) if line.startswith("-") else ("", line)
        target = target.strip()
        if LOCAL.match(target) and not target.lower().startswith("file:"):
            # conda runs pip beside the environment file: paths are relative to it
            target = included_path(path, target)
            if target != ".." and not target.startswith(("../", "/")):
                lines.append(f"{flag} ./{target}".strip() if target != "." else f"{flag} .".strip())
                continue
        if (why := refusal(target)) is not None:
            found.refuse(f"{where}: {why}", number)
            continue
        lines.append(line)
        if target.startswith(("git+", "http")):
            continue
        found.add(target, number, "main")
    return lines
