"""Turn a report into text for people: terminal, Markdown, JSON. Words live in templates.

Two environments over the same templates: Markdown templates (`*.md.j2`) pass every value
through `bot.markdown.markdown_value`, so nothing a report says becomes markup; text
templates drop control and invisible characters, so a report cannot drive the terminal.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import jinja2

from reprobot.bot import blocks, markdown, questions
from reprobot.bot.markdown import Safe
from reprobot.checks import Check, all_checks, template_environment
from reprobot.checks.core.model import Report

ICONS = {"pass": "✅", "fail": "❌", "warn": "⚠️", "skip": "⏭️", "error": "💥"}
PROBLEMS = ("fail", "error", "warn")  # the order a report shows its problems in
COLOURS = {"pass": "32", "fail": "31", "warn": "33", "skip": "90", "error": "35"}


def _plain_value(value: Any) -> Any:
    if isinstance(value, Safe):
        return value
    return markdown.clean("" if value is None else str(value))


@cache
def environment() -> jinja2.Environment:
    """The text templates' environment."""
    base = template_environment("reprobot.bot")
    base.filters.update(
        fence=markdown.fence,
        code=markdown.code,
        html_code=markdown.html_code,
        text=markdown.text,
        line=markdown.line,
        cell=markdown.cell,
        url=markdown.url,
        fix_text=blocks.to_markdown,
        new_commands=blocks.new_commands,
        language=blocks.language,
    )
    base.globals["place"] = markdown.place
    return base.overlay(finalize=_plain_value, cache_size=400)


@cache
def markdown_environment() -> jinja2.Environment:
    """The Markdown templates' environment (filters shared with the text one)."""
    return environment().overlay(finalize=markdown.markdown_value, cache_size=400)


def fence(text: str, lang: str = "") -> str:
    """A Markdown code fence that the text itself cannot close."""
    return markdown.fence(text, lang)


def render_template(name: str, **values: Any) -> str:
    env = markdown_environment() if name.endswith(".md.j2") else environment()
    return env.get_template(name).render(**values)


def render_markdown(name: str, **values: Any) -> str:
    """A text template rendered for Markdown (a notice in the job summary)."""
    return markdown_environment().get_template(name).render(**values)


def _paint(colour: bool) -> Any:
    def paint(text: str, status: str) -> str:
        clean = markdown.clean(text)
        if not colour:
            return Safe(clean)
        return Safe(f"\x1b[{COLOURS.get(status, '0')}m{clean}\x1b[0m")

    return paint


def to_text(report: Report, *, colour: bool = False) -> str:
    return render_template("report.txt.j2", **report_values(report), paint=_paint(colour))


@cache
def explanations() -> dict[str, Safe]:
    """Each registered check's explanation, Markdown reprobot wrote itself: a report read
    from a file may carry any words, so those are never shown as Markdown."""
    return {check.code(): Safe(check.explanation()) for check in all_checks()}


def report_values(
    report: Report,
    *,
    run_url: str | None = None,
    repository_url: str | None = None,
    delta: Any = None,
) -> dict[str, Any]:
    """What the report templates see. `repository_url` (the repository's page) lets findings
    link to their files at the checked commit; nothing else in a body is a link but the run.
    `delta` (a `bot.delta.Delta`) is what changed since an earlier report."""
    data = report.to_dict()
    checks = data["checks"]
    return {
        "report": report,
        "data": data,
        "icons": ICONS,
        "answers": questions.answers(data),
        "others": questions.other_checks(data),
        "problems": [c for status in PROBLEMS for c in checks if c["status"] == status],
        "settled": [c for c in checks if c["status"] not in PROBLEMS],
        "explanations": explanations(),
        "run_url": run_url,
        "files_url": markdown.blob_url(repository_url, report.commit),
        "delta": delta,
    }


def to_markdown(
    report: Report, *, run_url: str | None = None, repository_url: str | None = None
) -> str:
    values = report_values(report, run_url=run_url, repository_url=repository_url)
    return render_template("report.md.j2", **values)


def to_json(report: Report) -> str:
    text = json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate (read from a broken file): keep it escaped
        return json.dumps(report.to_dict(), indent=2) + "\n"
    return text


def checks_table(checks: tuple[type[Check], ...]) -> str:
    return render_template("checks-table.md.j2", checks=checks)


def checks_list(checks: tuple[type[Check], ...]) -> str:
    return render_template("checks-list.txt.j2", checks=checks)
