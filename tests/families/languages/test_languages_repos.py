"""The languages checks on tiny repositories, fixes applied and checked again."""

from __future__ import annotations

import json
import os
import stat
import tempfile
from pathlib import Path

import pytest

from reprobot.checks import check_repository
from reprobot.checks.core.model import CheckResult, Status
from tests.helpers import make_repo

ANALYSIS = (
    "# Figures for the paper\n"
    "library(dplyr)\n"
    "library(ggplot2)  # plots\n"
    'suppressMessages(require("here"))\n'
    "library(stats)\n"
    "raw <- read.csv('C:\\\\Users\\\\ana\\\\Desktop\\\\survey.csv')\n"
    'setwd("S:/lab/projects/survey")\n'
    "fit <- MASS::rlm(y ~ x, data = raw)\n"
    "out <- tidyr::pivot_longer(raw, cols = everything())\n"
)


def results(root: Path, select: str) -> dict[str, CheckResult]:
    return {r.code: r for r in check_repository(root, select=(select,)).checks}


def test_an_r_analysis_without_description_fails_naming_its_packages_and_paths(
    tmp_path: Path,
) -> None:
    root = make_repo(tmp_path, {"analysis.R": ANALYSIS, "README.md": "# Survey\n"})
    found = {**results(root, "LNG"), **results(root, "PTH")}
    deps = found["LNG002"]
    assert deps.status is Status.FAIL
    assert deps.message == (
        "4 R packages used but not declared (no DESCRIPTION, renv.lock or install.R): "
        "dplyr, ggplot2, here, tidyr"
    )
    assert [(f.path, f.line) for f in deps.findings] == [
        ("analysis.R", 2),
        ("analysis.R", 3),
        ("analysis.R", 4),
        ("analysis.R", 9),
    ]
    paths = found["PTH001"]
    assert paths.status is Status.FAIL
    assert [(f.path, f.line) for f in paths.findings] == [("analysis.R", 6), ("analysis.R", 7)]
    assert "C:\\\\Users\\\\ana\\\\Desktop\\\\survey.csv" in paths.findings[0].message
    assert "S:/lab/projects/survey" in paths.findings[1].message
    assert "here::here" in paths.fixes[0].description
    languages = found["LNG001"]
    assert languages.status is Status.PASS and languages.message.startswith("R (1 file)")

    fix = deps.fixes[0]
    (root / "DESCRIPTION").write_text(fix.files["DESCRIPTION"])
    again = results(root, "LNG002")["LNG002"]
    assert again.status is Status.PASS, again.message
    assert again.message == "4 R packages used, all declared in DESCRIPTION (1 R file read)"


def test_an_existing_description_is_edited_and_then_passes(tmp_path: Path) -> None:
    description = "Package: study\nVersion: 0.1\nImports: dplyr,\n    ggplot2\n"
    root = make_repo(
        tmp_path,
        {"DESCRIPTION": description, "R/plot.R": ANALYSIS, "R/own.R": "study::helper()\n"},
    )
    result = results(root, "LNG002")["LNG002"]
    assert result.status is Status.FAIL and result.message.endswith(
        "not declared in DESCRIPTION: here, tidyr"
    )
    (root / "DESCRIPTION").write_text(result.fixes[0].files["DESCRIPTION"])
    assert results(root, "LNG002")["LNG002"].status is Status.PASS


def test_renv_lock_and_install_r_declare_and_their_folders_bound_them(tmp_path: Path) -> None:
    lock = {
        "R": {"Version": "4.3.1"},
        "Packages": {p: {"Package": p} for p in ("dplyr", "ggplot2", "here", "tidyr")},
    }
    root = make_repo(
        tmp_path,
        {
            "paper/renv.lock": json.dumps(lock),
            "paper/analysis.R": ANALYSIS,
            "other/extra.R": "library(sf)\n",
            "binder/install.R": 'install.packages(c("tidyverse", "here"))\n',
            "report.Rmd": "```{r}\nlibrary(dplyr)\nreadr::read_csv('x')\nlibrary(leaflet)\n```\n",
        },
    )
    result = results(root, "LNG002")["LNG002"]
    assert result.status is Status.FAIL
    assert [(f.path, f.line, f.message.split("`")[1]) for f in result.findings] == [
        ("other/extra.R", 1, "sf"),
        ("report.Rmd", 4, "leaflet"),
    ]
    fix = result.fixes[0]
    assert fix.files["binder/install.R"].endswith('install.packages(c("leaflet", "sf"))\n')
    (root / "binder/install.R").write_text(fix.files["binder/install.R"])
    assert results(root, "LNG002")["LNG002"].status is Status.PASS


def test_an_r_notebook_is_read_through_its_kernel(tmp_path: Path) -> None:
    nb = {
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": "# R"},
            {
                "cell_type": "code",
                "metadata": {},
                "outputs": [],
                "source": "x <- 1\nlibrary(sf)\nread.csv('/home/ana/x.csv')\n",
            },
        ],
        "metadata": {"kernelspec": {"name": "ir", "language": "R", "display_name": "R"}},
        "nbformat": 4,
        "nbformat_minor": 4,
    }
    root = make_repo(tmp_path, {"map.ipynb": json.dumps(nb)})
    found = {**results(root, "LNG002"), **results(root, "PTH")}
    assert found["LNG002"].findings[0].message.startswith("cell 2, line 2: `sf`")
    assert found["PTH001"].findings[0].message.startswith("cell 2, line 3: `/home/ana/x.csv`")
    assert (
        found["PTH001"].message == "1 hard-coded path in 1 file, first at map.ipynb cell 2, line 3"
    )


def test_broken_declarations_are_named_with_their_line(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {"renv.lock": '{"Packages": {\n\n  oops\n}', "a.R": "library(sf)\n"})
    result = results(root, "LNG002")["LNG002"]
    assert result.status is Status.FAIL
    assert result.findings[0].path == "renv.lock" and result.findings[0].line == 3
    assert "not valid JSON" in result.message


def test_julia_packages_against_project_toml(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path,
        {
            "Project.toml": '[deps]\nCSV = "336ed68f-0bac-5ca0-87d4-7b16caf5d00b"\n',
            "Manifest.toml": 'manifest_format = "2.0"\n\n[[deps.CSV]]\nversion = "0.10.0"\n',
            "src/run.jl": 'using CSV, Statistics\nusing Plots\ninclude("h.jl")\nusing .Helpers\n',
            "src/h.jl": "module Helpers\nend\n",
        },
    )
    result = results(root, "LNG004")["LNG004"]
    assert result.status is Status.FAIL
    assert result.message == "1 Julia package loaded but not declared: Plots"
    assert (result.findings[0].path, result.findings[0].line) == ("src/run.jl", 2)
    assert 'Pkg.add(["Plots"])' in result.fixes[0].commands[0]


def _fake_rscript(folder: Path) -> None:
    """An `Rscript` that answers like the real one: each unit with `)(` does not parse."""
    script = folder / "Rscript"
    script.write_text(
        "#!/bin/sh\n"
        'dir="$4"\n'
        'for f in "$dir"/*.R; do\n'
        '  line=$(grep -n ")(" "$f" | head -1 | cut -d: -f1)\n'
        '  if [ -n "$line" ]; then\n'
        "    printf \"REPROBOT-PARSE\\t%s\\t%s:%s:3: unexpected '(' | %s: x\\n\" "
        '"$(basename "$f")" "$f" "$line" "$line"\n'
        "  fi\n"
        "done\n"
        "echo REPROBOT-PARSE-DONE\n"
    )
    script.chmod(0o755)


@pytest.mark.skipif(os.name != "posix", reason="a shell script stands in for R")
def test_r_files_are_parsed_when_r_is_installed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bin_dir = Path(tempfile.mkdtemp(prefix="fake-r-"))
    bin_dir.chmod(
        bin_dir.stat().st_mode
        | stat.S_IRWXU
        | stat.S_IRGRP
        | stat.S_IXGRP
        | stat.S_IROTH
        | stat.S_IXOTH
    )
    _fake_rscript(bin_dir)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    root = make_repo(
        tmp_path,
        {
            "good.R": "x <- 1\n",
            "bad.R": "x <- 1\ny <- f)(\n",
            "doc.Rmd": "text\n```{r}\nz <- 2\n```\n",
        },
    )
    result = results(root, "LNG003")["LNG003"]
    assert result.status is Status.FAIL, result.message
    assert result.message == "1 R unit do not parse, first at bad.R:2: unexpected '('"
    (root / "bad.R").write_text("x <- 1\ny <- f()\n")
    assert results(root, "LNG003")["LNG003"].status is Status.PASS


def test_without_r_the_parse_is_skipped_with_the_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    root = make_repo(tmp_path, {"a.R": "x <- 1\n"}, git_init=False)
    result = results(root, "LNG003")["LNG003"]
    assert result.status is Status.SKIP
    assert result.message == "R is not installed here: the R files were not parsed"
