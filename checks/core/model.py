"""The data that crosses modules: findings, fixes, results and the versioned report."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

REPORT_SCHEMA = "reprobot.report/1"


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

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "line": self.line, "message": self.message}


@dataclass(frozen=True)
class Fix:
    """A concrete remedy: new file contents and/or commands to run."""

    title: str
    description: str = ""
    files: Mapping[str, str] = field(default_factory=dict)
    commands: tuple[str, ...] = ()

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
            "checks": [c.to_dict() for c in self.checks],
        }
