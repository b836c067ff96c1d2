"""DOC001 over plain facts: no repository on disk, no file read."""

from __future__ import annotations

from reprobot.checks.core.model import Status
from reprobot.checks.families.docs.checks import DOC001
from reprobot.checks.families.docs.recipe import Recipe, has_citation_file, recipe
from reprobot.checks.repo.licences import LicenceFile, licence_files
from reprobot.checks.repo.metadata import Declared, ProjectMetadata, project_metadata
from reprobot.checks.repo.readme import Readme, readme
from tests.helpers import evaluate

META = ProjectMetadata(name=Declared("ocean-heat", "pyproject.toml"))
RECIPE = Recipe(("pip install .",), "", ("python run.py",), ())
FACTS = {
    project_metadata: META,
    recipe: RECIPE,
    has_citation_file: False,
    licence_files: (LicenceFile("LICENSE", "MIT"),),
}


def test_doc001_passes_a_readme_with_both_sections() -> None:
    text = "# Ocean heat\n\n## Installation\n\npip install .\n\n## Usage\n\n    python run.py\n"
    outcome = evaluate(DOC001, {**FACTS, readme: Readme("README.md", text)})
    assert outcome.status is Status.PASS
    assert outcome.message == "README.md explains installing and running"


def test_doc001_fails_without_a_readme_and_offers_one_from_the_recipe() -> None:
    outcome = evaluate(DOC001, {**FACTS, readme: Readme(None)})
    assert outcome.status is Status.FAIL
    text = outcome.fixes[0].files["README.md"]
    assert text.startswith("# ocean-heat")
    assert "pip install ." in text and "python run.py" in text


def test_doc001_fails_a_readme_without_usage_and_appends_the_section() -> None:
    text = "# Ocean heat\n\n## Installation\n\npip install .\n"
    outcome = evaluate(DOC001, {**FACTS, readme: Readme("README.md", text)})
    assert outcome.status is Status.FAIL
    assert outcome.message == "README.md does not say how to run"
    assert outcome.fixes[0].files["README.md"].startswith(text)


def test_doc001_fails_an_unreadable_readme() -> None:
    broken = Readme("README.md", problem="README.md is a binary file, not text")
    outcome = evaluate(DOC001, {**FACTS, readme: broken})
    assert outcome.status is Status.FAIL
    assert outcome.message == "README.md is a binary file, not text"
