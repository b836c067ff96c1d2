"""The state as plain JSON, for ``GET /_test/state`` and the ``--state-file``."""

from __future__ import annotations

import base64
from typing import Any

from .state import GitHubState, Repo, blob_sha


def _file(data: bytes) -> dict[str, Any]:
    entry: dict[str, Any] = {"sha": blob_sha(data), "size": len(data)}
    try:
        entry["text"] = data.decode("utf-8")
    except UnicodeDecodeError:
        entry["base64"] = base64.b64encode(data).decode()
    return entry


def repo_snapshot(repo: Repo) -> dict[str, Any]:
    branches = {
        ref.removeprefix("refs/heads/"): {
            "sha": sha,
            "files": {p: _file(c) for p, c in sorted(repo.commits[sha].tree.items())},
        }
        for ref, sha in sorted(repo.refs.items())
        if ref.startswith("refs/heads/")
    }
    issues = []
    for issue in sorted(repo.issues.values(), key=lambda i: i.number):
        comments = [
            {
                "id": c.id,
                "body": c.body,
                "user": {"login": c.user.login, "type": c.user.type},
                "created_at": c.created_at,
                "updated_at": c.updated_at,
            }
            for c in sorted(repo.comments.values(), key=lambda c: c.id)
            if c.issue_number == issue.number
        ]
        pull = issue.pull
        issues.append(
            {
                "number": issue.number,
                "title": issue.title,
                "body": issue.body,
                "state": issue.state,
                "state_reason": issue.state_reason,
                "labels": list(issue.labels),
                "user": {"login": issue.user.login, "type": issue.user.type},
                "pull": None
                if pull is None
                else {
                    "head_ref": pull.head_ref,
                    "head_sha": pull.head_sha,
                    "base_ref": pull.base_ref,
                    "head_owner": pull.head_owner,
                    "fork": pull.fork,
                    "draft": pull.draft,
                    "merged": pull.merged,
                },
                "comments": comments,
            }
        )
    return {
        "id": repo.id,
        "default_branch": repo.default_branch,
        "private": repo.private,
        "has_issues": repo.has_issues,
        "actions_can_create_pull_requests": repo.actions_can_create_pull_requests,
        "refs": dict(sorted(repo.refs.items())),
        "branches": branches,
        "labels": [
            {"name": label.name, "color": label.color, "description": label.description}
            for label in repo.labels.values()
        ],
        "issues": issues,
        "statuses": [
            {
                "id": s.id,
                "sha": s.sha,
                "state": s.state,
                "context": s.context,
                "description": s.description,
                "target_url": s.target_url,
            }
            for s in repo.statuses
        ],
        "check_runs": [
            {
                "id": r.id,
                "name": r.name,
                "head_sha": r.head_sha,
                "status": r.status,
                "conclusion": r.conclusion,
                "output": r.output,
                "annotations": r.annotations,
            }
            for r in repo.check_runs.values()
        ],
        "artifacts": [
            {"id": a.id, "run_id": a.run_id, "name": a.name, "expired": a.expired}
            for a in repo.artifacts.values()
        ],
    }


def state_snapshot(state: GitHubState) -> dict[str, Any]:
    with state.lock:
        return {
            "repos": {r.full_name: repo_snapshot(r) for r in state.repos.values()},
            "tokens": {
                value: {"login": t.user.login, "type": t.user.type, "permission": t.permission}
                for value, t in state.tokens.items()
            },
        }
