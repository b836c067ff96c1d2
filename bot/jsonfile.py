"""Reading a JSON file someone else wrote (an event payload, a report artifact), safely.

Only a regular file is read (a FIFO or a device is refused without being waited on), at most
`cap` bytes of it; it must be UTF-8 JSON without NaN or Infinity, nested no deeper than
`depth`. Lone surrogates (`"\\ud800"`), which no UTF-8 output can hold, become U+FFFD.
Every problem is a `JSONFileError` whose message names the file and what is wrong.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

REPLACEMENT = "\ufffd"


class JSONFileError(Exception):
    """The file cannot be read as JSON: `f"{path}: {reason}"`; `reason` reads after "is"."""

    def __init__(self, path: Path, reason: str, *, missing: bool = False) -> None:
        super().__init__(f"{path}: {reason}")
        self.path, self.reason, self.missing = path, reason, missing


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "something else"


def read_bytes(path: Path, cap: int) -> bytes:
    """The bytes of the regular file at `path`, never more than `cap`."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise JSONFileError(path, "not there (no such file)", missing=True) from None
    except OSError as exc:
        raise JSONFileError(path, f"unreadable: {exc.strerror or exc}") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise JSONFileError(path, f"{_kind(mode)}, not a regular file; not read")
        chunks: list[bytes] = []
        size = 0
        while size <= cap:
            chunk = os.read(fd, min(1 << 20, cap + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise JSONFileError(path, f"unreadable: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    if size > cap:
        raise JSONFileError(path, f"larger than the {cap}-byte limit; not read")
    return b"".join(chunks)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _lone(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _without_surrogates(text: str) -> str:
    if not _lone(text):
        return text
    return "".join(REPLACEMENT if "\ud800" <= c <= "\udfff" else c for c in text)


def _checked(data: Any, path: Path, depth: int) -> Any:
    """`data` with lone surrogates replaced; refused when nested deeper than `depth`.
    Iterative, so no nesting can exhaust the stack."""
    root: list[Any] = [data]
    stack: list[tuple[Any, int]] = [(root, 0)]
    while stack:
        container, level = stack.pop()
        if level > depth:
            raise JSONFileError(path, f"nested more than {depth} levels deep; not read")
        if isinstance(container, list):
            for index, item in enumerate(container):
                if isinstance(item, str):
                    container[index] = _without_surrogates(item)
                elif isinstance(item, (list, dict)):
                    stack.append((item, level + 1))
        else:
            items = list(container.items())
            container.clear()
            for key, value in items:
                container[_without_surrogates(key)] = (
                    _without_surrogates(value) if isinstance(value, str) else value
                )
                if isinstance(value, (list, dict)):
                    stack.append((value, level + 1))
    return root[0]


def load_json(path: Path, *, cap: int, depth: int) -> Any:
    """The JSON document in the file at `path`."""
    raw = read_bytes(path, cap)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise JSONFileError(path, f"not UTF-8 text (line {line}, byte {exc.start})") from None
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}: {exc.msg}"
        raise JSONFileError(path, f"not JSON ({where})") from None
    except RecursionError:
        raise JSONFileError(path, f"nested more than {depth} levels deep; not read") from None
    except ValueError as exc:
        raise JSONFileError(path, f"not JSON ({exc})") from None
    return _checked(data, path, depth)
