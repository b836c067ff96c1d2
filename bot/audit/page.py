"""DIR/index.html: one self-contained page (no external assets) with the audit's headline
numbers, a plot per family, the causes of failure, breakdowns by year and language, and a
sortable table linking each repository's report."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

import jinja2
from markupsafe import Markup

from reprobot.bot.audit import plots
from reprobot.bot.audit.table import QUESTIONS, headline


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("reprobot.bot", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "–"


def _figures(rows: Sequence[Mapping[str, Any]], families: Mapping[str, str]) -> dict[str, Any]:
    """Each plot as inline SVG markup (matplotlib escapes the text it draws)."""
    if not rows:
        return {"families": {}}
    drawn = {
        "questions": plots.questions_plot(rows),
        "causes": plots.causes_plot(rows),
        "years": plots.breakdown_plot(rows, "year", "By year of the last commit"),
        "languages": plots.breakdown_plot(rows, "language", "By main language"),
    }
    figures: dict[str, Any] = {k: Markup(v) for k, v in drawn.items() if v}
    figures["families"] = {k: Markup(v) for k, v in plots.family_plots(rows, families).items()}
    return figures


def render_page(
    rows: Sequence[Mapping[str, Any]],
    problems: Sequence[str],
    families: Mapping[str, str],
    version: str,
) -> str:
    cards = [
        {
            "question": question,
            "passed": n["passed"],
            "examined": n["examined"],
            "of": n["of"],
            "share": _percent(n["passed"], n["examined"]),
        }
        for question, n in headline(rows).items()
    ]
    try:
        figures, missing = _figures(rows, families), None
    except plots.PlottingUnavailable as exc:
        figures, missing = {"families": {}}, str(exc)
    return (
        _environment()
        .get_template("audit.html.j2")
        .render(
            rows=rows,
            cards=cards,
            questions=list(QUESTIONS),
            figures=figures,
            plots_missing=missing,
            problems=problems,
            version=version,
        )
    )
