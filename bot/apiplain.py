"""Plain-data helpers of `bot/github.py` (nothing here imports PyGithub): the client's
settings, how an error answer becomes a `GitHubError`, and what an issue edit changes."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from reprobot.bot.apierrors import (
    GitHubError,
    header,
    is_transient,
    kind_of,
    message_of,
    wait_seconds,
)

__all__ = ["is_transient", "wait_seconds"]  # and what is defined here

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "DELETE"})
USER_AGENT = "reprobot"

# a file's new text: the text itself, or made from the text it has now (None: no file yet)
Content = str | Callable[[str | None], str]


def first_line(text: str | None) -> str:
    return (text or "").lstrip().split("\n", 1)[0].strip()


def error_of(action: str, status: int, data: Any, headers: Mapping[str, Any] | None) -> GitHubError:
    """The error for GitHub's answer `status` (with its JSON `data` and `headers`)."""
    message = message_of(status, data)
    kind = kind_of(status, message)
    needed = header(headers, "x-accepted-github-permissions")
    if kind == "read-only" and needed:
        message = f"{message}; the token needs {needed}"
    return GitHubError(action, kind, message, status)


def issue_changes(
    state: str, title: str, body: str, *, new_title: str, new_body: str
) -> dict[str, Any]:
    """What to send to make an issue open with `new_title` and `new_body` ({} for nothing)."""
    changes: dict[str, Any] = {}
    if state != "open":
        changes.update(state="open", state_reason="reopened")
    if body != new_body:
        changes["body"] = new_body
    if title != new_title:
        changes["title"] = new_title
    return changes


def new_text(content: Content, old: bytes | None) -> str:
    """The text `content` gives over a file that holds `old` now."""
    if isinstance(content, str):
        return content
    return content(None if old is None else old.decode("utf-8", "replace"))
