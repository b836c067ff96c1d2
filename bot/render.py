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

from bot import markdown
from bot.markdown import Safe
from checks import Check, template_environment
from checks.core.model import Report

ICONS = {"pass": "✅", "fail": "❌", "warn": "⚠️", "skip": "⏭️", "error": "💥"}
COLOURS = {"pass": "32", "fail": "31", "warn": "33", "skip": "90", "error": "35"}


def _plain_value(value: Any) -> Any:
    if isinstance(value, Safe):
        return value
    return markdown.clean("" if value is None else str(value))


@cache
def environment() -> jinja2.Environment:
    """The text templates' environment."""
    base = template_environment("bot")
    base.filters.update(
        fence=markdown.fence,
        code=markdown.code,
        html_code=markdown.html_code,
        text=markdown.text,
        line=markdown.line,
        cell=markdown.cell,
        url=markdown.url,
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
    return render_template(
        "report.txt.j2", report=report, data=report.to_dict(), paint=_paint(colour)
    )


def to_markdown(
    report: Report, *, run_url: str | None = None, repository_url: str | None = None
) -> str:
    return render_template(
        "report.md.j2",
        report=report,
        data=report.to_dict(),
        icons=ICONS,
        run_url=run_url,
        files_url=markdown.blob_url(repository_url, report.commit),
    )


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
