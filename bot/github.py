"""Talking to GitHub: the only module that imports PyGithub.

A narrow interface over the REST API — sticky comment, tracking issue, badge file, fix pull
request, commit status — that takes and returns plain data and raises only `GitHubError`.

Retries: PyGithub's `GithubRetry` retries reads and idempotent writes (GET, PUT, PATCH,
DELETE) on 5xx, 429 and rate limits. A POST that failed may still have created something on
the server, so creating calls are not retried blindly: after a transient failure the object
is looked up again and only created if it is still missing.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import requests
from github import Auth, Github, GithubException, GithubRetry
from github.ContentFile import ContentFile
from github.Issue import Issue
from github.IssueComment import IssueComment
from github.NamedUser import NamedUser
from github.Organization import Organization

from reprobot.bot import apiplain as plain
from reprobot.bot.apierrors import GitHubError, RetrySettings, Written, api_action, message_of

__all__ = ["GitHub", "GitHubError", "Written"]

T = TypeVar("T")


class _Retry(GithubRetry):
    """GithubRetry whose waits, including Retry-After, never exceed `max_wait` seconds."""

    def __init__(self, max_wait: float = 120.0, **kwargs: Any) -> None:
        self.max_wait = max_wait
        super().__init__(**kwargs)

    def new(self, **kw: Any) -> _Retry:
        kw["max_wait"] = self.max_wait
        return super().new(**kw)

    def get_retry_after(self, response: Any) -> float | None:
        value = super().get_retry_after(response)
        return None if value is None else min(value, self.max_wait)

    def get_backoff_time(self) -> float:
        return float(min(super().get_backoff_time(), self.max_wait))


class GitHub:
    def __init__(
        self,
        api_url: str,
        token: str,
        repository: str,
        retry: RetrySettings | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        settings = retry or RetrySettings()
        self.settings, self.repository, self._sleep = settings, repository, sleep
        policy = _Retry(
            max_wait=settings.max_wait,
            total=settings.attempts,
            backoff_factor=settings.backoff,
            secondary_rate_wait=min(settings.secondary_wait, settings.max_wait),
            max_rate_limit_wait=settings.max_wait,
            status_forcelist=[429, *range(500, 600)],
            allowed_methods=plain.IDEMPOTENT_METHODS,
            raise_on_status=False,
        )
        self._github = Github(
            base_url=api_url,
            auth=Auth.Token(token),
            retry=policy,
            per_page=100,
            timeout=30,
            user_agent=plain.USER_AGENT,
            seconds_between_requests=settings.pause / 4,
            seconds_between_writes=settings.pause,
            lazy=True,
        )
        self._repo = self._github.get_repo(repository)
        self._login: str | None = None

    # -- helpers -------------------------------------------------------------------------

    def _error(self, action: str, exc: Exception) -> GitHubError:
        if isinstance(exc, GitHubError):
            return exc
        if isinstance(exc, GithubException):
            return plain.error_of(action, exc.status, exc.data, exc.headers)
        return GitHubError(action, "network", f"{type(exc).__name__}: {exc}")

    def _transient(self, exc: Exception) -> bool:
        if isinstance(exc, GithubException):
            return plain.is_transient(exc.status, message_of(exc.status, exc.data), exc.headers)
        return isinstance(exc, (requests.ConnectionError, requests.Timeout))

    def _wait(self, exc: Exception, attempt: int) -> float:
        if isinstance(exc, GithubException):
            return plain.wait_seconds(exc.status, exc.headers, attempt, self.settings)
        return plain.wait_seconds(None, None, attempt, self.settings)

    def _create(self, create: Callable[[], T], find: Callable[[], T | None]) -> T:
        """POST once; after a transient failure look again before posting again."""
        attempts = max(self.settings.attempts, 1)
        for attempt in range(attempts):
            try:
                return create()
            except (GithubException, requests.RequestException) as exc:
                if not self._transient(exc) or attempt == attempts - 1:
                    raise
                self._sleep(self._wait(exc, attempt))
                found = find()
                if found is not None:
                    return found
        raise AssertionError("unreachable")  # pragma: no cover

    def _viewer(self) -> str | None:
        """The token's own login; None where GitHub won't say (the Actions token)."""
        if self._login is None:
            try:
                self._login = self._github.get_user().login
            except GithubException:
                self._login = ""
        return self._login or None

    def _mine(self, user: NamedUser | Organization | None) -> bool:
        if user is None:
            return False
        return user.type == "Bot" or user.login == self._viewer()

    def _call(self, action: str, work: Callable[[], T]) -> T:
        try:
            return work()
        except (GithubException, requests.RequestException, GitHubError) as exc:
            raise self._error(action, exc) from None

    # -- reading -------------------------------------------------------------------------

    @api_action("read the repository")
    def default_branch(self) -> str:
        return str(self._repo.default_branch)

    @api_action("read pull request #{number}")
    def pull_head_sha(self, number: int) -> str:
        return str(self._repo.get_pull(number).head.sha)

    @api_action("list the repositories of {kind} {value}")
    def repositories(self, kind: str, value: str, limit: int) -> tuple[list[tuple[str, str]], str]:
        """(full name, clone URL) of an owner's public repositories or of a search's
        results, at most `limit`, paged; and the rate limit left, in words."""
        if kind == "search":
            listed: Any = self._github.search_repositories(value)
        else:
            try:
                listed = self._github.get_organization(value).get_repos(type="public")
                listed.totalCount  # noqa: B018 - an owner that is no organisation is a user
            except GithubException as exc:
                if exc.status != 404:
                    raise
                listed = self._github.get_user(value).get_repos(type="owner")
        found = [(r.full_name, r.clone_url) for _, r in zip(range(limit), listed, strict=False)]
        rate = self._github.get_rate_limit()
        core = rate.resources.search if kind == "search" else rate.resources.core
        return found, f"rate limit: {core.remaining} of {core.limit} requests left"

    # -- sticky comment ------------------------------------------------------------------

    @api_action("comment on #{number}")
    def upsert_comment(self, number: int, body: str, marker: str) -> Written:
        """The one comment on pull request `number` whose first line is `marker`."""
        issue = self._repo.get_issue(number)

        def find() -> list[IssueComment]:
            return [
                c
                for c in issue.get_comments()
                if plain.first_line(c.body) == marker and self._mine(c.user)
            ]

        found = find()
        if not found:
            created = self._create(
                lambda: issue.create_comment(body), lambda: next(iter(find()), None)
            )
            return Written("created", created.id, created.html_url)
        keep = found[0]
        for extra in found[1:]:  # left by an earlier race; there must be only one
            extra.delete()
        if keep.body == body:
            return Written("unchanged", keep.id, keep.html_url)
        keep.edit(body)
        return Written("updated", keep.id, keep.html_url)

    # -- commit status -------------------------------------------------------------------

    @api_action("set the commit status on {sha:.7}")
    def set_status(
        self, sha: str, state: str, description: str, target_url: str | None, context: str
    ) -> None:
        payload: dict[str, Any] = {
            "state": state,
            "description": description[:140],
            "context": context,
        }
        if target_url:
            payload["target_url"] = target_url
        url = f"{self._repo.url}/statuses/{sha}"
        self._github.requester.requestJsonAndCheck("POST", url, input=payload)

    # -- tracking issue ------------------------------------------------------------------

    def _find_issues(self, marker: str, label: str) -> list[Issue]:
        listed = self._repo.get_issues(
            state="all", labels=[label], sort="created", direction="desc"
        )
        mine = [
            i
            for i in listed
            if i.pull_request is None and plain.first_line(i.body) == marker and self._mine(i.user)
        ]
        return sorted(mine, key=lambda i: (i.state != "open", -i.number))

    @api_action("update the tracking issue")
    def upsert_issue(
        self,
        *,
        marker: str,
        label: str,
        title: str,
        body: str,
        failing: bool,
        closing_comment: str,
    ) -> Written:
        """Open, update, reopen or close the one issue labelled `label` starting with `marker`."""
        found = self._find_issues(marker, label)
        current = found[0] if found else None
        if not failing:
            if current is None or current.state != "open":
                return Written("none", current.number if current else None)
            try:
                current.create_comment(closing_comment)
            except GithubException as exc:
                if not self._transient(exc):
                    raise
            current.edit(state="closed", state_reason="completed")
            return Written("closed", current.number, current.html_url)
        if current is None:
            self._ensure_label(label)

            def find_open() -> Issue | None:
                found = self._find_issues(marker, label)
                return next((i for i in found if i.state == "open"), None)

            created = self._create(
                lambda: self._repo.create_issue(title, body=body, labels=[label]), find_open
            )
            return Written("created", created.number, created.html_url)
        changes = plain.issue_changes(
            current.state, current.title, current.body, new_title=title, new_body=body
        )
        if not changes:
            return Written("unchanged", current.number, current.html_url)
        current.edit(**changes)
        action = "reopened" if "state" in changes else "updated"
        return Written(action, current.number, current.html_url)

    def _ensure_label(self, label: str) -> None:
        try:
            self._repo.create_label(label, "d93f0b", "Reproducibility problems found by reprobot")
        except GithubException as exc:
            if exc.status != 422:  # 422: it exists already
                raise

    # -- files on a branch (badge, fixes) ------------------------------------------------

    def _get_file(self, path: str, branch: str) -> ContentFile | None:
        try:
            found = self._repo.get_contents(path, ref=branch)
        except GithubException as exc:
            if exc.status == 404:
                return None
            raise
        if isinstance(found, list):
            raise GitHubError(f"read {path}", "failed", f"{path} is a directory on {branch}")
        return found

    def _ensure_branch(self, branch: str, base: str) -> None:
        try:
            _ = self._repo.get_git_ref(f"heads/{branch}").object  # lazy: this reads the ref
            return
        except GithubException as exc:
            if exc.status != 404:
                raise
        start = self._repo.get_git_ref(f"heads/{base}").object.sha
        try:
            self._repo.create_git_ref(f"refs/heads/{branch}", start)
        except GithubException as exc:
            if exc.status != 422:  # 422: created meanwhile
                raise

    def _put_file(self, branch: str, path: str, content: plain.Content, message: str) -> str:
        """Create or update one file; `unchanged` when it already holds `content`."""
        for attempt in range(2):
            existing = self._get_file(path, branch)
            old = existing.decoded_content if existing is not None else None
            if old == (text := plain.new_text(content, old)).encode("utf-8"):
                return "unchanged"
            try:
                if existing is None:
                    self._repo.create_file(path, message, text, branch=branch)
                    return "created"
                self._repo.update_file(path, message, text, existing.sha, branch=branch)
                return "updated"
            except GithubException as exc:
                # 409: the blob sha went stale; 422: created meanwhile. Read again, once.
                if exc.status not in (409, 422) or attempt == 1:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    @api_action("write {path} on {branch}")
    def publish_badge(
        self, *, branch: str, base: str, path: str, content: plain.Content, message: str
    ) -> Written:
        """Write one file on `branch`; `content` may make the text from the file's text now
        (read again when a concurrent write made the blob sha stale)."""
        self._ensure_branch(branch, base)
        return Written(self._put_file(branch, path, content, message))

    @api_action("read {path} on {branch}")
    def read_file(self, *, branch: str, path: str) -> str | None:
        """The text of `path` on `branch`; None when the branch or the file is missing."""
        found = self._get_file(path, branch)
        return None if found is None else found.decoded_content.decode("utf-8", "replace")

    @api_action("delete {path} on {branch}")
    def delete_file(self, *, branch: str, path: str, message: str) -> Written:
        found = self._get_file(path, branch)
        if found is None:
            return Written("none")
        self._repo.delete_file(path, message, found.sha, branch=branch)
        return Written("deleted")

    # -- fix pull request ----------------------------------------------------------------

    @api_action("open the fix pull request")
    def open_fix_pr(
        self,
        *,
        branch: str,
        base: str,
        files: Mapping[str, str],
        title: str,
        body: str,
        message: str,
    ) -> Written:
        self._ensure_branch(branch, base)
        for path, content in sorted(files.items()):
            self._put_file(branch, path, content, f"{message}: {path}")
        owner = self.repository.split("/", 1)[0]

        def find() -> Any:
            pulls = self._repo.get_pulls(state="open", head=f"{owner}:{branch}", base=base)
            return next(iter(pulls), None)

        pull = find()
        if pull is None:
            try:
                pull = self._create(
                    lambda: self._repo.create_pull(base=base, head=branch, title=title, body=body),
                    find,
                )
            except GithubException as exc:
                if (
                    exc.status == 422
                    and "no commits between" in message_of(exc.status, exc.data).lower()
                ):
                    return Written("none")
                raise
            return Written("created", pull.number, pull.html_url)
        if pull.body == body and pull.title == title:
            return Written("unchanged", pull.number, pull.html_url)
        # a pull request is an issue too: its title and body change through the issues API
        self._repo.get_issue(pull.number).edit(title=title, body=body)
        return Written("updated", pull.number, pull.html_url)
