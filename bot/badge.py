"""The README badge: shields.io endpoint JSON, its URLs, and a static fallback.

The endpoint JSON is written to a branch of the repository and shields.io reads it through
the raw-file URL. Shields rejects unknown keys, so only keys of its endpoint schema appear.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

from reprobot.bot import questions
from reprobot.checks.core.model import Report

SHIELDS = "https://img.shields.io"
LABEL = "reproducible"
CACHE_SECONDS = 300  # shields caches endpoint badges for at least five minutes anyway
GITHUB_COM = "https://github.com"
RAW_GITHUB_COM = "https://raw.githubusercontent.com"


@dataclass(frozen=True)
class Badge:
    label: str
    message: str
    color: str


def badge_for(report: Report) -> Badge:
    """The four questions, out of four, whatever was selected: `4/4` green; `4/4` yellow
    with warnings; `failing: tests, citation` red; a question nobody answered (its checks
    all skipped, or broken) is named as not checked and never counted: `3/4 · not checked:
    citation` yellow; `not checked` grey when no question was answered at all."""
    found = questions.answers(report.to_dict())
    failing = [a.question.word for a in found if a.status == questions.FAILED]
    unchecked = [a.question.word for a in found if not a.answered and a.status != questions.FAILED]
    tail = f" · not checked: {', '.join(unchecked)}" if unchecked else ""
    if failing:
        return Badge(LABEL, f"failing: {', '.join(failing)}{tail}", "red")
    if len(unchecked) == len(found):
        return Badge(LABEL, "not checked", "lightgrey")
    ratio = f"{sum(a.answered for a in found)}/{len(found)}{tail}"
    warned = any(a.status == questions.WARNED for a in found)
    return Badge(LABEL, ratio, "yellow" if warned or unchecked else "brightgreen")


def is_endpoint(url: str | None) -> bool:
    """Whether `url` is the endpoint badge (kept up to date), not one run's static badge."""
    return bool(url) and str(url).startswith(f"{SHIELDS}/endpoint?")


def endpoint_json(badge: Badge) -> dict[str, Any]:
    return {
        "schemaVersion": 1,
        "label": badge.label,
        "message": badge.message,
        "color": badge.color,
        "cacheSeconds": CACHE_SECONDS,
    }


def endpoint_text(badge: Badge) -> str:
    return json.dumps(endpoint_json(badge), indent=2) + "\n"


def _static_part(text: str) -> str:
    """Escape a label or message for the path form: `-` and `_` doubled, then URL-quoted."""
    return quote(text.replace("-", "--").replace("_", "__"), safe="")


def static_url(badge: Badge) -> str:
    color = re.sub(r"[^0-9A-Za-z]", "", badge.color) or "lightgrey"
    return f"{SHIELDS}/badge/{_static_part(badge.label)}-{_static_part(badge.message)}-{color}"


def endpoint_url(json_url: str) -> str:
    return f"{SHIELDS}/endpoint?url={quote(json_url, safe='')}"


def raw_url(server_url: str, repository: str, branch: str, path: str) -> str:
    """Where the raw file is served: raw.githubusercontent.com for github.com, else the
    server's own `/<owner>/<repo>/raw/<branch>/<path>` (GitHub Enterprise Server)."""
    server = server_url.rstrip("/")
    where = f"{quote(branch, safe='/')}/{quote(path, safe='/')}"
    host = urlsplit(server).hostname or ""
    if host in ("github.com", "www.github.com"):
        return f"{RAW_GITHUB_COM}/{repository}/{where}"
    return f"{server}/{repository}/raw/{where}"


def badge_file(path: str) -> str:
    """`reprobot.json` for the repository root, `reprobot-<dir>.json` for a sub-directory."""
    clean = path.strip().strip("/")
    if clean in ("", "."):
        return "reprobot.json"
    slug = re.sub(r"[^0-9A-Za-z]+", "-", clean).strip("-").lower() or "root"
    return f"reprobot-{slug}.json"


def readme_snippet(image_url: str, link: str) -> str:
    return f"[![{LABEL}]({image_url})]({link})"
