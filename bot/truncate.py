"""Cutting Markdown to a size limit without breaking it.

A cut never lands inside a code fence or a `<details>` block, so what is left still renders;
the caller appends a note saying that something was cut and where to read the rest.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# GitHub rejects issue and comment bodies above 65,536 characters, counted as JavaScript does
# (UTF-16 code units). Staying well below leaves room for the marker and the note.
COMMENT_LIMIT = 65_536
COMMENT_CAP = 60_000

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_DETAILS_OPEN = re.compile(r"<details\b", re.IGNORECASE)
_DETAILS_CLOSE = re.compile(r"</details\s*>", re.IGNORECASE)


def utf16_len(text: str) -> int:
    """Length as GitHub counts it: UTF-16 code units (an emoji outside the BMP counts 2)."""
    return len(text.encode("utf-16-le")) // 2


def utf8_len(text: str) -> int:
    return len(text.encode("utf-8"))


def safe_boundaries(text: str) -> list[int]:
    """Offsets just after lines at which no fence and no `<details>` is open."""
    boundaries: list[int] = []
    fence: str | None = None
    depth = 0
    offset = 0
    for line in text.splitlines(keepends=True):
        offset += len(line)
        match = _FENCE.match(line)
        if fence is None and match:
            fence = match.group(1)
        elif fence is not None and match:
            marker = match.group(1)
            rest = line.strip()[len(marker) :]
            if marker[0] == fence[0] and len(marker) >= len(fence) and not rest.strip():
                fence = None
        elif fence is None:
            depth += len(_DETAILS_OPEN.findall(line)) - len(_DETAILS_CLOSE.findall(line))
            depth = max(depth, 0)
        if fence is None and depth == 0:
            boundaries.append(offset)
    return boundaries


def cut_markdown(
    text: str, limit: int, note: str, *, measure: Callable[[str], int] = utf16_len
) -> tuple[str, bool]:
    """`text` itself when it fits in `limit`, else its longest safe prefix plus `note`.

    Returns the text and whether it was cut. The note is kept even when nothing else fits.
    """
    if measure(text) <= limit:
        return text, False
    budget = limit - measure(note)
    best = 0
    candidates = safe_boundaries(text)
    low, high = 0, len(candidates) - 1
    while low <= high:  # the prefix grows with the boundary, so search for the last fit
        middle = (low + high) // 2
        if measure(text[: candidates[middle]]) <= budget:
            best = candidates[middle]
            low = middle + 1
        else:
            high = middle - 1
    kept = text[:best].rstrip("\n")
    cut = f"{kept}\n\n{note}" if kept else note
    while cut and measure(cut) > limit:  # a note too long for the limit on its own
        cut = cut[:-1]
    return cut, True
