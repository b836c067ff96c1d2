"""Upper bounds and pins written into the declarations a repository already has.

A requirement the manifest declares gets the bound added to its own specifier (its
extras, markers and comment kept); one it does not declare (a dependency of a
dependency) is added as a line of its own, where new requirements go.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from reprobot.checks.core.snapshot import Snapshot
from reprobot.checks.manifests.edit import Addition, add_requirements, dependencies_span
from reprobot.checks.manifests.model import Manifest

_NAME = r"[A-Za-z0-9][A-Za-z0-9._-]*"


def _spec_of(pin: str) -> tuple[str, str]:
    requirement = Requirement(pin)
    return canonicalize_name(requirement.name), str(requirement.specifier)


def _bounded(existing: str, bound: str) -> str:
    existing = existing.strip()
    return f"{existing},{bound}" if existing else bound


def _requirements_line(line: str, name: str, bound: str) -> str | None:
    match = re.match(rf"^(\s*)({_NAME})(\[[^\]]*\])?([^;#]*?)(\s*(?:[;#].*)?)$", line)
    if not match or canonicalize_name(match.group(2)) != name or "@" in match.group(4):
        return None
    head, extras = match.group(1) + match.group(2), match.group(3) or ""
    return f"{head}{extras}{_bounded(match.group(4), bound)}{match.group(5)}"


def _quoted(text: str, name: str, bound: str) -> tuple[str, bool]:
    """The requirement `name` in `[project] dependencies` with the bound added (never a
    string elsewhere in the file: an extra, a build requirement, the project's name)."""
    span = dependencies_span(text)
    if span is None:
        return text, False
    opening, closing = span
    inside, done = _quoted_in(text[opening:closing], name, bound)
    return text[:opening] + inside + text[closing:], done


def _quoted_in(text: str, name: str, bound: str) -> tuple[str, bool]:
    done = False

    def change(match: re.Match[str]) -> str:
        nonlocal done
        if canonicalize_name(match.group(2)) != name or done:
            return match.group(0)
        done = True
        quote, extras, marker = match.group(1), match.group(3) or "", match.group(5) or ""
        return f"{quote}{match.group(2)}{extras}{_bounded(match.group(4), bound)}{marker}{quote}"

    pattern = rf"""(["'])({_NAME})(\[[^\]]*\])?\s*([<>=!~][^;"']*|)(\s*;[^"']*)?\1"""
    return re.sub(pattern, change, text), done


def bound_requirements(snapshot: Snapshot, found: Manifest, pins: Sequence[str]) -> Addition | None:
    """The primary manifest with each of `pins` (e.g. `numpy<1.24`) applied, or None
    when the manifest is not one that can be edited safely (a setup.py, conda)."""
    path = found.primary or "requirements.txt"
    if found.kind not in ("requirements", "pyproject", "none"):
        return None
    read = snapshot.read_text(path) if snapshot.exists(path) else None
    text = read.text if read is not None and read.ok else ""
    missing: list[str] = []
    for pin in pins:
        try:
            name, bound = _spec_of(pin)
        except InvalidRequirement:
            return None
        if found.kind == "pyproject":
            text, done = _quoted(text, name, bound)
        else:
            lines = text.splitlines(keepends=True)
            done = False
            for i, line in enumerate(lines):
                changed = _requirements_line(line.rstrip("\n"), name, bound)
                if changed is not None:
                    lines[i] = changed + ("\n" if line.endswith("\n") else "")
                    done = True
                    break
            text = "".join(lines)
        if not done:
            missing.append(pin)
    if missing:
        added = add_requirements(snapshot, found, missing, edited={path: text})
        if added.content is None:
            return None
        text = added.content
    return Addition(path, tuple(pins), text, f"in {path}")
