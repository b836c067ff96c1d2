"""A generated CITATION.cff credits the work: its title, one author per person, its DOI and
the paper; applying the fix and checking again gives no new failure."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from reprobot.checks import check_repository
from reprobot.checks.core.model import CheckResult, Status
from reprobot.checks.families.citation.cff import citation_file, load_cff, validator
from reprobot.checks.families.citation.checks import CIT002
from reprobot.checks.families.citation.credit import PLACEHOLDER_AUTHOR, PLACEHOLDER_TITLE
from tests.helpers import evaluate, git, make_repo

ORCID = "https://orcid.org/0000-0002-1825-0097"

PAPER_README = """\
[![DOI](https://zenodo.org/badge/DOI/10.5281/zenodo.4242.svg)](https://doi.org/10.5281/zenodo.4242)

# Heat waves in the *Baltic*

Code and data for the paper.

## Citing this work

```bibtex
@article{doe2024,
  author  = {Doe, Jane and Ludwig van Beethoven and Schr{\\"o}dinger, Erwin},
  title   = {Heat waves in the {Baltic} Sea, 1950--2020},
  journal = {Ocean Science},
  year    = {2024}, volume = {12}, number = {3}, pages = {100--110},
  doi     = {10.1000/os.2024.12},
}
```
"""


def run(root: Path) -> dict[str, CheckResult]:
    return {r.code: r for r in check_repository(root, select=("CIT",)).checks}


def generated(root: Path) -> tuple[str, dict[str, object], CheckResult]:
    result = run(root)["CIT001"]
    assert result.status is Status.FAIL
    text = result.fixes[0].files["CITATION.cff"]
    data = YAML(typ="safe").load(text)
    assert isinstance(data, dict)
    errors = [e.message for e in validator().iter_errors(json.loads(json.dumps(data, default=str)))]
    assert errors == [], text  # the vendored CFF 1.2.0 schema, as CIT002 uses it
    return text, data, result


def apply_and_check_again(root: Path, text: str, cit002: Status = Status.PASS) -> None:
    """The fix written into the repository: CIT001-CIT003 have nothing new to say."""
    (root / "CITATION.cff").write_text(text, encoding="utf-8")
    after = run(root)
    assert after["CIT001"].status is Status.PASS
    assert after["CIT002"].status is cit002, after["CIT002"].findings
    assert after["CIT003"].status is Status.PASS, after["CIT003"].message


def commit_as(root: Path, *authors: str) -> None:
    for who in authors:
        git(root, "commit", "-q", "--allow-empty", "-m", "work", f"--author={who}")


def test_a_paper_companion_is_credited_from_readme_git_and_bibtex(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {"README.md": PAPER_README, "analysis.R": "1\n"}, name="tmp8x")
    git(root, "remote", "add", "origin", "git@github.com:ocean-lab/baltic-heat.git")
    commit_as(
        root,
        "jdoe <jane@uni.example.org>",
        "Jane Doe <jane@uni.example.org>",
        "Jane Doe <777+jdoe@users.noreply.github.com>",
        "dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>",
        "github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>",
    )
    text, data, result = generated(root)
    assert data["title"] == "Heat waves in the Baltic"
    assert data["authors"] == [
        {"given-names": "Jane", "family-names": "Doe", "email": "jane@uni.example.org"},
        {"given-names": "Ada", "family-names": "Lovelace", "email": "ada@example.org"},
    ]
    assert data["doi"] == "10.5281/zenodo.4242"
    assert data["preferred-citation"] == {
        "type": "article",
        "title": "Heat waves in the Baltic Sea, 1950–2020",
        "authors": [
            {"given-names": "Jane", "family-names": "Doe"},
            {"given-names": "Ludwig", "name-particle": "van", "family-names": "Beethoven"},
            {"given-names": "Erwin", "family-names": "Schrödinger"},
        ],
        "journal": "Ocean Science",
        "year": "2024",
        "volume": "12",
        "issue": "3",
        "start": "100",
        "end": "110",
        "doi": "10.1000/os.2024.12",
    }
    description = result.fixes[0].description
    assert "title from the first heading of README.md" in description
    assert "doi from the Zenodo badge of README.md" in description
    assert "preferred-citation from the BibTeX block in README.md" in description
    assert "tmp8x" not in text + description
    apply_and_check_again(root, text)


def test_archive_records_give_title_orcids_and_doi(tmp_path: Path) -> None:
    zenodo = {
        "title": "Baltic heat: analysis code",
        "creators": [{"name": "Doe, Jane", "orcid": "0000-0002-1825-0097", "affiliation": "Uni"}],
    }
    codemeta = {"name": "baltic", "identifier": "https://doi.org/10.5281/zenodo.77"}
    pyproject = '[project]\nname = "baltic"\nversion = "1.0"\nauthors = [{ name = "Jane Doe" }]\n'
    root = make_repo(
        tmp_path,
        {
            ".zenodo.json": json.dumps(zenodo),
            "codemeta.json": json.dumps(codemeta),
            "pyproject.toml": pyproject,
        },
    )
    git(root, "tag", "v1.0")
    text, data, _ = generated(root)
    assert data["title"] == "Baltic heat: analysis code"
    assert data["authors"] == [
        {"given-names": "Jane", "family-names": "Doe", "affiliation": "Uni", "orcid": ORCID}
    ]
    assert data["doi"] == "10.5281/zenodo.77"
    apply_and_check_again(root, text)


def test_package_authors_get_the_orcids_an_authors_file_gives(tmp_path: Path) -> None:
    pyproject = (
        '[project]\nname = "baltic"\n'
        'authors = [{ name = "Jane Doe", email = "jane@uni.example.org" }, { name = "Bob Roe" }]\n'
    )
    authors = f"# Authors\n\n- Jane Doe ({ORCID})\n- Bob Roe <bob@x.example.org>\n"
    root = make_repo(tmp_path, {"pyproject.toml": pyproject, "AUTHORS": authors})
    text, data, _ = generated(root)
    assert data["authors"] == [
        {
            "given-names": "Jane",
            "family-names": "Doe",
            "email": "jane@uni.example.org",
            "orcid": ORCID,
        },
        {"given-names": "Bob", "family-names": "Roe"},
    ]
    apply_and_check_again(root, text)


def test_an_authors_file_and_a_citation_bib_file(tmp_path: Path) -> None:
    bib = (
        "@software{heat,\n  author = {Doe, Jane and Roe, Bob},\n"
        '  title = "Baltic heat code",\n  doi = {10.5281/zenodo.99},\n}\n'
    )
    authors = "Jane Doe <jane@uni.example.org>\nBob Roe\nGrace Hopper\n"
    root = make_repo(tmp_path, {"CITATION.bib": bib, "AUTHORS.txt": authors}, git_init=False)
    text, data, result = generated(root)
    assert data["title"] == "Baltic heat code"
    assert data["doi"] == "10.5281/zenodo.99"
    assert [a.get("family-names") for a in data["authors"]] == ["Doe", "Roe", "Hopper"]
    assert "authors from AUTHORS.txt" in result.fixes[0].description
    apply_and_check_again(root, text)


def test_without_a_name_the_title_is_asked_for_not_taken_from_the_folder(tmp_path: Path) -> None:
    readme = "## Requirements\n\nR 4.2 and the tidyverse.\n"
    root = make_repo(tmp_path, {"README.md": readme, "run.R": "1\n"}, git_init=False)
    text, data, result = generated(root)
    assert data["title"] == PLACEHOLDER_TITLE
    assert data["authors"] == [{"name": PLACEHOLDER_AUTHOR}]
    description = result.fixes[0].description
    assert f"replace `{PLACEHOLDER_TITLE}` with the work's title" in description
    assert "repo" not in data["title"]  # make_repo's folder is named "repo"
    apply_and_check_again(root, text, cit002=Status.WARN)
    lines = text.splitlines()
    title_line = lines.index(f'title: "{PLACEHOLDER_TITLE}"') + 1
    author_line = lines.index(f'  - name: "{PLACEHOLDER_AUTHOR}"') + 1
    warned = run(root)["CIT002"]
    assert warned.message == (
        "CITATION.cff is valid CFF 1.2.0, but the title is still a placeholder: "
        f"write the work's title (line {title_line})"
    )
    assert [f.line for f in warned.findings] == [title_line, author_line]


def test_the_placeholder_warning_over_plain_data() -> None:
    text = (
        f'cff-version: 1.2.0\nmessage: m\ntitle: "{PLACEHOLDER_TITLE}"\nauthors:\n  - name: Jane\n'
    )
    outcome = evaluate(CIT002, {citation_file: load_cff(text, "CITATION.cff")})
    assert outcome.status is Status.WARN
    assert outcome.findings[0].line == 3


@pytest.mark.parametrize("folder", ["tmpq1w2e3", "reprobot-clean-room-x7"])
def test_messages_never_name_the_folder_it_was_checked_in(tmp_path: Path, folder: str) -> None:
    files = {
        "README.md": "Some analysis scripts.\n",
        "codemeta.json": '{"name": \n',  # broken: its note names the file, not the folder
        "run.py": "print(1)\n",
    }
    root = make_repo(tmp_path, files, name=folder)
    report = check_repository(root, select=("CIT",))
    whole = json.dumps(report.to_dict()["checks"])  # messages, findings and fixes
    assert str(tmp_path) not in whole
    assert folder not in whole
    result = {r.code: r for r in report.checks}["CIT001"]
    assert "codemeta.json line 2 is not valid JSON" in result.fixes[0].description
