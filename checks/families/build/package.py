"""What the built package says: the backend's error in its own words, and the import
names the wheel installs. The build itself (`package_build`) is a step of the fresh
environment, whose install uses the wheel it builds."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from reprobot.checks.environment.build import (
    PackageBuild,
    build_backend,
    package_build,
    wheel_build,
)

__all__ = [
    "PackageBuild",
    "backend_error",
    "build_backend",
    "package_build",
    "wheel_build",
    "wheel_top_level",
]

MAX_WHEEL_ENTRIES = 100_000
_EXCEPTION = re.compile(r"^\s*((?:[\w.]+\.)?\w*(?:Error|Exception|Exit)\b.*)$")
_ERROR_LINE = re.compile(r"^[\s│├╰─▶×|`-]*(error: .+)$", re.IGNORECASE)


def backend_error(output: str) -> str:
    """The line of a build log that says what went wrong, in the backend's own words."""
    lines = [line.rstrip() for line in output.splitlines() if line.strip()]
    for pattern in (_EXCEPTION, _ERROR_LINE):
        for line in reversed(lines):
            match = pattern.match(line)
            if match and "Failed to build" not in line:
                return match.group(1).strip()[:400]
    return lines[-1].strip()[:400] if lines else "the build produced no output"


def wheel_top_level(wheel: Path) -> tuple[str, ...]:
    """Import names a wheel installs: `top_level.txt` when present, else its file list."""
    try:
        with zipfile.ZipFile(wheel) as archive:
            names = archive.namelist()[:MAX_WHEEL_ENTRIES]
            listed = [n for n in names if n.endswith(".dist-info/top_level.txt")]
            if listed:
                with archive.open(listed[0]) as member:  # read a bounded prefix only
                    text = member.read(65536).decode("utf-8", "replace")
                found = {line.strip() for line in text.splitlines()}
                return tuple(sorted(n for n in found if n.isidentifier()))
    except (OSError, zipfile.BadZipFile, KeyError, RuntimeError, ValueError):
        return ()
    found = set()
    for name in names:
        first, _, rest = name.partition("/")
        if first.endswith((".dist-info", ".data")):
            continue
        if rest and first.isidentifier():
            found.add(first)
        elif not rest and first.endswith(".py") and first[:-3].isidentifier():
            found.add(first[:-3])
    return tuple(sorted(found))
