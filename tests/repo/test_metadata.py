"""What a repository says about itself: package metadata, git authors, remote and tags."""

from __future__ import annotations

from pathlib import Path

import pytest

from reprobot.checks.core.check import Context
from reprobot.checks.core.snapshot import Snapshot
from reprobot.checks.families.citation.writer import CffAuthor, split_name
from reprobot.checks.manifests import read_manifest
from reprobot.checks.repo.git import git_facts, normalise_remote, same_version, version_of_tag
from reprobot.checks.repo.metadata import Declared, Person, parse_person, project_metadata
from tests.helpers import git, make_repo


def ctx(root: Path) -> Context:
    return Context(Snapshot(root))


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("git@github.com:o/r.git", "https://github.com/o/r"),
        ("git@gitlab.example.org:group/sub/r", "https://gitlab.example.org/group/sub/r"),
        ("ssh://git@github.com:22/o/r.git", "https://github.com/o/r"),
        ("https://x-access-token:ghs_secret@github.com/o/r.git", "https://github.com/o/r"),
        ("http://github.com/o/r/", "https://github.com/o/r"),
        ("git://github.com/o/r.git", "https://github.com/o/r"),
        ("/home/me/repos/r", None),
        ("file:///srv/git/r.git", None),
        ("../r", None),
    ],
)
def test_remote_urls_are_normalised_without_credentials(url: str, expected: str | None) -> None:
    assert normalise_remote(url) == expected


def test_pep621_metadata(tmp_path: Path) -> None:
    pyproject = """\
[project]
name = "ocean-heat"
version = "1.2.0"
description = "Ocean heat content"
license = { text = "MIT" }
authors = [{ name = "Jane Doe", email = "jane@uni.example.org" }, { email = "rp@lab.example.org" }]
keywords = ["ocean"]
classifiers = ["License :: OSI Approved :: MIT License"]
urls = { Homepage = "https://heat.example.org" }
scripts = { heat = "heat:main" }
"""
    meta = project_metadata(ctx(make_repo(tmp_path, {"pyproject.toml": pyproject}, git_init=False)))
    assert meta.name == Declared("ocean-heat", "pyproject.toml")
    assert meta.version == Declared("1.2.0", "pyproject.toml")
    assert meta.description == "Ocean heat content"
    assert meta.authors == (
        Person("Jane Doe", "jane@uni.example.org"),
        Person("rp", "rp@lab.example.org"),
    )
    assert meta.authors_source == "pyproject.toml"
    assert meta.licences == (Declared("MIT", "pyproject.toml"),)
    assert meta.keywords == ("ocean",)
    assert meta.homepage == "https://heat.example.org"
    assert meta.scripts == ("heat",)
    assert meta.problems == ()


def test_dynamic_version_is_not_a_static_version(tmp_path: Path) -> None:
    pyproject = '[project]\nname = "x"\ndynamic = ["version"]\nversion = "9.9"\n'
    meta = project_metadata(ctx(make_repo(tmp_path, {"pyproject.toml": pyproject}, git_init=False)))
    assert meta.version is None


def test_poetry_and_setup_cfg_fill_the_gaps(tmp_path: Path) -> None:
    pyproject = (
        '[tool.poetry]\nname = "heat"\nversion = "0.3.0"\n'
        'authors = ["Ravi Patel <ravi@lab.example.org>"]\nlicense = "BSD-3-Clause"\n'
    )
    setup_cfg = (
        "[metadata]\nname = other\nversion = attr: heat.__version__\n"
        "description = From setup.cfg %(not interpolated)s\nauthor = A, B\n"
    )
    root = make_repo(
        tmp_path, {"pyproject.toml": pyproject, "setup.cfg": setup_cfg}, git_init=False
    )
    meta = project_metadata(ctx(root))
    assert meta.name == Declared("heat", "pyproject.toml")
    assert meta.version == Declared("0.3.0", "pyproject.toml")
    assert meta.authors == (Person("Ravi Patel", "ravi@lab.example.org"),)
    assert meta.licences == (Declared("BSD-3-Clause", "pyproject.toml"),)
    assert meta.description == "From setup.cfg %(not interpolated)s"


def test_setup_cfg_alone(tmp_path: Path) -> None:
    setup_cfg = "[metadata]\nname = heat\nversion = 2.0\nauthor = Jane Doe\nlicense = MIT\n"
    meta = project_metadata(ctx(make_repo(tmp_path, {"setup.cfg": setup_cfg}, git_init=False)))
    assert meta.version == Declared("2.0", "setup.cfg")
    assert meta.authors == (Person("Jane Doe"),)
    assert meta.authors_source == "setup.cfg"


def test_broken_pyproject_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {"pyproject.toml": "[project\nname = 1\n"}, git_init=False)
    meta = project_metadata(ctx(root))
    assert meta.name is None
    assert meta.problems[0].path == "pyproject.toml"
    assert "not valid TOML" in meta.problems[0].message


def test_broken_pyproject_gives_the_same_finding_as_the_manifests(tmp_path: Path) -> None:
    files = {"pyproject.toml": "[project]\nname = 'x'\nversion = \n"}
    root = make_repo(tmp_path, files, git_init=False)
    meta = project_metadata(ctx(root))
    manifests = read_manifest(Snapshot(root))
    assert meta.problems == manifests.problems
    assert meta.problems[0].line == 3


def test_git_facts(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {"a.py": ""})
    git(root, "commit", "-q", "--allow-empty", "-m", "x", "--author=Bob Roe <bob@x.example.org>")
    git(root, "commit", "-q", "--allow-empty", "-m", "x", "--author=Bob Roe <bob@x.example.org>")
    git(root, "commit", "-q", "--allow-empty", "-m", "x", "--author=bot [bot] <b@x.example.org>")
    git(root, "tag", "v0.9.0")
    git(root, "tag", "v0.10.0")
    git(root, "tag", "v2.0.0-not-a-version")
    git(root, "remote", "add", "origin", "git@github.com:lab/heat.git")
    facts = git_facts(ctx(root))
    assert facts.authors == (
        Person("Bob Roe", "bob@x.example.org"),
        Person("Ada Lovelace", "ada@example.org"),
    )
    assert facts.repository_url == "https://github.com/lab/heat"
    assert facts.latest_tag is not None
    assert (facts.latest_tag.name, facts.latest_tag.version) == ("v0.10.0", "0.10.0")
    assert facts.latest_tag.date == git(root, "log", "-1", "--format=%cs").strip()


def test_not_a_git_repository_has_no_git_facts(tmp_path: Path) -> None:
    facts = git_facts(ctx(make_repo(tmp_path, {"a.py": ""}, git_init=False)))
    assert (facts.authors, facts.repository_url, facts.latest_tag) == ((), None, None)


def test_people_tags_and_versions() -> None:
    assert parse_person("Jane Doe <jane@x.org>") == Person("Jane Doe", "jane@x.org")
    assert parse_person("<only@x.org>") == Person("only", "only@x.org")
    assert version_of_tag("v1.2.0") == "1.2.0"
    assert version_of_tag("paper") is None
    assert same_version("1.2", "1.2.0")
    assert not same_version("1.2.0", "1.3.0")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Jane Doe", CffAuthor(given="Jane", family="Doe")),
        ("Mary Ann Smith", CffAuthor(given="Mary Ann", family="Smith")),
        ("Doe, Jane", CffAuthor(given="Jane", family="Doe")),
        ("Alexander von Humboldt", CffAuthor("Alexander", "Humboldt", "von")),
        ("Martin Luther King Jr.", CffAuthor("Martin Luther", "King", suffix="Jr.")),
        ("José Müller-Lüdenscheidt", CffAuthor(given="José", family="Müller-Lüdenscheidt")),
        ("Seán O'Brien", CffAuthor(given="Seán", family="O'Brien")),
        ("octocat", CffAuthor(name="octocat")),
        ("user123 dev", CffAuthor(name="user123 dev")),
        ("The Heat Study Team", CffAuthor(name="The Heat Study Team")),
        (
            "Ocean Lab, University of Somewhere",
            CffAuthor(name="Ocean Lab, University of Somewhere"),
        ),
    ],
)
def test_names_split_into_given_and_family(name: str, expected: CffAuthor) -> None:
    assert split_name(name) == expected


def test_emails_that_cff_rejects_are_dropped() -> None:
    assert split_name("Jane Doe", "jane@localhost").email is None
    assert split_name("Jane Doe", "jane@uni.example.org").email == "jane@uni.example.org"


def test_shallow_clone_is_noticed(tmp_path: Path) -> None:
    origin = make_repo(tmp_path, {"a.py": ""}, name="origin")
    git(origin, "commit", "-q", "--allow-empty", "-m", "two")
    git(origin, "tag", "v1.0.0")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", "--no-tags", f"file://{origin}", str(clone))
    facts = git_facts(ctx(clone))
    assert facts.shallow is True
    assert facts.latest_tag is None
    assert git_facts(ctx(origin)).shallow is False
