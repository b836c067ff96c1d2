"""Text compared as a reader would: the same words, numbers within a tolerance.

A text is split into its numbers and its skeleton: everything else, blanks and line breaks
left out, since a printed table realigns its columns when a number grows a digit and NumPy
pads and wraps arrays as its values and version like. Two texts with the same skeleton
agree when each pair of numbers is within the relative tolerance; otherwise the first line
that differs is the excerpt.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

# A number, and a sign only where it cannot be a hyphen (`2021-07-04` is three numbers).
_NUMBER = re.compile(
    r"(?<![\w.])(?:(?<![\w)\].])[-+])?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?(?![\w.])"
)
_BLANKS = re.compile(r"[ \t]+")
EXCERPT = 120


@dataclass(frozen=True)
class TextVerdict:
    """How two texts compare: `same`, else `number` (same words, a number out of
    tolerance: the worst pair and its relative difference) or `text` (the first line that
    differs, numbered from 1)."""

    same: bool
    kind: str = ""
    stored: str = ""
    new: str = ""
    relative: float | None = None
    line: int | None = None


def excerpt(text: str, limit: int = EXCERPT) -> str:
    """One line of at most `limit` characters."""
    line = text.strip().replace("\n", " ⏎ ")
    return line if len(line) <= limit else line[: limit - 1] + "…"


def split_numbers(text: str) -> tuple[str, tuple[str, ...]]:
    """(skeleton, numbers): the text with each number replaced by `\\x00` and its blanks
    and line breaks left out (NumPy pads and wraps an array as its values and version
    like), and the numbers as written."""
    numbers = tuple(m.group(0) for m in _NUMBER.finditer(text))
    return "".join(_NUMBER.sub("\x00", text).split()), numbers


def relative_difference(stored: float, new: float) -> float:
    """|a - b| / max(|a|, |b|): 0 for equal numbers (NaN equals NaN), 1 for a sign flip."""
    if stored == new or (math.isnan(stored) and math.isnan(new)):
        return 0.0
    if math.isnan(stored) or math.isnan(new) or math.isinf(stored) or math.isinf(new):
        return math.inf
    return abs(stored - new) / max(abs(stored), abs(new))


def worst_number(
    stored: tuple[str, ...], new: tuple[str, ...], tolerance: float
) -> tuple[str, str, float] | None:
    """The pair of numbers furthest apart beyond the tolerance; None when all are within."""
    worst: tuple[str, str, float] | None = None
    for a, b in zip(stored, new, strict=False):
        rel = relative_difference(float(a), float(b))
        if rel > tolerance and (worst is None or rel > worst[2]):
            worst = (a, b, rel)
    return worst


def _lines_agree(stored: str, new: str, tolerance: float) -> bool:
    (old_skeleton, old_numbers), (new_skeleton, new_numbers) = (
        split_numbers(stored),
        split_numbers(new),
    )
    return (
        old_skeleton == new_skeleton and worst_number(old_numbers, new_numbers, tolerance) is None
    )


def _first_line_differing(stored: str, new: str, tolerance: float) -> tuple[int, str, str]:
    old_lines, new_lines = stored.split("\n"), new.split("\n")
    for number in range(max(len(old_lines), len(new_lines))):
        a = old_lines[number] if number < len(old_lines) else ""
        b = new_lines[number] if number < len(new_lines) else ""
        if not _lines_agree(a, b, tolerance):
            return number + 1, a, b
    return 1, stored, new  # unreachable: texts whose lines all agree have one skeleton


def compare_text(stored: str, new: str, tolerance: float) -> TextVerdict:
    """Two masked texts compared: words exactly, numbers within the relative tolerance."""
    if stored == new:
        return TextVerdict(True)
    old_skeleton, old_numbers = split_numbers(stored)
    new_skeleton, new_numbers = split_numbers(new)
    if old_skeleton == new_skeleton:
        worst = worst_number(old_numbers, new_numbers, tolerance)
        if worst is None:
            return TextVerdict(True)
        return TextVerdict(False, "number", worst[0], worst[1], worst[2])
    line, a, b = _first_line_differing(stored, new, tolerance)
    return TextVerdict(False, "text", excerpt(a), excerpt(b), line=line)
