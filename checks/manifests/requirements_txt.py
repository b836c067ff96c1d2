"""requirements.txt as pip reads it: comments, line continuations, `-r`/`-c` includes
(relative to the including file), per-requirement options such as `--hash`, markers,
editable and direct-URL lines. Every requirement keeps its file and line.

The file is untrusted: an include or a local path outside the repository (`-r
/etc/passwd`, `-r ../../outside.txt`, `-e /home/ada/pkg`, `file:///...`) is a problem of
its line and is `refused`, and `safe_lines` gives what may be installed without it.
"""

from __future__ import annotations

import posixpath
import re
import shlex

from packaging.utils import canonicalize_name

from reprobot.checks.core.model import Finding
from reprobot.checks.core.snapshot import Snapshot
from reprobot.checks.manifests.model import Declared, Part, read_file
from reprobot.checks.manifests.requirement import (
    BARE_URL,
    LOCAL,
    Requirements,
    included_path,
    logical_lines,
    outside,
    refusal,
)

_INCLUDE = re.compile(r"^(-r|--requirement|-c|--constraint)(?:\s*=\s*|\s+|(?=\S))(\S.*)$")
_FLAGS = {False: ("-r", "--requirement"), True: ("-c", "--constraint")}  # by `constraint`
_EDITABLE = re.compile(r"^(-e|--editable)(?:\s*=\s*|\s+)(\S.*)$")
_EGG = re.compile(r"[#&]egg=([A-Za-z0-9][A-Za-z0-9._-]*)")
_PER_REQUIREMENT = re.compile(
    r"\s+--(hash|config-settings|global-option|install-option)(=|\s+)\S+", re.IGNORECASE
)
_DEV_WORDS = ("dev", "test", "doc", "lint", "ci")


def requirement_files(snapshot: Snapshot) -> tuple[str, ...]:
    """requirements*.txt at the root, in requirements/ and in binder/ (not deeper);
    `requirements.txt` first."""
    found = []
    for path in snapshot.files:
        parts = path.split("/")
        name = parts[-1].lower()
        if not name.endswith(".txt") or len(parts) > 2:
            continue
        if (len(parts) == 1 and "requirements" in name) or (
            len(parts) == 2
            and (
                parts[0].lower() == "requirements"
                or (parts[0].lower() in ("binder", ".binder") and name == "requirements.txt")
            )
        ):
            found.append(path)
    return tuple(sorted(found, key=lambda p: (p.lower() != "requirements.txt", p)))


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
    """Parts for `path` and every file it includes, keyed by file: the constraints files
    first (what they pin counts as pinned here), then the included requirements files."""
    if scope is None:
        lowered = posixpath.basename(path).lower()
        scope = "dev" if any(word in lowered for word in _DEV_WORDS) else "main"
    text = read_file(snapshot, path)
    if isinstance(text, Part):
        return {path: text}
    lines = list(logical_lines(text))
    seen = seen | {path}
    parts = _includes(snapshot, path, lines, seen=seen, scope=scope, constraint=True)
    pins = frozenset(name for part in parts.values() for name in part.pins)
    parts.update(_includes(snapshot, path, lines, seen=seen, scope=scope, constraint=False))
    parts[path] = _own_part(path, lines, scope, pins, constraint=constraint)
    return parts


def _includes(
    snapshot: Snapshot,
    path: str,
    lines: list[tuple[int, str]],
    *,
    seen: frozenset[str],
    scope: str,
    constraint: bool,
) -> dict[str, Part]:
    """The parts of the files `path` includes with `-c` (`constraint`) or with `-r`."""
    parts: dict[str, Part] = {}
    for number, line in lines:
        match = _INCLUDE.match(line)
        if match is not None and match.group(1) in _FLAGS[constraint]:
            parts.update(
                _include(
                    snapshot,
                    parent=path,
                    line=number,
                    target=match.group(2),
                    seen=seen,
                    scope=scope,
                    constraint=constraint,
                )
            )
    return parts


def _own_part(
    path: str, lines: list[tuple[int, str]], scope: str, pins: frozenset[str], *, constraint: bool
) -> Part:
    """What the lines of `path` itself declare (its includes are parts of their own)."""
    found = Requirements(path)
    installs_project = False
    for number, line in lines:
        if _INCLUDE.match(line) is not None:
            continue
        editable = _EDITABLE.match(line)
        target = editable.group(2).strip() if editable else line
        target = _PER_REQUIREMENT.sub("", f" {target}").strip()
        if target.startswith("-"):
            continue  # global options: --index-url, --find-links, --pre, ...
        if (why := refusal(target)) is not None:
            found.refuse(f"{path} line {number}: {why}", number)
            continue
        if editable is not None or LOCAL.match(target) or BARE_URL.match(target):
            local = target.split("[")[0].rstrip("/") in (".", "", "file:.")
            installs_project = installs_project or local
            name = "" if local else _name_of_target(target)
            if name:
                found.declared.append(Declared(target, name, path, number, True, scope))
            continue
        found.add(target, number, scope, pinned_names=pins)
    if constraint:
        pinned = frozenset(d.name for d in found.declared if d.pinned)
        return Part(problems=tuple(found.problems), pins=pinned, refused=tuple(found.refused))
    return found.part(installs_project=installs_project)


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
    if "://" in name:
        return {}
    joined = included_path(parent, name)
    if outside(joined, name):
        message = (
            f"{parent} line {line} includes {name}, which is outside the repository: it "
            "is not read and not installed; commit the file and include it by a relative path"
        )
        problem = Finding(message, parent, line)
        return {parent + f"#{line}": Part(problems=(problem,), refused=(problem,))}
    if joined in seen:
        return {}
    if not snapshot.exists(joined):
        message = (
            f"{parent} line {line} includes {name}, which is not in the repository; "
            "commit it or remove the line"
        )
        return {parent + f"#{line}": Part(problems=(Finding(message, parent, line),))}
    return parse_requirements(snapshot, joined, seen=seen, scope=scope, constraint=constraint)


def safe_lines(snapshot: Snapshot, path: str, *, seen: frozenset[str] = frozenset()) -> list[str]:
    """The lines of `path` that may be installed, its `-r` includes read in (with theirs):
    no include or local path outside the repository, `-c` kept for constraints files that
    hold no such line. Paths are relative to the repository root, as uv is given them."""
    text = read_file(snapshot, path)
    if isinstance(text, Part):
        return []
    seen = seen | {path}
    out: list[str] = []
    for _number, line in logical_lines(text):
        match = _INCLUDE.match(line)
        if match is None:
            editable = _EDITABLE.match(line)
            target = editable.group(2).strip() if editable else line
            if refusal(_PER_REQUIREMENT.sub("", f" {target}").strip()) is None:
                out.append(line)
            continue
        flag, target = match.group(1), match.group(2)
        try:
            name = shlex.split(target)[0]
        except (ValueError, IndexError):
            continue
        if "://" in name:
            out.append(f"{flag} {name}")
            continue
        joined = included_path(path, name)
        if outside(joined, name) or joined in seen or not snapshot.exists(joined):
            continue
        included = safe_lines(snapshot, joined, seen=seen)
        if flag in _FLAGS[False]:
            out += included
        elif not any(_INCLUDE.match(i) for i in included) and _clean(snapshot, joined):
            out.append(f"-c {joined}")
    return out


def _clean(snapshot: Snapshot, path: str) -> bool:
    """Whether `path` has no line that `safe_lines` would leave out."""
    text = read_file(snapshot, path)
    if isinstance(text, Part):
        return False
    return len(list(logical_lines(text))) == len(safe_lines(snapshot, path))
