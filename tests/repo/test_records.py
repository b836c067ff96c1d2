"""`.zenodo.json`, `codemeta.json` and AUTHORS files: titles, people with ORCIDs, DOIs."""

from __future__ import annotations

import json
from pathlib import Path

from reprobot.checks.core.check import Context
from reprobot.checks.core.snapshot import Snapshot
from reprobot.checks.repo.metadata import Person
from reprobot.checks.repo.records import (
    SoftwareRecord,
    authors_file,
    bare_doi,
    orcid_url,
    parse_authors,
    read_record,
    software_records,
)
from tests.helpers import make_repo

ORCID = "https://orcid.org/0000-0002-1825-0097"


def test_zenodo_json() -> None:
    text = json.dumps(
        {
            "title": "Ocean heat: code",
            "creators": [
                {"name": "Doe, Jane", "orcid": "0000-0002-1825-0097", "affiliation": "Uni"},
                {"name": "Roe, Bob"},
                "not a creator",
            ],
            "doi": "https://doi.org/10.5281/zenodo.123",
        }
    )
    assert read_record(text, ".zenodo.json") == SoftwareRecord(
        ".zenodo.json",
        "Ocean heat: code",
        (Person("Doe, Jane", None, ORCID, "Uni"), Person("Roe, Bob")),
        "10.5281/zenodo.123",
    )


def test_codemeta_json() -> None:
    text = json.dumps(
        {
            "@context": "https://w3id.org/codemeta/3.0",
            "name": "oceanheat",
            "author": [
                {
                    "@type": "Person",
                    "@id": ORCID,
                    "givenName": "Jane",
                    "familyName": "Doe Smith",
                    "email": "jane@uni.example.org",
                    "affiliation": {"@type": "Organization", "name": "Uni"},
                },
                {"@type": "Organization", "name": "CERN"},
            ],
            "identifier": ["https://github.com/o/r", "https://doi.org/10.5281/zenodo.9"],
        }
    )
    record = read_record(text, "codemeta.json")
    assert record.title == "oceanheat"
    assert record.authors == (
        Person("Doe Smith, Jane", "jane@uni.example.org", ORCID, "Uni"),
        Person("CERN"),
    )
    assert record.doi == "10.5281/zenodo.9"


def test_broken_records_say_where_and_are_not_used(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path, {"codemeta.json": '{"name": "x",\n  "author": }\n', ".zenodo.json": "[1]"}
    )
    zenodo, codemeta = software_records(Context(Snapshot(root)))
    assert zenodo.problem == ".zenodo.json is not a JSON object; it was not used"
    assert codemeta.problem is not None
    assert codemeta.problem.startswith("codemeta.json line 2 is not valid JSON")
    assert (codemeta.title, codemeta.authors) == (None, ())


def test_authors_file(tmp_path: Path) -> None:
    text = (
        "# Authors\n\nThe following people contributed to this work:\n\n"
        "- Jane Doe <jane@uni.example.org> (University of Somewhere)\n"
        f"- Ludwig van Beethoven {ORCID}\n"
        "* **Grace Hopper**\n"
        "Maintainers:\n"
        "  octocat\n"
        "This project is maintained by the lab.\n"
        "Contributors\n------------\n"
        "1. García Márquez, Gabriel\n"
    )
    assert parse_authors(text) == (
        Person("Jane Doe", "jane@uni.example.org", None, "University of Somewhere"),
        Person("Ludwig van Beethoven", None, ORCID),
        Person("Grace Hopper"),
        Person("octocat"),
        Person("García Márquez, Gabriel"),
    )
    root = make_repo(tmp_path, {"AUTHORS.md": text}, git_init=False)
    found = authors_file(Context(Snapshot(root)))
    assert found is not None and found.path == "AUTHORS.md" and len(found.people) == 5


def test_dois_and_orcids_in_any_spelling() -> None:
    assert bare_doi("doi:10.5281/zenodo.1.") == "10.5281/zenodo.1"
    assert bare_doi("https://dx.doi.org/10.1111/evo.12928") == "10.1111/evo.12928"
    assert bare_doi("not a doi") is None and bare_doi(12) is None
    assert orcid_url("orcid:0000-0002-1825-0097") == ORCID
    assert orcid_url("0000-0002") is None
