"""Loading a report.json that someone else wrote, strictly.

In the two-workflow pattern the report arrives as an artifact of a run on a pull request's
code, so it is untrusted input: it is size-capped, parsed as JSON only, validated against
`bot/data/report.schema.json`, checked for inner consistency (status and score agree with
the checks) and only then rebuilt into a `checks.model.Report`.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema

from reprobot.bot.jsonfile import JSONFileError, load_json
from reprobot.checks.core.model import (
    CheckResult,
    Finding,
    Fix,
    Report,
    Score,
    Status,
    overall_status,
)

MAX_REPORT_BYTES = 10 * 1024 * 1024
MAX_PULL_BYTES = 4096
MAX_DEPTH = 16  # a report nests 6 levels deep (checks, a check, fixes, a fix, files)
_SHA = r"^[0-9a-f]{40}([0-9a-f]{24})?$"
PULL_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["number", "head_sha"],
    "properties": {
        "number": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
        "head_sha": {"type": "string", "pattern": _SHA},
    },
}


class ReportFileError(Exception):
    """The file is missing, too large, not JSON, or not a valid reprobot report."""


@cache
def report_schema() -> dict[str, Any]:
    text = resources.files("reprobot.bot").joinpath("data/report.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def _where(error: jsonschema.ValidationError) -> str:
    return "/".join(str(part) for part in error.absolute_path) or "(top level)"


def _read_json(path: Path, cap: int, what: str) -> Any:
    try:
        return load_json(path, cap=cap, depth=MAX_DEPTH)
    except JSONFileError as exc:
        if exc.missing:
            raise ReportFileError(f"{path}: no such file; was the {what} uploaded?") from None
        raise ReportFileError(str(exc)) from None


def _shorten(text: str, limit: int = 300) -> str:
    """A validation message quotes the offending value, which may be huge."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _validate(data: Any, schema: dict[str, Any], path: Path, what: str) -> None:
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        more = f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else ""
        raise ReportFileError(
            f"{path}: not a valid {what}: at {_shorten(_where(first), 200)}: "
            f"{_shorten(first.message)}{more}"
        )


def _result(data: dict[str, Any]) -> CheckResult:
    return CheckResult(
        code=data["code"],
        family=data["family"],
        title=data["title"],
        status=Status(data["status"]),
        message=data["message"],
        explanation=data["explanation"],
        findings=tuple(Finding(f["message"], f["path"], f["line"]) for f in data["findings"]),
        fixes=tuple(
            Fix(x["title"], x["description"], dict(x["files"]), tuple(x["commands"]))
            for x in data["fixes"]
        ),
        duration_s=float(data["duration_s"]),
    )


def load_report(path: Path) -> Report:
    data = _read_json(path, MAX_REPORT_BYTES, "report")
    _validate(data, report_schema(), path, "reprobot report (schema reprobot.report/1)")
    checks = tuple(_result(c) for c in data["checks"])
    codes = [c.code for c in checks]
    if len(set(codes)) != len(codes):
        raise ReportFileError(f"{path}: a check code appears twice in `checks`")
    if Score.of(checks).to_dict() != data["score"]:
        raise ReportFileError(f"{path}: `score` does not match the results in `checks`")
    if overall_status(checks).value != data["status"]:
        raise ReportFileError(f"{path}: `status` does not match the results in `checks`")
    return Report(
        tool_version=data["tool"]["version"],
        repository=data["repository"]["path"],
        commit=data["repository"]["commit"],
        checks=checks,
        started_at=data["started_at"],
        duration_s=float(data["duration_s"]),
        timings={k: float(v) for k, v in data["timings"].items()},
        isolation=str(data.get("isolation", "")),
        environment=dict(data.get("environment") or {}),
    )


def load_pull(path: Path) -> tuple[int, str]:
    """The pull request a report belongs to: `{"number": 7, "head_sha": "<40 hex>"}`."""
    data = _read_json(path, MAX_PULL_BYTES, "pull request file")
    _validate(data, PULL_SCHEMA, path, "pull request file")
    return int(data["number"]), str(data["head_sha"])
