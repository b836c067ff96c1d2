"""requirements.txt as pip reads it: comments, line continuations, `-r`/`-c` includes
(relative to the including file), per-requirement options such as `--hash`, markers,
editable and direct-URL lines. Every requirement keeps its file and line."""

from __future__ import annotations

import posixpath
import re
import shlex
from collections.abc import Iterator
from urllib.parse import urlparse

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from checks.core.model import Finding
from checks.core.snapshot import Snapshot
from checks.manifests import Declared, Part

_COMMENT = re.compile(r"(^|\s+)#.*$")
_INCLUDE = re.compile(r"^(-r|--requirement|-c|--constraint)(?:\s*=\s*|\s+|(?=\S))(\S.*)$")
_EDITABLE = re.compile(r"^(-e|--editable)(?:\s*=\s*|\s+)(\S.*)$")
_EGG = re.compile(r"[#&]egg=([A-Za-z0-9][A-Za-z0-9._-]*)")
_PER_REQUIREMENT = re.compile(
    r"\s+--(hash|config-settings|global-option|install-option)(=|\s+)\S+", re.IGNORECASE
)
_LOCAL = re.compile(r"^(\.{1,2}(/|$)|/|[A-Za-z]:[\\/]|file:)")
_BARE_URL = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)


def logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """(first physical line number, joined line) with comments removed."""
    buffer: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = _COMMENT.sub("", raw) if not raw.lstrip().startswith("#") else ""
        if not buffer:
            start = number
        if line.endswith("\\"):
            buffer.append(line[:-1])
            continue
        buffer.append(line)
        joined = " ".join(part.strip() for part in buffer).strip()
        buffer = []
        if joined:
            yield start, joined
    if buffer and (joined := " ".join(p.strip() for p in buffer).strip()):
        yield start, joined


def is_pinned(req: Requirement) -> bool:
    if req.url:
        parsed = urlparse(req.url.split("+", 1)[-1] if "+" in req.url.split(":")[0] else req.url)
        vcs = req.url.split(":")[0].startswith(("git+", "hg+", "svn+", "bzr+"))
        return not vcs or "@" in parsed.path
    specs = list(req.specifier)
    return any(s.operator in ("==", "===") and not s.version.endswith(".*") for s in specs)


def declared_from(
    text: str, path: str, line: int | None, scope: str = "main", *, pinned_names: frozenset[str]
) -> tuple[Declared | None, Finding | None]:
    """Parse one requirement string into a `Declared`, or a problem naming file and line."""
    try:
        req = Requirement(text)
    except InvalidRequirement as exc:
        where = f"{path} line {line}" if line else path
        return None, Finding(
            f"{where}: `{text}` is not a valid requirement ({exc}); write it as "
            "`name`, `name==1.2.3` or `name>=1.2; python_version >= '3.9'`",
            path,
            line,
        )
    name = canonicalize_name(req.name)
    pinned = is_pinned(req) or name in pinned_names
    return Declared(str(req), name, path, line, pinned, scope), None


def _name_of_target(target: str) -> str:
    egg = _EGG.search(target)
    if egg:
        return canonicalize_name(egg.group(1))
    tail = target.rstrip("/").split("#")[0].rsplit("/", 1)[-1]
    if tail.endswith(".whl"):
        return canonicalize_name(tail.split("-")[0])
    for suffix in (".tar.gz", ".zip", ".tar.bz2", ".tgz"):
        if tail.endswith(suffix):
            return canonicalize_name(tail[: -len(suffix)].rsplit("-", 1)[0])
    return ""


def parse_requirements(
    snapshot: Snapshot,
    path: str,
    *,
    seen: frozenset[str] = frozenset(),
    scope: str | None = None,
    constraint: bool = False,
) -> dict[str, Part]:
    """Parts for `path` and every file it includes, keyed by file."""
    if scope is None:
        lowered = posixpath.basename(path).lower()
        dev = ("dev", "test", "doc", "lint", "ci")
        scope = "dev" if any(word in lowered for word in dev) else "main"
    text = snapshot.read_text(path)
    if not text.ok:
        return {path: Part(problems=(Finding(text.problem or f"{path} unreadable", path),))}
    parts: dict[str, Part] = {}
    lines = list(logical_lines(text.text))
    includes = [(n, _INCLUDE.match(line)) for n, line in lines]
    pinned_names: set[str] = set()
    for number, match in includes:
        if match is None or match.group(1) not in ("-c", "--constraint"):
            continue
        parts.update(
            _include(
                snapshot,
                parent=path,
                line=number,
                target=match.group(2),
                seen=seen | {path},
                scope=scope,
                constraint=True,
            )
        )
    for part in parts.values():
        pinned_names.update(part.pins)
    declared: list[Declared] = []
    problems: list[Finding] = []
    installs_project = False
    for number, line in lines:
        include = _INCLUDE.match(line)
        if include is not None:
            if include.group(1) in ("-r", "--requirement"):
                parts.update(
                    _include(
                        snapshot,
                        parent=path,
                        line=number,
                        target=include.group(2),
                        seen=seen | {path},
                        scope=scope,
                        constraint=False,
                    )
                )
            continue
        editable = _EDITABLE.match(line)
        target = editable.group(2).strip() if editable else line
        target = _PER_REQUIREMENT.sub("", f" {target}").strip()
        if target.startswith("-"):
            continue  # global options: --index-url, --find-links, --pre, ...
        if editable is not None or _LOCAL.match(target) or _BARE_URL.match(target):
            local = target.split("[")[0].rstrip("/") in (".", "", "file:.")
            installs_project = installs_project or local
            name = "" if local else _name_of_target(target)
            if name:
                declared.append(Declared(target, name, path, number, True, scope))
            continue
        found, problem = declared_from(
            target, path, number, scope, pinned_names=frozenset(pinned_names)
        )
        if found is not None:
            declared.append(found)
        if problem is not None:
            problems.append(problem)
    if constraint:
        pins = frozenset(d.name for d in declared if d.pinned)
        parts[path] = Part(problems=tuple(problems), pins=pins)
        return parts
    parts[path] = Part(tuple(declared), problems=tuple(problems), installs_project=installs_project)
    return parts


def _include(
    snapshot: Snapshot,
    *,
    parent: str,
    line: int,
    target: str,
    seen: frozenset[str],
    scope: str,
    constraint: bool,
) -> dict[str, Part]:
    try:
        name = shlex.split(target)[0]
    except ValueError:
        name = target.strip()
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(parent), name))
    if "://" in name:
        return {}
    if joined.startswith("../") or joined == ".." or name.startswith("/"):
        message = f"{parent} line {line} includes {name}, which is outside the repository"
        return {parent + f"#{line}": Part(problems=(Finding(message, parent, line),))}
    if joined in seen:
        return {}
    if not snapshot.exists(joined):
        message = (
            f"{parent} line {line} includes {name}, which is not in the repository; "
            "commit it or remove the line"
        )
        return {parent + f"#{line}": Part(problems=(Finding(message, parent, line),))}
    return parse_requirements(snapshot, joined, seen=seen, scope=scope, constraint=constraint)
