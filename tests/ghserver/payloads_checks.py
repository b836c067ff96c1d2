"""JSON shapes of commit statuses, check runs, artifacts and the rate limit."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta, timezone
from typing import Any

from .payloads import Json, Urls, node_id, user_json
from .state import Artifact, CheckRun, Repo, Status


def status_json(repo: Repo, status: Status, urls: Urls) -> Json:
    return {
        "url": f"{urls.repo(repo)}/statuses/{status.sha}",
        "avatar_url": None,
        "id": status.id,
        "node_id": node_id("StatusContext", status.id),
        "state": status.state,
        "description": status.description,
        "target_url": status.target_url,
        "context": status.context,
        "created_at": status.created_at,
        "updated_at": status.created_at,
        "creator": user_json(status.creator, urls),
    }


ACTIONS_APP: Json = {
    "id": 15368,
    "slug": "github-actions",
    "node_id": "MDM6QXBwMTUzNjg=",
    "name": "GitHub Actions",
    "description": "Automate your workflow from idea to production",
    "external_url": "https://help.github.com/en/actions",
    "html_url": "https://github.com/apps/github-actions",
    "created_at": "2018-07-30T09:30:17Z",
    "updated_at": "2019-12-10T19:04:12Z",
    "permissions": {},
    "events": [],
}


def check_run_json(repo: Repo, run: CheckRun, urls: Urls) -> Json:
    api = f"{urls.repo(repo)}/check-runs/{run.id}"
    pulls = [
        {
            "url": f"{urls.repo(repo)}/pulls/{i.number}",
            "id": i.id + 500_000_000,
            "number": i.number,
            "head": {"ref": i.pull.head_ref, "sha": i.pull.head_sha, "repo": _mini(repo, urls)},
            "base": {
                "ref": i.pull.base_ref,
                "sha": repo.branch_sha(i.pull.base_ref),
                "repo": _mini(repo, urls),
            },
        }
        for i in repo.issues.values()
        if i.pull and not i.pull.fork and i.pull.head_sha == run.head_sha and i.state == "open"
    ]
    return {
        "id": run.id,
        "head_sha": run.head_sha,
        "node_id": node_id("CheckRun", run.id),
        "external_id": run.external_id,
        "url": api,
        "html_url": f"{urls.web}/{repo.full_name}/runs/{run.id}",
        "details_url": run.details_url,
        "status": run.status,
        "conclusion": run.conclusion,
        "started_at": run.started_at,
        "completed_at": run.completed_at,
        "output": {
            "title": run.output.get("title"),
            "summary": run.output.get("summary"),
            "text": run.output.get("text"),
            "annotations_count": len(run.annotations),
            "annotations_url": f"{api}/annotations",
        },
        "name": run.name,
        "check_suite": {"id": run.id + 1_000_000},
        "app": ACTIONS_APP,
        "pull_requests": pulls,
    }


def _mini(repo: Repo, urls: Urls) -> Json:
    return {"id": repo.id, "url": urls.repo(repo), "name": repo.name}


def artifact_json(repo: Repo, artifact: Artifact, urls: Urls) -> Json:
    api = f"{urls.repo(repo)}/actions/artifacts/{artifact.id}"
    created = datetime.strptime(artifact.created_at, "%Y-%m-%dT%H:%M:%SZ")
    expires = (created.replace(tzinfo=timezone.utc) + timedelta(days=90)).strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )
    return {
        "id": artifact.id,
        "node_id": node_id("Artifact", artifact.id),
        "name": artifact.name,
        "size_in_bytes": len(artifact.data),
        "url": api,
        "archive_download_url": f"{api}/zip",
        "expired": artifact.expired,
        "digest": "sha256:" + hashlib.sha256(artifact.data).hexdigest(),
        "created_at": artifact.created_at,
        "updated_at": artifact.created_at,
        "expires_at": expires,
        "workflow_run": {
            "id": artifact.run_id,
            "repository_id": repo.id,
            "head_repository_id": repo.id,
            "head_branch": repo.default_branch,
            "head_sha": artifact.head_sha,
        },
    }


def rate_limit_json(limit: int, used: int, reset: int) -> Json:
    core: dict[str, Any] = {
        "limit": limit,
        "used": used,
        "remaining": max(limit - used, 0),
        "reset": reset,
    }
    other = {"limit": 30, "used": 0, "remaining": 30, "reset": reset}
    return {
        "resources": {"core": core, "search": other, "graphql": dict(core), "code_search": other},
        "rate": core,
    }
