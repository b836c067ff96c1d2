"""People's names as CFF wants them: given names, particle, family names, suffix.

`Ludwig van Beethoven`, `van Beethoven, Ludwig` and `King, Jr., Martin Luther` (BibTeX's
three forms) split into their parts; a handle or a group's name stays whole, as an entity.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from reprobot.checks.repo.metadata import Person

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
_WORD = re.compile(r"[^\W\d_]+(?:[-'’.][^\W\d_]+)*\.?")


@dataclass(frozen=True)
class CffAuthor:
    """A person (given/family names) or, when the name does not split, an entity (`name`)."""

    given: str | None = None
    family: str | None = None
    particle: str | None = None
    suffix: str | None = None
    name: str | None = None
    email: str | None = None
    orcid: str | None = None
    affiliation: str | None = None

    def enriched(self, orcid: str | None, affiliation: str | None) -> CffAuthor:
        """This author with an ORCID and affiliation filled in where missing."""
        return replace(self, orcid=self.orcid or orcid, affiliation=self.affiliation or affiliation)


def _family_particle(family: str) -> tuple[str | None, str]:
    """`van der Berg` -> ("van der", "Berg"): leading lower-case words are the particle."""
    words = family.split()
    start = 0
    while start < len(words) - 1 and (words[start].lower() in _PARTICLES or words[start].islower()):
        start += 1
    return " ".join(words[:start]) or None, " ".join(words[start:])


def _comma_form(text: str, mail: str | None) -> CffAuthor | None:
    """`Last, First` or `Last, Jr, First` (BibTeX), or None when it is not one."""
    parts = [p.strip() for p in text.split(",")]
    if _GROUP.search(text) or not all(parts) or len(parts) not in (2, 3):
        return None
    if len(parts) == 3:
        if parts[1].lower() not in _SUFFIXES:
            return None
        family, suffix, given = parts
    elif parts[1].lower() in _SUFFIXES:
        person = split_name(parts[0], mail)
        return replace(person, suffix=parts[1])
    else:
        (family, given), suffix = parts, None
    particle, family = _family_particle(family)
    return CffAuthor(given, family, particle, suffix, None, mail)


def split_name(full: str, email: str | None = None) -> CffAuthor:
    """`Ludwig van Beethoven` -> given Ludwig, particle van, family Beethoven; `Doe, Jane`
    -> given Jane, family Doe; one word, a handle or a group name -> an entity."""
    text = " ".join(full.split())
    mail = email if email and _EMAIL.match(email) else None
    if "," in text and (person := _comma_form(text, mail)) is not None:
        return person
    words = text.split()
    suffix = words.pop() if len(words) > 2 and words[-1].lower() in _SUFFIXES else None
    plausible = all(_WORD.fullmatch(w) for w in words)
    if len(words) < 2 or not plausible or _GROUP.search(text):
        return CffAuthor(name=text, email=mail)
    start = len(words) - 1
    while start > 1 and words[start - 1].lower() in _PARTICLES:
        start -= 1
    particle = " ".join(words[start:-1]) or None
    return CffAuthor(" ".join(words[:start]), words[-1], particle, suffix, None, mail)


def author_of(person: Person) -> CffAuthor:
    """A Person (metadata, git, a record) as a CFF author, with ORCID and affiliation."""
    return split_name(person.name, person.email).enriched(person.orcid, person.affiliation)


def name_key(author: CffAuthor) -> str:
    """The same key for `Jane Doe` and `Doe, Jane`: given, particle, family, case-folded."""
    parts = (author.given, author.particle, author.family) if author.family else (author.name,)
    return " ".join(" ".join(p for p in parts if p).split()).casefold()
