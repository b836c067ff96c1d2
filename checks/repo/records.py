"""Who made the work and what it is called, where a repository records it for archives.

`software_records` reads `.zenodo.json` (Zenodo's deposit metadata) and `codemeta.json`
(CodeMeta): the title, the creators with their ORCIDs, the DOI. `authors_file` reads an
`AUTHORS` file: one person a line, `Name <email>` or `Name (affiliation)`, bullets and
headings allowed. Broken files are reported, never raised.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from reprobot.checks.core.check import Context
from reprobot.checks.repo.metadata import Person, parse_person

RECORD_CAP = 512 * 1024
MAX_PEOPLE = 100
DOI = re.compile(r"^10\.\d{4,9}(\.\d+)?/[A-Za-z0-9:/_;\-.()\[\]\\]+$")
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.I)
_ORCID = re.compile(r"(\d{4}-\d{4}-\d{4}-\d{3}[\dX])")


def bare_doi(value: Any) -> str | None:
    """`https://doi.org/10.5281/zenodo.1` or `doi:10.5281/zenodo.1` -> `10.5281/zenodo.1`."""
    if not isinstance(value, str):
        return None
    text = _DOI_PREFIX.sub("", value.strip()).rstrip(".,;")
    return text if DOI.match(text) else None


def orcid_url(value: Any) -> str | None:
    """An ORCID in any spelling (bare, URL, `orcid:`) as the URL CFF wants, or None."""
    found = _ORCID.search(value) if isinstance(value, str) else None
    return f"https://orcid.org/{found[1]}" if found else None


@dataclass(frozen=True)
class SoftwareRecord:
    """What `.zenodo.json` or `codemeta.json` says, or why it could not be read."""

    source: str
    title: str | None = None
    authors: tuple[Person, ...] = ()
    doi: str | None = None
    problem: str | None = None


def _text(value: Any) -> str | None:
    if isinstance(value, list):
        value = " ".join(v for v in value if isinstance(v, str))
    return " ".join(value.split()) if isinstance(value, str) and value.strip() else None


def _affiliation(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, Mapping):
        value = value.get("name") or value.get("legalName")
    return _text(value)


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value] if value else []


def _zenodo(data: Mapping[str, Any], source: str) -> SoftwareRecord:
    people = []
    for entry in _as_list(data.get("creators"))[:MAX_PEOPLE]:
        if isinstance(entry, Mapping) and (name := _text(entry.get("name"))):
            orcid, place = orcid_url(entry.get("orcid")), _affiliation(entry.get("affiliation"))
            people.append(Person(name, None, orcid, place))
    doi = bare_doi(data.get("doi"))
    return SoftwareRecord(source, _text(data.get("title")), tuple(people), doi)


def _codemeta_person(entry: Mapping[str, Any]) -> Person | None:
    given, family = _text(entry.get("givenName")), _text(entry.get("familyName"))
    name = f"{family}, {given}" if given and family else family or given or _text(entry.get("name"))
    if name is None:
        return None
    orcid = orcid_url(entry.get("@id")) or orcid_url(entry.get("identifier"))
    email = _text(entry.get("email"))
    return Person(
        name,
        email.removeprefix("mailto:") if email else None,
        orcid,
        _affiliation(entry.get("affiliation")),
    )


def _codemeta(data: Mapping[str, Any], source: str) -> SoftwareRecord:
    authors = [a for a in _as_list(data.get("author")) if isinstance(a, Mapping)]
    people = (_codemeta_person(a) for a in authors[:MAX_PEOPLE])
    dois = (bare_doi(i) for i in [*_as_list(data.get("identifier")), data.get("@id")])
    doi = next((d for d in dois if d), None)
    title = _text(data.get("name")) or _text(data.get("title"))
    return SoftwareRecord(source, title, tuple(p for p in people if p), doi)


RECORD_FILES = ((".zenodo.json", _zenodo), ("codemeta.json", _codemeta))


def read_record(text: str, source: str) -> SoftwareRecord:
    """Parse one record; broken JSON names its line and says the file was not used."""
    reader = dict(RECORD_FILES)[source]
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        problem = f"{source} line {exc.lineno} is not valid JSON ({exc.msg}); it was not used"
        return SoftwareRecord(source, problem=problem)
    except RecursionError:
        return SoftwareRecord(source, problem=f"{source} is nested too deeply; it was not used")
    if not isinstance(data, Mapping):
        return SoftwareRecord(source, problem=f"{source} is not a JSON object; it was not used")
    return reader(data, source)


def software_records(ctx: Context) -> tuple[SoftwareRecord, ...]:
    """Fact provider: `.zenodo.json` then `codemeta.json`, those the repository has."""
    found = []
    for name, _ in RECORD_FILES:
        if not ctx.snapshot.exists(name):
            continue
        read = ctx.snapshot.read_text(name, cap=RECORD_CAP)
        if read.ok:
            found.append(read_record(read.text, name))
        else:
            found.append(SoftwareRecord(name, problem=f"{read.problem}; it was not used"))
    return tuple(found)


@dataclass(frozen=True)
class AuthorsFile:
    path: str
    people: tuple[Person, ...] = ()


_AUTHORS = re.compile(r"^authors?(\.(md|txt|rst|markdown))?$", re.I)
_BULLET = re.compile(r"^\s*(?:[-*+•]|\d+[.)])\s+")
_SENTENCE_WORDS = 6


_HEADING_WORDS = frozenset(
    {"authors", "author", "contributors", "maintainers", "developers", "credits", "team", "thanks"}
)


def _named(name: str) -> bool:
    """Reads as a name or a handle, not a sentence: capitalised ends, few words."""
    words = name.split()
    if not words or len(words) > _SENTENCE_WORDS or name.lower() in _HEADING_WORDS:
        return False
    if len(words) == 1:
        return bool(re.fullmatch(r"[\w.-]+", name))
    lowered = [w for w in words[1:-1] if w[:1].islower() and len(w) > 4]
    return words[0][:1].isupper() and words[-1][:1].isupper() and not lowered


def parse_authors(text: str) -> tuple[Person, ...]:
    """People in an AUTHORS file: `Name <email>`, `Name (affiliation)`, an ORCID anywhere."""
    people: list[Person] = []
    lines = text.splitlines()
    for index, raw in enumerate(lines[:1000]):
        line = _BULLET.sub("", raw).strip()
        underline = index + 1 < len(lines) and re.fullmatch(r"\s*[=\-~^]{3,}\s*", lines[index + 1])
        if not line or line.startswith(("#", "//", "..", "=", "---")) or line.endswith(":"):
            continue
        if underline:
            continue
        orcid = orcid_url(line)
        line = re.sub(r"\(?\s*(https?://)?(www\.)?orcid\.org/\S+\s*\)?", "", line)
        line = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line)
        place = re.search(r"\(([^)]+)\)\s*$", line)
        line = line[: place.start()].strip() if place else line
        line = re.sub(r"\s*[-–—,]\s*$", "", line.replace("*", "").strip())
        person = parse_person(line)
        if person is None or not _named(person.name):
            continue
        affiliation = place[1].strip() if place and "@" not in place[1] else None
        people.append(Person(person.name, person.email, orcid, affiliation))
        if len(people) >= MAX_PEOPLE:
            break
    return tuple(people)


def authors_file(ctx: Context) -> AuthorsFile | None:
    """Fact provider: the AUTHORS file at the root, read, when there is one with people."""
    names = sorted(f for f in ctx.snapshot.files if "/" not in f and _AUTHORS.match(f))
    for name in names:
        read = ctx.snapshot.read_text(name, cap=RECORD_CAP)
        if read.ok and (people := parse_authors(read.text)):
            return AuthorsFile(name, people)
    return None
