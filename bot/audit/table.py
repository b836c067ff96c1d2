"""From the repositories' reports to the audit's table: one row each, the questions a
reader asks (does it install, build, pass its tests, run its notebooks, can it be cited),
the causes of failure, and the files `audit.json` and `audit.csv`. Pure over the reports.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from reprobot.bot.audit.causes import causes_of
from reprobot.bot.questions import QUESTIONS as FOUR
from reprobot.bot.questions import UNCHECKED, Question, answer

AUDIT_SCHEMA = "reprobot.audit/1"
NOT_CHECKED = "not checked"

# The report's four questions, and the one an audit adds: do the notebooks run?
NOTEBOOKS = Question("notebooks", "Notebooks run", "notebooks", ("notebooks",), "NBK001")
QUESTIONS: dict[str, Question] = {
    "installs": next(q for q in FOUR if q.key == "installs"),
    "builds": next(q for q in FOUR if q.key == "builds"),
    "tests pass": next(q for q in FOUR if q.key == "tests"),
    "notebooks run": NOTEBOOKS,
    "citable": next(q for q in FOUR if q.key == "citable"),
}
_SHOWN = {UNCHECKED: NOT_CHECKED}


def answer_of(question: Question, checks: Sequence[Mapping[str, Any]]) -> str:
    """One question's answer, as the report's comment gives it: failed, error, warn or
    pass, and `not checked` when its headline check did not run (never counted as a pass)."""
    status = answer(question, checks).status
    return _SHOWN.get(status, status)


def _year(when: str | None) -> str:
    return when[:4] if when and when[:4].isdigit() else "unknown"


def _main_language(facts: Mapping[str, Any]) -> str:
    languages = facts.get("languages") or {}
    if not isinstance(languages, Mapping) or not languages:
        return "none"
    return str(max(languages.items(), key=lambda item: (item[1], item[0]))[0])


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def row_of(slug: str, report: Mapping[str, Any]) -> dict[str, Any]:
    """The audit's row for one repository's report."""
    audit: Mapping[str, Any] = _mapping(report.get("audit"))
    facts: Mapping[str, Any] = _mapping(audit.get("facts"))
    checks = [c for c in report.get("checks") or () if isinstance(c, Mapping)]
    statuses = {str(c.get("code")): str(c.get("status")) for c in checks}
    return {
        "repository": slug,
        "source": audit.get("source", slug),
        "commit": audit.get("commit") or "",
        "committed_at": audit.get("committed_at") or facts.get("committed_at") or "",
        "year": _year(audit.get("committed_at") or facts.get("committed_at")),
        "status": str(report.get("status", "error")),
        "outcome": audit.get("outcome", "checked"),
        "error": report.get("error", ""),
        "questions": {name: answer_of(q, checks) for name, q in QUESTIONS.items()},
        "checks": statuses,
        "causes": causes_of(report),
        "language": _main_language(facts),
        "languages": dict(facts.get("languages") or {}),
        "manifests": list(facts.get("manifests") or ()),
        "python": facts.get("python"),
        "notebooks": facts.get("notebooks", 0),
        "seconds": audit.get("seconds"),
        "report": f"reports/{slug}.json",
    }


def read_reports(folders: Iterable[Path]) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """slug -> report from `reports/*.json` of each folder (the first of a slug wins),
    and the problems met: files that are not reports are named and left out."""
    found: dict[str, dict[str, Any]] = {}
    problems: list[str] = []
    for folder in folders:
        for path in sorted((folder / "reports").glob("*.json")):
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                problems.append(f"{path}: not a readable report ({exc}); left out")
                continue
            if not isinstance(data, dict) or not str(data.get("schema", "")).startswith(
                "reprobot.report/"
            ):
                problems.append(f"{path}: not a reprobot report; left out")
                continue
            found.setdefault(path.stem, data)
    return found, problems


def headline(rows: Sequence[Mapping[str, Any]]) -> dict[str, dict[str, int]]:
    """Per question: how many repositories it was examined for, and how many passed."""
    numbers = {}
    for question in QUESTIONS:
        answers = [r["questions"][question] for r in rows]
        examined = [a for a in answers if a != NOT_CHECKED]
        numbers[question] = {
            "examined": len(examined),
            "passed": sum(a in ("pass", "warn") for a in examined),
            "of": len(rows),
        }
    return numbers


def audit_document(rows: Sequence[Mapping[str, Any]], problems: Sequence[str]) -> dict[str, Any]:
    return {
        "schema": AUDIT_SCHEMA,
        "repositories": len(rows),
        "headline": headline(rows),
        "problems": list(problems),
        "rows": list(rows),
    }


CSV_FIXED = (
    "repository",
    "source",
    "commit",
    "committed_at",
    "status",
    "outcome",
    "language",
    "python",
    "notebooks",
    "seconds",
)


def to_csv(rows: Sequence[Mapping[str, Any]]) -> str:
    codes = sorted({code for r in rows for code in r["checks"]})
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*CSV_FIXED, *QUESTIONS, *codes, "causes", "manifests"])
    for r in rows:
        writer.writerow(
            [
                *(r.get(k, "") if r.get(k) is not None else "" for k in CSV_FIXED),
                *(r["questions"][q] for q in QUESTIONS),
                *(r["checks"].get(c, "") for c in codes),
                "; ".join(r["causes"]),
                "; ".join(r["manifests"]),
            ]
        )
    return out.getvalue()
