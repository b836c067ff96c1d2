"""What an audit's sources name: plain data, and files that list repositories."""

from __future__ import annotations

from pathlib import Path

import pytest

from reprobot.bot.audit.sources import SourceError, Target, targets_of
from tests.helpers import make_repo

SERVER = "https://github.com"


def test_urls_and_slugs_with_refs() -> None:
    found = targets_of(
        [
            "https://github.com/pypa/sampleproject",
            "https://github.com/scikit-hep/hepunits.git@v2.3.0",
            "jaraco/jaraco.functools@main",
            "https://gitlab.example/lab/paper-code/tree/v1",
        ],
        server=SERVER,
        lister=None,
    )
    assert found == [
        Target(
            "pypa+sampleproject",
            "https://github.com/pypa/sampleproject.git",
            None,
            "https://github.com/pypa/sampleproject",
        ),
        Target(
            "scikit-hep+hepunits",
            "https://github.com/scikit-hep/hepunits.git",
            "v2.3.0",
            "https://github.com/scikit-hep/hepunits.git@v2.3.0",
        ),
        Target(
            "jaraco+jaraco.functools",
            "https://github.com/jaraco/jaraco.functools.git",
            "main",
            "jaraco/jaraco.functools@main",
        ),
        Target(
            "lab+paper-code",
            "https://gitlab.example/lab/paper-code.git",
            "v1",
            "https://gitlab.example/lab/paper-code/tree/v1",
        ),
    ]


def test_each_repository_once() -> None:
    found = targets_of(
        ["pypa/sampleproject", "https://github.com/pypa/sampleproject"], server=SERVER, lister=None
    )
    assert [t.slug for t in found] == ["pypa+sampleproject"]


def test_local_paths_and_a_ref(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"a.py": "x = 1\n"}, name="lab+study")
    plain = make_repo(tmp_path, {"b.py": "y = 2\n"}, name="thesis")
    found = targets_of([str(repo), f"{plain}@main"], server=SERVER, lister=None)
    assert [(t.slug, t.url, t.ref) for t in found] == [
        ("lab+study", repo.resolve().as_uri(), None),
        ("local+thesis", plain.resolve().as_uri(), "main"),
    ]


def test_a_list_file_with_comments_and_relative_paths(tmp_path: Path) -> None:
    make_repo(tmp_path, {"a.py": ""}, name="here")
    listing = tmp_path / "repos.txt"
    listing.write_text("# the lab's repositories\npypa/sampleproject\n\nhere  # local\n")
    found = targets_of([str(listing)], server=SERVER, lister=None)
    assert [t.slug for t in found] == ["pypa+sampleproject", "local+here"]


def test_a_csv_with_a_repository_column(tmp_path: Path) -> None:
    listing = tmp_path / "papers.csv"
    listing.write_text(
        'doi,Repository URL,year\n10.1/x,https://github.com/a/one,2019\n10.1/y,"b/two@v2",2021\n'
    )
    found = targets_of([str(listing)], server=SERVER, lister=None)
    assert [(t.slug, t.ref) for t in found] == [("a+one", None), ("b+two", "v2")]


def test_a_bad_line_names_the_file_and_line(tmp_path: Path) -> None:
    listing = tmp_path / "repos.txt"
    listing.write_text("pypa/sampleproject\nnot a repository at all\n")
    with pytest.raises(SourceError, match=r"repos\.txt:2: not a repository at all: not a repo"):
        targets_of([str(listing)], server=SERVER, lister=None)


def test_a_binary_file_is_not_a_list(tmp_path: Path) -> None:
    blob = tmp_path / "data.bin"
    blob.write_bytes(b"\x00\x01" * 100)
    with pytest.raises(SourceError, match="not a list of repositories"):
        targets_of([str(blob)], server=SERVER, lister=None)


def test_owners_and_searches_go_to_the_lister() -> None:
    asked: list[tuple[str, str]] = []

    def lister(kind: str, value: str) -> list[tuple[str, str]]:
        asked.append((kind, value))
        return [
            (f"{value.split(maxsplit=1)[0]}/r{i}", f"https://github.com/x/r{i}.git")
            for i in range(2)
        ]

    found = targets_of(
        ["org:octo-lab", "search:topic:reproducibility stars:>5", "someone"],
        server=SERVER,
        lister=lister,
    )
    assert asked == [
        ("owner", "octo-lab"),
        ("search", "topic:reproducibility stars:>5"),
        ("owner", "someone"),
    ]
    assert [t.slug for t in found][:2] == ["octo-lab+r0", "octo-lab+r1"]


def test_listing_without_the_api_says_what_to_set() -> None:
    with pytest.raises(SourceError, match="GITHUB_TOKEN"):
        targets_of(["org:octo-lab"], server=SERVER, lister=None)
