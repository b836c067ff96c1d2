"""Why a repository failed, in the categories of the studies of published code:
undeclared dependency, missing data file, absolute path, API change, no dependency file..."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

# check code -> the cause its failure stands for
BY_CHECK = {
    "DEP001": "no dependency file",
    "DEP002": "dependencies do not resolve",
    "DEP003": "dependencies do not install",
    "DEP005": "undeclared dependency",
    "LNG002": "undeclared dependency",
    "LNG004": "undeclared dependency",
    "DAT001": "missing data file",
    "PTH001": "absolute path",
    "BLD001": "does not build",
    "BLD002": "does not import",
    "TST002": "tests fail",
    "NBK001": "notebook fails",
    "RUN001": "analysis does not run",
    "CIT001": "no citation file",
}
_API_CHANGE = re.compile(
    r"AttributeError|cannot import name|has no attribute|was removed|removed in|deprecated",
    re.IGNORECASE,
)
_UNDECLARED = re.compile(r"ModuleNotFoundError|No module named", re.IGNORECASE)
_MISSING_FILE = re.compile(r"FileNotFoundError|No such file or directory", re.IGNORECASE)
_WHERE_CODE_RUNS = ("BLD002", "TST002", "NBK001", "RUN001")


def _text(check: Mapping[str, Any]) -> str:
    parts = [str(check.get("message", ""))]
    for finding in check.get("findings") or ():
        if isinstance(finding, Mapping):
            parts.append(str(finding.get("message", "")))
    return "\n".join(parts)


def causes_of(report: Mapping[str, Any]) -> list[str]:
    """The causes of failure of one report, each once, in a stable order."""
    if report.get("status") == "error" and not report.get("checks"):
        return ["could not be checked"]
    found: list[str] = []
    for check in report.get("checks") or ():
        if not isinstance(check, Mapping) or check.get("status") != "fail":
            continue
        code = str(check.get("code"))
        text = _text(check)
        cause = BY_CHECK.get(code)
        if code in _WHERE_CODE_RUNS:
            if _API_CHANGE.search(text):
                cause = "API change"
            elif _UNDECLARED.search(text):
                cause = "undeclared dependency"
            elif _MISSING_FILE.search(text):
                cause = "missing data file"
        if cause and cause not in found:
            found.append(cause)
    return found
