"""TOML parsing for every Python reprobot supports (tomllib from 3.11, tomli before), and
finding where a key or a table stands in the text, for findings with a line."""

from __future__ import annotations

import re
import sys
from typing import Any

from checks.core.model import Finding
from checks.core.snapshot import Snapshot

if sys.version_info >= (3, 11):
    from tomllib import TOMLDecodeError, loads
else:  # pragma: no cover - exercised on 3.10 only
    from tomli import TOMLDecodeError, loads

__all__ = ["TOMLDecodeError", "line_of", "load_toml", "loads", "section_line"]


_TOML_LINE = re.compile(r"at line (\d+)")


def line_of(text: str, needle: str, after: int = 0) -> int | None:
    """1-based line of the first quoted occurrence of `needle` at or after line `after`."""
    for quote in ('"', "'"):
        index = text.find(f"{quote}{needle}{quote}", _offset(text, after))
        if index >= 0:
            return text.count("\n", 0, index) + 1
    return None


def _offset(text: str, line: int) -> int:
    offset = 0
    for _ in range(max(line - 1, 0)):
        offset = text.find("\n", offset) + 1
        if offset == 0:
            return 0
    return offset


def section_line(text: str, header: str) -> int:
    match = re.search(rf"^\s*\[{re.escape(header)}\]", text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else 0


def load_toml(snapshot: Snapshot, path: str) -> tuple[dict[str, Any] | None, str, Finding | None]:
    text = snapshot.read_text(path)
    if not text.ok:
        return None, "", Finding(text.problem or f"{path} unreadable", path)
    try:
        return loads(text.text), text.text, None
    except TOMLDecodeError as exc:
        match = _TOML_LINE.search(str(exc))
        line = int(match.group(1)) if match else None
        if line is None and "end of document" in str(exc):
            line = len(text.text.splitlines()) or None
        return None, text.text, Finding(f"{path} is not valid TOML: {exc}", path, line)
