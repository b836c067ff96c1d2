"""Poetry's `[tool.poetry.dependencies]`, converted to PEP 508 with Poetry's semantics.

Constraints are read by poetry-core itself (`^1.2.3` is `>=1.2.3,<2.0.0`, `~1.2` is
`>=1.2,<1.3`, a bare `1.2.3` is `==1.2.3`, `*` any version, `>=1 <2` a range, `||` a
union) and said again as PEP 440 specifiers. A union is its hull with the gaps between its
ranges excluded (`^1.2 || ^3.0` is `>=1.2,<4.0,!=2.*`); a gap that no `!=` can say exactly
(`1.2.3 || 1.2.5`) is left in, so the requirement allows a little more than Poetry would.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from packaging.specifiers import InvalidSpecifier, Specifier
from packaging.version import InvalidVersion
from packaging.version import Version as Pep440Version

from reprobot.checks.core.snapshot import Snapshot
from reprobot.checks.core.toml import key_line, line_of, section_line
from reprobot.checks.manifests.model import Part, PythonRequest
from reprobot.checks.manifests.requirement import Requirements, TableStyle, table_requirement
from reprobot.checks.repo.pyproject import read_pyproject

if TYPE_CHECKING:
    from poetry.core.constraints.version import VersionConstraint, VersionRangeConstraint

NOTHING = "<0"  # a constraint nothing satisfies (`>2,<1`): no release is below 0
MAX_GAPS = 20  # `!=` wildcards to say one gap of a union with; more and it stays in


def _upper(version: object) -> str:
    """An exclusive upper bound: `<2.0.dev0` is `<2.0` in PEP 440 (no pre-release of 2.0)."""
    text = str(version)
    try:
        parsed = Pep440Version(text)
    except InvalidVersion:
        return text
    plain = parsed.dev == 0 and parsed.pre is None and parsed.post is None
    return parsed.base_version if plain else text


def _wildcard(piece: VersionRangeConstraint) -> str | None:
    """`1.2.*` when the range is exactly a wildcard PEP 440 can write, else None."""
    text = str(piece)
    if not (text.startswith("==") and text.endswith(".*")):
        return None
    try:
        Specifier(text)  # a wildcard of release numbers only (`2.0.post1.*` is not one)
    except InvalidSpecifier:
        return None
    return text[2:]


def _bounds(piece: VersionRangeConstraint, *, low: bool = True, high: bool = True) -> list[str]:
    if low and high and piece.min is not None and piece.min == piece.max:
        return [f"=={piece.min}"]
    if low and high and (wildcard := _wildcard(piece)) is not None:
        return [f"=={wildcard}"]
    out = []
    if low and piece.min is not None:
        out.append(f"{'>=' if piece.include_min else '>'}{piece.min}")
    if high and piece.max is not None:
        out.append(f"<={piece.max}" if piece.include_max else f"<{_upper(piece.max)}")
    return out


def _release(version: object) -> tuple[int, ...] | None:
    """The release numbers of a final release or its `.dev0`, else None."""
    try:
        parsed = Pep440Version(str(version))
    except InvalidVersion:
        return None
    if parsed.pre is not None or parsed.post is not None or parsed.dev not in (None, 0):
        return None
    return parsed.release


def _gap(before: VersionRangeConstraint, after: VersionRangeConstraint) -> list[str]:
    """The `!=` specifiers that exclude what lies between two ranges of a union, when a few
    can say it exactly (`!=1.5`, `!=3.0.*,!=3.1.*`); none when they cannot."""
    if before.max is None or after.min is None or before.include_max:
        return []
    low, high = _release(before.max), _release(after.min)
    if low is None or high is None:
        return []
    size = max(len(low), len(high))
    low, high = low + (0,) * (size - len(low)), high + (0,) * (size - len(high))
    # `>1.5` after the gap: 1.5 itself is in it too
    last = [] if after.include_min else [f"!={after.min}"]
    at = next((i for i in range(size) if low[i] != high[i]), None)
    if at is None:
        return last
    if any(low[at + 1 :]) or any(high[at + 1 :]) or high[at] - low[at] > MAX_GAPS:
        return []
    stem = "".join(f"{n}." for n in low[:at])
    return [f"!={stem}{n}.*" for n in range(low[at], high[at])] + last


def _specifiers(constraint: VersionConstraint) -> list[str]:
    from poetry.core.constraints.version import VersionRangeConstraint, VersionUnion

    if constraint.is_empty():
        return [NOTHING]
    if constraint.is_any():
        return []
    if isinstance(constraint, VersionUnion):
        ranges = [r for r in constraint.ranges if isinstance(r, VersionRangeConstraint)]
        out = _bounds(ranges[0], high=False) + _bounds(ranges[-1], low=False)
        return out + [g for a, b in pairwise(ranges) for g in _gap(a, b)]
    if isinstance(constraint, VersionRangeConstraint):
        return _bounds(constraint)
    return []


def poetry_constraint(constraint: str) -> str:
    """One Poetry version constraint as a PEP 440 specifier (maybe empty); one poetry-core
    cannot read is passed on as written, for the requirement's reader to name."""
    # poetry-core is costly to import, and only a pyproject with Poetry constraints needs it
    from poetry.core.constraints.version import parse_constraint
    from poetry.core.constraints.version.exceptions import ParseConstraintError

    try:
        parsed = parse_constraint(constraint.strip() or "*")
    except (ParseConstraintError, ValueError):
        return constraint.strip()
    return ",".join(_specifiers(parsed))


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
