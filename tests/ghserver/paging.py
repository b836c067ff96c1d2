"""GitHub's pagination: ``per_page`` (default 30, at most 100), ``page`` and the ``Link`` header."""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import urlencode

from .payloads import Urls

DEFAULT_PER_PAGE, MAX_PER_PAGE = 30, 100


def paginate(
    items: list[Any], path: str, query: dict[str, str], urls: Urls
) -> tuple[list[Any], str | None]:
    """One page of ``items`` and GitHub's ``Link`` header (None when all fit on page 1)."""
    try:
        per_page = min(max(int(query.get("per_page", DEFAULT_PER_PAGE)), 1), MAX_PER_PAGE)
    except ValueError:
        per_page = DEFAULT_PER_PAGE
    try:
        page = max(int(query.get("page", 1)), 1)
    except ValueError:
        page = 1
    last = max(math.ceil(len(items) / per_page), 1)
    chunk = items[(page - 1) * per_page : page * per_page]

    def link(number: int, rel: str) -> str:
        return f'<{urls.api}{path}?{urlencode({**query, "page": str(number)})}>; rel="{rel}"'

    links = []
    if page > 1:
        links.append(link(min(page - 1, last), "prev"))
    if page < last:
        links += [link(page + 1, "next"), link(last, "last")]
    if page > 1:
        links.append(link(1, "first"))
    return chunk, ", ".join(links) or None
