"""Git history as authors: one person per set of identities, bots left out."""

from __future__ import annotations

from pathlib import Path

import pytest

from reprobot.checks.core.check import Context
from reprobot.checks.core.snapshot import Snapshot
from reprobot.checks.repo.git import git_facts, is_bot, merge_identities
from reprobot.checks.repo.metadata import Person
from tests.helpers import git, make_repo


def commit_as(root: Path, *authors: str) -> None:
    for who in authors:
        git(root, "commit", "-q", "--allow-empty", "-m", "work", f"--author={who}")


def test_two_git_identities_of_one_person_give_one_author(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {"a.py": ""})
    commit_as(
        root,
        # the same address under a nickname and the full name
        "Raph <raphael@evobio.example.eu>",
        "Raph <raphael@evobio.example.eu>",
        "Raphaël Scherrer <raphael@evobio.example.eu>",
        # the same name with a work address and GitHub's no-reply address
        "Henry Schreiner <henry@cern.example.ch>",
        "Henry Schreiner <4616906+henryiii@users.noreply.github.com>",
        "henry schreiner <henry.s@gmail.example.com>",
    )
    authors = git_facts(Context(Snapshot(root))).authors
    assert authors == (
        Person("Raphaël Scherrer", "raphael@evobio.example.eu"),
        Person("Henry Schreiner", "henry@cern.example.ch"),
        Person("Ada Lovelace", "ada@example.org"),
    )


def test_bots_are_left_out(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {"a.py": ""})
    commit_as(
        root,
        "dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>",
        "github-actions <41898282+github-actions[bot]@users.noreply.github.com>",
        "GitHub Action <action@github.com>",
        "pre-commit-ci[bot] <66853113+pre-commit-ci[bot]@users.noreply.github.com>",
        "renovate-bot <bot@renovateapp.example.com>",
        "Grace Hopper <grace@navy.example.mil>",
    )
    names = [p.name for p in git_facts(Context(Snapshot(root))).authors]
    assert names == ["Ada Lovelace", "Grace Hopper"]


@pytest.mark.parametrize(
    ("person", "bot"),
    [
        (Person("dependabot-preview[bot]", "x@users.noreply.github.com"), True),
        (Person("github-actions", "41898282+github-actions[bot]@users.noreply.github.com"), True),
        (Person("GitHub", "noreply@github.com"), True),
        (Person("allcontributors[bot]"), True),
        (Person("Abbott Smith", "abbott@example.org"), False),  # "bot" inside a name is fine
        (Person("Robot Jones"), False),
    ],
)
def test_what_counts_as_a_bot(person: Person, bot: bool) -> None:
    assert is_bot(person) is bot


def test_merging_keeps_the_fullest_name_and_the_busiest_real_address() -> None:
    merged = merge_identities(
        [
            (40, Person("jdoe", "jane@uni.example.org")),
            (3, Person("Jane Doe", "12+jdoe@users.noreply.github.com")),
            (5, Person("Jane Doe", "jane@home.example.net")),
            (50, Person("Bob Roe", "bob@x.example.org")),
            (2, Person("root", "root@localhost")),  # no real address: joins nobody
            (1, Person("Eve Poe", "root@localhost")),
        ]
    )
    assert merged == (
        Person("Bob Roe", "bob@x.example.org"),
        Person("Jane Doe", "jane@uni.example.org"),
        Person("root", "root@localhost"),
        Person("Eve Poe", "root@localhost"),
    )
