"""What a route handler receives and returns."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .payloads import Urls
from .state import GitHubState, Repo, User

BODY_LIMIT = 65536


@dataclass(frozen=True)
class Call:
    """One API request, parsed: ``params`` are the decoded path parameters."""

    method: str
    path: str
    params: Mapping[str, str]
    query: Mapping[str, str]
    body: Any
    urls: Urls
    user: User | None
    headers: Mapping[str, str]  # lower-case names
    doc_url: str


@dataclass
class Reply:
    """A handler's answer. ``paginate`` pages a list body (or the list under ``page_key``)."""

    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    paginate: bool = False
    page_key: str | None = None


class ApiError(Exception):
    """An error answer with GitHub's body shape: ``message``, ``errors``, ``documentation_url``."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        errors: list[dict[str, Any]] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors
        self.headers = dict(headers or {})


def not_found() -> ApiError:
    return ApiError(404, "Not Found")


def invalid(resource: str, field_name: str, code: str = "invalid") -> ApiError:
    return ApiError(
        422,
        "Validation Failed",
        errors=[{"resource": resource, "field": field_name, "code": code}],
    )


def custom(resource: str, message: str, field_name: str | None = None) -> ApiError:
    error: dict[str, Any] = {"resource": resource, "code": "custom"}
    if field_name:
        error["field"] = field_name
    error["message"] = message
    return ApiError(422, "Validation Failed", errors=[error])


def check_body_length(resource: str, text: object) -> None:
    """GitHub's 422 for a body over 65536 characters (issues, comments and pulls)."""
    if isinstance(text, str) and len(text) > BODY_LIMIT:
        message = f"body is too long (maximum is {BODY_LIMIT} characters)"
        raise custom(resource, message, "body")


Handler = Callable[[GitHubState, Repo, Call], Reply]
GlobalHandler = Callable[[GitHubState, Call], Reply]
