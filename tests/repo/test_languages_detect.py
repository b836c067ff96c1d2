"""Which languages a repository holds, and each language's code with its comments blanked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reprobot.checks.core.snapshot import Snapshot
from reprobot.checks.repo.languages import (
    JULIA,
    MATLAB,
    SHELL,
    STATA,
    R,
    blank_comments,
    code_units,
    detect,
)
from tests.helpers import make_repo


def notebook(kernel: dict[str, str], *cells: str) -> str:
    return json.dumps(
        {
            "cells": [
                {"cell_type": "code", "metadata": {}, "outputs": [], "source": c} for c in cells
            ],
            "metadata": {"kernelspec": kernel},
            "nbformat": 4,
            "nbformat_minor": 4,
        }
    )


IR = {"name": "ir", "display_name": "R", "language": "R"}
JULIA_KERNEL = {"name": "julia-1.10", "display_name": "Julia", "language": "julia"}


def test_languages_by_files_kernels_and_chunks(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path,
        {
            "analysis/clean.R": "library(dplyr)\n",
            "report.qmd": "# Report\n\n```{r}\nx <- 1\n```\n\n```{python}\ny = 2\n```\n",
            "r.ipynb": notebook(IR, "library(ggplot2)"),
            "jl.ipynb": notebook(JULIA_KERNEL, "using Plots"),
            "fit.m": "x = 1;\n",
            "objc.m": "#import <Foundation/Foundation.h>\n",
            "run.do": "use data\n",
            "go.sh": "echo hi\n",
            "model.cpp": "int main() {}\n",
            "renv/activate.R": "local({})\n",
            "notes.md": "text\n",
        },
        git_init=False,
    )
    found = {f.language: f.count for f in detect(Snapshot(root))}
    assert found == {
        R: 3,
        "Python": 1,
        JULIA: 1,
        MATLAB: 1,
        "Objective-C": 1,
        STATA: 1,
        SHELL: 1,
        "C/C++": 1,
    }


def test_code_units_keep_the_documents_line_numbers(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path,
        {
            "a.Rmd": "---\ntitle: x\n---\n\n```{r setup}\nlibrary(here)\n```\n\ntext\n",
            "nb.ipynb": notebook(IR, "# md\n", "library(sf)\n"),
        },
        git_init=False,
    )
    units = {(u.path, u.cell): u for u in code_units(Snapshot(root), R)}
    chunk = units[("a.Rmd", None)].text.split("\n")
    assert chunk[5] == "library(here)" and not chunk[4] and not chunk[8]
    assert units[("nb.ipynb", 2)].text == "library(sf)\n"


@pytest.mark.parametrize(
    ("language", "code", "kept", "gone"),
    [
        (R, 'x <- "a # b" # library(z)\ny <- r"(# no)"\n', ['"a # b"', 'r"(# no)"'], ["library"]),
        (
            JULIA,
            "a = 1 #= using X\n#= nested =# =# using Y\nb = R' # t\n",
            ["using Y", "R'"],
            ["X"],
        ),
        (
            MATLAB,
            "y = 'it''s % no'; % comment\n%{\nblock\n%}\nz = a';\n",
            ["'it''s % no'", "a'"],
            ["comment", "block"],
        ),
        (SHELL, 'echo "#no" x#y # yes\n# whole\n', ['"#no"', "x#y"], ["yes", "whole"]),
        (
            STATA,
            '* note\ncd "C:\\data" // here\n/* a\n b */ use x\n',
            ['"C:\\data"', "use x"],
            ["note", "here", " b "],
        ),
    ],
)
def test_comments_are_blanked_and_strings_kept(
    language: str, code: str, kept: list[str], gone: list[str]
) -> None:
    blanked = blank_comments(language, code)
    assert len(blanked) == len(code) and blanked.count("\n") == code.count("\n")
    assert all(k in blanked for k in kept), blanked
    assert not any(g in blanked for g in gone), blanked
