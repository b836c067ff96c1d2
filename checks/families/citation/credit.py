"""Who and what a new CITATION.cff credits: the title, the authors, the DOI, the paper.

Each is taken from the first place that says it, in an order that prefers what was written
for citing (`.zenodo.json`, `codemeta.json`, BibTeX) over what merely hints at it (git
history, a copyright line). A folder name is never a title: when nothing names the work,
the file says so with a placeholder and the fix asks for the title.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from reprobot.checks.families.citation.names import CffAuthor, author_of, name_key, split_name
from reprobot.checks.repo.bibtex import CitationBibtex
from reprobot.checks.repo.git import GitFacts
from reprobot.checks.repo.licences import LicenceHolders
from reprobot.checks.repo.metadata import Person, ProjectMetadata
from reprobot.checks.repo.readme import ReadmeDois, ReadmeTitle
from reprobot.checks.repo.records import AuthorsFile, SoftwareRecord, bare_doi

MAX_AUTHORS = 50
PLACEHOLDER_TITLE = "<the title of this work>"
PLACEHOLDER_AUTHOR = "<the people to credit>"
PLACEHOLDERS = (PLACEHOLDER_TITLE, PLACEHOLDER_AUTHOR)
GIT_HISTORY = "git history (most commits first)"


@dataclass(frozen=True)
class Known:
    """Everything the repository says about how to cite it."""

    meta: ProjectMetadata = field(default_factory=ProjectMetadata)
    git: GitFacts = field(default_factory=GitFacts)
    readme: ReadmeTitle | None = None
    dois: ReadmeDois = field(default_factory=ReadmeDois)
    bibtex: CitationBibtex = field(default_factory=CitationBibtex)
    records: tuple[SoftwareRecord, ...] = ()
    authors_file: AuthorsFile | None = None
    holders: LicenceHolders | None = None


@dataclass(frozen=True)
class Credit:
    """A value and where it came from ("" when nothing said it), with a note to check."""

    value: Any
    source: str = ""
    note: str | None = None


def repository_name(git: GitFacts) -> str | None:
    """The repository's name from its origin remote (`https://github.com/o/name` -> name)."""
    url = git.repository_url
    return url.rstrip("/").rsplit("/", 1)[-1] if url else None


def title(known: Known) -> Credit:
    """The work's title: archive records, the package name, BibTeX for the software, the
    README, the remote's name; the paper's title only when nothing else names the work."""
    for record in known.records:
        if record.title:
            return Credit(record.title, record.source)
    if known.meta.name:
        return Credit(known.meta.name.value, known.meta.name.source)
    software = known.bibtex.software
    if software and (text := software.get("title")):
        return Credit(text, software.source)
    if known.readme:
        return Credit(known.readme.title, known.readme.source)
    if name := repository_name(known.git):
        return Credit(name, "the origin remote")
    paper = known.bibtex.paper
    if paper and (text := paper.get("title")):
        note = "the title is the paper's: write the title of the code or data if it has one"
        return Credit(text, paper.source, note)
    note = (
        f"no title was found (no package name, README title or git remote): replace "
        f"`{PLACEHOLDER_TITLE}` with the work's title"
    )
    return Credit(PLACEHOLDER_TITLE, "", note)


def _people(known: Known) -> list[tuple[str, tuple[Person, ...]]]:
    """Every list of people, in the order of trust."""
    found = [(r.source, r.authors) for r in known.records]
    found.append((known.meta.authors_source or "the package metadata", known.meta.authors))
    if known.authors_file:
        found.append((known.authors_file.path, known.authors_file.people))
    software, paper = known.bibtex.software, known.bibtex.paper
    if software:
        found.append((software.source, tuple(Person(n) for n in software.authors)))
    found.append((GIT_HISTORY, known.git.authors))
    if known.holders and known.holders.names:
        holders = tuple(Person(n) for n in known.holders.names)
        found.append((f"the copyright line of {known.holders.path}", holders))
    if paper:
        found.append((f"{paper.source} (the paper's authors)", paper.authors_people))
    return found


def _with_orcids(authors: list[CffAuthor], known: Known) -> list[CffAuthor]:
    """ORCIDs and affiliations other sources give the same people, added."""
    extra: dict[str, Person] = {}
    for _, people in _people(known):
        for person in people:
            if person.orcid or person.affiliation:
                extra.setdefault(name_key(split_name(person.name)), person)
    out = []
    for author in authors:
        more = extra.get(name_key(author))
        out.append(author.enriched(more.orcid, more.affiliation) if more else author)
    return out


def _one_each(authors: list[CffAuthor]) -> list[CffAuthor]:
    """One entry per person: the same name or the same e-mail address is one person."""
    out: list[CffAuthor] = []
    names: set[str] = set()
    emails: set[str] = set()
    for author in authors:
        key, mail = name_key(author), (author.email or "").casefold()
        if key in names or (mail and mail in emails):
            continue
        names.add(key)
        emails.add(mail) if mail else None
        out.append(author)
    return out


def authors(known: Known) -> Credit:
    """The authors (a list of CffAuthor) from the first source that names any."""
    for source, people in _people(known):
        if people:
            made = _one_each([author_of(p) for p in people[:MAX_AUTHORS]])
            note = None
            if known.git.shallow and source == GIT_HISTORY:
                note = "this is a shallow clone, so authors may be missing: fetch-depth: 0"
            return Credit(_with_orcids(made, known), source, note)
    if known.git.repository_url:
        owner = known.git.repository_url.rstrip("/").split("/")[-2]
        note = f"no authors were found: {owner} (the repository's owner) stands in for them"
        return Credit([CffAuthor(name=owner)], "", note)
    note = f"no authors were found: replace `{PLACEHOLDER_AUTHOR}` with the people to credit"
    return Credit([CffAuthor(name=PLACEHOLDER_AUTHOR)], "", note)


def doi(known: Known) -> Credit:
    """The work's own DOI: archive records, BibTeX for the software, the README's Zenodo
    badge, else the first archive DOI the README names (with a note to check it)."""
    for record in known.records:
        if record.doi:
            return Credit(record.doi, record.source)
    software = known.bibtex.software
    if software and (found := bare_doi(software.get("doi"))):
        return Credit(found, software.source)
    path = known.dois.path or "the README"
    if known.dois.badge and (found := bare_doi(known.dois.badge)):
        return Credit(found, f"the Zenodo badge of {path}")
    for written in known.dois.archives:
        if found := bare_doi(written):
            note = f"doi {found} is an archive {path} names: check it is this work's"
            return Credit(found, path, note)
    return Credit(None)


def other_dois(known: Known, chosen: str | None) -> tuple[str, ...]:
    """Archive DOIs the README names besides the work's DOI, for `identifiers`."""
    found = (bare_doi(d) for d in known.dois.archives)
    return tuple(d for d in dict.fromkeys(found) if d and d != chosen)


_TYPES = {
    "article": "article",
    "inproceedings": "conference-paper",
    "conference": "conference-paper",
    "incollection": "generic",
    "inbook": "generic",
    "book": "book",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "thesis": "thesis",
    "techreport": "report",
    "report": "report",
    "unpublished": "unpublished",
    "misc": "article",
}


@dataclass(frozen=True)
class Reference:
    """A `preferred-citation`: its type, title and authors, scalar fields and entities."""

    type: str
    title: str
    authors: tuple[CffAuthor, ...]
    fields: tuple[tuple[str, str], ...] = ()
    entities: tuple[tuple[str, str], ...] = ()


def _pages(text: str | None) -> list[tuple[str, str]]:
    if not text:
        return []
    parts = [p.strip() for p in text.replace("–", "-").replace("—", "-").split("-") if p.strip()]
    if len(parts) == 2:
        return [("start", parts[0]), ("end", parts[1])]
    return [("start", parts[0])] if parts else []


def preferred_citation(known: Known) -> Reference | None:
    """The paper's BibTeX as a CFF reference, or None without a title and authors."""
    entry = known.bibtex.paper
    if entry is None or not entry.get("title") or not entry.authors:
        return None
    made = _one_each([author_of(p) for p in entry.authors_people[:MAX_AUTHORS]])
    people = _with_orcids(made, known)
    fields: list[tuple[str, str]] = []
    journal = entry.get("journal") or entry.get("journaltitle") or entry.get("archiveprefix")
    for key, value in (
        ("journal", journal),
        ("collection-title", entry.get("booktitle")),
        ("year", entry.get("year")),
        ("month", entry.get("month") if (entry.get("month") or "").isdigit() else None),
        ("volume", entry.get("volume")),
        ("issue", entry.get("number") or entry.get("issue")),
    ):
        if value:
            fields.append((key, value))
    fields += _pages(entry.get("pages"))
    if found := bare_doi(entry.get("doi")):
        fields.append(("doi", found))
    url = entry.get("url") or ""
    if url.startswith(("https://", "http://")) and " " not in url:
        fields.append(("url", url))
    entities = [
        (key, value)
        for key, value in (
            ("publisher", entry.get("publisher")),
            ("institution", entry.get("school") or entry.get("institution")),
        )
        if value
    ]
    kind = _TYPES.get(entry.kind, "generic")
    return Reference(kind, entry.get("title") or "", tuple(people), tuple(fields), tuple(entities))
