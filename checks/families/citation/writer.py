"""Writing CITATION.cff: a new file from what the repository says, and exact edits of one.

A new file (the fact `generated_citation`) is rendered from `templates/CITATION.cff.j2`
with every value quoted by the `yaml_str` filter; `credit` decides what it says. Edits
(a corrected version or date) go through ruamel's round-trip dumper, so comments, key
order and quoting survive.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ruamel.yaml.error import YAMLError

from reprobot.checks.core.check import Context
from reprobot.checks.core.templates import render
from reprobot.checks.families.citation.cff import licence_ids, yaml_loader
from reprobot.checks.families.citation.credit import Credit, Known, other_dois, preferred_citation
from reprobot.checks.families.citation.credit import authors as credit_authors
from reprobot.checks.families.citation.credit import doi as credit_doi
from reprobot.checks.families.citation.credit import title as credit_title
from reprobot.checks.families.citation.names import CffAuthor, split_name
from reprobot.checks.repo.bibtex import citation_bibtex
from reprobot.checks.repo.git import GitFacts, git_facts, same_version
from reprobot.checks.repo.licences import canonical, licence_files, licence_holders
from reprobot.checks.repo.metadata import ProjectMetadata, project_metadata
from reprobot.checks.repo.readme import readme_dois, readme_title
from reprobot.checks.repo.records import authors_file, software_records

__all__ = ["CffAuthor", "Generated", "edit", "generate", "generated_citation", "split_name"]


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


class _Sources:
    """Which fields came from where, in the order first met: the fix says so."""

    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}

    def add(self, where: str, field: str) -> None:
        if where:
            self.fields.setdefault(where, []).append(field)

    def sentences(self) -> tuple[str, ...]:
        return tuple(f"{_and(fields)} from {where}" for where, fields in self.fields.items())

    def comment(self) -> str:
        """The places, for the comment at the top of the file."""
        return " ".join(", ".join(self.fields).split()) or "what little the repository says"


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
    known: Known,
    *,
    licence: tuple[str, str] | None = None,
    today: dt.date | None = None,
) -> Generated:
    """A CITATION.cff built from what the repository says (see `credit` for the order).

    `licence` is (SPDX id, file) from the licence file, used when the metadata names none.
    """
    meta, git, origin = known.meta, known.git, _Sources()
    notes = [r.problem for r in known.records if r.problem]
    chosen: list[Credit] = []
    for name, credit in (
        ("title", credit_title(known)),
        ("authors", credit_authors(known)),
        ("doi", credit_doi(known)),
    ):
        chosen.append(credit)
        origin.add(credit.source, name)
        notes += [credit.note] if credit.note else []
    title, people, found_doi = (c.value for c in chosen)
    version, released = _release(meta, git, today or dt.date.today(), origin, notes)
    spdx = _licence(meta, licence, origin)
    if meta.description:
        origin.add(meta.name.source if meta.name else "metadata", "abstract")
    if git.repository_url:
        origin.add("the origin remote", "repository-code")
    paper = known.bibtex.paper
    reference = preferred_citation(known)
    if reference is not None and paper is not None:
        origin.add(paper.source, "preferred-citation")
    url = meta.homepage if meta.homepage and meta.homepage.startswith("https://") else None
    text = render(
        "CITATION.cff.j2",
        title=title,
        abstract=meta.description,
        authors=people,
        version=version,
        date_released=released,
        doi=found_doi,
        identifiers=other_dois(known, found_doi),
        repository_code=git.repository_url,
        url=url if url != git.repository_url else None,
        licence=spdx,
        keywords=list(meta.keywords),
        preferred=reference,
        sources=origin.comment(),
    )
    return Generated(text, origin.sentences(), tuple(notes))


def generated_citation(ctx: Context) -> Generated:
    """Fact provider: a new citation file from what the repository says about itself."""
    licence = next(((f.spdx, f.path) for f in ctx.fact(licence_files) if f.spdx), None)
    known = Known(
        meta=ctx.fact(project_metadata),
        git=ctx.fact(git_facts),
        readme=ctx.fact(readme_title),
        dois=ctx.fact(readme_dois),
        bibtex=ctx.fact(citation_bibtex),
        records=ctx.fact(software_records),
        authors_file=ctx.fact(authors_file),
        holders=ctx.fact(licence_holders),
    )
    return generate(known, licence=licence)


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
