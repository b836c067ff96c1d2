"""Generated CITATION.cff files pass the reference validator, `cffconvert --validate`.

cffconvert pins an old jsonschema, so it lives in its own virtual environment made with uv
in a temporary directory, never in reprobot's. Needs the package index: skipped when it is
unreachable, except in CI where it must run.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from reprobot.checks import check_repository
from reprobot.checks.core import runner
from reprobot.checks.core.model import Status
from tests.helpers import git, make_repo

pytestmark = pytest.mark.integration

NETWORK_WORDS = ("connect", "dns", "resolve", "network", "timed out", "offline", "no route")


def _uv() -> str:
    beside = Path(sys.executable).parent / "uv"
    found = str(beside) if beside.exists() else shutil.which("uv")
    if found is None:
        pytest.fail("uv is not installed; it is a dependency of reprobot")
    return found


@pytest.fixture(scope="module")
def cffconvert(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    venv = tmp_path_factory.mktemp("cffconvert") / "venv"
    made = runner.run(
        (_uv(), "venv", "--quiet", "--python", sys.executable, str(venv)), timeout=300
    )
    assert made.ok, made.tail()
    python = venv / "bin" / "python"
    installed = runner.run(
        (_uv(), "pip", "install", "--quiet", "--python", str(python), "cffconvert==2.0.0"),
        timeout=600,
    )
    if not installed.ok:
        unreachable = any(word in installed.output.lower() for word in NETWORK_WORDS)
        if unreachable and not os.environ.get("CI"):
            pytest.skip(f"package index unreachable: {installed.tail(3)}")
        pytest.fail(f"could not install cffconvert: {installed.tail(20)}")
    yield venv / "bin" / "cffconvert"


def validate(cffconvert: Path, text: str, tmp_path: Path, name: str) -> runner.RunOutcome:
    target = tmp_path / "validate" / name
    target.mkdir(parents=True)
    (target / "CITATION.cff").write_text(text, encoding="utf-8")
    return runner.run(
        (str(cffconvert), "--validate", "-i", "CITATION.cff"), cwd=target, timeout=120
    )


def _generated(root: Path) -> str:
    result = {r.code: r for r in check_repository(root, select=("CIT001",)).checks}["CIT001"]
    assert result.status is Status.FAIL
    return result.fixes[0].files["CITATION.cff"]


def _package_repo(tmp_path: Path) -> Path:
    pyproject = (
        '[project]\nname = "ocean-heat"\nversion = "1.2.0"\n'
        'description = "Ocean heat: a reanalysis # with \\"quotes\\" and yes"\n'
        'license = "MIT OR Apache-2.0"\nkeywords = ["ocean", "on", "2024"]\n'
        'authors = [{ name = "Jane Doe", email = "jane@uni.example.org" }, '
        '{ name = "Ocean Lab, University of Somewhere" }, { name = "Doe, John" }]\n'
    )
    root = make_repo(tmp_path, {"pyproject.toml": pyproject}, name="package")
    git(root, "remote", "add", "origin", "git@github.com:ocean-lab/ocean-heat.git")
    git(root, "tag", "v1.2.0")
    return root


def _git_authors_repo(tmp_path: Path) -> Path:
    root = make_repo(tmp_path, {"LICENSE": "SPDX-License-Identifier: BSD-3-Clause\n"}, name="g")
    for who in (
        "Ludwig van Beethoven <lvb@music.example.org>",
        "José Müller-Lüdenscheidt <jose@uni.example.de>",
        "octocat <octo@localhost>",
        "Martin Luther King Jr. <mlk@example.org>",
    ):
        git(root, "commit", "-q", "--allow-empty", "-m", "work", f"--author={who}")
    git(root, "tag", "0.3")
    return root


def _paper_repo(tmp_path: Path) -> Path:
    """A paper's companion: a Zenodo badge, a README title, the paper's BibTeX, ORCIDs."""
    readme = (
        "[![DOI](https://zenodo.org/badge/DOI/10.5281/zenodo.4242.svg)](https://x)\n\n"
        "# Heat waves in the *Baltic*\n\n## Citing this work\n\n```bibtex\n"
        "@inproceedings{doe, author = {Doe, Jane and van Dyke, Dick and {ACME Lab}},\n"
        "  title = {Heat {waves}}, booktitle = {Proc. Ocean}, year = 2024, month = mar,\n"
        "  pages = {1--9}, doi = {10.1000/x.1}, publisher = {ACM}}\n```\n"
    )
    zenodo = (
        '{"creators": [{"name": "Doe, Jane", "orcid": "0000-0002-1825-0097", '
        '"affiliation": "Uni"}]}'
    )
    return make_repo(tmp_path, {"README.md": readme, ".zenodo.json": zenodo}, name="paper")


def test_generated_files_pass_cffconvert(cffconvert: Path, tmp_path: Path) -> None:
    texts = {
        "package": _generated(_package_repo(tmp_path)),
        "git-authors": _generated(_git_authors_repo(tmp_path)),
        "paper": _generated(_paper_repo(tmp_path)),
        "nothing-known": _generated(make_repo(tmp_path, {"run.py": ""}, git_init=False, name="n")),
    }
    assert "preferred-citation:" in texts["paper"]
    assert "orcid:" in texts["paper"]
    for name, text in texts.items():
        outcome = validate(cffconvert, text, tmp_path, name)
        assert outcome.ok, f"{name}:\n{text}\n{outcome.tail()}"
        assert "valid" in outcome.output.lower()


def test_a_corrected_file_passes_cffconvert(cffconvert: Path, tmp_path: Path) -> None:
    root = _package_repo(tmp_path)
    stale = _generated(root).replace('version: "1.2.0"', "version: 1.0.0  # stale")
    (root / "CITATION.cff").write_text(stale)
    result = {r.code: r for r in check_repository(root, select=("CIT",)).checks}["CIT003"]
    assert result.status is Status.FAIL
    corrected = result.fixes[0].files["CITATION.cff"]
    assert "# stale" in corrected
    outcome = validate(cffconvert, corrected, tmp_path, "corrected")
    assert outcome.ok, outcome.tail()


def test_cffconvert_and_reprobot_agree_on_a_bad_file(cffconvert: Path, tmp_path: Path) -> None:
    bad = (
        "cff-version: 1.2.0\nmessage: Cite me\ntitle: x\n"
        "authors:\n  - given-names: Jane\n    orcid: 0000-0002-1825-0097\n"
    )
    assert not validate(cffconvert, bad, tmp_path, "bad").ok
    root = make_repo(tmp_path, {"CITATION.cff": bad}, git_init=False, name="badrepo")
    result = {r.code: r for r in check_repository(root, select=("CIT002",)).checks}["CIT002"]
    assert result.status is Status.FAIL
    assert result.findings[0].line == 6
