"""What git says about the repository: authors, the origin URL, the latest version tag.

`git_facts` is a provider for `Context.fact`; every git call goes through `checks.runner`
and a failing one (no commits, no remote, not a repository) just leaves the fact empty.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from packaging.version import InvalidVersion, Version

from checks.core import runner
from checks.core.check import Context
from checks.repo.metadata import Person, parse_person


@dataclass(frozen=True)
class Tag:
    name: str
    version: str  # the tag without a leading "v"
    date: str | None = None  # YYYY-MM-DD of the tag (or its commit)


@dataclass(frozen=True)
class GitFacts:
    authors: tuple[Person, ...] = ()
    repository_url: str | None = None
    latest_tag: Tag | None = None
    shallow: bool = False  # a shallow clone (CI's default) has few commits and no tags


_SCP = re.compile(r"^(?:[\w.+-]+@)?(?P<host>[\w.-]+):(?!//)(?P<path>[^\s]+)$")
_URL = re.compile(
    r"^(?:git\+)?(?:https?|ssh|git)://(?:[^@/\s]*@)?(?P<host>[\w.-]+)(?::\d+)?/(?P<path>\S+)$"
)


def normalise_remote(url: str) -> str | None:
    """`git@github.com:o/r.git` -> `https://github.com/o/r`; credentials are dropped."""
    url = url.strip()
    match = _URL.match(url) or _SCP.match(url)
    if match is None or match["host"] in ("", "localhost"):
        return None
    path = match["path"].rstrip("/")
    path = path.removesuffix(".git").strip("/")
    if not path or ".." in path.split("/"):
        return None
    return f"https://{match['host'].lower()}/{path}"


_BOTS = re.compile(r"\[bot\]|^dependabot|^github-actions|^pre-commit-ci|^renovate", re.I)


def _git_authors(root: Path) -> tuple[Person, ...]:
    out = runner.git(root, "shortlog", "-sne", "HEAD")
    people: dict[str, Person] = {}
    for line in out.stdout.splitlines() if out.ok else ():
        _, _, who = line.strip().partition("\t")
        person = parse_person(who)
        if person is None or _BOTS.search(person.name):
            continue
        if person.email and person.email.endswith("users.noreply.github.com"):
            person = Person(person.name)  # the author chose to hide the address
        people.setdefault(person.name.casefold(), person)
    return tuple(people.values())


def version_of_tag(name: str) -> str | None:
    """The version a tag names (`v1.2.0` -> `1.2.0`), or None if it names none."""
    text = name[1:] if name[:1] in ("v", "V") else name
    try:
        Version(text)
    except InvalidVersion:
        return None
    return text


def same_version(first: str, second: str) -> bool:
    """Equal as versions (`1.2` == `1.2.0`), or as text when either is no version."""
    try:
        return Version(first) == Version(second)
    except InvalidVersion:
        return first.strip() == second.strip()


def _latest_tag(root: Path) -> Tag | None:
    out = runner.git(
        root,
        "for-each-ref",
        "--merged",
        "HEAD",
        "--format=%(refname:short)%09%(creatordate:short)",
        "refs/tags",
    )
    best: tuple[Version, Tag] | None = None
    for line in out.stdout.splitlines() if out.ok else ():
        name, _, date = line.partition("\t")
        text = version_of_tag(name.strip())
        if text is None:
            continue
        key = Version(text)
        if best is None or key > best[0]:
            best = (key, Tag(name.strip(), text, date.strip() or None))
    return best[1] if best else None


def git_facts(ctx: Context) -> GitFacts:
    """Authors (by commits, mailmap applied), origin URL and the latest version tag."""
    if not ctx.snapshot.is_git:
        return GitFacts()
    root = ctx.root
    remote = runner.git(root, "remote", "get-url", "origin")
    shallow = runner.git(root, "rev-parse", "--is-shallow-repository").stdout.strip() == "true"
    return GitFacts(
        authors=_git_authors(root),
        repository_url=normalise_remote(remote.stdout) if remote.ok else None,
        latest_tag=_latest_tag(root),
        shallow=shallow,
    )
