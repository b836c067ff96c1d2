"""Issues, issue comments and labels (pull requests are issues here too, as on GitHub)."""

from __future__ import annotations

import re
from typing import Any

from .api import ApiError, Call, Reply, check_body_length, custom, invalid, not_found
from .payloads import comment_json, issue_json, label_json
from .state import Comment, GitHubState, Issue, Label, Repo, User, now_iso

TITLE_LIMIT = 256


def _issue(repo: Repo, call: Call) -> Issue:
    issue = repo.issues.get(int(call.params["issue_number"]))
    if issue is None:
        raise not_found()
    return issue


def _comment(repo: Repo, call: Call) -> Comment:
    comment = repo.comments.get(int(call.params["comment_id"]))
    if comment is None:
        raise not_found()
    return comment


def _actor(call: Call) -> User:
    assert call.user is not None, "write routes are authenticated"
    return call.user


def _label_names(items: list[Any]) -> list[str]:
    return [item["name"] if isinstance(item, dict) else str(item) for item in items]


def _ensure_labels(state: GitHubState, repo: Repo, names: list[str]) -> list[str]:
    """GitHub creates labels that do not exist yet when they are set on an issue."""
    result: list[str] = []
    for name in names:
        key = name.lower()
        if key not in repo.labels:
            repo.labels[key] = Label(state.next_id("label"), name)
        if repo.labels[key].name not in result:
            result.append(repo.labels[key].name)
    return result


def list_comments(state: GitHubState, repo: Repo, call: Call) -> Reply:
    issue = _issue(repo, call)
    since = call.query.get("since", "")
    found = [
        comment_json(repo, c, call.urls)
        for c in sorted(repo.comments.values(), key=lambda c: c.id)
        if c.issue_number == issue.number and c.updated_at >= since
    ]
    return Reply(200, found, paginate=True)


def create_comment(state: GitHubState, repo: Repo, call: Call) -> Reply:
    issue = _issue(repo, call)
    check_body_length("IssueComment", call.body["body"])
    stamp = now_iso()
    comment = Comment(
        state.next_id("comment"), issue.number, call.body["body"], _actor(call), stamp, stamp
    )
    repo.comments[comment.id] = comment
    data = comment_json(repo, comment, call.urls)
    return Reply(201, data, headers={"Location": data["url"]})


def get_comment(state: GitHubState, repo: Repo, call: Call) -> Reply:
    return Reply(200, comment_json(repo, _comment(repo, call), call.urls))


def update_comment(state: GitHubState, repo: Repo, call: Call) -> Reply:
    comment = _comment(repo, call)
    check_body_length("IssueComment", call.body["body"])
    comment.body = call.body["body"]
    comment.updated_at = now_iso()
    return Reply(200, comment_json(repo, comment, call.urls))


def delete_comment(state: GitHubState, repo: Repo, call: Call) -> Reply:
    del repo.comments[_comment(repo, call).id]
    return Reply(204)


def _check_title(title: object) -> None:
    if isinstance(title, str) and len(title) > TITLE_LIMIT:
        message = f"title is too long (maximum is {TITLE_LIMIT} characters)"
        raise custom("Issue", message, "title")


def create_issue(state: GitHubState, repo: Repo, call: Call) -> Reply:
    if not repo.has_issues:
        raise ApiError(410, "Issues are disabled for this repo")
    title = str(call.body["title"])
    if not title.strip():
        raise invalid("Issue", "title", "missing_field")
    _check_title(title)
    check_body_length("Issue", call.body.get("body"))
    stamp = now_iso()
    issue = Issue(
        repo.next_number(), state.next_id("issue"), title, call.body.get("body"),
        _actor(call), stamp, stamp,
    )  # fmt: skip
    issue.labels = _ensure_labels(state, repo, _label_names(call.body.get("labels") or []))
    repo.issues[issue.number] = issue
    data = issue_json(repo, issue, call.urls)
    return Reply(201, data, headers={"Location": data["url"]})


def update_issue(state: GitHubState, repo: Repo, call: Call) -> Reply:
    issue = _issue(repo, call)
    body = call.body or {}
    if body.get("title") is not None:
        _check_title(str(body["title"]))
        issue.title = str(body["title"])
    if "body" in body:
        check_body_length("Issue", body["body"])
        issue.body = body["body"]
    if "labels" in body and body["labels"] is not None:
        issue.labels = _ensure_labels(state, repo, _label_names(body["labels"]))
    new_state = body.get("state")
    if new_state and new_state != issue.state:
        issue.state = new_state
        if new_state == "closed":
            issue.closed_at = now_iso()
            issue.state_reason = body.get("state_reason") or "completed"
        else:
            issue.closed_at = None
            issue.state_reason = "reopened"
    issue.updated_at = now_iso()
    return Reply(200, issue_json(repo, issue, call.urls))


def get_issue(state: GitHubState, repo: Repo, call: Call) -> Reply:
    issue = _issue(repo, call)
    if not repo.has_issues and issue.pull is None:
        raise ApiError(410, "Issues are disabled for this repo")
    return Reply(200, issue_json(repo, issue, call.urls))


def list_issues(state: GitHubState, repo: Repo, call: Call) -> Reply:
    query = call.query
    wanted_state = query.get("state", "open")
    if wanted_state not in ("open", "closed", "all"):
        raise invalid("Issue", "state")
    labels = [n.strip().lower() for n in query.get("labels", "").split(",") if n.strip()]
    creator = query.get("creator", "").lower()
    sort, since = query.get("sort", "created"), query.get("since", "")
    found = [
        issue
        for issue in repo.issues.values()
        if wanted_state in ("all", issue.state)
        and all(n in {x.lower() for x in issue.labels} for n in labels)
        and (not creator or issue.user.login.lower() == creator)
        and issue.updated_at >= since
    ]

    def comments(issue: Issue) -> int:
        return sum(1 for c in repo.comments.values() if c.issue_number == issue.number)

    keys = {
        "created": lambda i: (i.created_at, i.number),
        "updated": lambda i: (i.updated_at, i.number),
        "comments": lambda i: (comments(i), i.number),
    }
    if sort not in keys:
        raise invalid("Issue", "sort")
    found.sort(key=keys[sort], reverse=query.get("direction", "desc") != "asc")
    return Reply(200, [issue_json(repo, i, call.urls) for i in found], paginate=True)


def add_labels(state: GitHubState, repo: Repo, call: Call) -> Reply:
    issue = _issue(repo, call)
    names = _label_names(call.body.get("labels", []) if call.body else [])
    issue.labels = _ensure_labels(state, repo, [*issue.labels, *names])
    issue.updated_at = now_iso()
    labels = [label_json(repo, repo.labels[n.lower()], call.urls) for n in issue.labels]
    return Reply(200, labels)


def create_label(state: GitHubState, repo: Repo, call: Call) -> Reply:
    name = call.body["name"].strip()
    if not name:
        raise invalid("Label", "name", "missing_field")
    if name.lower() in repo.labels:
        raise ApiError(
            422,
            "Validation Failed",
            errors=[{"resource": "Label", "code": "already_exists", "field": "name"}],
        )
    color = call.body.get("color") or "ededed"
    if not re.fullmatch(r"[0-9a-fA-F]{6}", color):
        raise invalid("Label", "color")
    description = call.body.get("description")
    if description is not None and len(description) > 100:
        message = "description is too long (maximum is 100 characters)"
        raise custom("Label", message, "description")
    label = Label(state.next_id("label"), name, color.lower(), description)
    repo.labels[name.lower()] = label
    data = label_json(repo, label, call.urls)
    return Reply(201, data, headers={"Location": data["url"]})


def get_label(state: GitHubState, repo: Repo, call: Call) -> Reply:
    label = repo.labels.get(call.params["name"].lower())
    if label is None:
        raise not_found()
    return Reply(200, label_json(repo, label, call.urls))
