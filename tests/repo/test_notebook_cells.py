"""The one notebook reader: every part that looks into a notebook numbers cells alike."""

from __future__ import annotations

import json
from pathlib import Path

from reprobot.checks.core.snapshot import Snapshot
from reprobot.checks.families.build.compile import check_notebook
from reprobot.checks.families.portability.scan import hard_coded_paths
from reprobot.checks.repo.imports import scan_notebook
from reprobot.checks.repo.notebooks import code_cells
from tests.helpers import make_repo


def _cell(kind: str, source: str) -> dict[str, object]:
    if kind == "markdown":
        return {"cell_type": "markdown", "metadata": {}, "source": source}
    return {
        "cell_type": "code",
        "metadata": {},
        "outputs": [],
        "execution_count": None,
        "source": source,
    }


NOTEBOOK = {
    "cells": [
        _cell("markdown", "# Ocean heat\nimport notcode\n"),
        _cell("code", "%matplotlib inline\nimport numpy\npath = '/home/ana/data.csv'\n"),
        _cell("markdown", "More words."),
        _cell("code", "%%bash\nls /home/ana\n"),
        _cell("code", "y = (\n"),
    ],
    "metadata": {},
    "nbformat": 4,
    "nbformat_minor": 4,
}


def test_code_cells_are_numbered_among_all_cells_with_magics_made_python() -> None:
    cells = list(code_cells(NOTEBOOK))
    assert [c.number for c in cells] == [2, 4, 5]
    assert cells[0].python == "pass\nimport numpy\npath = '/home/ana/data.csv'\n"
    assert cells[1].python is None  # a %%bash cell is not Python


def test_compiler_imports_and_paths_name_the_same_cell(tmp_path: Path) -> None:
    data = json.dumps(NOTEBOOK).encode()
    sites, problem = scan_notebook(data, "nb.ipynb")
    assert problem is None
    assert [(s.module, s.cell, s.line) for s in sites] == [("numpy", 2, 2)]
    root = make_repo(tmp_path, {"nb.ipynb": data.decode()}, git_init=False)
    assert [(p.cell, p.line) for p in hard_coded_paths(Snapshot(root))] == [(2, 3)]
    assert [(p.cell, p.line) for p in check_notebook("nb.ipynb", data)] == [(5, 1)]
