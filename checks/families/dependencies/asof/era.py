"""Dates: the commit's, the one configured, and the Python current at a date."""

from __future__ import annotations

import datetime as dt

from reprobot.checks.core import runner
from reprobot.checks.core.check import Context

# CPython feature releases (x.y.0), for "the Python that was current then"
PYTHON_RELEASES = (
    ("3.6", "2016-12-23"),
    ("3.7", "2018-06-27"),
    ("3.8", "2019-10-14"),
    ("3.9", "2020-10-05"),
    ("3.10", "2021-10-04"),
    ("3.11", "2022-10-24"),
    ("3.12", "2023-10-02"),
    ("3.13", "2024-10-07"),
    ("3.14", "2025-10-07"),
)


def python_current_at(date: str) -> str | None:
    """The newest CPython feature release out by `date` (YYYY-MM-DD...), None before 3.6."""
    day = date[:10]
    current = None
    for version, released in PYTHON_RELEASES:
        if released <= day:
            current = version
    return current


def commit_date(ctx: Context) -> str | None:
    """Fact provider: the committer date of the commit under test (RFC 3339, UTC)."""
    if not ctx.snapshot.is_git:
        return None
    shown = runner.git(ctx.root, "log", "-1", "--format=%cI")
    text = shown.stdout.strip()
    if not shown.ok or not text:
        return None
    try:
        when = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def as_of_date(setting: str, committed: str | None) -> str | None:
    """The date to resolve as of: the commit's for `auto`, the one configured, else None."""
    if setting == "off":
        return None
    if setting == "auto":
        return committed
    return setting if "T" in setting else f"{setting}T23:59:59Z"
