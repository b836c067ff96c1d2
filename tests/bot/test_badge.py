"""The badge: shields.io endpoint JSON, static fallback URL, raw URLs and the file name."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from reprobot.bot import badge
from reprobot.checks.core.model import CheckResult, Report, Status

# The endpoint schema shields.io accepts (services/endpoint-common.js): unknown keys are errors.
SHIELDS_KEYS = {
    "schemaVersion",
    "label",
    "message",
    "color",
    "labelColor",
    "isError",
    "namedLogo",
    "logoSvg",
    "logoColor",
    "logoWidth",
    "logoPosition",
    "style",
    "cacheSeconds",
}


def shields_problems(data: Any) -> list[str]:
    """The rules shields.io applies to endpoint JSON."""
    problems = []
    if not isinstance(data, dict):
        return ["not an object"]
    if set(data) - SHIELDS_KEYS:
        problems.append(f"unknown keys {sorted(set(data) - SHIELDS_KEYS)}")
    if data.get("schemaVersion") != 1 or isinstance(data.get("schemaVersion"), bool):
        problems.append("schemaVersion must be the number 1")
    if not isinstance(data.get("label"), str):
        problems.append("label must be a string")
    if not isinstance(data.get("message"), str) or not data.get("message"):
        problems.append("message must be a non-empty string")
    if "namedLogo" in data and "logoSvg" in data:
        problems.append("namedLogo and logoSvg together")
    seconds = data.get("cacheSeconds", 0)
    if not isinstance(seconds, int) or isinstance(seconds, bool) or seconds < 0:
        problems.append("cacheSeconds must be an integer >= 0")
    if "style" in data and data["style"] not in (
        "flat",
        "flat-square",
        "plastic",
        "for-the-badge",
        "social",
    ):
        problems.append("unknown style")
    return problems


FAMILIES = {"BLD": "build", "TST": "tests", "DEP": "dependencies", "CIT": "citation"}


def make_report(*checks: tuple[str, Status]) -> Report:
    """A report of `(code, status)` checks; the family is the code's prefix's."""
    results = tuple(
        CheckResult(code, FAMILIES.get(code[:3], "docs"), "t", status, f"{code} said so")
        for code, status in checks
    )
    return Report("0.1.0", "/r", None, results, "2024-01-01T00:00:00+00:00", 0.1)


P, F, W, S, E = Status.PASS, Status.FAIL, Status.WARN, Status.SKIP, Status.ERROR
ALL_PASS = (("BLD001", P), ("TST001", P), ("TST002", P), ("DEP003", P), ("CIT002", P))


@pytest.mark.parametrize(
    ("checks", "message", "color"),
    [
        (ALL_PASS, "4/4", "brightgreen"),
        # a check outside the four questions does not move the denominator
        ((*ALL_PASS, ("DOC001", F)), "4/4", "brightgreen"),
        ((*ALL_PASS, ("DEP006", W)), "4/4", "yellow"),
        (
            (("BLD001", P), ("TST002", F), ("DEP003", P), ("CIT001", F), ("CIT002", S)),
            "failing: tests, citation",
            "red",
        ),
        # every check of a question skipped: not checked, never counted as passed
        (
            (("BLD001", P), ("TST002", P), ("DEP003", P), ("CIT001", S), ("CIT002", S)),
            "3/4 · not checked: citation",
            "yellow",
        ),
        # tests that exist but did not run do not say they pass
        (
            (("BLD001", P), ("TST001", P), ("TST002", S), ("DEP003", P), ("CIT002", P)),
            "3/4 · not checked: tests",
            "yellow",
        ),
        # a question nobody selected is not checked either; the denominator stays 4
        ((("BLD001", P), ("TST002", P)), "2/4 · not checked: install, citation", "yellow"),
        # a check that broke tells nothing about the repository: not checked, not failing
        (
            (("BLD001", F), ("TST002", E), ("DEP003", P), ("CIT002", P)),
            "failing: build · not checked: tests",
            "red",
        ),
        ((("CIT001", S), ("DOC001", P)), "not checked", "lightgrey"),
        ((), "not checked", "lightgrey"),
    ],
)
def test_the_badge_answers_the_four_questions(
    checks: tuple[tuple[str, Status], ...], message: str, color: str
) -> None:
    text = badge.endpoint_text(badge.badge_for(make_report(*checks)))
    data = json.loads(text)
    assert shields_problems(data) == []
    assert data == {
        "schemaVersion": 1,
        "label": "reproducible",
        "message": message,
        "color": color,
        "cacheSeconds": 300,
    }


def test_only_the_endpoint_badge_is_kept_up_to_date() -> None:
    raw = "https://raw.githubusercontent.com/o/r/reprobot-badges/reprobot.json"
    assert badge.is_endpoint(badge.endpoint_url(raw))
    assert not badge.is_endpoint(badge.static_url(badge.Badge("reproducible", "4/4", "green")))
    assert not badge.is_endpoint(None)


def test_static_url_escapes_dashes_underscores_and_percent() -> None:
    url = badge.static_url(badge.Badge("re-pro_bot", "3/5 failing 95%", "red"))
    assert url == "https://img.shields.io/badge/re--pro__bot-3%2F5%20failing%2095%25-red"


def test_raw_url_for_github_com_and_enterprise() -> None:
    assert badge.raw_url("https://github.com", "o/r", "reprobot-badges", "reprobot.json") == (
        "https://raw.githubusercontent.com/o/r/reprobot-badges/reprobot.json"
    )
    assert badge.raw_url("https://ghe.example.org/", "o/r", "b/x", "reprobot.json") == (
        "https://ghe.example.org/o/r/raw/b/x/reprobot.json"
    )


def test_endpoint_url_carries_the_raw_url_encoded() -> None:
    raw = "https://raw.githubusercontent.com/o/r/reprobot-badges/reprobot.json"
    url = badge.endpoint_url(raw)
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "img.shields.io", "/endpoint")
    assert "/" not in parts.query.removeprefix("url=")
    assert parse_qs(parts.query)["url"] == [raw]
    assert unquote(parts.query.removeprefix("url=")) == raw


def test_badge_file_per_checked_directory() -> None:
    assert badge.badge_file(".") == "reprobot.json"
    assert badge.badge_file("") == "reprobot.json"
    assert badge.badge_file("analysis/Model A/") == "reprobot-analysis-model-a.json"


def test_readme_snippet_links_the_image() -> None:
    assert badge.readme_snippet("https://img/x", "https://github.com/o/r/actions") == (
        "[![reproducible](https://img/x)](https://github.com/o/r/actions)"
    )
