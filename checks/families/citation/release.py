"""CITATION.cff against the release: version versus package and tag, date-released sanity.

`release_drift` gathers the facts CIT003 judges: the version as written, the package
version, the latest tag, whether the file is behind or ahead of them, a date-released in
the future, and the corrected file (edited round-trip so comments survive) with the exact
lines that change. The clock is read once: the local day is what a new date-released
says, and the latest day anywhere on Earth decides what is "in the future".
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from packaging.version import InvalidVersion, Version

from reprobot.checks.core.check import Context
from reprobot.checks.families.citation.cff import CffFile, citation_file, line_of
from reprobot.checks.families.citation.writer import edit
from reprobot.checks.repo.git import GitFacts, Tag, git_facts, same_version
from reprobot.checks.repo.metadata import Declared, ProjectMetadata, project_metadata


@dataclass(frozen=True)
class Today:
    """One reading of the clock: the local day, and the latest day anywhere on Earth."""

    local: dt.date
    latest: dt.date  # UTC+14: a date-released of today is never in the future


def read_clock(now: dt.datetime | None = None) -> Today:
    """The clock, read once (at `now` when given, for tests)."""
    now = now or dt.datetime.now(dt.timezone.utc)
    latest = now.astimezone(dt.timezone.utc) + dt.timedelta(hours=14)
    return Today(now.astimezone().date(), latest.date())


@dataclass(frozen=True)
class Correction:
    """An edit of the citation file: the corrected text, and the changed lines in words."""

    text: str
    changed: str


@dataclass(frozen=True)
class Drift:
    """The citation file beside the release. Facts only: CIT003 says what they mean."""

    path: str
    written: str | None = None  # `version` as written in the file
    line: int | None = None  # the line of `version`
    package: Declared | None = None  # the package version and the file that says it
    tag: Tag | None = None  # the latest version tag
    shallow: bool = False  # a shallow clone, which has no tags
    target: str | None = None  # the newest of the package version and the tag
    behind_package: bool = False  # the version differs from the package version
    behind_tag: bool = False  # it differs from the latest tag and is not newer
    ahead: bool = False  # it is newer than the latest tag: the release is not tagged yet
    future: dt.date | None = None  # date-released, when no place on Earth has reached it
    future_line: int | None = None
    dated_today: bool = False  # the correction sets date-released to today
    correction: Correction | None = None  # version and date-released set right
    addition: Correction | None = None  # `version: <target>` added to a file without one

    @property
    def drifted(self) -> bool:
        return self.behind_package or self.behind_tag


def _parse(text: str) -> Version | None:
    try:
        return Version(text)
    except InvalidVersion:
        return None


def raw_version(cff: CffFile) -> str | None:
    """The version as written: `1.10` stays `1.10` even though YAML reads a number 1.1."""
    document = cff.document
    if not hasattr(document, "get") or document.get("version") is None:
        return None
    value = document["version"]
    if isinstance(value, str):
        return value.strip()
    try:
        line, column = document.lc.value("version")
        written = cff.text.splitlines()[line][column:].split("#")[0].strip()
    except (KeyError, IndexError, TypeError, AttributeError):
        written = ""
    return written or str(value)


def _order(text: str) -> tuple[bool, Version]:
    parsed = _parse(text)
    return (parsed is not None, parsed or Version("0"))


def _released(cff: CffFile) -> dt.date | None:
    value = cff.data.get("date-released") if isinstance(cff.data, dict) else None
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _changed_lines(old: str, new: str) -> str:
    before, after = old.splitlines(), new.splitlines()
    lines = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "replace":
            for offset, (was, now) in enumerate(zip(before[a1:a2], after[b1:b2], strict=False)):
                lines.append(f"- line {a1 + offset + 1}: `{was}` → `{now}`")
        elif op == "insert":
            lines.extend(f"- after line {a1}: add `{now}`" for now in after[b1:b2])
        elif op == "delete":
            lines.extend(
                f"- line {a1 + i + 1}: remove `{was}`" for i, was in enumerate(before[a1:a2])
            )
    return "\n".join(lines)


def _correct(cff: CffFile, changes: Mapping[str, Any]) -> Correction | None:
    """The file with `changes` applied; None when nothing would change."""
    if not changes:
        return None
    corrected = edit(cff.text, changes)
    if corrected is None or corrected == cff.text:
        return None
    return Correction(corrected, _changed_lines(cff.text, corrected))


def _date_value(cff: CffFile, day: dt.date) -> Any:
    """Keep the file's style: an unquoted YAML date stays a date, a string stays a string."""
    current = cff.document.get("date-released") if hasattr(cff.document, "get") else None
    return day.isoformat() if isinstance(current, str) else day


def _tag_day(tag: Tag | None, version: str) -> dt.date | None:
    """The day `version` was tagged, when the latest tag is that version."""
    if tag and tag.date and version and same_version(tag.version, version):
        return dt.date.fromisoformat(tag.date)
    return None


def _with_corrections(cff: CffFile, found: Drift, released: dt.date | None, day: Today) -> Drift:
    """`found` with the correction that names the release and a date-released not ahead."""
    changes: dict[str, Any] = {}
    dated_today = False
    if found.drifted and found.target:
        changes["version"] = found.target
        if tagged := _tag_day(found.tag, found.target):
            changes["date-released"] = _date_value(cff, tagged)
        elif released is not None:
            changes["date-released"] = _date_value(cff, day.local)
            dated_today = True
    if found.future:
        cited = str(changes.get("version", found.written or ""))
        changes.setdefault(
            "date-released", _date_value(cff, _tag_day(found.tag, cited) or day.local)
        )
    addition = None
    if not found.written and found.target:
        addition = _correct(cff, {"version": found.target})
    return dataclasses.replace(
        found, dated_today=dated_today, correction=_correct(cff, changes), addition=addition
    )


def drift(
    cff: CffFile, meta: ProjectMetadata, git: GitFacts, *, now: dt.datetime | None = None
) -> Drift:
    """How the citation file's version and date-released stand against the release."""
    day = read_clock(now)
    written = raw_version(cff)
    package, tag = meta.version, git.latest_tag
    candidates = [
        v for v in (package.value if package else None, tag.version if tag else None) if v
    ]
    ahead = behind_tag = False
    if written and tag and not same_version(written, tag.version):
        mine, theirs = _parse(written), _parse(tag.version)
        ahead = mine is not None and theirs is not None and mine > theirs
        behind_tag = not ahead
    released = _released(cff)
    future = released if released and released > day.latest else None
    found = Drift(
        cff.path,
        written,
        line_of(cff.document, ("version",)) if written else None,
        package,
        tag,
        git.shallow,
        max(candidates, key=_order) if candidates else None,
        behind_package=bool(written and package and not same_version(written, package.value)),
        behind_tag=behind_tag,
        ahead=ahead,
        future=future,
        future_line=line_of(cff.document, ("date-released",)) if future else None,
    )
    return _with_corrections(cff, found, released, day)


def release_drift(ctx: Context) -> Drift:
    """Fact provider: the citation file against the package version and the latest tag."""
    return drift(ctx.fact(citation_file), ctx.fact(project_metadata), ctx.fact(git_facts))
