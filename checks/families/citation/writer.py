"""Writing CITATION.cff: a new file from what the repository says, and exact edits of one.

A new file (the fact `generated_citation`) is rendered from `templates/CITATION.cff.j2`
with every value quoted by the `yaml_str` filter. Edits (a corrected version or date) go
through ruamel's round-trip dumper, so comments, key order and quoting survive.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ruamel.yaml.error import YAMLError

from checks.core.check import Context
from checks.core.templates import render
from checks.families.citation.cff import licence_ids, yaml_loader
from checks.repo.git import GitFacts, git_facts, same_version
from checks.repo.licences import LicenceHolders, canonical, licence_files, licence_holders
from checks.repo.metadata import ProjectMetadata, project_metadata
from checks.repo.readme import ReadmeTitle, readme_title

MAX_AUTHORS = 50
_EMAIL = re.compile(r"^[\S]+@[\S]+\.[\S]{2,}$")
_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})
_PARTICLES = frozenset(
    {"van", "von", "der", "den", "de", "del", "della", "di", "da", "du", "la", "le", "ter", "zu"}
)
_GROUP = re.compile(
    r"\b(team|group|lab|laboratory|university|institute|centre|center|consortium|project|"
    r"contributors|authors|developers|maintainers|inc|ltd|llc|gmbh|foundation|society|"
    r"association|organi[sz]ation|department|community|collaboration)\b",
    re.I,
)


@dataclass(frozen=True)
class CffAuthor:
    """A person (given/family names) or, when the name does not split, an entity (`name`)."""

    given: str | None = None
    family: str | None = None
    particle: str | None = None
    suffix: str | None = None
    name: str | None = None
    email: str | None = None


def split_name(full: str, email: str | None = None) -> CffAuthor:
    """`Ludwig van Beethoven` -> given Ludwig, particle van, family Beethoven; `Doe, Jane`
    -> given Jane, family Doe; one word, a handle or a group name -> an entity."""
    text = " ".join(full.split())
    mail = email if email and _EMAIL.match(email) else None
    if "," in text and text.count(",") == 1:
        family, given = (p.strip() for p in text.split(","))
        if given.lower() in _SUFFIXES:
            person = split_name(family, mail)
            return CffAuthor(person.given, person.family, person.particle, given, person.name, mail)
        if family and given and not _GROUP.search(text):
            return CffAuthor(given=given, family=family, email=mail)
    words = text.split()
    suffix = words.pop() if len(words) > 2 and words[-1].lower() in _SUFFIXES else None
    plausible = all(re.fullmatch(r"[^\W\d_]+(?:[-'’.][^\W\d_]+)*\.?", w) for w in words)
    if len(words) < 2 or not plausible or _GROUP.search(text):
        return CffAuthor(name=text, email=mail)
    start = len(words) - 1
    while start > 1 and words[start - 1].lower() in _PARTICLES:
        start -= 1
    particle = " ".join(words[start:-1]) or None
    return CffAuthor(" ".join(words[:start]), words[-1], particle, suffix, None, mail)


def cff_licence(expression: str | None) -> str | list[str] | None:
    """An SPDX expression as CFF 1.2.0 accepts it: one id, or a list for `A OR B`."""
    spdx = canonical(expression) if expression else None
    if spdx is None:
        return None
    parts = re.split(r"\s+OR\s+", spdx)
    allowed = licence_ids()
    if all(p in allowed for p in parts):
        return parts[0] if len(parts) == 1 else parts
    return None


@dataclass(frozen=True)
class Generated:
    text: str
    sources: tuple[str, ...]  # where the facts came from, for the fix description
    notes: tuple[str, ...]  # what the author should check


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _title(
    meta: ProjectMetadata, git: GitFacts, fallback: str, readme: ReadmeTitle | None
) -> tuple[str, str]:
    if meta.name:
        return meta.name.value, meta.name.source
    if readme:
        return readme.title, readme.source
    if git.repository_url:
        return git.repository_url.rstrip("/").rsplit("/", 1)[-1], "the origin remote"
    return fallback, "the folder name"


def _authors(
    meta: ProjectMetadata, git: GitFacts, title: str, holders: LicenceHolders | None
) -> tuple[list[CffAuthor], str]:
    if meta.authors:
        people = [split_name(p.name, p.email) for p in meta.authors]
        return list(dict.fromkeys(people)), meta.authors_source or "the package metadata"
    if git.authors:
        people = [split_name(p.name, p.email) for p in git.authors[:MAX_AUTHORS]]
        return list(dict.fromkeys(people)), "git history (most commits first)"
    if holders and holders.names:
        people = [split_name(n) for n in holders.names]
        return list(dict.fromkeys(people)), f"the copyright line of {holders.path}"
    if git.repository_url:
        owner = git.repository_url.rstrip("/").split("/")[-2]
        return [CffAuthor(name=owner)], ""
    return [CffAuthor(name=f"The {title} authors")], ""


class _Sources:
    """Which fields came from where, in the order first met: the fix says so."""

    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}

    def add(self, where: str, field: str) -> None:
        self.fields.setdefault(where, []).append(field)

    def sentences(self) -> tuple[str, ...]:
        return tuple(f"{_and(fields)} from {where}" for where, fields in self.fields.items())

    def comment(self) -> str:
        """The places, for the comment at the top of the file."""
        return " ".join(", ".join(self.fields).split())


def _credit_authors(
    meta: ProjectMetadata,
    git: GitFacts,
    title: str,
    holders: LicenceHolders | None,
    origin: _Sources,
) -> tuple[list[CffAuthor], str | None]:
    """The authors, credited to their source, and what the author of the fix should check."""
    authors, source = _authors(meta, git, title, holders)
    if not source:
        return (
            authors,
            "no authors were found: replace the placeholder author with the people to credit",
        )
    origin.add(source, "authors")
    if git.shallow and source.startswith("git history"):
        return authors, "this is a shallow clone, so authors may be missing: fetch-depth: 0"
    return authors, None


def _release(
    meta: ProjectMetadata, git: GitFacts, today: dt.date, origin: _Sources, notes: list[str]
) -> tuple[str | None, str | None]:
    """(version, date-released): the package version, else the latest tag's; the date is
    the tag's when the version is tagged, else today's (with a note to correct it)."""
    version, released, tag = None, None, git.latest_tag
    if meta.version:
        version = meta.version.value
        origin.add(meta.version.source, "version")
        if tag and same_version(tag.version, version):
            released = tag.date
    elif tag:
        version, released = tag.version, tag.date
        origin.add(f"tag {tag.name}", "version")
    if version and released is None:
        released = today.isoformat()
        notes.append(f"date-released is today: set it to the day version {version} is published")
    return version, released


def _licence(
    meta: ProjectMetadata, licence: tuple[str, str] | None, origin: _Sources
) -> str | list[str] | None:
    """The metadata's licence in CFF form, else the licence file's (SPDX id, file)."""
    spdx = next((cff_licence(d.value) for d in meta.licences if cff_licence(d.value)), None)
    if spdx:
        origin.add(meta.licences[0].source, "licence")
    elif licence and (spdx := cff_licence(licence[0])):
        origin.add(licence[1], "licence")
    return spdx


def generate(
    meta: ProjectMetadata,
    git: GitFacts,
    *,
    fallback_title: str,
    licence: tuple[str, str] | None = None,
    readme_title: ReadmeTitle | None = None,
    holders: LicenceHolders | None = None,
    today: dt.date | None = None,
) -> Generated:
    """A CITATION.cff built from package metadata, git history and the licence file.

    `licence` is (SPDX id, file) from the licence file, used when the metadata names none;
    `readme_title` and `holders` (the licence file's copyright holders) stand in for a
    missing package name and for authors when neither metadata nor git history has any.
    """
    origin = _Sources()
    title, title_source = _title(meta, git, fallback_title, readme_title)
    origin.add(title_source, "title")
    authors, note = _credit_authors(meta, git, title, holders, origin)
    notes = [note] if note else []
    version, released = _release(meta, git, today or dt.date.today(), origin, notes)
    spdx = _licence(meta, licence, origin)
    if meta.description:
        origin.add(meta.name.source if meta.name else "metadata", "abstract")
    if git.repository_url:
        origin.add("the origin remote", "repository-code")
    url = meta.homepage if meta.homepage and meta.homepage.startswith("https://") else None
    text = render(
        "CITATION.cff.j2",
        title=title,
        abstract=meta.description,
        authors=authors,
        version=version,
        date_released=released,
        repository_code=git.repository_url,
        url=url if url != git.repository_url else None,
        licence=spdx,
        keywords=list(meta.keywords),
        sources=origin.comment(),
    )
    return Generated(text, origin.sentences(), tuple(notes))


def generated_citation(ctx: Context) -> Generated:
    """Fact provider: a new citation file from what the repository says about itself."""
    licence = next(((f.spdx, f.path) for f in ctx.fact(licence_files) if f.spdx), None)
    return generate(
        ctx.fact(project_metadata),
        ctx.fact(git_facts),
        fallback_title=ctx.root.name,
        licence=licence,
        readme_title=ctx.fact(readme_title),
        holders=ctx.fact(licence_holders),
    )


def _indentation(text: str) -> tuple[int, int]:
    """(sequence, offset) of the first block list, so an edit keeps the file's layout."""
    lines = text.splitlines()
    for index, line in enumerate(lines[1:], 1):
        stripped = line.lstrip(" ")
        if stripped.startswith("- ") and lines[index - 1].rstrip().endswith(":"):
            parent = len(lines[index - 1]) - len(lines[index - 1].lstrip(" "))
            offset = len(line) - len(stripped) - parent
            return offset + 2, offset
    return 4, 2


def edit(text: str, changes: Mapping[str, Any], *, after: str = "title") -> str | None:
    """`text` with top-level keys set to new values (added after `after` when missing),
    through ruamel's round-trip dumper; None if the file cannot be loaded."""
    yaml = yaml_loader()
    yaml.preserve_quotes = True
    yaml.width = 4096
    sequence, offset = _indentation(text)
    yaml.indent(mapping=2, sequence=sequence, offset=offset)
    try:
        document = yaml.load(text)
    except (YAMLError, ValueError, RecursionError):
        return None
    if not hasattr(document, "insert"):
        return None
    for key, value in changes.items():
        if key in document:
            document[key] = value
        else:
            keys = list(document)
            position = keys.index(after) + 1 if after in keys else len(keys)
            document.insert(position, key, value)
    out = io.StringIO()
    yaml.dump(document, out)
    return out.getvalue()
