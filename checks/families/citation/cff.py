"""CITATION.cff: loading with line numbers, and validation against the CFF 1.2.0 schema.

The file is read with ruamel's round-trip loader so every key keeps its line. YAML dates
become ISO strings before validation (the schema's own advice), and an impossible date such
as 2023-02-30 stays a string so the schema reports it at its line instead of the loader
failing without one. `validation` turns schema errors into words for people.

The facts here are where the citation file should be (`citation_location`) and the file
itself, read and loaded (`citation_file`).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor

from reprobot.checks.core.check import Context
from reprobot.checks.core.model import Finding
from reprobot.checks.core.yaml import YamlProblem, load_yaml, loader
from reprobot.checks.families.citation.settings import CitationSettings

if TYPE_CHECKING:
    from jsonschema import Draft7Validator

CFF_VERSION = "1.2.0"
CFF_CAP = 1024 * 1024  # bytes; real citation files are a few kilobytes
MAX_NODES = 20_000  # aliases can make a small file expand without bound


class ImpossibleDate(str):
    """A timestamp-looking scalar that names no real day, e.g. 2023-02-30."""


class _CffConstructor(RoundTripConstructor):
    def construct_impossible_safe_timestamp(self, node: Any, values: Any = None) -> Any:
        try:
            return self.construct_yaml_timestamp(node, values)
        except ValueError:
            return ImpossibleDate(node.value)


_CffConstructor.add_constructor(
    "tag:yaml.org,2002:timestamp", _CffConstructor.construct_impossible_safe_timestamp
)


def yaml_loader() -> YAML:
    """reprobot's bounded round-trip loader (comments and lines kept, aliases and nesting
    bounded), surviving impossible dates."""
    return loader(_CffConstructor)


@dataclass(frozen=True)
class CffFile:
    """A loaded citation file: the round-trip tree (`document`, for lines and edits), the
    plain JSON data the schema sees, or the `problem` that stopped loading."""

    path: str
    text: str = ""
    document: Any = None
    data: Any = None
    problem: Finding | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


class _TooBig(Exception):
    pass


def to_plain(node: Any, budget: list[int] | None = None) -> Any:
    """JSON data for the schema: dates as ISO strings, keys as strings, aliases bounded."""
    budget = budget if budget is not None else [MAX_NODES]
    budget[0] -= 1
    if budget[0] < 0:
        raise _TooBig
    if isinstance(node, dict):
        return {str(k): to_plain(v, budget) for k, v in node.items()}
    if isinstance(node, list):
        return [to_plain(v, budget) for v in node]
    if isinstance(node, dt.datetime):
        return node.isoformat()
    if isinstance(node, dt.date):
        return node.isoformat()
    if isinstance(node, str):
        return str(node)
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, float):
        return float(node)
    if isinstance(node, int):
        return int(node)
    return str(node)


def load_cff(text: str, path: str) -> CffFile:
    """Parse `text`; a YAML error becomes a problem with the parser's line, never a raise."""
    try:
        document = load_yaml(text, yaml=yaml_loader())
    except YamlProblem as exc:
        return CffFile(path, text, problem=Finding(exc.message, path, exc.line))
    if not isinstance(document, CommentedMap):
        found = "nothing" if document is None else f"a {type(document).__name__}"
        if isinstance(document, CommentedSeq):
            found = "a list"
        message = f"must be a mapping of keys (cff-version, title, authors, ...), found {found}"
        return CffFile(path, text, document=document, problem=Finding(message, path, 1))
    try:
        data = to_plain(document)
    except (_TooBig, RecursionError):
        message = "expands to too much data (deep nesting or YAML aliases); simplify the file"
        return CffFile(path, text, problem=Finding(message, path))
    return CffFile(path, text, document=document, data=data)


@cache
def schema() -> dict[str, Any]:
    """The official CFF 1.2.0 JSON schema, shipped unchanged in checks/data."""
    raw = resources.files("reprobot.checks").joinpath("data/schema-1.2.0.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(raw)
    return loaded


@cache
def validator() -> Draft7Validator:
    from jsonschema import Draft7Validator, FormatChecker  # costly; only a CITATION.cff needs it

    return Draft7Validator(schema(), format_checker=FormatChecker())


def known_keys(kind: str = "") -> tuple[str, ...]:
    """Keys allowed at the top level (kind "") or in a definition such as "person"."""
    where = schema()["definitions"][kind] if kind else schema()
    return tuple(where.get("properties", {}))


def licence_ids() -> frozenset[str]:
    """The SPDX identifiers the CFF 1.2.0 schema accepts for `license`."""
    return frozenset(schema()["definitions"]["license-enum"]["enum"])


def line_of(document: Any, path: tuple[str | int, ...], *, key: str | None = None) -> int | None:
    """1-based line of the value at `path` (or of `key` inside it) in the round-trip tree."""
    node, line = document, 1 if isinstance(document, CommentedMap) else None
    for step in path:
        try:
            if isinstance(node, CommentedMap) and step in node:
                line = node.lc.key(step)[0] + 1
                node = node[step]
            elif isinstance(node, CommentedSeq) and isinstance(step, int) and step < len(node):
                line = node.lc.item(step)[0] + 1
                node = node[step]
            else:
                break
        except (KeyError, IndexError, TypeError, AttributeError):
            break
    if key is not None and isinstance(node, CommentedMap) and key in node:
        try:
            return int(node.lc.key(key)[0]) + 1
        except (KeyError, TypeError, AttributeError):
            return line
    return line


def citation_path(ctx: Context) -> str:
    """Where the citation file should be: the configured path, CITATION.cff by default."""
    return ctx.settings(CitationSettings).file or CitationSettings().file


@dataclass(frozen=True)
class CitationLocation:
    """Whether the citation file is where it should be, and files that look misplaced."""

    path: str
    exists: bool
    near: tuple[str, ...] = ()  # the same file name in any case, anywhere else


def citation_location(ctx: Context) -> CitationLocation:
    """Fact provider: the citation file's place, and look-alikes (`docs/citation.cff`)."""
    path = citation_path(ctx)
    if ctx.snapshot.exists(path):
        return CitationLocation(path, True)
    name = path.rpartition("/")[2].lower()
    near = tuple(
        f for f in ctx.snapshot.files if f.rpartition("/")[2].lower() == name and f != path
    )
    return CitationLocation(path, False, near)


def citation_file(ctx: Context) -> CffFile:
    """Fact provider: the citation file, read safely (no links out, 1 MB cap, UTF-8) and
    parsed."""
    path = citation_path(ctx)
    read = ctx.snapshot.read_text(path, cap=CFF_CAP)
    if not read.ok:
        return CffFile(path, problem=Finding(read.problem or "could not be read", path))
    return load_cff(read.text, path)
