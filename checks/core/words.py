"""Small pieces of wording shared by every family: counts and places."""

from __future__ import annotations


def plural(count: int, word: str, words: str | None = None) -> str:
    """`1 file`, `2 files`; `words` for an irregular plural (`1 analysis`, `2 analyses`)."""
    return f"{count} {word if count == 1 else words or word + 's'}"


def where(path: str, line: int | None = None, cell: int | None = None) -> str:
    """`path:line`, or `path cell N, line M` inside a notebook; just `path` without a line."""
    if cell is not None:
        at = f"{path} cell {cell}"
        return f"{at}, line {line}" if line else at
    return f"{path}:{line}" if line else path
