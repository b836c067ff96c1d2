"""CITATION.cff against the release: version versus package and tag, date-released sanity.

Version drift is a failure; a citation file already bumped for a release that is not
tagged yet is only a warning. The fix is the corrected file, edited round-trip so comments
survive, and its description shows the exact lines that change.
"""

from __future__ import annotations

import datetime as dt
import difflib
from typing import Any

from packaging.version import InvalidVersion, Version

from checks.core.model import Finding, Fix, Outcome, failed, passed, warned
from checks.families.citation.cff import CffFile, line_of
from checks.families.citation.writer import edit
from checks.repo.git import GitFacts, same_version
from checks.repo.metadata import ProjectMetadata


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


def latest_today() -> dt.date:
    """The latest calendar date anywhere on Earth right now (UTC+14)."""
    return (dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=14)).date()


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


def _fix(cff: CffFile, changes: dict[str, Any], why: str) -> tuple[Fix, ...]:
    if not changes:
        return ()
    corrected = edit(cff.text, changes)
    if corrected is None or corrected == cff.text:
        return ()
    description = f"{why} In {cff.path}:\n{_changed_lines(cff.text, corrected)}"
    return (Fix(f"Update {cff.path}", description, {cff.path: corrected}),)


def _date_value(cff: CffFile, day: dt.date) -> Any:
    """Keep the file's style: an unquoted YAML date stays a date, a string stays a string."""
    current = cff.document.get("date-released") if hasattr(cff.document, "get") else None
    return day.isoformat() if isinstance(current, str) else day


def consistency(
    cff: CffFile, meta: ProjectMetadata, git: GitFacts, *, today: dt.date | None = None
) -> Outcome:
    today = today or latest_today()
    written = raw_version(cff)
    package, tag = meta.version, git.latest_tag
    line = line_of(cff.document, ("version",)) if written else None
    sides = [
        f"{cff.path} says {written} (line {line})" if written else f"{cff.path} has no version"
    ]
    sides += [f"{package.source} says {package.value}"] if package else []
    sides += [f"latest tag {tag.name}"] if tag else []
    explained = ", ".join(sides)
    candidates = [
        v for v in (package.value if package else None, tag.version if tag else None) if v
    ]
    target = max(candidates, key=_order) if candidates else None
    drift: list[Finding] = []
    ahead = False
    if written and package and not same_version(written, package.value):
        drift.append(
            Finding(f"version {written}, but {package.source} says {package.value}", cff.path, line)
        )
    if written and tag and not same_version(written, tag.version):
        mine, theirs = _parse(written), _parse(tag.version)
        if mine is not None and theirs is not None and mine > theirs:
            ahead = True
        else:
            drift.append(
                Finding(f"version {written}, but the latest tag is {tag.name}", cff.path, line)
            )
    released = _released(cff)
    changes: dict[str, Any] = {}
    problems = list(drift)
    why = "Make the citation name the current release."
    if drift and target:
        changes["version"] = target
        if tag and tag.date and same_version(tag.version, target):
            changes["date-released"] = _date_value(cff, dt.date.fromisoformat(tag.date))
        elif released is not None:
            changes["date-released"] = _date_value(cff, dt.date.today())
            why += f" date-released becomes today: change it to the day {target} is published."
    if released and released > today:
        date_line = line_of(cff.document, ("date-released",))
        problems.append(Finding(f"date-released {released} is in the future", cff.path, date_line))
        cited = str(changes.get("version", written or ""))
        day = dt.date.today()
        if tag and tag.date and cited and same_version(tag.version, cited):
            day = dt.date.fromisoformat(tag.date)
        changes.setdefault("date-released", _date_value(cff, day))
    if problems:
        what = "version drift: " if drift else ""
        return failed(
            f"{what}{explained}" if drift else problems[0].message,
            findings=tuple(problems),
            fixes=_fix(cff, changes, why),
        )
    if not written and target:
        return warned(
            f"{explained}: add `version: {target}` so citations name the release",
            findings=(Finding("no `version` key", cff.path, 1),),
            fixes=_fix(cff, {"version": target}, "Name the release people should cite."),
        )
    if ahead:
        return warned(f"{explained}: the release is not tagged yet; tag it when you publish")
    shallow = " (a shallow clone has no tags: check out with fetch-depth: 0)" if git.shallow else ""
    if not package and not tag:
        return passed(f"no package version or version tag to compare with{shallow}")
    if not tag and shallow:
        return passed(explained + shallow)
    return passed(explained)
