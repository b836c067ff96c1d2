"""BibTeX as a citation source: entries, fields, authors, README blocks, which files count."""

from __future__ import annotations

from pathlib import Path

import pytest

from reprobot.checks.core.check import Context
from reprobot.checks.core.snapshot import Snapshot
from reprobot.checks.repo.bibtex import (
    citation_bibtex,
    latex_to_text,
    parse_bibtex,
    readme_bibtex,
    split_authors,
)
from tests.helpers import make_repo

PAPER = r"""
@comment{exported from Zotero}
@string{jcb = "J. Comp. Biol."}
@Article{doe2024heat,
  author    = {Doe, Jane and Schr{\"o}dinger, Erwin and Ludwig van Beethoven and
               {The Ocean and Ice Consortium} and King, Jr., Martin Luther and others},
  title     = "{Ocean} heat: a {"}reanalysis{"}",
  journal   = {Ocean } # "Science",
  year      = 2024,
  month     = mar,
  volume    = {12}, number = "3",
  pages     = {100--110},
  doi       = {https://doi.org/10.1000/xyz.123},
  url       = {https://example.org/a_b%20c},
}
"""


def test_an_article_is_parsed_field_by_field() -> None:
    (entry,) = parse_bibtex(PAPER, "paper.bib")
    assert (entry.kind, entry.key, entry.line, entry.source) == (
        "article",
        "doe2024heat",
        4,
        "paper.bib",
    )
    assert entry.get("title") == 'Ocean heat: a "reanalysis"'
    assert entry.get("journal") == "Ocean Science"
    assert (entry.get("year"), entry.get("month"), entry.get("pages")) == ("2024", "3", "100–110")
    assert entry.get("url") == "https://example.org/a_b%20c"  # URLs are kept as written
    assert entry.authors == (
        "Doe, Jane",
        "Schrödinger, Erwin",
        "Ludwig van Beethoven",
        "The Ocean and Ice Consortium",  # `and` inside braces does not split
        "King, Jr., Martin Luther",
    )


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        (r"Jos\'{e} M\"uller-L\"{u}denscheidt", "José Müller-Lüdenscheidt"),
        (r"{\c C}a\u{g}lar", "Çağlar"),
        (r"{\'\i}ndice \ss \o \& \textit{Co}", "índice ßø& Co"),
        (r"{{DNA}} in \emph{E.~coli}", "DNA in E. coli"),
    ],
)
def test_latex_becomes_text(latex: str, text: str) -> None:
    assert latex_to_text(latex) == text


def test_quoted_values_parentheses_and_broken_input_do_not_raise() -> None:
    entries = parse_bibtex('@misc(code, title = "A {"}b{"} c", author = "A B")', "x")
    assert entries[0].get("title") == 'A "b" c' and entries[0].authors == ("A B",)
    assert parse_bibtex("@article{x, title = {never closed", "x")[0].key == "x"
    assert parse_bibtex("write to me@example.org or @ someone", "x") == ()
    assert split_authors("and and  and") == ()


def test_readme_blocks_count_in_markdown_and_rst() -> None:
    text = (
        "# Heat\n\n```sh\npip install heat\n```\n\n## Citing this work\n\n"
        "```bibtex\n@software{heat, title = {Heat}, author = {Doe, Jane}}\n```\n\n"
        "```python\n# @decorator{not bibtex}\n```\n\n"
        ".. code-block:: bibtex\n\n   @article{p, title={Paper}, author={C D}, journal={J}}\n"
    )
    entries = readme_bibtex(text, "README.md")
    assert [(e.key, e.line) for e in entries] == [("heat", 10), ("p", 19)]
    assert {e.source for e in entries} == {"the BibTeX block in README.md"}


def test_only_citation_files_and_single_entry_files_count(tmp_path: Path) -> None:
    many = "\n".join(f"@article{{r{i}, title={{Ref {i}}}, author={{A B}}}}" for i in range(5))
    root = make_repo(
        tmp_path,
        {
            "references.bib": many,  # the paper's bibliography, not a citation of this work
            "CITATION.bib": "@software{me, title={Heat code}, author={Doe, Jane}}",
            "paper/paper.bib": "@article{p, title={Inside a folder}, author={X Y}}",
        },
        git_init=False,
    )
    found = citation_bibtex(Context(Snapshot(root)))
    assert [e.key for e in found.entries] == ["me"]
    assert found.software is not None and found.software.get("title") == "Heat code"
    assert found.paper is None


def test_software_and_paper_are_told_apart() -> None:
    entries = parse_bibtex(
        "@misc{pre, title={A preprint}, author={A B}, eprint={2401.1}, archivePrefix={arXiv}}"
        "@misc{code, title={The code}, author={A B}, howpublished={GitHub}}",
        "x",
    )
    from reprobot.checks.repo.bibtex import CitationBibtex

    found = CitationBibtex(entries)
    assert found.paper is not None and found.paper.key == "pre"
    assert found.software is not None and found.software.key == "code"
