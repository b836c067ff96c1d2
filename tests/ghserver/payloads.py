"""JSON shapes of users, repositories, labels, issues, comments and pulls.

Field names follow the OpenAPI schemas (``simple-user``, ``full-repository``, ``label``,
``issue``, ``issue-comment``, ``pull-request``); PyGithub reads them by these names.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from .state import BOT_LOGIN, Comment, Issue, Label, Repo, User

Json = dict[str, Any]


@dataclass(frozen=True)
class Urls:
    """Where URLs in responses point: ``api`` is the server's own base URL."""

    api: str
    web: str = "https://github.com"

    def repo(self, repo: Repo) -> str:
        return f"{self.api}/repos/{repo.full_name}"


def node_id(kind: str, number: int) -> str:
    return base64.b64encode(f"0:{kind}{number}".encode()).decode().rstrip("=")


def user_json(user: User, urls: Urls) -> Json:
    api = f"{urls.api}/users/{quote(user.login)}"
    html = (
        f"{urls.web}/apps/github-actions" if user.login == BOT_LOGIN else f"{urls.web}/{user.login}"
    )
    return {
        "login": user.login,
        "id": user.id,
        "node_id": node_id("User", user.id),
        "avatar_url": f"https://avatars.githubusercontent.com/u/{user.id}?v=4",
        "gravatar_id": "",
        "url": api,
        "html_url": html,
        "followers_url": f"{api}/followers",
        "following_url": f"{api}/following{{/other_user}}",
        "gists_url": f"{api}/gists{{/gist_id}}",
        "starred_url": f"{api}/starred{{/owner}}{{/repo}}",
        "subscriptions_url": f"{api}/subscriptions",
        "organizations_url": f"{api}/orgs",
        "repos_url": f"{api}/repos",
        "events_url": f"{api}/events{{/privacy}}",
        "received_events_url": f"{api}/received_events",
        "type": user.type,
        "user_view_type": "public",
        "site_admin": False,
    }


def repo_json(repo: Repo, urls: Urls, *, push: bool = True, fork: bool = False) -> Json:
    api, html = urls.repo(repo), f"{urls.web}/{repo.full_name}"
    open_issues = sum(1 for i in repo.issues.values() if i.state == "open")
    return {
        "id": repo.id,
        "node_id": node_id("Repository", repo.id),
        "name": repo.name,
        "full_name": repo.full_name,
        "private": repo.private,
        "owner": user_json(User(repo.owner), urls),
        "html_url": html,
        "description": None,
        "fork": fork,
        "url": api,
        **{f"{k}_url": f"{api}/{k}" for k in ("forks", "teams", "hooks", "events", "tags")},
        **{f"{k}_url": f"{api}/{k}" for k in ("languages", "stargazers", "contributors")},
        "issues_url": f"{api}/issues{{/number}}",
        "pulls_url": f"{api}/pulls{{/number}}",
        "labels_url": f"{api}/labels{{/name}}",
        "branches_url": f"{api}/branches{{/branch}}",
        "commits_url": f"{api}/commits{{/sha}}",
        "statuses_url": f"{api}/statuses/{{sha}}",
        "contents_url": f"{api}/contents/{{+path}}",
        "git_refs_url": f"{api}/git/refs{{/sha}}",
        "issue_comment_url": f"{api}/issues/comments{{/number}}",
        "git_url": f"git://github.com/{repo.full_name}.git",
        "ssh_url": f"git@github.com:{repo.full_name}.git",
        "clone_url": f"{html}.git",
        "svn_url": html,
        "homepage": None,
        "language": "Python",
        "size": 1,
        "stargazers_count": 0,
        "watchers_count": 0,
        "watchers": 0,
        "forks_count": 0,
        "forks": 0,
        "open_issues_count": open_issues,
        "open_issues": open_issues,
        "has_issues": repo.has_issues,
        "has_projects": True,
        "has_wiki": False,
        "has_pages": False,
        "has_downloads": True,
        "has_discussions": False,
        "archived": False,
        "disabled": False,
        "is_template": False,
        "allow_forking": True,
        "web_commit_signoff_required": False,
        "topics": [],
        "visibility": "private" if repo.private else "public",
        "license": None,
        "default_branch": repo.default_branch,
        "permissions": {
            "admin": False,
            "maintain": False,
            "push": push,
            "triage": push,
            "pull": True,
        },
        "created_at": "2024-01-01T00:00:00Z",
        "updated_at": "2024-01-01T00:00:00Z",
        "pushed_at": "2024-01-01T00:00:00Z",
        "network_count": 0,
        "subscribers_count": 0,
    }


def label_json(repo: Repo, label: Label, urls: Urls) -> Json:
    return {
        "id": label.id,
        "node_id": node_id("Label", label.id),
        "url": f"{urls.repo(repo)}/labels/{quote(label.name, safe='')}",
        "name": label.name,
        "color": label.color,
        "default": False,
        "description": label.description,
    }


def association(repo: Repo, user: User) -> str:
    if user.login.lower() == repo.owner.lower():
        return "OWNER"
    return "NONE" if user.type == "Bot" else "MEMBER"


def _reactions(url: str) -> Json:
    counts = ("+1", "-1", "laugh", "hooray", "confused", "heart", "rocket", "eyes")
    return {"url": f"{url}/reactions", "total_count": 0, **dict.fromkeys(counts, 0)}


def issue_json(repo: Repo, issue: Issue, urls: Urls) -> Json:
    api = f"{urls.repo(repo)}/issues/{issue.number}"
    kind = "pull" if issue.pull else "issues"
    labels = [repo.labels[n.lower()] for n in issue.labels if n.lower() in repo.labels]
    data: Json = {
        "url": api,
        "repository_url": urls.repo(repo),
        "labels_url": f"{api}/labels{{/name}}",
        "comments_url": f"{api}/comments",
        "events_url": f"{api}/events",
        "timeline_url": f"{api}/timeline",
        "html_url": f"{urls.web}/{repo.full_name}/{kind}/{issue.number}",
        "id": issue.id,
        "node_id": node_id("Issue", issue.id),
        "number": issue.number,
        "title": issue.title,
        "user": user_json(issue.user, urls),
        "labels": [label_json(repo, label, urls) for label in labels],
        "state": issue.state,
        "state_reason": issue.state_reason,
        "locked": False,
        "active_lock_reason": None,
        "assignee": None,
        "assignees": [],
        "milestone": None,
        "comments": sum(1 for c in repo.comments.values() if c.issue_number == issue.number),
        "created_at": issue.created_at,
        "updated_at": issue.updated_at,
        "closed_at": issue.closed_at,
        "closed_by": None,
        "author_association": association(repo, issue.user),
        "body": issue.body,
        "reactions": _reactions(api),
        "performed_via_github_app": None,
    }
    if issue.pull:
        pull_api = f"{urls.repo(repo)}/pulls/{issue.number}"
        html = data["html_url"]
        data["draft"] = issue.pull.draft
        data["pull_request"] = {
            "url": pull_api,
            "html_url": html,
            "diff_url": f"{html}.diff",
            "patch_url": f"{html}.patch",
            "merged_at": issue.closed_at if issue.pull.merged else None,
        }
    return data


def comment_json(repo: Repo, comment: Comment, urls: Urls) -> Json:
    issue = repo.issues[comment.issue_number]
    kind = "pull" if issue.pull else "issues"
    api = f"{urls.repo(repo)}/issues/comments/{comment.id}"
    return {
        "id": comment.id,
        "node_id": node_id("IssueComment", comment.id),
        "url": api,
        "html_url": f"{urls.web}/{repo.full_name}/{kind}/{issue.number}#issuecomment-{comment.id}",
        "issue_url": f"{urls.repo(repo)}/issues/{issue.number}",
        "body": comment.body,
        "user": user_json(comment.user, urls),
        "created_at": comment.created_at,
        "updated_at": comment.updated_at,
        "author_association": comment.author_association,
        "reactions": _reactions(api),
        "performed_via_github_app": None,
    }
