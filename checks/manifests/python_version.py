"""Which Python the repository asks for. A file that names one version (`.python-version`,
`runtime.txt`) beats the ranges manifests give (`requires-python`, `python_requires`, ...);
among those, the first manifest in precedence order that gives one wins."""

from __future__ import annotations

import re
from collections.abc import Iterable

from reprobot.checks.core.snapshot import Snapshot
from reprobot.checks.manifests.model import Part, PythonRequest

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


def python_request(snapshot: Snapshot, parts: Iterable[Part]) -> PythonRequest | None:
    """The pinned version file's request, else the first part's."""
    pinned = pinned_python_file(snapshot)
    if pinned is not None:
        return pinned
    return next((part.python for part in parts if part.python is not None), None)
