"""TOML parsing for every Python reprobot supports (tomllib from 3.11, tomli before), and
finding where a key or a table stands in the text, for findings with a line."""

from __future__ import annotations

import re
import sys
from typing import Any

from reprobot.checks.core.model import Finding
from reprobot.checks.core.snapshot import Snapshot

if sys.version_info >= (3, 11):
    from tomllib import TOMLDecodeError, loads
else:  # pragma: no cover - exercised on 3.10 only
    from tomli import TOMLDecodeError, loads

__all__ = [
    "TOMLDecodeError",
    "key_line",
    "line_of",
    "load_toml",
    "loads",
    "parse_toml",
    "section_line",
]


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


def key_line(text: str, key: str, start: int = 0, *, ignore_case: bool = False) -> int | None:
    """1-based line of the first `key = ...` (the key bare or quoted) after line `start`,
    e.g. a dependency under the table header found by `section_line`."""
    flags = re.IGNORECASE if ignore_case else 0
    pattern = re.compile(rf"\s*[\"']?{re.escape(key)}[\"']?\s*=", flags)
    for number, raw in enumerate(text.splitlines(), start=1):
        if number > start and pattern.match(raw):
            return number
    return None


def parse_toml(text: str, path: str) -> tuple[dict[str, Any] | None, Finding | None]:
    """The table `text` holds, or the problem naming `path` and, when TOML says, the line.
    A leading byte-order mark is legal in a UTF-8 file and removed; nesting deep enough to
    exhaust Python's stack and integers too long to convert are problems, never raised."""
    text = text.removeprefix("\ufeff")
    try:
        return loads(text), None
    except RecursionError:
        message = (
            f"{path} is nested too deeply for reprobot to read (arrays or inline tables "
            "inside each other); simplify it"
        )
        return None, Finding(message, path)
    except TOMLDecodeError as exc:
        match = _TOML_LINE.search(str(exc))
        line = int(match.group(1)) if match else None
        if line is None and "end of document" in str(exc):
            line = len(text.splitlines()) or None
        return None, Finding(f"{path} is not valid TOML: {exc}", path, line)
    except ValueError as exc:  # an integer of more digits than Python converts
        what = "a number has too many digits" if "digits" in str(exc) else str(exc)[:200]
        return None, Finding(f"{path} is not valid TOML: {what}", path)


def load_toml(snapshot: Snapshot, path: str) -> tuple[dict[str, Any] | None, str, Finding | None]:
    """`path` read and parsed: (table, text, problem); the table is None when there is a problem."""
    text = snapshot.read_text(path)
    if not text.ok:
        return None, "", Finding(text.problem or f"{path} unreadable", path)
    data, problem = parse_toml(text.text, path)
    return data, text.text, problem
