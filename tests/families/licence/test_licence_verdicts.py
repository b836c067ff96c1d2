"""LIC001 over plain facts: no repository on disk, no file read."""

from __future__ import annotations

from reprobot.checks.core.model import Status
from reprobot.checks.families.licence.checks import LIC001
from reprobot.checks.repo.git import GitFacts, git_facts
from reprobot.checks.repo.licences import (
    DeclaredLicence,
    LicenceFile,
    declared_licences,
    licence_files,
)
from reprobot.checks.repo.metadata import Person, ProjectMetadata, project_metadata
from tests.helpers import evaluate

MIT_DECLARED = DeclaredLicence("MIT", "pyproject.toml", "MIT", 5)


def test_lic001_passes_a_licence_the_metadata_agrees_with() -> None:
    outcome = evaluate(
        LIC001,
        {licence_files: (LicenceFile("LICENSE", "MIT"),), declared_licences: (MIT_DECLARED,)},
    )
    assert outcome.status is Status.PASS
    assert outcome.message == "LICENSE (MIT) (agrees with pyproject.toml)"


def test_lic001_fails_a_clash_at_the_declaring_line() -> None:
    outcome = evaluate(
        LIC001,
        {
            licence_files: (LicenceFile("LICENSE.md", "Apache-2.0"),),
            declared_licences: (MIT_DECLARED,),
        },
    )
    assert outcome.status is Status.FAIL
    assert outcome.message == (
        "the licence file and the metadata disagree: LICENSE.md (Apache-2.0), "
        "but pyproject.toml declares MIT"
    )
    assert any(f.path == "pyproject.toml" and f.line == 5 for f in outcome.findings)
    assert outcome.fixes[0].description == (
        "`LICENSE.md` holds the Apache-2.0 text, but pyproject.toml declares MIT. Decide "
        'which licence applies, then either write `license = "Apache-2.0"` in pyproject.toml '
        "(and update its classifiers), or replace `LICENSE.md` with the unmodified MIT text."
    )


def test_lic001_fails_without_a_licence_and_writes_the_declared_one() -> None:
    outcome = evaluate(
        LIC001,
        {
            licence_files: (),
            declared_licences: (MIT_DECLARED,),
            project_metadata: ProjectMetadata(authors=(Person("Jane Doe"),)),
            git_facts: GitFacts(),
        },
    )
    assert outcome.status is Status.FAIL
    assert "Jane Doe" in outcome.fixes[0].files["LICENSE"]


def test_lic001_warns_on_a_text_it_does_not_recognise() -> None:
    outcome = evaluate(LIC001, {licence_files: (LicenceFile("LICENSE"),), declared_licences: ()})
    assert outcome.status is Status.WARN
    assert "SPDX-License-Identifier" in outcome.message
