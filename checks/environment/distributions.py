"""What got installed in a venv, read from each distribution's `.dist-info` (no process
started): names, versions and requirements, what pulled in what, and which import names
each distribution provides.

The install ran the repository's build code, so every file it wrote is hostile input: each
is read through `read_regular` (a regular file only, a size cap, never a named pipe that
would block), and one that cannot be read counts as missing."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from reprobot.checks.core.snapshot import read_regular_text

DIST_INFO_CAP = 32 * 1024 * 1024  # bytes; the RECORD of the largest wheels is a few MB
MAX_REQUIRES = 2000  # Requires-Dist lines read of one distribution
MAX_HIDDEN = 5000  # import names BLD002 hides; past that, the rest stay importable
_EXTRA = re.compile(r"""\bextra\s*==\s*['"]([^'"]+)['"]""")


def _target(path: Path) -> Path | None:
    """Where to read `path` from. uv installs from its cache by symbolic link when the
    shared cache is not the sandbox user's, so a link is followed, but only to a file in
    the environment itself or in uv's unpacked wheels (`archive-v0`), never elsewhere."""
    if not path.is_symlink():
        return path
    real = Path(os.path.realpath(path))
    venv = next((p for p in path.parents if (p / "pyvenv.cfg").is_file()), None)
    inside = venv is not None and real.is_relative_to(Path(os.path.realpath(venv)))
    return real if inside or "archive-v0" in real.parts else None


def _read(path: Path, *, replace: bool = True) -> str | None:
    """The text of one `.dist-info` file, or None when it is missing or not readable."""
    errors = "replace" if replace else "strict"
    target = _target(path)
    if target is None:
        return None
    text, problem = read_regular_text(target, DIST_INFO_CAP, errors=errors)
    return None if problem is not None else text


@dataclass(frozen=True)
class Distribution:
    """One installed distribution, read from its `.dist-info`."""

    name: str  # canonical
    version: str
    requires: tuple[str, ...]  # canonical names it needs (extras and markers aside)
    url: str | None = None  # how to get it again when it is not from an index
    local: bool = False  # installed from a local directory (the project itself)
    requires_dist: tuple[str, ...] = ()  # its `Requires-Dist` lines, extras and markers too
    top_level: frozenset[str] = frozenset()  # the import names it provides


def dist_infos(venv: Path) -> Iterator[Path]:
    """Every `*.dist-info` directory in the venv's site-packages, in name order."""
    for site in venv.glob("lib/python*/site-packages"):
        yield from sorted(site.glob("*.dist-info"))


def _direct_url(dist_info: Path) -> tuple[str | None, bool]:
    text = _read(dist_info / "direct_url.json", replace=False)
    try:
        data = json.loads(text) if text is not None else None
    except (ValueError, RecursionError):
        return None, False
    if not isinstance(data, dict):
        return None, False
    url = str(data.get("url", ""))
    vcs = data.get("vcs_info")
    if isinstance(vcs, dict) and vcs.get("commit_id"):
        return f"{vcs.get('vcs', 'git')}+{url}@{vcs['commit_id']}", False
    if "dir_info" in data or url.startswith("file:"):
        return None, True
    return url or None, False


def _requirements(lines: Sequence[str]) -> tuple[str, ...]:
    """Canonical names of the `Requires-Dist` lines that hold without an extra."""
    requires = []
    for line in lines:
        try:
            req = Requirement(line)
        except InvalidRequirement:
            continue
        if req.marker is None or "extra" not in str(req.marker):
            requires.append(canonicalize_name(req.name))
    return tuple(requires)


def _distribution(dist_info: Path) -> Distribution | None:
    text = _read(dist_info / "METADATA")
    if text is None:
        return None
    from email.parser import HeaderParser  # costly; only a run that installed reads metadata

    headers = HeaderParser().parsestr(text)
    name, version = headers.get("Name"), headers.get("Version")
    if not name or not version:
        return None
    lines = tuple(str(line) for line in (headers.get_all("Requires-Dist") or [])[:MAX_REQUIRES])
    url, local = _direct_url(dist_info)
    top = frozenset(_top_levels(dist_info))
    return Distribution(
        canonicalize_name(name), version, _requirements(lines), url, local, lines, top
    )


def read_distributions(venv: Path) -> tuple[Distribution, ...]:
    """Every distribution in the venv, from its metadata (no process started)."""
    found = (_distribution(dist_info) for dist_info in dist_infos(venv))
    return tuple(d for d in found if d is not None)


def installed_distributions(venv: Path) -> dict[str, str]:
    """Canonical name -> version of every distribution in the venv, from its metadata."""
    return {d.name: d.version for d in read_distributions(venv)}


def required_by(dists: Sequence[Distribution]) -> dict[str, tuple[str, ...]]:
    """Distribution -> the installed distributions that require it."""
    parents: dict[str, list[str]] = {}
    names = {d.name for d in dists}
    for dist in dists:
        for child in dist.requires:
            if child in names and dist.name not in parents.setdefault(child, []):
                parents[child].append(dist.name)
    return {child: tuple(sorted(found)) for child, found in parents.items()}


def _top_levels(dist_info: Path) -> set[str]:
    """The import names a distribution provides: its `top_level.txt`, else the top-level
    entries of its `RECORD`."""
    top = _read(dist_info / "top_level.txt", replace=False)
    if top is not None:
        names = {n.strip().replace("/", ".") for n in top.splitlines()}
        return {n.split(".")[0] for n in names if n}
    found: set[str] = set()
    record = _read(dist_info / "RECORD")
    if record is None:
        return found
    rows = record.splitlines()
    for row in rows:
        path = row.split(",", 1)[0]
        head = path.split("/", 1)[0]
        if not head or head.startswith("..") or head.endswith((".dist-info", ".data")):
            continue
        if head == "__pycache__" or head.endswith(".pth"):
            continue
        if "/" in path or head.endswith(".py") or head.endswith((".so", ".pyd")):
            found.add(head.split(".", 1)[0])
    return found


def environment_names(
    venv: Path | None, leave_out: frozenset[str] = frozenset()
) -> dict[str, tuple[str, ...]]:
    """Import name -> canonical names of the installed distributions providing it, but
    those in `leave_out`."""
    found: dict[str, set[str]] = {}
    if venv is None:
        return {}
    for dist_info in dist_infos(venv):
        name = canonicalize_name(dist_info.name[: -len(".dist-info")].rsplit("-", 1)[0])
        if name in leave_out:
            continue
        for module in _top_levels(dist_info):
            found.setdefault(module, set()).add(name)
    return {module: tuple(sorted(dists)) for module, dists in found.items()}


def _root(requirement: str) -> tuple[str, frozenset[str]] | None:
    try:
        req = Requirement(requirement)
    except InvalidRequirement:
        return None
    return canonicalize_name(req.name), frozenset(canonicalize_name(e) for e in req.extras)


def _needs(line: str, extras: frozenset[str]) -> tuple[str, frozenset[str]] | None:
    """What one `Requires-Dist` line asks for when the distribution is installed with
    `extras`: a line for another extra asks for nothing. Other markers are taken as true,
    which errs towards needing more."""
    try:
        req = Requirement(line)
    except InvalidRequirement:
        return None
    named = {canonicalize_name(e) for e in _EXTRA.findall(str(req.marker or ""))}
    if named and not named & extras:
        return None
    return canonicalize_name(req.name), frozenset(canonicalize_name(e) for e in req.extras)


def closure(dists: Sequence[Distribution], requirements: Sequence[str]) -> frozenset[str]:
    """The installed distributions that `requirements` need, directly or through others."""
    by_name = {d.name: d for d in dists}
    seen: set[tuple[str, frozenset[str]]] = set()
    stack = [r for r in map(_root, requirements) if r is not None]
    while stack:
        name, extras = stack.pop()
        dist = by_name.get(name)
        if dist is None or (name, extras) in seen:
            continue
        seen.add((name, extras))
        stack.extend(n for n in (_needs(line, extras) for line in dist.requires_dist) if n)
    return frozenset(name for name, _ in seen)


def only_for(
    dists: Sequence[Distribution], companions: Sequence[str], runtime: Sequence[str]
) -> frozenset[str]:
    """The installed distributions that only `companions` need: those `runtime` (the
    declared dependencies and the project) do not reach. Only what the companions reach
    is ever in the answer, so a runtime requirement that cannot be read can put there at
    most a distribution that the companions need too."""
    return closure(dists, companions) - closure(dists, runtime)


def hidden_modules(dists: Sequence[Distribution], names: frozenset[str]) -> frozenset[str]:
    """The import names that only the distributions `names` provide (identifiers only:
    the names come from files the install wrote, and go into a program BLD002 runs)."""
    hidden = {m for d in dists if d.name in names for m in d.top_level if m.isidentifier()}
    hidden -= {m for d in dists if d.name not in names for m in d.top_level}
    return frozenset(sorted(hidden)[:MAX_HIDDEN])  # a command line stays a command line
