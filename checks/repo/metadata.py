"""What the repository says about itself in its package metadata.

`project_metadata` (a provider for `Context.fact`) reads `pyproject.toml` (PEP 621 or
Poetry, through the `pyproject` fact) and `setup.cfg`: name, version, description, authors,
licence. It returns frozen data and never raises on broken input. What git says is in
`checks.repo.git`.
"""

from __future__ import annotations

import configparser
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from reprobot.checks.core.check import Context
from reprobot.checks.core.model import Finding
from reprobot.checks.repo.pyproject import PYPROJECT, pyproject

METADATA_CAP = 1024 * 1024  # setup.cfg


@dataclass(frozen=True)
class Person:
    name: str  # as written: "Jane Doe" or "Doe, Jane"
    email: str | None = None
    orcid: str | None = None  # https://orcid.org/0000-0000-0000-0000
    affiliation: str | None = None


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
    toml = ctx.fact(pyproject)
    if toml.problem is not None:
        problems.append(toml.problem)
    project, poetry = toml.data.get("project"), toml.table("tool").get("poetry")
    if isinstance(project, Mapping):
        facts = _pep621(project, PYPROJECT)
    if isinstance(poetry, Mapping):
        facts = _merge(facts, _poetry(poetry, PYPROJECT))
    if snapshot.exists("setup.cfg"):
        cfg = snapshot.read_text("setup.cfg", cap=METADATA_CAP)
        try:
            facts = _merge(facts, _setup_cfg(cfg.text, "setup.cfg")) if cfg.ok else facts
        except configparser.Error as exc:
            problems.append(Finding(f"not a valid setup.cfg: {exc}", path="setup.cfg"))
    return ProjectMetadata(**facts, problems=tuple(problems))
