"""The texts reprobot posts on GitHub, rendered from templates and kept under GitHub's limits.

Comment and issue bodies start with a hidden marker line by which reprobot finds its own
comment or issue again, and contain nothing that changes from run to run on the same
commit, so an unchanged result is not re-sent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from reprobot.bot import markdown
from reprobot.bot.badge import is_endpoint
from reprobot.bot.delta import Delta
from reprobot.bot.markdown import Safe
from reprobot.bot.render import render_markdown, render_template, report_values
from reprobot.bot.truncate import COMMENT_CAP, cut_markdown
from reprobot.checks.core.model import Report, Status

COMMENT_MARKER = "<!-- reprobot:sticky-comment -->"
ISSUE_MARKER = "<!-- reprobot:tracking-issue -->"
FIX_MARKER = "<!-- reprobot:fix-pr -->"
ISSUE_LABEL = "reprobot"
STATUS_CONTEXT = "reprobot"
FIX_BRANCH = "reprobot/fixes"
TITLE_LIMIT = 256


@dataclass(frozen=True)
class Notice:
    """A one-line message for the log and the job summary; `kind` picks its words."""

    kind: str
    detail: str = ""
    level: str = "warning"  # "error", "warning" or "notice": the workflow command it becomes

    @property
    def text(self) -> str:
        return render_template("notice.txt.j2", kind=self.kind, detail=self.detail).strip()

    @property
    def markdown(self) -> str:
        """The text for the job summary: the detail (which may quote a forged file) inert."""
        detail = markdown.line(self.detail)
        words = render_markdown("notice.txt.j2", kind=self.kind, detail=detail).split()
        return Safe(" ".join(words))


@dataclass(frozen=True)
class Step:
    """One thing published: kind (comment, status, issue, badge, fix-pr) and what happened."""

    kind: str
    action: str
    number: int | None = None
    url: str | None = None


def _values(
    report: Report, repository_url: str | None = None, delta: Delta | None = None
) -> dict[str, Any]:
    return report_values(report, repository_url=repository_url, delta=delta)


def _fit(body: str, run_url: str | None) -> str:
    note = render_template("truncated.md.j2", run_url=run_url).strip()
    text, _ = cut_markdown(body, COMMENT_CAP, note)
    return text


def comment_body(
    report: Report,
    *,
    run_url: str | None,
    repository_url: str | None = None,
    delta: Delta | None = None,
) -> str:
    values = _values(report, repository_url, delta)
    return _fit(render_template("comment.md.j2", marker=Safe(COMMENT_MARKER), **values), run_url)


def issue_title(report: Report, branch: str) -> str:
    title = render_template("issue-title.txt.j2", branch=branch, **_values(report)).strip()
    return title[:TITLE_LIMIT]


def issue_body(
    report: Report,
    *,
    branch: str,
    run_url: str | None,
    repository_url: str | None = None,
    delta: Delta | None = None,
) -> str:
    values = _values(report, repository_url, delta)
    body = render_template("issue.md.j2", marker=Safe(ISSUE_MARKER), branch=branch, **values)
    return _fit(body, run_url)


def issue_closed_comment(report: Report, *, run_url: str | None) -> str:
    values = {**_values(report), "run_url": run_url}
    return render_template("issue-closed.md.j2", **values).strip()


def status_description(report: Report) -> str:
    return render_template("status.txt.j2", **_values(report)).strip()[:140]


def fix_files(report: Report) -> list[dict[str, str]]:
    """Every generated file of a failing or warning check; the first fix of a path wins."""
    seen: dict[str, dict[str, str]] = {}
    for result in report.checks:
        if result.status not in (Status.FAIL, Status.WARN, Status.ERROR):
            continue
        for fix in result.fixes:
            for path, content in fix.files.items():
                seen.setdefault(
                    path,
                    {
                        "path": path,
                        "content": _encodable(content),
                        "code": result.code,
                        "title": fix.title,
                    },
                )
    return list(seen.values())


def _encodable(text: str) -> str:
    """`text` with any lone surrogate (from a file that was not UTF-8) replaced."""
    return text.encode("utf-8", "replace").decode("utf-8")


def fix_pr_text(report: Report, base: str) -> tuple[str, str, dict[str, str]]:
    """Title, body and files of the fix pull request (files empty: nothing to fix)."""
    items = fix_files(report)
    title = f"reprobot: fix reproducibility problems ({len(items)} files)"
    body = render_template("fix-pr.md.j2", marker=Safe(FIX_MARKER), base=base, fixes=items)
    return title[:TITLE_LIMIT], _fit(body, None), {i["path"]: i["content"] for i in items}


def summary(
    report: Report | None,
    *,
    run_url: str | None,
    notices: Sequence[Notice] = (),
    published: Sequence[Step] = (),
    badge_url: str | None = None,
    snippet: str = "",
    repository_url: str | None = None,
    delta: Delta | None = None,
    history_url: str | None = None,
    history_page: str | None = None,
) -> str:
    values: Mapping[str, Any] = (
        _values(report, repository_url, delta) if report is not None else {"report": None}
    )
    return render_template(
        "summary.md.j2",
        **{**values, "run_url": run_url},
        notices=notices,
        published=published,
        # only the endpoint badge follows the default branch: one run's static badge
        # (a pull request's, say) would show that run's result in a README for ever
        badge_url=badge_url if is_endpoint(badge_url) else None,
        snippet=snippet,
        history_url=history_url,  # the history picture on the badge branch
        history_page=history_page,  # its folder there (the runs' reports and index.json)
    )


def summary_note(run_url: str | None) -> str:
    return render_template("truncated.md.j2", run_url=run_url).strip()
