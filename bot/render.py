"""Turn a report into text for people: terminal, Markdown, JSON. Words live in templates."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import jinja2

from checks import Check, template_environment
from checks.core.model import Report

ICONS = {"pass": "✅", "fail": "❌", "warn": "⚠️", "skip": "⏭️", "error": "💥"}
COLOURS = {"pass": "32", "fail": "31", "warn": "33", "skip": "90", "error": "35"}


@cache
def environment() -> jinja2.Environment:
    env = template_environment("bot")
    env.filters["fence"] = fence
    return env


def fence(text: str, lang: str = "") -> str:
    """A Markdown code fence that the text itself cannot close."""
    ticks = "```"
    while ticks in text:
        ticks += "`"
    return f"{ticks}{lang}\n{text.rstrip()}\n{ticks}"


def render_template(name: str, **values: Any) -> str:
    return environment().get_template(name).render(**values)


def _paint(colour: bool) -> Any:
    def paint(text: str, status: str) -> str:
        if not colour:
            return text
        return f"\x1b[{COLOURS.get(status, '0')}m{text}\x1b[0m"

    return paint


def to_text(report: Report, *, colour: bool = False) -> str:
    return render_template(
        "report.txt.j2", report=report, data=report.to_dict(), paint=_paint(colour)
    )


def to_markdown(report: Report, *, run_url: str | None = None) -> str:
    return render_template(
        "report.md.j2", report=report, data=report.to_dict(), icons=ICONS, run_url=run_url
    )


def to_json(report: Report) -> str:
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"


def checks_table(checks: tuple[type[Check], ...]) -> str:
    return render_template("checks-table.md.j2", checks=checks)


def checks_list(checks: tuple[type[Check], ...]) -> str:
    return render_template("checks-list.txt.j2", checks=checks)
