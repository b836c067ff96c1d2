"""Each run's report kept on the badge branch, so a run can say what changed since before.

One folder per branch (and checked folder): `history/<branch>/` holds the last `KEEP` runs'
reports (`<UTC time>-<short sha>.json`, trimmed: no fix contents, no explanations, the first
findings only), `index.json` listing them oldest first (time, sha, event, status, score,
each question's answer, file), and `history.svg`, the score and questions over those runs.
Whatever is read back from the branch is checked like any file from elsewhere: an entry or
a report that does not fit is left out, never trusted.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol
from xml.sax.saxutils import escape

import jsonschema

from reprobot.bot import questions
from reprobot.bot.apierrors import Written
from reprobot.bot.apiplain import Content
from reprobot.bot.reportfile import report_schema
from reprobot.checks.core.model import Finding, Report, cap_findings

HISTORY_DIR = "history"
INDEX = "index.json"
PICTURE = "history.svg"
SCHEMA = "reprobot.history/1"
KEEP = 100  # runs kept per folder
KEPT_FINDINGS = 20  # findings kept per check of a stored report
MAX_BYTES = 4 * 1024 * 1024  # of the index or of one stored report read back
FILE = re.compile(r"^[0-9]{8}T[0-9]{6}Z-[0-9a-f]{0,12}\.json$")
_STATUSES = frozenset({"pass", "warn", "fail", "error", "none", "skip"})
_GREEN = frozenset({"pass", "warn"})  # a run is green when no check failed


class Files(Protocol):
    """What the history needs of `bot.github.GitHub`."""

    def read_file(self, *, branch: str, path: str) -> str | None: ...

    def publish_badge(
        self, *, branch: str, base: str, path: str, content: Content, message: str
    ) -> Written: ...

    def delete_file(self, *, branch: str, path: str, message: str) -> Written: ...


def folder(branch: str, path: str = ".") -> str:
    """`history/<branch>` for the repository root, `history/<branch>/<folder>` for a
    sub-folder; characters outside `[A-Za-z0-9._/-]` become `-`."""
    safe = re.sub(r"[^A-Za-z0-9._/-]+", "-", branch).strip("/") or "-"
    safe = "/".join(part.lstrip(".") or "-" for part in safe.split("/"))
    clean = path.strip().strip("/")
    if clean in ("", "."):
        return f"{HISTORY_DIR}/{safe}"
    slug = re.sub(r"[^0-9A-Za-z]+", "-", clean).strip("-").lower() or "root"
    return f"{HISTORY_DIR}/{safe}/{slug}"


def _when(report: Report) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(report.started_at)
    except ValueError:
        moment = dt.datetime.now(dt.timezone.utc)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(dt.timezone.utc)


def file_name(report: Report) -> str:
    sha = report.commit[:7] if report.commit and re.match(r"^[0-9a-f]+$", report.commit) else ""
    return f"{_when(report):%Y%m%dT%H%M%SZ}-{sha}.json"


def stored(report: Report) -> str:
    """The report as kept: a valid report still, without what only a reader of this run
    needs (fix contents and commands, explanations, findings beyond the first few)."""
    data = report.to_dict()
    for check in data["checks"]:
        found = [Finding(f["message"], f["path"], f["line"]) for f in check["findings"]]
        check.update(
            explanation="",
            fixes=[],
            findings=[f.to_dict() for f in cap_findings(found, KEPT_FINDINGS)],
        )
    return json.dumps(data, indent=1, ensure_ascii=True) + "\n"


def entry(report: Report, *, file: str, event: str, run_url: str | None) -> dict[str, Any]:
    """The index's line for one run."""
    answers = questions.answers(report.to_dict())
    return {
        "file": file,
        "time": f"{_when(report):%Y-%m-%dT%H:%M:%SZ}",
        "sha": report.commit or "",
        "event": event,
        "status": report.status.value,
        "score": report.score.to_dict(),
        "questions": {a.question.key: a.status for a in answers},
        "run": run_url or "",
    }


def _valid(item: Any) -> bool:
    if not isinstance(item, dict) or not FILE.match(str(item.get("file", ""))):
        return False
    score, answers = item.get("score"), item.get("questions")
    texts = all(isinstance(item.get(k), str) and len(item[k]) <= 500 for k in ("time", "sha"))
    return (
        texts
        and item.get("status") in _GREEN | {"fail"}
        and isinstance(score, dict)
        and all(isinstance(score.get(k), int) for k in ("passed", "failed", "warned", "total"))
        and isinstance(answers, dict)
        and all(isinstance(v, str) and v in _STATUSES for v in answers.values())
    )


def runs_of(text: str | None) -> list[dict[str, Any]]:
    """The index's runs, oldest first; what is not an index entry is left out."""
    if not text or len(text) > MAX_BYTES:
        return []
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return []
    runs = data.get("runs") if isinstance(data, dict) else None
    return [r for r in runs if _valid(r)] if isinstance(runs, list) else []


def index_text(runs: Sequence[Mapping[str, Any]], branch: str) -> str:
    return json.dumps({"schema": SCHEMA, "branch": branch, "runs": list(runs)}, indent=1) + "\n"


def add_run(
    runs: Sequence[dict[str, Any]], new: dict[str, Any], keep: int = KEEP
) -> tuple[list[dict[str, Any]], list[str]]:
    """The runs with `new` last, the oldest dropped beyond `keep`; and the dropped files."""
    kept = [r for r in runs if r["file"] != new["file"]] + [new]
    dropped = [r["file"] for r in kept[: max(len(kept) - keep, 0)]]
    return kept[len(dropped) :], dropped


def last_green(runs: Sequence[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    return next((r for r in reversed(runs) if r["status"] in _GREEN), None)


def report_data(text: str | None) -> dict[str, Any] | None:
    """A stored report read back, as a report's dictionary; None when it is not one."""
    if not text or len(text) > MAX_BYTES:
        return None
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if not jsonschema.Draft202012Validator(report_schema()).is_valid(data):
        return None
    return data if isinstance(data, dict) else None


@dataclass(frozen=True)
class Earlier:
    """An earlier run: its index entry and its report's dictionary."""

    entry: Mapping[str, Any]
    report: Mapping[str, Any]


def earlier(client: Files, *, badge_branch: str, where: str, green: bool) -> Earlier | None:
    """The last run kept in `where` (the last green one with `green`), or None."""
    runs = runs_of(client.read_file(branch=badge_branch, path=f"{where}/{INDEX}"))
    chosen = last_green(runs) if green else (runs[-1] if runs else None)
    if chosen is None:
        return None
    data = report_data(client.read_file(branch=badge_branch, path=f"{where}/{chosen['file']}"))
    return Earlier(chosen, data) if data is not None else None


@dataclass(frozen=True)
class Recorded:
    runs: int  # how many runs the index lists now
    dropped: tuple[str, ...]  # the files of the runs that fell out


def record(
    client: Files,
    report: Report,
    *,
    badge_branch: str,
    base: str,
    where: str,
    branch: str,
    event: str,
    run_url: str | None,
    keep: int = KEEP,
) -> Recorded:
    """Keep this run: its report, its line in the index (merged into the index as it is
    when written, so a concurrent run's line is not lost), the picture; then the runs
    beyond `keep` are deleted."""
    name = file_name(report)
    sha = (report.commit or "")[:7] or "no commit"
    write = {"branch": badge_branch, "base": base}
    client.publish_badge(
        **write, path=f"{where}/{name}", content=stored(report), message=f"reprobot: run {sha}"
    )
    new = entry(report, file=name, event=event, run_url=run_url)
    result: dict[str, Any] = {}

    def update(old: str | None) -> str:
        result["runs"], result["dropped"] = add_run(runs_of(old), new, keep)
        return index_text(result["runs"], branch)

    message = f"reprobot: history of {branch}"
    client.publish_badge(**write, path=f"{where}/{INDEX}", content=update, message=message)
    runs = result["runs"]
    client.publish_badge(**write, path=f"{where}/{PICTURE}", content=picture(runs), message=message)
    for dropped in result["dropped"]:
        client.delete_file(branch=badge_branch, path=f"{where}/{dropped}", message=message)
    return Recorded(len(runs), tuple(result["dropped"]))


# -- the picture ---------------------------------------------------------------------------

COLOURS = {"pass": "#2da44e", "warn": "#d4a72c", "fail": "#cf222e"}  # else grey
GREY = "#8c959f"
STEP, LEFT, RIGHT, TOP, PLOT, ROW = 10, 104, 12, 22, 60, 12


def picture(runs: Sequence[Mapping[str, Any]]) -> str:
    """The score (checks passed of those that gave a verdict) as a line with one point per
    run, and under it each question's answer per run as a coloured square; plain SVG."""
    width = LEFT + STEP * max(len(runs), 1) + RIGHT
    rows = [(q.key, q.label) for q in questions.QUESTIONS]
    height = TOP + PLOT + 10 + ROW * len(rows) + 6
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="10">',
        f"<title>reprobot: the last {len(runs)} runs</title>",
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
        f'<text x="4" y="14" font-weight="bold">reprobot · last {len(runs)} runs</text>',
        f'<text x="4" y="{TOP + 8}" fill="#57606a">score 100%</text>',
        f'<text x="4" y="{TOP + PLOT}" fill="#57606a">0%</text>',
        f'<line x1="{LEFT}" y1="{TOP + PLOT}" x2="{width - RIGHT}" y2="{TOP + PLOT}" '
        'stroke="#d0d7de"/>',
    ]
    points = []
    for i, run in enumerate(runs):
        score = run["score"]
        share = score["passed"] / score["total"] if score["total"] else 0.0
        x, y = LEFT + STEP * i + STEP / 2, TOP + PLOT - share * (PLOT - 4)
        points.append((x, y, run, score))
    if len(points) > 1:
        line = " ".join(f"{x:.1f},{y:.1f}" for x, y, _, _ in points)
        parts.append(f'<polyline points="{line}" fill="none" stroke="#57606a"/>')
    for x, y, run, score in points:
        what = f"{run['time'][:16]} {run['sha'][:7]}: {score['passed']}/{score['total']} passed"
        colour = COLOURS.get(run["status"], GREY)
        parts.append(
            f'<circle class="run" cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}">'
            f"<title>{escape(what)}</title></circle>"
        )
    for row, (key, label) in enumerate(rows):
        y = TOP + PLOT + 10 + ROW * row
        parts.append(f'<text x="4" y="{y + 8}">{escape(label)}</text>')
        for i, run in enumerate(runs):
            status = str(run["questions"].get(key, "none"))
            parts.append(
                f'<rect x="{LEFT + STEP * i + 1}" y="{y}" width="{STEP - 2}" height="{ROW - 3}" '
                f'fill="{COLOURS.get(status, GREY)}"><title>{escape(label)}: '
                f"{escape(status)}</title></rect>"
            )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
