"""The one notebook reader: code cells in order, numbered by position, magics made Python.

Every part of reprobot that looks into a notebook (byte-compiling, the import scan, the
path scan) reads its cells through `code_cells`, so a cell has the same number everywhere:
its 1-based position among all the notebook's cells, Markdown cells included, which is what
Jupyter shows. Cells are read from nbformat 4 (`cells`) and nbformat 3 (`worksheets`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from reprobot.checks.core.snapshot import Snapshot

# Cell magics whose body is Python; any other `%%magic` cell is not Python at all.
_PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug", "memit"})
_LINE_MAGIC = re.compile(r"^(\s*)[%!]")
_ASSIGNED_MAGIC = re.compile(r"^(\s*[\w.,\s\[\]]+?=\s*)[%!]")
_HELP = re.compile(r"^(\s*)(\?{1,2}[\w.]+|[\w.]+\?{1,2})\s*$")


def strip_magics(source: str) -> str | None:
    """Cell source with IPython magics, shell escapes and `?` help blanked out, line count
    kept; None when the cell is not Python (`%%bash`, `%%writefile`, ...)."""
    lines = source.split("\n")
    first = lines[0].strip() if lines else ""
    if first.startswith("%%"):
        name = first[2:].split(maxsplit=1)[0] if first[2:].strip() else ""
        if name not in _PYTHON_CELL_MAGICS:
            return None
        lines[0] = ""
    out: list[str] = []
    continued = False
    for line in lines:
        if continued:
            out.append("")
            continued = line.rstrip().endswith("\\")
            continue
        if match := _LINE_MAGIC.match(line):
            out.append(f"{match.group(1)}pass")
        elif match := _ASSIGNED_MAGIC.match(line):
            out.append(f"{match.group(1)}None")
        elif match := _HELP.match(line):
            out.append(f"{match.group(1)}pass")
        else:
            out.append(line)
            continue
        continued = line.rstrip().endswith("\\")
    return "\n".join(out)


def language(nb: Mapping[str, Any]) -> str:
    """The kernel's language in lower case (`python` when the metadata names none)."""
    metadata = nb.get("metadata")
    if not isinstance(metadata, Mapping):
        return "python"
    for key, field in (("kernelspec", "language"), ("language_info", "name")):
        section = metadata.get(key)
        if isinstance(section, Mapping) and isinstance(section.get(field), str):
            return str(section[field]).lower()
    return "python"


@dataclass(frozen=True)
class CodeCell:
    """One code cell: its 1-based position among all cells, and its source as written."""

    number: int
    source: str

    @property
    def python(self) -> str | None:
        """The source with IPython syntax made Python (`strip_magics`); None when the
        cell is not Python at all (`%%bash`, ...)."""
        return strip_magics(self.source)


def code_cells(nb: Mapping[str, Any]) -> Iterator[CodeCell]:
    """Each code cell whose source is text, in order, in nbformat 4 or 3 layout."""
    if isinstance(nb.get("cells"), list):
        cells: list[Any] = nb["cells"]
        key = "source"
    else:
        cells = []
        for sheet in nb.get("worksheets") or []:
            if isinstance(sheet, Mapping) and isinstance(sheet.get("cells"), list):
                cells.extend(sheet["cells"])
        key = "input"
    for number, cell in enumerate(cells, start=1):
        if not isinstance(cell, Mapping) or cell.get("cell_type") != "code":
            continue
        source = cell.get(key, "")
        if isinstance(source, list) and all(isinstance(s, str) for s in source):
            source = "".join(source)
        if isinstance(source, str):
            yield CodeCell(number, source)


SCRIPT_CAP = 8 * 1024 * 1024
NOTEBOOK_CAP = 32 * 1024 * 1024


def _load(snapshot: Snapshot, path: str) -> Mapping[str, Any] | None:
    data, problem = snapshot.read_bytes(path, cap=NOTEBOOK_CAP)
    if problem is not None:
        return None
    try:
        nb = json.loads(data)
    except (ValueError, RecursionError):
        return None
    return nb if isinstance(nb, dict) else None


def read_notebook(snapshot: Snapshot, path: str) -> Mapping[str, Any] | None:
    """The notebook at `path` as JSON, parsed once per run; None when it cannot be read
    as a JSON object (BLD001 says why)."""
    return snapshot.parsed(path, _load)
