"""The audit page's pictures, drawn with matplotlib and kept as inline SVG."""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from reprobot.bot.audit.table import NOT_CHECKED, QUESTIONS

STATUS_COLOURS = {
    "pass": "#2da44e",
    "warn": "#d4a72c",
    "fail": "#cf222e",
    "error": "#8250df",
    NOT_CHECKED: "#afb8c1",
    "skip": "#afb8c1",
}
ORDER = ("pass", "warn", "fail", "error", NOT_CHECKED)


class PlottingUnavailable(Exception):
    """matplotlib is not installed: the page says how to get the plots."""


def _pyplot() -> Any:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise PlottingUnavailable(
            "the plots need matplotlib: pip install 'reprobot[audit]'"
        ) from None
    plt.rcParams.update({"svg.fonttype": "none", "font.size": 10, "font.family": "sans-serif"})
    return plt


def _svg(fig: Any) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    _pyplot().close(fig)
    text = buffer.getvalue()
    return text[text.find("<svg") :]


def _stacked(labels: Sequence[str], counts: Sequence[Counter[str]], title: str) -> str:
    plt = _pyplot()
    height = 0.6 + 0.38 * max(len(labels), 1)
    fig, ax = plt.subplots(figsize=(7.5, height))
    left = [0] * len(labels)
    for status in ORDER:
        values = [c.get(status, 0) for c in counts]
        if any(values):
            ax.barh(labels, values, left=left, color=STATUS_COLOURS[status], label=status)
            left = [a + b for a, b in zip(left, values, strict=True)]
    ax.invert_yaxis()
    ax.set_title(title, loc="left", fontsize=11)
    ax.set_xlabel("repositories")
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(
        ncols=5,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.25 - 0.8 / height),
        frameon=False,
        fontsize=9,
    )
    return _svg(fig)


def questions_plot(rows: Sequence[Mapping[str, Any]]) -> str:
    counts = [Counter(r["questions"][q] for r in rows) for q in QUESTIONS]
    return _stacked(list(QUESTIONS), counts, "The questions a reader asks")


def family_plots(rows: Sequence[Mapping[str, Any]], families: Mapping[str, str]) -> dict[str, str]:
    """family -> a plot of its checks' statuses over the repositories."""
    by_family: dict[str, list[str]] = {}
    for code in sorted({c for r in rows for c in r["checks"]}):
        by_family.setdefault(families.get(code, code[:3]), []).append(code)
    plots = {}
    for family, codes in by_family.items():
        counts = [Counter(_as_shown(r["checks"].get(code)) for r in rows) for code in codes]
        plots[family] = _stacked(codes, counts, family)
    return plots


def _as_shown(status: str | None) -> str:
    return NOT_CHECKED if status in (None, "skip") else status


def causes_plot(rows: Sequence[Mapping[str, Any]]) -> str | None:
    tally = Counter(cause for r in rows for cause in r["causes"])
    if not tally:
        return None
    plt = _pyplot()
    items = tally.most_common()
    fig, ax = plt.subplots(figsize=(7.5, 0.6 + 0.38 * len(items)))
    ax.barh([k for k, _ in items], [v for _, v in items], color="#cf222e")
    ax.invert_yaxis()
    ax.set_title("Causes of failure (repositories)", loc="left", fontsize=11)
    ax.spines[["top", "right"]].set_visible(False)
    for index, (_, value) in enumerate(items):
        ax.text(value, index, f" {value}", va="center", fontsize=9)
    return _svg(fig)


def breakdown_plot(rows: Sequence[Mapping[str, Any]], key: str, title: str) -> str:
    groups = sorted({str(r[key]) for r in rows})
    counts = [Counter(_overall(r) for r in rows if str(r[key]) == g) for g in groups]
    return _stacked(groups, counts, title)


def _overall(row: Mapping[str, Any]) -> str:
    return str(row["status"]) if row["status"] in STATUS_COLOURS else NOT_CHECKED
