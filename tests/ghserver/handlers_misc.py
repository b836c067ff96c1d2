"""Repository, rate limit, user, commit statuses, check runs and workflow-run artifacts."""

from __future__ import annotations

import time

from .api import ApiError, Call, Reply, not_found
from .payloads import repo_json, user_json
from .payloads_checks import artifact_json, check_run_json, rate_limit_json, status_json
from .state import CheckRun, GitHubState, Repo, Status, now_iso

RATE_LIMIT = 5000
STATUS_LIMIT = 1000  # statuses per sha and context
ANNOTATION_LIMIT = 50  # annotations per request
NOT_ACCESSIBLE = "Resource not accessible by integration"


def get_repo(state: GitHubState, repo: Repo, call: Call) -> Reply:
    token_can_push = call.user is not None
    return Reply(200, repo_json(repo, call.urls, push=token_can_push))


def get_rate_limit(state: GitHubState, call: Call) -> Reply:
    used = state.used.get(call.headers.get("authorization", ""), 0)
    return Reply(200, rate_limit_json(RATE_LIMIT, used, reset_time()))


def reset_time() -> int:
    """The next full hour, in epoch seconds, as ``x-ratelimit-reset``."""
    return (int(time.time()) // 3600 + 1) * 3600


def get_user(state: GitHubState, call: Call) -> Reply:
    """``GET /user``: an installation token (a bot) may not read it, as on GitHub."""
    if call.user is None:
        raise ApiError(401, "Requires authentication")
    if call.user.type == "Bot":
        raise ApiError(403, NOT_ACCESSIBLE)
    return Reply(200, user_json(call.user, call.urls))


def create_status(state: GitHubState, repo: Repo, call: Call) -> Reply:
    sha, body = call.params["sha"], call.body
    if sha not in repo.commits:
        raise ApiError(422, f"No commit found for SHA: {sha}")
    context = body.get("context") or "default"
    same = [s for s in repo.statuses if s.sha == sha and s.context.lower() == context.lower()]
    if len(same) >= STATUS_LIMIT:
        message = "This SHA and context has reached the maximum number of statuses."
        raise ApiError(422, message)
    assert call.user is not None, "write routes are authenticated"
    status = Status(
        state.next_id("status"), sha, body["state"], context, body.get("description"),
        body.get("target_url"), call.user, now_iso(),
    )  # fmt: skip
    repo.statuses.append(status)
    data = status_json(repo, status, call.urls)
    return Reply(201, data, headers={"Location": data["url"]})


def _apply_check(run: CheckRun, body: dict[str, object]) -> None:
    for key in ("name", "details_url", "external_id", "started_at", "completed_at"):
        if key in body:
            setattr(run, key, body[key])
    if "status" in body:
        run.status = str(body["status"])
    if body.get("conclusion"):
        run.conclusion, run.status = str(body["conclusion"]), "completed"
    if run.status == "completed":
        if not run.conclusion:
            raise ApiError(422, "Invalid request.\n\nNo conclusion supplied for completed run.")
        run.completed_at = run.completed_at or now_iso()
    output = body.get("output")
    if isinstance(output, dict):
        annotations = output.get("annotations") or []
        if len(annotations) > ANNOTATION_LIMIT:
            raise ApiError(422, f"No more than {ANNOTATION_LIMIT} items are allowed")
        run.output |= {k: v for k, v in output.items() if k != "annotations"}
        run.annotations.extend(annotations)


def create_check_run(state: GitHubState, repo: Repo, call: Call) -> Reply:
    body = call.body
    if repo.resolve(body["head_sha"]) is None:
        raise ApiError(422, f"No commit found for SHA: {body['head_sha']}")
    run = CheckRun(
        state.next_id("check_run"), body["name"], body["head_sha"], "queued", None,
        None, None, now_iso(), None,
    )  # fmt: skip
    _apply_check(run, body)
    repo.check_runs[run.id] = run
    return Reply(201, check_run_json(repo, run, call.urls))


def update_check_run(state: GitHubState, repo: Repo, call: Call) -> Reply:
    run = repo.check_runs.get(int(call.params["check_run_id"]))
    if run is None:
        raise not_found()
    _apply_check(run, call.body)
    return Reply(200, check_run_json(repo, run, call.urls))


def list_run_artifacts(state: GitHubState, repo: Repo, call: Call) -> Reply:
    run_id, name = int(call.params["run_id"]), call.query.get("name")
    found = [
        a
        for a in repo.artifacts.values()
        if a.run_id == run_id and (name is None or a.name == name)
    ]
    found.sort(key=lambda a: a.id, reverse=call.query.get("direction", "desc") == "desc")
    artifacts = [artifact_json(repo, a, call.urls) for a in found]
    body = {"total_count": len(artifacts), "artifacts": artifacts}
    return Reply(200, body, paginate=True, page_key="artifacts")


def download_artifact(state: GitHubState, repo: Repo, call: Call) -> Reply:
    artifact = repo.artifacts.get(int(call.params["artifact_id"]))
    if artifact is None or call.params["archive_format"] != "zip":
        raise not_found()
    if artifact.expired:
        raise ApiError(410, "Artifact has expired")
    location = f"{call.urls.api}/_blobs/artifacts/{artifact.id}.zip"
    return Reply(302, None, headers={"Location": location})
