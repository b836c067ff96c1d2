"""CIT001-CIT003 over plain facts: no repository on disk, no file read."""

from __future__ import annotations

import datetime as dt

from reprobot.checks.core.model import Finding, Status
from reprobot.checks.families.citation.cff import (
    CffFile,
    CitationLocation,
    citation_file,
    citation_location,
    load_cff,
)
from reprobot.checks.families.citation.checks import CIT001, CIT002, CIT003
from reprobot.checks.families.citation.release import Correction, Drift, drift, release_drift
from reprobot.checks.families.citation.writer import Generated, generated_citation
from reprobot.checks.repo.git import GitFacts, Tag
from reprobot.checks.repo.metadata import Declared, ProjectMetadata
from tests.helpers import evaluate

VALID = """\
cff-version: 1.2.0
message: If you use this software, please cite it as below.
title: Ocean heat
authors:
  - given-names: Jane
    family-names: Doe
version: 1.2.0
date-released: 2024-03-01
"""

GENERATED = Generated("cff-version: 1.2.0\n", ("title from pyproject.toml",), ("check it",))


def test_cit001_passes_when_the_file_is_there() -> None:
    outcome = evaluate(CIT001, {citation_location: CitationLocation("CITATION.cff", True)})
    assert outcome.status is Status.PASS
    assert outcome.message == "CITATION.cff found"


def test_cit001_fails_with_a_generated_file() -> None:
    outcome = evaluate(
        CIT001,
        {
            citation_location: CitationLocation("CITATION.cff", False),
            generated_citation: GENERATED,
        },
    )
    assert outcome.status is Status.FAIL
    assert outcome.message == "no CITATION.cff at the repository root"
    (fix,) = outcome.fixes
    assert fix.files == {"CITATION.cff": "cff-version: 1.2.0\n"}
    assert fix.description == (
        "A CITATION.cff with title from pyproject.toml. Review the authors and details "
        "before committing it.\n- check it"
    )


def test_cit001_suggests_renaming_a_misplaced_file() -> None:
    place = CitationLocation("CITATION.cff", False, ("docs/citation.cff",))
    outcome = evaluate(CIT001, {citation_location: place})
    assert outcome.status is Status.FAIL
    assert outcome.fixes[0].commands == ("git mv docs/citation.cff CITATION.cff",)


def test_cit002_passes_a_valid_file() -> None:
    outcome = evaluate(CIT002, {citation_file: load_cff(VALID, "CITATION.cff")})
    assert outcome.status is Status.PASS
    assert outcome.message == "CITATION.cff is valid CFF 1.2.0"


def test_cit002_counts_the_problems() -> None:
    text = VALID.replace("family-names: Doe", "family-names: Doe\n    orcid: 0000-0002-1825-0097")
    outcome = evaluate(CIT002, {citation_file: load_cff(text, "CITATION.cff")})
    assert outcome.status is Status.FAIL
    assert outcome.message.startswith("1 problem in CITATION.cff, line 7: ")


def test_cit002_fails_a_file_that_did_not_load() -> None:
    broken = CffFile("CITATION.cff", problem=Finding("not valid YAML: tabs", "CITATION.cff", 3))
    outcome = evaluate(CIT002, {citation_file: broken})
    assert outcome.status is Status.FAIL
    assert outcome.message == "not valid YAML: tabs"


def test_cit003_passes_when_everything_agrees() -> None:
    agree = Drift(
        "CITATION.cff", "1.2.0", 7, Declared("1.2.0", "pyproject.toml"), Tag("v1.2.0", "1.2.0")
    )
    outcome = evaluate(CIT003, {release_drift: agree})
    assert outcome.status is Status.PASS
    assert outcome.message == (
        "CITATION.cff says 1.2.0 (line 7), pyproject.toml says 1.2.0, latest tag v1.2.0"
    )


def test_cit003_fails_version_drift_with_the_correction() -> None:
    behind = Drift(
        "CITATION.cff",
        "1.0.0",
        7,
        Declared("1.2.0", "pyproject.toml"),
        target="1.2.0",
        behind_package=True,
        dated_today=True,
        correction=Correction("version: 1.2.0\n", "- line 7: `version: 1.0.0` → `version: 1.2.0`"),
    )
    outcome = evaluate(CIT003, {release_drift: behind})
    assert outcome.status is Status.FAIL
    assert outcome.message == (
        "version drift: CITATION.cff says 1.0.0 (line 7), pyproject.toml says 1.2.0"
    )
    assert [(f.message, f.line) for f in outcome.findings] == [
        ("version 1.0.0, but pyproject.toml says 1.2.0", 7)
    ]
    assert outcome.fixes[0].description == (
        "Make the citation name the current release. date-released becomes today: change it "
        "to the day 1.2.0 is published. In CITATION.cff:\n"
        "- line 7: `version: 1.0.0` → `version: 1.2.0`"
    )


def test_cit003_warns_when_the_release_is_not_tagged_yet() -> None:
    ahead = Drift("CITATION.cff", "1.3.0", 7, tag=Tag("v1.2.0", "1.2.0"), ahead=True)
    outcome = evaluate(CIT003, {release_drift: ahead})
    assert outcome.status is Status.WARN
    assert outcome.message.endswith("the release is not tagged yet; tag it when you publish")


def test_cit003_fails_a_future_release_date() -> None:
    future = Drift("CITATION.cff", "1.2.0", 7, future=dt.date(2999, 1, 1), future_line=8)
    outcome = evaluate(CIT003, {release_drift: future})
    assert outcome.status is Status.FAIL
    assert outcome.message == "date-released 2999-01-01 is in the future"
    assert outcome.findings[0].line == 8
    assert outcome.fixes == ()


# --- the Drift fact, with the clock given --------------------------------------------

NOON = dt.datetime(2024, 6, 1, 12, tzinfo=dt.timezone.utc)


def test_drift_names_the_newest_version_and_corrects_the_file() -> None:
    cff = load_cff(VALID.replace("version: 1.2.0", "version: 1.0.0"), "CITATION.cff")
    meta = ProjectMetadata(version=Declared("1.1.0", "pyproject.toml"))
    git = GitFacts(latest_tag=Tag("v1.2.0", "1.2.0", "2024-05-01"))
    found = drift(cff, meta, git, now=NOON)
    assert (found.written, found.line, found.target) == ("1.0.0", 7, "1.2.0")
    assert found.behind_package and found.behind_tag and not found.ahead
    assert found.correction is not None
    assert "version: 1.2.0" in found.correction.text
    assert "date-released: 2024-05-01" in found.correction.text  # the tag's day
    assert not found.dated_today


def test_drift_sees_a_date_in_the_future_from_one_clock() -> None:
    cff = load_cff(VALID.replace("2024-03-01", "2024-06-03"), "CITATION.cff")
    found = drift(cff, ProjectMetadata(), GitFacts(), now=NOON)
    assert found.future == dt.date(2024, 6, 3)
    assert found.future_line == 8
    # A day that has begun somewhere on Earth is not in the future.
    cff = load_cff(VALID.replace("2024-03-01", "2024-06-02"), "CITATION.cff")
    assert drift(cff, ProjectMetadata(), GitFacts(), now=NOON).future is None
