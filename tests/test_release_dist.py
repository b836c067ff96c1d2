"""The sdist and the wheel a release publishes: licence, metadata, a README that works there."""

from __future__ import annotations

import re
import tarfile
import zipfile
from collections.abc import Iterator
from email.message import Message
from email.parser import Parser
from pathlib import Path

import pytest

from tests.test_release import ROOT, release

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def dists(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    """The sdist and the wheel, built as the release workflow builds them (uv build)."""
    out = tmp_path_factory.mktemp("dist")
    built = release.build_dists(out, ROOT)
    yield {
        "sdist": next(p for p in built if p.name.endswith(".tar.gz")),
        "wheel": next(p for p in built if p.suffix == ".whl"),
    }


def wheel_metadata(wheel: Path) -> Message:
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        return Parser().parsestr(archive.read(name).decode("utf-8"))


def test_both_distributions_carry_the_licence(dists: dict[str, Path]) -> None:
    with zipfile.ZipFile(dists["wheel"]) as archive:
        licences = [n for n in archive.namelist() if n.endswith(".dist-info/licenses/LICENSE")]
        assert len(licences) == 1
        assert archive.read(licences[0]).startswith(b"MIT License")
    with tarfile.open(dists["sdist"]) as archive:
        assert any(name.endswith("/LICENSE") for name in archive.getnames())
    metadata = wheel_metadata(dists["wheel"])
    assert metadata["License-Expression"] == "MIT"
    assert metadata["License-File"] == "LICENSE"


def test_the_index_page_has_urls_classifiers_and_keywords(dists: dict[str, Path]) -> None:
    metadata = wheel_metadata(dists["wheel"])
    urls = dict(value.split(", ", 1) for value in metadata.get_all("Project-URL") or [])
    assert {"Homepage", "Source", "Issues", "Changelog"} <= set(urls)
    assert all(url.startswith("https://github.com/reprobot/reprobot") for url in urls.values())
    classifiers = metadata.get_all("Classifier") or []
    assert "Intended Audience :: Science/Research" in classifiers
    assert "Programming Language :: Python :: 3 :: Only" in classifiers
    assert "reproducibility" in (metadata["Keywords"] or "")
    assert metadata["Version"] == release.project_version()


def test_readme_links_work_on_the_index_page(dists: dict[str, Path]) -> None:
    description = wheel_metadata(dists["wheel"]).get_payload()
    assert isinstance(description, str) and "# reprobot" in description
    targets = re.findall(r"\]\s?\(([^)\s]+)\)", description)
    targets += re.findall(r"^\[[^\]]+\]: (\S+)$", description, re.M)
    assert targets
    relative = [t for t in targets if not re.match(r"^(https?:|mailto:|#)", t)]
    assert relative == [], "a relative link breaks on the package index: make it absolute"
