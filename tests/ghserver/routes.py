"""The routes the server answers: every operation of the OpenAPI extract, plus a short list.

``OPERATIONS`` maps each ``operationId`` of ``tests/fixtures/openapi/github-openapi-extract.json``
to its method and path. ``EXTRA_OPERATIONS`` are real GitHub operations outside the extract
that PyGithub calls on its own around them:

- ``repos/get-commit`` ``GET /repos/{owner}/{repo}/commits/{ref}``: ``Repository.get_commit``
  fetches the commit before ``Commit.create_status`` can post a status.
- ``pulls/get`` ``GET /repos/{owner}/{repo}/pulls/{pull_number}``: ``Repository.get_pull``.
- ``repos/list-pull-requests-associated-with-commit``
  ``GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls``: finding the pull of a
  ``workflow_run`` head sha (``Commit.get_pulls``).
- ``repos/delete-file`` ``DELETE /repos/{owner}/{repo}/contents/{path}``: the oldest run of
  the history on the badge branch dropped (``Repository.delete_file``).
- ``users/get-authenticated`` ``GET /user``: ``Github.get_user()`` when completed; a bot
  (installation) token gets 403 "Resource not accessible by integration", as on GitHub.
- ``orgs/get``, ``repos/list-for-org``, ``users/get-by-username``, ``repos/list-for-user``
  and ``search/repos``: the repositories an audit lists (``reprobot audit org:NAME``,
  ``user:NAME``, ``search:QUERY``); organisations are those in ``state.organisations``.

Anything else is answered 404 ``{"message": "Not Found"}`` and recorded as an unknown route.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from . import handlers_git as git
from . import handlers_issues as issues
from . import handlers_listing as listing
from . import handlers_misc as misc
from . import handlers_pulls as pulls
from .api import GlobalHandler, Handler

OPENAPI_PATH = (
    Path(__file__).resolve().parent.parent / "fixtures" / "openapi" / "github-openapi-extract.json"
)

R = "/repos/{owner}/{repo}"
ISSUES_WRITE = "issues=write; pull_requests=write"


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str
    template: str
    handler: Handler | GlobalHandler
    permission: str | None = None  # x-accepted-github-permissions, for writes
    repo_scoped: bool = True


OPERATIONS: tuple[Operation, ...] = (
    Operation(
        "issues/list-comments", "GET", f"{R}/issues/{{issue_number}}/comments", issues.list_comments
    ),
    Operation(
        "issues/create-comment",
        "POST",
        f"{R}/issues/{{issue_number}}/comments",
        issues.create_comment,
        ISSUES_WRITE,
    ),
    Operation(
        "issues/get-comment", "GET", f"{R}/issues/comments/{{comment_id}}", issues.get_comment
    ),
    Operation(
        "issues/update-comment",
        "PATCH",
        f"{R}/issues/comments/{{comment_id}}",
        issues.update_comment,
        ISSUES_WRITE,
    ),
    Operation(
        "issues/delete-comment",
        "DELETE",
        f"{R}/issues/comments/{{comment_id}}",
        issues.delete_comment,
        ISSUES_WRITE,
    ),
    Operation("issues/list-for-repo", "GET", f"{R}/issues", issues.list_issues),
    Operation("issues/create", "POST", f"{R}/issues", issues.create_issue, "issues=write"),
    Operation("issues/get", "GET", f"{R}/issues/{{issue_number}}", issues.get_issue),
    Operation(
        "issues/update",
        "PATCH",
        f"{R}/issues/{{issue_number}}",
        issues.update_issue,
        "issues=write",
    ),
    Operation(
        "issues/add-labels",
        "POST",
        f"{R}/issues/{{issue_number}}/labels",
        issues.add_labels,
        ISSUES_WRITE,
    ),
    Operation("issues/create-label", "POST", f"{R}/labels", issues.create_label, ISSUES_WRITE),
    Operation("issues/get-label", "GET", f"{R}/labels/{{name}}", issues.get_label),
    Operation("repos/get-content", "GET", f"{R}/contents/{{path}}", git.get_content),
    Operation(
        "repos/create-or-update-file-contents",
        "PUT",
        f"{R}/contents/{{path}}",
        git.put_content,
        "contents=write",
    ),
    Operation("git/get-ref", "GET", f"{R}/git/ref/{{ref}}", git.get_ref),
    Operation("git/create-ref", "POST", f"{R}/git/refs", git.create_ref, "contents=write"),
    Operation("git/update-ref", "PATCH", f"{R}/git/refs/{{ref}}", git.update_ref, "contents=write"),
    Operation("repos/get-branch", "GET", f"{R}/branches/{{branch}}", git.get_branch),
    Operation("pulls/create", "POST", f"{R}/pulls", pulls.create_pull, "pull_requests=write"),
    Operation("pulls/list", "GET", f"{R}/pulls", pulls.list_pulls),
    Operation(
        "repos/create-commit-status",
        "POST",
        f"{R}/statuses/{{sha}}",
        misc.create_status,
        "statuses=write",
    ),
    Operation("checks/create", "POST", f"{R}/check-runs", misc.create_check_run, "checks=write"),
    Operation(
        "checks/update",
        "PATCH",
        f"{R}/check-runs/{{check_run_id}}",
        misc.update_check_run,
        "checks=write",
    ),
    Operation("rate-limit/get", "GET", "/rate_limit", misc.get_rate_limit, repo_scoped=False),
    Operation("repos/get", "GET", R, misc.get_repo),
    Operation(
        "actions/list-workflow-run-artifacts",
        "GET",
        f"{R}/actions/runs/{{run_id}}/artifacts",
        misc.list_run_artifacts,
    ),
    Operation(
        "actions/download-artifact",
        "GET",
        f"{R}/actions/artifacts/{{artifact_id}}/{{archive_format}}",
        misc.download_artifact,
    ),
)

EXTRA_OPERATIONS: tuple[Operation, ...] = (
    Operation("repos/get-commit", "GET", f"{R}/commits/{{ref}}", git.get_commit),
    Operation("pulls/get", "GET", f"{R}/pulls/{{pull_number}}", pulls.get_pull),
    Operation(
        "repos/list-pull-requests-associated-with-commit",
        "GET",
        f"{R}/commits/{{commit_sha}}/pulls",
        pulls.pulls_for_commit,
    ),
    Operation("users/get-authenticated", "GET", "/user", misc.get_user, repo_scoped=False),
    Operation("orgs/get", "GET", "/orgs/{org}", listing.get_org, repo_scoped=False),
    Operation(
        "repos/list-for-org", "GET", "/orgs/{org}/repos", listing.list_org_repos, repo_scoped=False
    ),
    Operation(
        "users/get-by-username", "GET", "/users/{username}", listing.get_user, repo_scoped=False
    ),
    Operation(
        "repos/list-for-user",
        "GET",
        "/users/{username}/repos",
        listing.list_user_repos,
        repo_scoped=False,
    ),
    Operation(
        "search/repos", "GET", "/search/repositories", listing.search_repos, repo_scoped=False
    ),
    Operation(
        "repos/delete-file",
        "DELETE",
        f"{R}/contents/{{path}}",
        git.delete_content,
        "contents=write",
    ),
)

# Path parameters that hold several segments, or only digits.
_MULTI = {"path", "ref", "branch"}
_DIGITS = {"issue_number", "comment_id", "check_run_id", "run_id", "artifact_id", "pull_number"}


def _compile(template: str) -> re.Pattern[str]:
    def group(match: re.Match[str]) -> str:
        name = match.group(1)
        body = ".*" if name == "path" else ".+" if name in _MULTI else "[^/]+"
        return f"(?P<{name}>{r'[0-9]+' if name in _DIGITS else body})"

    pattern = re.sub(r"\\\{(\w+)\\\}", group, re.escape(template))
    return re.compile(f"^{pattern}$")


@dataclass(frozen=True)
class Match:
    operation: Operation
    params: Mapping[str, str]
    spec: Mapping[str, Any]  # the operation's OpenAPI object ({} for the extra ones)


class Router:
    """Finds the operation for a method and path; loads the extract to check it is complete."""

    def __init__(self, openapi_path: Path = OPENAPI_PATH) -> None:
        self.spec: dict[str, Any] = json.loads(openapi_path.read_text(encoding="utf-8"))
        served = {op.operation_id for op in OPERATIONS}
        if served != set(self.spec):
            missing, extra = set(self.spec) - served, served - set(self.spec)
            raise RuntimeError(f"routes differ from {openapi_path}: {missing=} {extra=}")
        operations = [*OPERATIONS, *EXTRA_OPERATIONS]
        # Literal segments win over parameters: /commits/{sha}/pulls before /commits/{ref}.
        operations.sort(key=lambda op: -op.template.count("/") + op.template.count("{") * 0.01)
        self._table = [(op, _compile(op.template)) for op in operations]

    def match(self, method: str, path: str) -> Match | None:
        for operation, pattern in self._table:
            if operation.method != method:
                continue
            found = pattern.match(path)
            if found:
                params = {k: unquote(v) for k, v in found.groupdict().items()}
                return Match(operation, params, self.spec.get(operation.operation_id, {}))
        return None

    def doc_url(self, operation_id: str) -> str:
        docs = self.spec.get(operation_id, {}).get("externalDocs", {})
        return str(docs.get("url", "https://docs.github.com/rest"))
