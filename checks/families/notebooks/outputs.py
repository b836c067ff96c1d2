"""A code cell's outputs read into what is compared: printed text, results, the error.

Outputs are read defensively (a notebook is untrusted input): anything not shaped as
nbformat 4 says is left out rather than raising.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from reprobot.checks.families.notebooks.images import decode
from reprobot.checks.families.notebooks.masking import mask
from reprobot.checks.families.notebooks.tolerance import excerpt

IMAGE_MIMES = ("image/png", "image/jpeg")
TEXT_MIMES = ("text/plain", "text/markdown", "text/latex")
# Live widgets and plotting libraries' loaders: state of the kernel, never a result.
LIVE_MIMES = frozenset(
    {
        "application/vnd.jupyter.widget-view+json",
        "application/vnd.jupyter.widget-state+json",
        "application/vnd.bokehjs_load.v0+json",
        "application/vnd.bokehjs_exec.v0+json",
        "application/vnd.holoviews_load.v0+json",
        "application/vnd.holoviews_exec.v0+json",
    }
)
COMPARED_MIMES = frozenset({*IMAGE_MIMES, *TEXT_MIMES, "text/html"})

# nbval's markers: comment lines (`# NBVAL_SKIP`) and cell tags.
_COMMENT_MARKERS = {
    "NBVAL_SKIP": "skip",
    "NBVAL_IGNORE_OUTPUT": "ignore",
    "NBVAL_CHECK_OUTPUT": "check",
    "NBVAL_RAISES_EXCEPTION": "raises",
}
_TAG_MARKERS = {
    "nbval-skip": "skip",
    "nbval-ignore-output": "ignore",
    "nbval-check-output": "check",
    "nbval-raises-exception": "raises",
    "raises-exception": "raises",
}


def text_of(value: object) -> str:
    """nbformat's multiline string (a string or a list of strings) as one string."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "".join(part for part in value if isinstance(part, str))
    return ""


def html_text(html: str) -> str:
    """The words an HTML output shows, without its markup, styles and scripts."""
    from reprobot.checks.families.notebooks.markup import TextReader  # html.parser is costly

    reader = TextReader()
    try:
        reader.feed(html)
        reader.close()
    except (AssertionError, ValueError):
        pass
    return "\n".join(" ".join(line.split()) for line in "".join(reader.parts).split("\n")).strip()


@dataclass(frozen=True, eq=False)
class Rich:
    """One `execute_result` or `display_data` output: its data by MIME type."""

    data: Mapping[str, Any]

    @property
    def image_mime(self) -> str:
        return next((m for m in IMAGE_MIMES if m in self.data), "")

    @property
    def image(self) -> str:
        return text_of(self.data.get(self.image_mime))

    @property
    def plain(self) -> str:
        return text_of(self.data.get("text/plain"))

    @property
    def table_html(self) -> str:
        html = text_of(self.data.get("text/html"))
        return html if "<table" in html.lower() else ""

    @property
    def text(self) -> str:
        """What is compared when the output is neither a figure nor a table."""
        for mime in TEXT_MIMES:
            if mime in self.data:
                return text_of(self.data[mime])
        return html_text(text_of(self.data.get("text/html")))

    @property
    def summary(self) -> str:
        if self.image_mime:
            return f"a {decode(self.image).size} figure"
        if self.table_html:
            return "a table"
        return excerpt(mask(self.text)) or "an empty output"


@dataclass(frozen=True, eq=False)
class CellOutputs:
    """A code cell as compared: its number among all cells (1-based, as Jupyter shows it),
    first line of code, nbval markers, printed text, rich outputs, and error
    (`ename: evalue`, masked; empty for none)."""

    number: int
    first_line: str
    cell_id: str | None
    markers: frozenset[str]
    stdout: str
    rich: tuple[Rich, ...]
    error: str
    summary: str = field(default="")

    def ignored(self, *, lax: bool) -> bool:
        if "skip" in self.markers or "ignore" in self.markers:
            return True
        return lax and "check" not in self.markers

    @property
    def empty(self) -> bool:
        return not self.rich and not self.error and not mask(self.stdout)


# Magics whose whole output is a profile of this run: never a result.
_PROFILING = re.compile(r"^\s*%{1,2}(prun|lprun|memit|mprun)\b")


def _markers(source: str, metadata: object) -> frozenset[str]:
    found: set[str] = set()
    if any(_PROFILING.match(line) for line in source.splitlines()):
        found.add("ignore")
    for line in source.splitlines():
        if line.strip().startswith("#"):
            marker = _COMMENT_MARKERS.get(line.strip().lstrip("#").strip())
            if marker:
                found.add(marker)
    tags = metadata.get("tags") if isinstance(metadata, Mapping) else None
    if isinstance(tags, list):
        found.update(_TAG_MARKERS[t] for t in tags if isinstance(t, str) and t in _TAG_MARKERS)
    return frozenset(found)


def _first_line(source: str) -> str:
    for line in source.splitlines():
        if line.strip() and line.strip().lstrip("#").strip() not in _COMMENT_MARKERS:
            return excerpt(line, 80)
    return ""


def cell_outputs(number: int, cell: Mapping[str, Any]) -> CellOutputs:
    """The outputs of one code cell (a mapping shaped as nbformat 4's code cell)."""
    source = text_of(cell.get("source"))
    stdout: list[str] = []
    rich: list[Rich] = []
    error = ""
    outputs = cell.get("outputs")
    for output in outputs if isinstance(outputs, list) else ():
        if not isinstance(output, Mapping):
            continue
        kind = output.get("output_type")
        if kind == "stream" and output.get("name") == "stdout":
            stdout.append(text_of(output.get("text")))
        elif kind in ("execute_result", "display_data"):
            data = output.get("data")
            if (
                isinstance(data, Mapping)
                and not LIVE_MIMES & data.keys()
                and COMPARED_MIMES & data.keys()
            ):
                rich.append(Rich(data))
        elif kind == "error" and not error:
            error = mask(f"{text_of(output.get('ename'))}: {text_of(output.get('evalue'))}")
    text = "".join(stdout)
    summary = (
        error or (excerpt(mask(text)) if mask(text) else "") or (rich[0].summary if rich else "")
    )
    cell_id = cell.get("id")
    return CellOutputs(
        number,
        _first_line(source),
        cell_id if isinstance(cell_id, str) else None,
        _markers(source, cell.get("metadata")),
        text,
        tuple(rich),
        error,
        summary,
    )


def _code_cells(nb: Mapping[str, Any]) -> list[CellOutputs]:
    cells = nb.get("cells")
    return [
        cell_outputs(number, cell)
        for number, cell in enumerate(cells if isinstance(cells, list) else [], start=1)
        if isinstance(cell, Mapping) and cell.get("cell_type") == "code"
    ]


@dataclass(frozen=True, eq=False)
class Pair:
    """A stored code cell and the same cell in the new run (None when it has no match)."""

    stored: CellOutputs
    new: CellOutputs | None


def _ids(cells: list[CellOutputs]) -> dict[str, CellOutputs] | None:
    ids = {c.cell_id: c for c in cells if c.cell_id}
    return ids if len(ids) == len(cells) else None


def paired_cells(stored: Mapping[str, Any], executed: Mapping[str, Any]) -> Iterator[Pair]:
    """Each stored code cell with its executed twin: by cell id when every code cell of
    both notebooks has a unique one, else by place among the code cells."""
    old, new = _code_cells(stored), _code_cells(executed)
    old_ids, new_ids = _ids(old), _ids(new)
    if old_ids is not None and new_ids is not None:
        for cell in old:
            yield Pair(cell, new_ids.get(cell.cell_id or ""))
        return
    for index, cell in enumerate(old):
        yield Pair(cell, new[index] if index < len(new) else None)
