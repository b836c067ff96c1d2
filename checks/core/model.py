"""The data that crosses modules: findings, fixes, results and the versioned report.

Messages come from hostile input (a file's contents, a tool's output), so each is bounded
where it is made: a message longer than `MAX_MESSAGE` characters is cut and says how much
was left out, a result keeps its first `MAX_FINDINGS` findings and says how many more there
were, and the report as a whole trims findings until it fits in `MAX_REPORT` characters.
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

REPORT_SCHEMA = "reprobot.report/1"
MAX_MESSAGE = 4096  # characters of one message or finding
MAX_DESCRIPTION = 4 * MAX_MESSAGE  # characters of a fix's description
MAX_FINDINGS = 200  # findings of one result
MAX_REPORT = 2_000_000  # characters of the report's JSON, fix contents aside
_MORE = re.compile(r"^… (\d+) more findings?$")


def cut(text: str, limit: int = MAX_MESSAGE) -> str:
    """`text`, or its first `limit` characters and how many more there were."""
    if len(text) <= limit:
        return text
    rest = len(text) - limit
    return f"{text[:limit]}… {rest} more character{'s' if rest != 1 else ''}"


def _more(count: int) -> Finding:
    return Finding(f"… {count} more finding{'s' if count != 1 else ''}")


def cap_findings(findings: Sequence[Finding], limit: int = MAX_FINDINGS) -> tuple[Finding, ...]:
    """The first `limit` findings and, when there were more, one that says how many;
    capping capped findings again adds up the counts."""
    real, extra = list(findings), 0
    if real and real[-1].path is None and (match := _MORE.match(real[-1].message)):
        real, extra = real[:-1], int(match.group(1))
    if len(real) > limit:
        real, extra = real[:limit], extra + len(real) - limit
    return (*real, _more(extra)) if extra else tuple(real)


class Status(str, enum.Enum):
    PASS = "pass"
    FAIL = "fail"
    WARN = "warn"
    SKIP = "skip"
    ERROR = "error"


@dataclass(frozen=True)
class Finding:
    """One place in the repository a result points at (path relative to the root)."""

    message: str
    path: str | None = None
    line: int | None = None

    def __post_init__(self) -> None:
        if len(self.message) > MAX_MESSAGE:
            object.__setattr__(self, "message", cut(self.message))

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "line": self.line, "message": self.message}


@dataclass(frozen=True)
class Fix:
    """A concrete remedy: new file contents and/or commands to run."""

    title: str
    description: str = ""
    files: Mapping[str, str] = field(default_factory=dict)
    commands: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if len(self.title) > MAX_MESSAGE:
            object.__setattr__(self, "title", cut(self.title))
        if len(self.description) > MAX_DESCRIPTION:
            object.__setattr__(self, "description", cut(self.description, MAX_DESCRIPTION))

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "description": self.description,
            "files": dict(self.files),
            "commands": list(self.commands),
        }


@dataclass(frozen=True)
class Outcome:
    """What a check's evaluation returns; the engine adds code, title and timing."""

    status: Status
    message: str = ""
    findings: tuple[Finding, ...] = ()
    fixes: tuple[Fix, ...] = ()

    def __post_init__(self) -> None:
        _bound_message_and_findings(self)


def _bound_message_and_findings(result: Any) -> None:
    if len(result.message) > MAX_MESSAGE:
        object.__setattr__(result, "message", cut(result.message))
    if len(result.findings) > MAX_FINDINGS:
        object.__setattr__(result, "findings", cap_findings(result.findings))


def passed(message: str = "", *, findings: tuple[Finding, ...] = ()) -> Outcome:
    return Outcome(Status.PASS, message, findings)


def failed(
    message: str, *, findings: tuple[Finding, ...] = (), fixes: tuple[Fix, ...] = ()
) -> Outcome:
    return Outcome(Status.FAIL, message, findings, fixes)


def warned(
    message: str, *, findings: tuple[Finding, ...] = (), fixes: tuple[Fix, ...] = ()
) -> Outcome:
    return Outcome(Status.WARN, message, findings, fixes)


def skipped(reason: str) -> Outcome:
    return Outcome(Status.SKIP, reason)


def errored(message: str, *, findings: tuple[Finding, ...] = ()) -> Outcome:
    return Outcome(Status.ERROR, message, findings)


@dataclass(frozen=True)
class CheckResult:
    code: str
    family: str
    title: str
    status: Status
    message: str = ""
    explanation: str = ""
    findings: tuple[Finding, ...] = ()
    fixes: tuple[Fix, ...] = ()
    duration_s: float = 0.0

    def __post_init__(self) -> None:
        _bound_message_and_findings(self)
        if len(self.explanation) > MAX_DESCRIPTION:
            object.__setattr__(self, "explanation", cut(self.explanation, MAX_DESCRIPTION))

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "family": self.family,
            "title": self.title,
            "status": self.status.value,
            "message": self.message,
            "explanation": self.explanation,
            "findings": [f.to_dict() for f in self.findings],
            "fixes": [f.to_dict() for f in self.fixes],
            "duration_s": round(self.duration_s, 3),
        }


@dataclass(frozen=True)
class Score:
    """Skipped checks are left out: they are inconclusive, not failures."""

    passed: int
    failed: int
    warned: int

    @property
    def total(self) -> int:
        return self.passed + self.failed + self.warned

    @classmethod
    def of(cls, results: tuple[CheckResult, ...]) -> Score:
        count = {s: 0 for s in Status}
        for result in results:
            count[result.status] += 1
        return cls(
            passed=count[Status.PASS],
            failed=count[Status.FAIL] + count[Status.ERROR],
            warned=count[Status.WARN],
        )

    def to_dict(self) -> dict[str, int]:
        return {
            "passed": self.passed,
            "failed": self.failed,
            "warned": self.warned,
            "total": self.total,
        }


def overall_status(results: tuple[CheckResult, ...]) -> Status:
    statuses = {r.status for r in results}
    if statuses & {Status.FAIL, Status.ERROR}:
        return Status.FAIL
    if Status.WARN in statuses:
        return Status.WARN
    return Status.PASS


@dataclass(frozen=True)
class Report:
    tool_version: str
    repository: str
    commit: str | None
    checks: tuple[CheckResult, ...]
    started_at: str
    duration_s: float
    timings: Mapping[str, float] = field(default_factory=dict)
    isolation: str = ""  # how the code under test was kept from reprobot's files and secrets
    environment: Mapping[str, Any] = field(default_factory=dict)  # Python and what installed

    @property
    def score(self) -> Score:
        return Score.of(self.checks)

    @property
    def status(self) -> Status:
        return overall_status(self.checks)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": REPORT_SCHEMA,
            "tool": {"name": "reprobot", "version": self.tool_version},
            "repository": {"path": self.repository, "commit": self.commit},
            "started_at": self.started_at,
            "duration_s": round(self.duration_s, 3),
            "timings": {k: round(v, 3) for k, v in self.timings.items()},
            "isolation": self.isolation,
            "status": self.status.value,
            "score": self.score.to_dict(),
            "checks": bounded_checks([c.to_dict() for c in self.checks]),
        } | ({"environment": dict(self.environment)} if self.environment else {})


def _size(value: Any) -> int:
    return len(json.dumps(value, ensure_ascii=False))


def bounded_checks(checks: list[dict[str, Any]], limit: int = MAX_REPORT) -> list[dict[str, Any]]:
    """The checks' dictionaries, with fewer findings per check until their JSON fits in
    `limit` characters (fix contents are not counted: a cut fix could not be applied)."""

    def measured(check: dict[str, Any]) -> int:
        files = [f.get("files", {}) for f in check.get("fixes", ())]
        return _size(check) - sum(_size(f) for f in files)

    if sum(measured(c) for c in checks) <= limit:
        return checks
    keep = MAX_FINDINGS
    while keep > 0:
        keep //= 2
        trimmed = []
        for check in checks:
            findings = [Finding(f["message"], f["path"], f["line"]) for f in check["findings"]]
            capped = [f.to_dict() for f in cap_findings(findings, keep)]
            trimmed.append({**check, "findings": capped})
        if sum(measured(c) for c in trimmed) <= limit:
            return trimmed
    return trimmed
