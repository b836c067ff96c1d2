"""The README as a source of the work's title and its archive DOIs."""

from __future__ import annotations

import pytest

from reprobot.checks.repo.readme import ReadmeTitle, dois_of, is_title, plain_text, title_of


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("# Ocean heat content study\n\nCode.\n", "Ocean heat content study"),
        ("Ocean heat\n==========\n\nCode.\n", "Ocean heat"),
        (
            "# Scripts for *[The Hankshaw Effect](https://doi.org/10.1111/evo.12928)*\n",
            "Scripts for The Hankshaw Effect",
        ),
        ("``hepunits``: units\n===================\n", "hepunits: units"),
        ("[![CI](https://x/badge.svg)](https://x)\n# brachypode-r\n", "brachypode-r"),
        ("# Requirements\n\nR 4.2\n", None),
        ("# Citing this work\n\n```bibtex\n@misc{x}\n```\n", None),
        ("## Table of contents\n", None),
        ("# README\n", None),
        ("Just some prose without a title.\n", None),
    ],
)
def test_the_first_heading_is_a_title_only_when_it_reads_as_one(
    text: str, title: str | None
) -> None:
    found = title_of(text, "README.md")
    assert (found.title if found else None) == title
    if found:
        assert found.source == "the first heading of README.md"


def test_a_title_quoted_in_the_first_sentence_counts() -> None:
    text = (
        "[![DOI](https://zenodo.org/badge/1.svg)](https://x)\n\n"
        'This Github repository contains files related to the project "Prevalence of '
        'transparent research practices in psychology: A cross sectional study". The files\n'
        'have also been copied to the "Open Science Framework".\n'
    )
    assert title_of(text, "README.md") == ReadmeTitle(
        "Prevalence of transparent research practices in psychology: A cross sectional study",
        "the first sentence of README.md",
    )


def test_a_section_heading_falls_back_to_the_first_sentence() -> None:
    text = "## Installation\n\nCode for *Heat waves in the Baltic*. Install R.\n"
    assert title_of(text, "README.md") == ReadmeTitle(
        "Heat waves in the Baltic", "the first sentence of README.md"
    )


def test_no_quoted_title_gives_nothing() -> None:
    assert title_of('Code for my thesis. See the "data" folder.\n', "README.md") is None


def test_plain_text_and_titles() -> None:
    assert plain_text("**Bold** and `code` with ![img](x.png) [a link](https://x)") == (
        "Bold and code with a link"
    )
    assert plain_text("|Scikit-HEP| |PyPI| ``hepunits``") == "hepunits"
    assert is_title("Python Data Science Handbook")
    assert not is_title("How to cite this work")


def test_archive_dois_badge_first() -> None:
    text = (
        "[![DOI](https://zenodo.org/badge/doi/10.5281/zenodo.50643.svg)]"
        "(https://dx.doi.org/10.5281/zenodo.50643)\n"
        "The paper is https://doi.org/10.1111/evo.12928. Copies: OSF "
        "(https://doi.org/10.17605/OSF.IO/ZK97J) and Code Ocean (10.24433/CO.5081898.v1).\n"
    )
    found = dois_of(text, "README.md")
    assert found.badge == "10.5281/zenodo.50643"
    assert found.archives == ("10.17605/OSF.IO/ZK97J", "10.24433/CO.5081898.v1")
