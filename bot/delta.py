"""What changed between two reports (their `to_dict()` form): the checks fixed, newly
failing, newly broken or newly warning, and the distributions that moved.

The distributions come from the two reports' `environment.installed` when both carry it,
else from DEP007's findings in the later report ("moved since DATE: name then → now").
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

MAX_MOVED = 20
MAX_DETAIL = 100
MOVED_FINDING = re.compile(r"^moved since (\S+): (\S+) (\S+) → (.+)$")
NOT_INSTALLED = "not installed"

# (status then, status now) → what the change is called; anything else is no change
FIXED, FAILING, BROKEN, WARNING = "fixed", "failing", "broken", "warning"
_KINDS = {
    **{(then, "pass"): FIXED for then in ("fail", "error", "warn")},
    **{(then, "fail"): FAILING for then in ("pass", "warn", "skip", "error")},
    **{(then, "error"): BROKEN for then in ("pass", "warn", "skip", "fail")},
    ("pass", "warn"): WARNING,
}
ORDER = (FAILING, BROKEN, WARNING, FIXED)


@dataclass(frozen=True)
class Change:
    code: str
    title: str
    kind: str  # FIXED, FAILING, BROKEN or WARNING
    detail: str  # the gist of the check's message now (empty for a fix)


@dataclass(frozen=True)
class Moved:
    name: str
    then: str  # "" when it was not installed
    now: str  # "" when it is not installed now


@dataclass(frozen=True)
class Delta:
    """The later report against an earlier one of `branch` (`against`: "base" for a pull
    request's base branch, "green" for the last run of the branch that did not fail)."""

    against: str
    branch: str
    sha: str
    time: str
    changes: tuple[Change, ...] = ()
    moved: tuple[Moved, ...] = ()
    more_moved: int = 0  # distributions that moved beyond the first MAX_MOVED
    moved_from: str = ""  # "environment" or "DEP007": where `moved` comes from

    @property
    def newly_failing(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.kind in (FAILING, BROKEN))

    def of_kind(self, kind: str) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.kind == kind)


def gist(message: str) -> str:
    """A message's first clause, on one line and short: "3 failed, 10 passed"."""
    first = " ".join(str(message or "").split()).split("; ", 1)[0]
    return first if len(first) <= MAX_DETAIL else first[: MAX_DETAIL - 1] + "…"


def _checks(report: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    return {str(c.get("code")): c for c in report.get("checks") or () if isinstance(c, Mapping)}


def changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[Change, ...]:
    """The checks whose status changed in a way that matters, failures first."""
    then = _checks(before)
    found = []
    for code, now in _checks(after).items():
        old = then.get(code)
        kind = _KINDS.get((str(old.get("status")), str(now.get("status")))) if old else None
        if kind is not None:
            detail = "" if kind == FIXED else gist(str(now.get("message") or ""))
            found.append(Change(code, str(now.get("title") or ""), kind, detail))
    return tuple(sorted(found, key=lambda c: ORDER.index(c.kind)))


def _installed(report: Mapping[str, Any]) -> Mapping[str, Any] | None:
    environment = report.get("environment")
    installed = environment.get("installed") if isinstance(environment, Mapping) else None
    return installed if isinstance(installed, Mapping) else None


def moved_between(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[Moved] | None:
    """The distributions whose installed version differs; None when a report lacks the list."""
    then, now = _installed(before), _installed(after)
    if then is None or now is None:
        return None
    names = sorted(set(then) | set(now))
    return [
        Moved(name, str(then.get(name, "")), str(now.get(name, "")))
        for name in names
        if then.get(name) != now.get(name)
    ]


def moved_in_findings(report: Mapping[str, Any]) -> list[Moved]:
    """What DEP007 found moved since the commit's date, from its findings."""
    check = _checks(report).get("DEP007") or {}
    found = []
    for finding in check.get("findings") or ():
        match = MOVED_FINDING.match(str(finding.get("message", "")))
        if match:
            _, name, then, now = match.groups()
            found.append(Moved(name, then, "" if now == NOT_INSTALLED else now))
    return found


def compare(
    before: Mapping[str, Any], after: Mapping[str, Any], *, against: str, branch: str, time: str
) -> Delta:
    moved, source = moved_between(before, after), "environment"
    if moved is None:
        moved, source = moved_in_findings(after), "DEP007"
    sha = str((before.get("repository") or {}).get("commit") or "")
    return Delta(
        against=against,
        branch=branch,
        sha=sha,
        time=time,
        changes=changes(before, after),
        moved=tuple(moved[:MAX_MOVED]),
        more_moved=max(len(moved) - MAX_MOVED, 0),
        moved_from=source if moved else "",
    )
