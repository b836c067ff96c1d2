"""R code as reprobot reads it: package uses, DESCRIPTION, renv.lock and install.R."""

from __future__ import annotations

from pathlib import Path

from reprobot.checks.core.snapshot import Snapshot
from reprobot.checks.repo.languages import CodeUnit, R
from reprobot.checks.repo.r_source import (
    dcf_fields,
    declarations,
    github_sources,
    installed_by_script,
    package_list,
    package_uses,
)
from tests.helpers import make_repo


def uses(code: str) -> list[tuple[str, int, str]]:
    return [(u.package, u.line, u.how) for u in package_uses(CodeUnit("a.R", R, code))]


def test_every_way_of_loading_a_package_is_found_at_its_line() -> None:
    code = (
        "library(dplyr)\n"
        'require("tidyr")\n'
        'if (!requireNamespace("here", quietly = TRUE)) stop()\n'
        "x <- readr::read_csv('x.csv')\n"
        'pacman::p_load(sf, "terra", install = TRUE)\n'
        'invisible(lapply(c("broom", "knitr"), library, character.only = TRUE))\n'
        "suppressPackageStartupMessages(library(package = data.table))\n"
        "y <- stats::median(1)\n"
    )
    assert uses(code) == [
        ("dplyr", 1, "library"),
        ("tidyr", 2, "require"),
        ("here", 3, "requireNamespace"),
        ("readr", 4, "::"),
        ("pacman", 5, "::"),
        ("sf", 5, "p_load"),
        ("terra", 5, "p_load"),
        ("broom", 6, "library"),
        ("knitr", 6, "library"),
        ("data.table", 7, "library"),
        ("stats", 8, "::"),
    ]


def test_comments_strings_and_lookalikes_are_not_loads() -> None:
    code = (
        "# library(commented)\n"
        'msg <- "library(quoted) and fake::fn"\n'
        "obj$library(x)\n"
        "other::library(y)\n"
        "library()\n"
    )
    assert uses(code) == [("other", 4, "::")]


def test_a_load_by_variable_is_recorded_not_guessed() -> None:
    code = "for (p in pkgs) library(p, character.only = TRUE)\nrequireNamespace(pkg)\n"
    assert uses(code) == [("", 1, "library"), ("", 2, "requireNamespace")]


def test_description_fields_and_package_lists() -> None:
    text = (
        "Package: study\nVersion: 0.1\nDepends: R (>= 4.1),\n    methods\n"
        "Imports:\n    dplyr (>= 1.1.0),\n    ggplot2\nSuggests: testthat\n\nPackage: second\n"
    )
    fields, bad = dcf_fields(text)
    assert bad is None
    assert [f.name for f in fields] == ["Package", "Version", "Depends", "Imports", "Suggests"]
    imports = next(f for f in fields if f.name == "Imports")
    assert (imports.line, imports.end) == (5, 7)
    assert package_list(imports.value) == ["dplyr", "ggplot2"]
    assert package_list("R (>= 4.1),\nmethods") == ["methods"]
    assert dcf_fields("Package: x\nnot a field\n")[1] == (2, "not a field")


def test_install_script_and_github_sources() -> None:
    script = (
        'install.packages(c("tidyverse", "rmarkdown"))\n'
        "install.packages('httr')  # install.packages('commented')\n"
        'remotes::install_github("briandconnelly/ggplot2bdc@v0.2")\n'
        'BiocManager::install(c("DESeq2"))\n'
    )
    assert installed_by_script(script) == {"tidyverse", "rmarkdown", "httr", "ggplot2bdc", "DESeq2"}
    readme = "devtools::install_github('briandconnelly/ggplot2bdc')\n"
    assert github_sources(readme) == {"ggplot2bdc": "briandconnelly/ggplot2bdc"}


def test_declarations_are_read_and_bad_ones_named(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path,
        {
            "DESCRIPTION": "Package: study\nImports: dplyr\n",
            "sub/renv.lock": '{"R": {}, "Packages": {"here": {"Package": "here"}}}',
            "broken/renv.lock": '{"Packages": {\n  "here": }\n}',
            "bad/DESCRIPTION": "Package: x\nImports dplyr\n",
            "install.R": 'install.packages("sf")\n',
            "renv/library/DESCRIPTION": "Package: vendored\n",
        },
        git_init=False,
    )
    found = {d.path: d for d in declarations(Snapshot(root))}
    assert set(found) == {
        "DESCRIPTION",
        "sub/renv.lock",
        "broken/renv.lock",
        "bad/DESCRIPTION",
        "install.R",
    }
    assert found["DESCRIPTION"].packages == {"dplyr"} and found["DESCRIPTION"].own == "study"
    assert found["sub/renv.lock"].packages == {"here"}
    assert found["sub/renv.lock"].covers("sub/a.R") and not found["sub/renv.lock"].covers("a.R")
    assert found["install.R"].packages == {"sf"} and found["install.R"].covers("x/y.R")
    broken = found["broken/renv.lock"]
    assert broken.problem and "not valid JSON" in broken.problem and broken.line == 2
    bad = found["bad/DESCRIPTION"]
    assert bad.problem and "line 2" in bad.problem and bad.line == 2
