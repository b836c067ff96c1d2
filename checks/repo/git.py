"""What git says about the repository: authors, the origin URL, the latest version tag.

`git_facts` is a provider for `Context.fact`; every git call goes through `checks.runner`
and a failing one (no commits, no remote, not a repository) just leaves the fact empty.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from packaging.version import InvalidVersion, Version

from reprobot.checks.core import runner
from reprobot.checks.core.check import Context
from reprobot.checks.repo.metadata import Person, parse_person


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


_BOT_NAME = re.compile(
    r"\[bot\]|(^|[-_ .])bot$|^dependabot|^github[- ]actions?\b|^github$|^pre-commit-ci|^renovate|"
    r"^greenkeeper|^allcontributors|^all-contributors|^codecov|^imgbot|^snyk|^mergify|"
    r"^web-flow$|^semantic-release|^copilot$",
    re.I,
)
_BOT_EMAIL = re.compile(
    r"\[bot\]@|^(noreply|action|actions|github-actions)@github\.com$|^bot@|-bot@", re.I
)
_NOREPLY = "users.noreply.github.com"
_REAL_EMAIL = re.compile(r"^[^@\s]+@(?!localhost$)[^@\s]+\.[^@\s]{2,}$", re.I)


def is_bot(person: Person) -> bool:
    """Dependabot, GitHub Actions, pre-commit.ci, Renovate and other automated committers."""
    return bool(_BOT_NAME.search(person.name) or _BOT_EMAIL.search(person.email or ""))


def _name_key(name: str) -> str:
    return " ".join(name.replace(",", " ").split()).casefold()


def _full(name: str) -> bool:
    """A name with a given and a family part, not a handle."""
    return len(name.split()) >= 2 and not re.search(r"[\d@_]", name)


def merge_identities(counted: list[tuple[int, Person]]) -> tuple[Person, ...]:
    """One person per set of git identities that share an e-mail address or a name.

    A GitHub no-reply address also names its account's login (`12+jdoe@...` is `jdoe`).
    The name kept is the fullest (given and family, then most commits); the e-mail is the
    real address with most commits (GitHub's no-reply addresses only join identities).
    People come in order of commits, most first.
    """
    parent = list(range(len(counted)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    seen: dict[str, int] = {}
    for index, (_, person) in enumerate(counted):
        keys = ["name:" + _name_key(person.name)]
        if person.email and _REAL_EMAIL.match(person.email):
            keys.append("email:" + person.email.casefold())
        if person.email and person.email.casefold().endswith(_NOREPLY):
            login = person.email.partition("@")[0].rpartition("+")[2]
            keys.append("name:" + login.casefold())  # the GitHub account's login
        for key in keys:
            if key in seen:
                parent[root(index)] = root(seen[key])
            else:
                seen[key] = index
    groups: dict[int, list[tuple[int, Person]]] = {}
    for index, item in enumerate(counted):
        groups.setdefault(root(index), []).append(item)
    people = []
    for members in groups.values():
        total = sum(n for n, _ in members)
        best = max(members, key=lambda m: (_full(m[1].name), m[0], len(m[1].name)))[1]
        emails = [(n, p.email) for n, p in members if p.email and not p.email.endswith(_NOREPLY)]
        email = max(emails, key=lambda e: e[0])[1] if emails else None
        people.append((total, Person(best.name, email)))
    people.sort(key=lambda p: -p[0])
    return tuple(p for _, p in people)


def _git_authors(root: Path) -> tuple[Person, ...]:
    out = runner.git(root, "shortlog", "-sne", "HEAD")
    counted: list[tuple[int, Person]] = []
    for line in out.stdout.splitlines() if out.ok else ():
        count, _, who = line.strip().partition("\t")
        person = parse_person(who)
        if person is None or is_bot(person):
            continue
        counted.append((int(count) if count.strip().isdigit() else 1, person))
    return merge_identities(counted)


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
