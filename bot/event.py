"""The event that started the job, from the webhook payload at GITHUB_EVENT_PATH.

Only the few facts reprobot acts on are kept. A payload that is missing, not a regular file,
too large, not JSON, nested absurdly deep or lacking a key yields an `Event` whose `problem`
says so; it never raises.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reprobot.bot.jsonfile import JSONFileError, load_json

PULL_EVENTS = ("pull_request", "pull_request_target")
BRANCH_EVENTS = ("push", "schedule", "workflow_dispatch")
MAX_EVENT_BYTES = 25 * 1024 * 1024
MAX_EVENT_DEPTH = 64  # GitHub's payloads nest about ten levels


class _Missing(Exception):
    pass


@dataclass(frozen=True)
class Event:
    name: str
    repository: str = ""  # the event's repository, owner/name
    default_branch: str = ""
    ref: str = ""  # refs/heads/<branch> for branch events
    pull_number: int | None = None
    head_sha: str = ""  # the pull request's head, or the workflow_run's head
    head_repository: str | None = None  # None when the fork was deleted
    base_branch: str = ""  # the pull request's base branch, when the payload names it
    fork: bool = False
    run_event: str = ""  # workflow_run: the event of the run that finished
    run_id: int | None = None
    problem: str | None = None

    @property
    def is_pull(self) -> bool:
        return self.name in PULL_EVENTS and self.pull_number is not None

    @property
    def branch(self) -> str:
        return self.ref.removeprefix("refs/heads/") if self.ref.startswith("refs/heads/") else ""

    @property
    def on_default_branch(self) -> bool:
        """A run for the default branch: a push to it, a schedule, a dispatch on it."""
        if self.name == "schedule":
            return True
        on_branch = bool(self.branch) and self.branch == self.default_branch
        return self.name in BRANCH_EVENTS and on_branch


def _get(data: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(data, dict) or key not in data:
            raise _Missing(".".join(keys))
        data = data[key]
    return data


def _text(data: Any, *keys: str) -> str:
    value = _get(data, *keys)
    if not isinstance(value, str):
        raise _Missing(".".join(keys))
    return value


def load_event(name: str, path: Path | None, *, ref: str = "") -> Event:
    """Read the payload. `ref` (GITHUB_REF) fills in for events whose payload has none."""
    if path is None:
        return Event(name, ref=ref, problem="GITHUB_EVENT_PATH is not set")
    try:
        data = load_json(path, cap=MAX_EVENT_BYTES, depth=MAX_EVENT_DEPTH)
    except JSONFileError as exc:
        if exc.missing:
            return Event(name, ref=ref, problem=f"the event payload {path} does not exist")
        return Event(name, ref=ref, problem=f"the event payload {path} is {exc.reason}")
    try:
        return _parse(name, data, ref)
    except _Missing as missing:
        return Event(
            name, ref=ref, problem=f"the {name or 'event'} payload {path} has no `{missing}`"
        )


def _optional(data: Any, *keys: str) -> str:
    try:
        return _text(data, *keys)
    except _Missing:
        return ""


def _parse(name: str, data: Any, ref: str) -> Event:
    if name not in (*PULL_EVENTS, "push", "workflow_run"):
        # schedule payloads used to hold only {"schedule": ...}: the repository is optional
        return Event(
            name,
            repository=_optional(data, "repository", "full_name"),
            default_branch=_optional(data, "repository", "default_branch"),
            ref=ref,
        )
    repository = _text(data, "repository", "full_name")
    default_branch = _text(data, "repository", "default_branch")
    if name in PULL_EVENTS:
        pull = _get(data, "pull_request")
        number = _get(pull, "number")
        if not isinstance(number, int) or isinstance(number, bool):
            raise _Missing("pull_request.number")
        head_repo = _get(pull, "head", "repo")
        head_name = _text(head_repo, "full_name") if head_repo is not None else None
        return Event(
            name,
            repository=repository,
            default_branch=default_branch,
            ref=ref,
            pull_number=number,
            head_sha=_text(pull, "head", "sha"),
            head_repository=head_name,
            base_branch=_optional(pull, "base", "ref"),
            fork=head_name is None or head_name.lower() != repository.lower(),
        )
    if name == "workflow_run":
        run = _get(data, "workflow_run")
        run_id = _get(run, "id")
        return Event(
            name,
            repository=repository,
            default_branch=default_branch,
            ref=ref,
            head_sha=_text(run, "head_sha"),
            run_event=_text(run, "event"),
            run_id=run_id if isinstance(run_id, int) else None,
        )
    return Event(name, repository=repository, default_branch=default_branch, ref=_text(data, "ref"))
