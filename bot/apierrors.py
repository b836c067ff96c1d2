"""What GitHub's error answers mean, as plain data: which kind, whether to retry, how long
to wait. `bot/github.py` turns PyGithub's exceptions into these; nothing here imports it."""

from __future__ import annotations

import functools
import inspect
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

READ_ONLY = "resource not accessible by integration"
PULLS_NOT_PERMITTED = "github actions is not permitted to create or approve pull requests"
_KINDS_BY_STATUS = {401: "bad-credentials", 404: "not-found", 410: "gone"}


class GitHubError(Exception):
    """A request failed for good. `kind`: read-only, pulls-not-permitted, rate-limited,
    bad-credentials, not-found, gone, network or failed."""

    def __init__(self, action: str, kind: str, message: str, status: int | None = None):
        super().__init__(f"{action}: {message}" + (f" (HTTP {status})" if status else ""))
        self.action, self.kind, self.status, self.detail = action, kind, status, message


@dataclass(frozen=True)
class Written:
    """What a write did: `action` is created, updated, unchanged, closed, reopened or none."""

    action: str
    number: int | None = None  # comment id, issue or pull request number
    url: str | None = None


def message_of(status: int, data: Any) -> str:
    """GitHub's `message`, with the `errors` details a 422 carries."""
    if not isinstance(data, dict):
        return str(data or f"HTTP {status}")
    message = str(data.get("message") or "")
    errors = data.get("errors")
    if isinstance(errors, list):
        details = [str(e.get("message") or e) if isinstance(e, dict) else str(e) for e in errors]
        message = "; ".join([message, *details]) if message else "; ".join(details)
    return message or f"HTTP {status}"


def header(headers: Mapping[str, Any] | None, name: str) -> str | None:
    for key, value in (headers or {}).items():
        if key.lower() == name:
            return str(value)
    return None


def is_rate_limit(message: str) -> bool:
    lowered = message.lower()
    return lowered.startswith("api rate limit exceeded") or "secondary rate limit" in lowered


def kind_of(status: int, message: str) -> str:
    lowered = message.lower()
    if status == 403 and READ_ONLY in lowered:
        return "read-only"
    if status == 403 and PULLS_NOT_PERMITTED in lowered:
        return "pulls-not-permitted"
    if status == 429 or is_rate_limit(message):
        return "rate-limited"
    return _KINDS_BY_STATUS.get(status, "failed")


def is_transient(status: int, message: str, headers: Mapping[str, Any] | None) -> bool:
    """5xx, 429 and rate limits pass; a 403 for missing permissions does not."""
    if status >= 500 or status == 429:
        return True
    return status == 403 and (is_rate_limit(message) or header(headers, "retry-after") is not None)


def wait_seconds(
    status: int | None,
    headers: Mapping[str, Any] | None,
    attempt: int,
    settings: RetrySettings,
    *,
    now: float | None = None,
) -> float:
    """Retry-After if given, else until the rate limit resets, else the secondary-limit wait
    for a 403, else exponential backoff; never more than `settings.max_wait`."""
    cap = settings.max_wait
    retry_after = header(headers, "retry-after")
    if retry_after and retry_after.strip().isdigit():
        return min(float(retry_after), cap)
    reset = header(headers, "x-ratelimit-reset")
    if header(headers, "x-ratelimit-remaining") == "0" and reset and reset.isdigit():
        current = time.time() if now is None else now
        return min(max(float(reset) - current + 1, 0.0), cap)
    if status == 403:
        return min(settings.secondary_wait, cap)
    return float(min(settings.backoff * 2**attempt, cap))


@dataclass(frozen=True)
class RetrySettings:
    """How hard to retry GitHub: attempts, backoff factor, the longest single wait, the wait
    after a secondary rate limit, and the pause between writes GitHub asks for (seconds)."""

    attempts: int = 5
    backoff: float = 2.0
    max_wait: float = 120.0
    secondary_wait: float = 60.0
    pause: float = 1.0


F = TypeVar("F", bound=Callable[..., Any])
R = TypeVar("R")


class _Calls(Protocol):
    def _call(self, action: str, work: Callable[[], R]) -> R: ...


def api_action(what: str) -> Callable[[F], F]:
    """One call of the narrow interface: retried and turned into `GitHubError` by `_call`,
    which names the action in its message; `what` may use the method's arguments
    (`"comment on #{number}"`)."""

    def wrap(method: F) -> F:
        signature = inspect.signature(method)

        @functools.wraps(method)
        def call(self: _Calls, *args: Any, **kwargs: Any) -> Any:
            bound = signature.bind(self, *args, **kwargs).arguments
            return self._call(what.format(**bound), lambda: method(self, *args, **kwargs))

        return call  # type: ignore[return-value]

    return wrap
