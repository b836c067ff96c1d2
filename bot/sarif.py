"""A report as SARIF 2.1.0, the format GitHub code scanning reads (upload-sarif).

One run; the tool's rules are the checks of the report (id = code, short description =
title, full description and help = the check's explanation, help link = the check's row in
the README); a result for each finding of a failed (`error`) or warned (`warning`) check.
Code scanning places every alert on a file and a line, so a finding that names no file is
placed on line 1 of the file it is most about (so is one that names a file still to be
written, such as a generated smoke test): the manifest for the dependency, build and
test checks, the citation file or the README for the citation checks, the README for the
rest; without such a file the result has no location. A check that broke (`error`) says
nothing about the repository: it is a tool notification, never an alert.

Paths are relative to the repository root (`prefix` is the checked folder inside it) with
the base id `%SRCROOT%`, and every result has a fingerprint made of its check, file and
message, not its line, so a dismissed alert stays dismissed when lines move.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from reprobot.checks import Check, all_checks
from reprobot.checks.core.model import CheckResult, Finding, Report, Status

SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
VERSION = "2.1.0"
PROJECT_URL = "https://github.com/reprobot/reprobot"
SRCROOT = "%SRCROOT%"
FINGERPRINT = "reprobot/v1"
LEVELS = {Status.FAIL: "error", Status.WARN: "warning"}

READMES = ("README.md", "README.rst", "README.txt", "README")
MANIFESTS = (
    "pyproject.toml",
    "setup.cfg",
    "setup.py",
    "requirements.txt",
    "environment.yml",
    "environment.yaml",
    "Pipfile",
    "DESCRIPTION",
    "Project.toml",
)
# Where a finding that names no file is placed, by family; the README when none is there.
HOMES: Mapping[str, tuple[str, ...]] = {
    "dependencies": MANIFESTS,
    "environment": MANIFESTS,
    "build": MANIFESTS,
    "tests": MANIFESTS,
    "citation": ("CITATION.cff",),
    "licence": ("LICENSE", "LICENSE.md", "LICENSE.txt", "COPYING"),
}


def help_uri(code: str) -> str:
    """The check's row in the README's table of checks."""
    return f"{PROJECT_URL}#{code.lower()}"


def _registered() -> dict[str, type[Check]]:
    return {check.code(): check for check in all_checks()}


def rule(result: CheckResult, check: type[Check] | None) -> dict[str, Any]:
    """The rule of one check; its words come from the check's own docstring when reprobot
    knows the check (a report read from a file may say anything)."""
    title = check.title() if check else result.title
    explanation = (check.explanation() if check else result.explanation) or title
    return {
        "id": result.code,
        "name": result.code,
        "shortDescription": {"text": title},
        "fullDescription": {"text": explanation},
        "help": {"text": explanation, "markdown": explanation},
        "helpUri": help_uri(result.code),
        "defaultConfiguration": {"level": "error"},
        "properties": {"tags": ["reproducibility", result.family]},
    }


def _inside(path: str) -> bool:
    parts = path.split("/")
    outside = path.startswith("/") or "\\" in path
    return not outside and all(p not in ("", ".", "..") for p in parts)


def _folder(prefix: str) -> str:
    """The checked folder as a clean relative path ("" for the repository root)."""
    clean = posixpath.normpath(prefix.strip().replace("\\", "/") or ".").strip("/")
    return "" if clean == "." else clean


def _uri(prefix: str, path: str) -> str:
    folder = _folder(prefix)
    return quote(f"{folder}/{path}" if folder else path, safe="/")


def home(family: str, folder: Path | None) -> str | None:
    """The file a finding without a file is about, when it is in the checked `folder`."""
    if folder is None:
        return None
    for name in (*HOMES.get(family, ()), *READMES):
        if (folder / name).is_file():
            return name
    return None


def _location(uri: str, line: int | None) -> dict[str, Any]:
    return {
        "physicalLocation": {
            "artifactLocation": {"uri": uri, "uriBaseId": SRCROOT},
            "region": {"startLine": max(int(line or 1), 1)},
        }
    }


def _fingerprint(*parts: str) -> str:
    return hashlib.sha256(json.dumps(parts, ensure_ascii=True).encode()).hexdigest()[:32]


def _message(text: str, result: CheckResult) -> str:
    fixes = [f"Fix: {fix.title}" for fix in result.fixes]
    return "\n".join([text or result.message or result.title, *fixes])


def results_of(
    result: CheckResult, index: int, *, prefix: str, root: Path | None
) -> list[dict[str, Any]]:
    """The SARIF results of one failed or warned check."""
    level = LEVELS[result.status]
    folder = None if root is None else root / _folder(prefix)
    placed: list[tuple[Finding, str]] = [
        (f, _uri(prefix, f.path))
        for f in result.findings
        if f.path and _inside(f.path) and (folder is None or (folder / f.path).is_file())
    ]
    out: list[dict[str, Any]] = []
    seen: dict[tuple[str, str], int] = {}
    for finding, uri in placed:
        key = (uri, finding.message)
        seen[key] = seen.get(key, 0) + 1
        out.append(
            {
                "ruleId": result.code,
                "ruleIndex": index,
                "level": level,
                "message": {"text": _message(finding.message, result)},
                "locations": [_location(uri, finding.line)],
                "partialFingerprints": {
                    FINGERPRINT: _fingerprint(result.code, uri, finding.message, str(seen[key]))
                },
            }
        )
    if out:
        return out
    where = home(result.family, folder)
    uri = _uri(prefix, where) if where else ""
    unplaced: dict[str, Any] = {
        "ruleId": result.code,
        "ruleIndex": index,
        "level": level,
        "message": {"text": _message(result.message, result)},
        "partialFingerprints": {FINGERPRINT: _fingerprint(result.code, uri)},
    }
    if where:
        unplaced["locations"] = [_location(uri, 1)]
    return [unplaced]


def _notifications(checks: Sequence[CheckResult]) -> list[dict[str, Any]]:
    return [
        {
            "descriptor": {"id": r.code},
            "level": "error",
            "message": {"text": f"{r.code} could not run: {r.message or 'no reason given'}"},
        }
        for r in checks
        if r.status == Status.ERROR
    ]


def to_sarif(report: Report, *, prefix: str = "", root: Path | None = None) -> dict[str, Any]:
    """The SARIF log of `report`; `prefix` is the checked folder inside the repository and
    `root` the repository on disk (to place findings that name no file)."""
    known = _registered()
    rules: list[dict[str, Any]] = []
    results: list[dict[str, Any]] = []
    for result in report.checks:
        index = len(rules)
        rules.append(rule(result, known.get(result.code)))
        if result.status in LEVELS:
            results.extend(results_of(result, index, prefix=prefix, root=root))
    notifications = _notifications(report.checks)
    invocation: dict[str, Any] = {"executionSuccessful": not notifications}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "reprobot",
                "version": report.tool_version,
                "semanticVersion": report.tool_version,
                "informationUri": PROJECT_URL,
                "rules": rules,
            }
        },
        "invocations": [invocation],
        "results": results,
    }
    folder = _folder(prefix)
    if folder:  # one analysis per checked folder: code scanning's category
        run["automationDetails"] = {"id": f"reprobot/{folder}/"}
    return {"$schema": SCHEMA_URI, "version": VERSION, "runs": [run]}


def to_text(report: Report, *, prefix: str = "", root: Path | None = None) -> str:
    data = to_sarif(report, prefix=prefix, root=root)
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate (read from a broken file): keep it escaped
        return json.dumps(data, indent=2) + "\n"
    return text
