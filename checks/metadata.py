"""What the repository says about itself: package metadata and git history.

Two providers for `Context.fact`: `project_metadata` reads `pyproject.toml` (PEP 621 or
Poetry) and `setup.cfg`; `git_facts` asks git for authors, the origin URL and the latest
version tag. Both return frozen data and never raise on broken input.
"""

from __future__ import annotations

import configparser
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from packaging.version import InvalidVersion, Version

from checks import runner
from checks.model import Finding
from checks.registry import Context

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

METADATA_CAP = 1024 * 1024


@dataclass(frozen=True)
class Person:
    name: str
    email: str | None = None


@dataclass(frozen=True)
class Declared:
    """A value and the file that says it."""

    value: str
    source: str


@dataclass(frozen=True)
class ProjectMetadata:
    name: Declared | None = None
    version: Declared | None = None
    description: str | None = None
    authors: tuple[Person, ...] = ()
    authors_source: str | None = None
    licences: tuple[Declared, ...] = ()  # SPDX expressions or free text
    classifiers: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    homepage: str | None = None
    scripts: tuple[str, ...] = ()
    problems: tuple[Finding, ...] = ()


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


def _str(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _strings(value: Any) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(v.strip() for v in value if isinstance(v, str) and v.strip())
    return ()


_ANGLE = re.compile(r"^\s*(?P<name>[^<]*?)\s*(?:<(?P<email>[^>]*)>)?\s*$")


def parse_person(text: str) -> Person | None:
    """`Jane Doe <jane@example.org>` (Poetry, git) as a Person."""
    match = _ANGLE.match(text)
    if match is None:
        return None
    name, email = match["name"].strip(), (match["email"] or "").strip() or None
    if not name and email:
        name = email.split("@")[0]
    return Person(name, email) if name else None


def _pep621(project: Mapping[str, Any], source: str) -> dict[str, Any]:
    dynamic = set(_strings(project.get("dynamic")))
    out: dict[str, Any] = {}
    if name := _str(project.get("name")):
        out["name"] = Declared(name, source)
    if "version" not in dynamic and (version := _str(project.get("version"))):
        out["version"] = Declared(version, source)
    out["description"] = _str(project.get("description"))
    authors: list[Person] = []
    for entry in project.get("authors") or []:
        if isinstance(entry, Mapping):
            name, email = _str(entry.get("name")), _str(entry.get("email"))
            if name or email:
                authors.append(Person(name or (email or "").split("@")[0], email))
    out["authors"] = tuple(authors)
    out["authors_source"] = source if authors else None
    licence = project.get("license")
    if isinstance(licence, str) and licence.strip():
        out["licences"] = (Declared(licence.strip(), source),)
    elif isinstance(licence, Mapping) and (text := _str(licence.get("text"))):
        out["licences"] = (Declared(text, source),)
    out["classifiers"] = _strings(project.get("classifiers"))
    out["keywords"] = _strings(project.get("keywords"))
    urls = project.get("urls")
    if isinstance(urls, Mapping):
        lowered = {str(k).lower(): v for k, v in urls.items()}
        out["homepage"] = _str(lowered.get("homepage")) or _str(lowered.get("documentation"))
    scripts = project.get("scripts")
    out["scripts"] = tuple(str(k) for k in scripts) if isinstance(scripts, Mapping) else ()
    return out


def _poetry(poetry: Mapping[str, Any], source: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if name := _str(poetry.get("name")):
        out["name"] = Declared(name, source)
    if version := _str(poetry.get("version")):
        out["version"] = Declared(version, source)
    out["description"] = _str(poetry.get("description"))
    people = (parse_person(a) for a in _strings(poetry.get("authors")))
    out["authors"] = tuple(p for p in people if p is not None)
    out["authors_source"] = source if out["authors"] else None
    if licence := _str(poetry.get("license")):
        out["licences"] = (Declared(licence, source),)
    out["classifiers"] = _strings(poetry.get("classifiers"))
    out["keywords"] = _strings(poetry.get("keywords"))
    out["homepage"] = _str(poetry.get("homepage")) or _str(poetry.get("documentation"))
    scripts = poetry.get("scripts")
    out["scripts"] = tuple(str(k) for k in scripts) if isinstance(scripts, Mapping) else ()
    return out


def _setup_cfg(text: str, source: str) -> dict[str, Any]:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read_string(text, source=source)
    if not parser.has_section("metadata"):
        return {}
    meta = parser["metadata"]
    out: dict[str, Any] = {}
    if name := _str(meta.get("name")):
        out["name"] = Declared(name, source)
    version = _str(meta.get("version"))
    if version and ":" not in version:  # `attr:` and `file:` are not static versions
        out["version"] = Declared(version, source)
    out["description"] = _str(meta.get("description"))
    names = [n.strip() for n in (meta.get("author") or "").split(",") if n.strip()]
    emails = [e.strip() for e in (meta.get("author_email") or "").split(",") if e.strip()]
    out["authors"] = tuple(
        Person(n, emails[i] if i < len(emails) and len(emails) == len(names) else None)
        for i, n in enumerate(names)
    )
    out["authors_source"] = source if names else None
    if licence := _str(meta.get("license")):
        out["licences"] = (Declared(licence, source),)
    out["classifiers"] = tuple(c.strip() for c in meta.get("classifiers", "").splitlines() if c)
    out["keywords"] = tuple(k.strip() for k in meta.get("keywords", "").split(",") if k.strip())
    out["homepage"] = _str(meta.get("url"))
    return out


def _merge(first: dict[str, Any], second: dict[str, Any]) -> dict[str, Any]:
    """Values from `first` win; `second` fills what `first` leaves empty."""
    merged = dict(second)
    merged.update({k: v for k, v in first.items() if v})
    return merged


def project_metadata(ctx: Context) -> ProjectMetadata:
    """Name, version, authors, licence... from pyproject.toml, then setup.cfg."""
    snapshot = ctx.snapshot
    facts: dict[str, Any] = {}
    problems: list[Finding] = []
    if snapshot.exists("pyproject.toml"):
        read = snapshot.read_text("pyproject.toml", cap=METADATA_CAP)
        try:
            data = tomllib.loads(read.text) if read.ok else {}
        except tomllib.TOMLDecodeError as exc:
            data = {}
            problems.append(Finding(f"not valid TOML: {exc}", path="pyproject.toml"))
        if read.problem:
            problems.append(Finding(read.problem, path="pyproject.toml"))
        project, tool = data.get("project"), data.get("tool")
        if isinstance(project, Mapping):
            facts = _pep621(project, "pyproject.toml")
        poetry = tool.get("poetry") if isinstance(tool, Mapping) else None
        if isinstance(poetry, Mapping):
            facts = _merge(facts, _poetry(poetry, "pyproject.toml"))
    if snapshot.exists("setup.cfg"):
        read = snapshot.read_text("setup.cfg", cap=METADATA_CAP)
        try:
            facts = _merge(facts, _setup_cfg(read.text, "setup.cfg")) if read.ok else facts
        except configparser.Error as exc:
            problems.append(Finding(f"not a valid setup.cfg: {exc}", path="setup.cfg"))
    return ProjectMetadata(**facts, problems=tuple(problems))


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


def _git_authors(root: Any) -> tuple[Person, ...]:
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


def _latest_tag(root: Any) -> Tag | None:
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
    return GitFacts(
        authors=_git_authors(root),
        repository_url=normalise_remote(remote.stdout) if remote.ok else None,
        latest_tag=_latest_tag(root),
    )
