"""The action's image against the GitHub test server: the comment, the outputs, the report.

The image runs as the GitHub runner runs a Docker action (see container.py); chroot isolation
shares the host's network, so the test server on 127.0.0.1 is its GitHub API.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from reprobot.bot.bodies import COMMENT_MARKER
from tests.actionrun import FAST_RETRY, PR_HEAD, PR_NUMBER, event_payload
from tests.ghserver import BOT_LOGIN, STANDARD_REPO, GitHubServer
from tests.helpers import make_repo

from .container import build_image, require_container, run_action_container

pytestmark = pytest.mark.integration

RUNNER_UID = 1001  # the hosted runner's user owns the checkout


@pytest.fixture(scope="module")
def image() -> str:
    require_container()
    return build_image()


@pytest.fixture
def server(github_server: GitHubServer) -> Iterator[GitHubServer]:
    yield github_server
    assert github_server.unknown_routes == []


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    repo = make_repo(tmp_path, {"README.md": "# Growth curves\n"}, name="workspace")
    for path in [repo, *repo.rglob("*")]:
        os.chown(path, RUNNER_UID, RUNNER_UID, follow_symlinks=False)
    return repo


def action_env(server: GitHubServer, event_name: str, token: str = "test-token") -> dict[str, str]:
    return {
        "GITHUB_EVENT_NAME": event_name,
        "GITHUB_REPOSITORY": STANDARD_REPO,
        "GITHUB_REF": f"refs/pull/{PR_NUMBER}/merge",
        "GITHUB_SHA": "0" * 40,
        "GITHUB_API_URL": server.url,
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_RUN_ID": "4242",
        "INPUT_TOKEN": token,
        "INPUT_SELECT": "CIT",
        **FAST_RETRY,
    }


def test_pull_request_run_posts_the_sticky_comment(
    image: str, server: GitHubServer, workspace: Path, tmp_path: Path
) -> None:
    server.add_pull(STANDARD_REPO, PR_NUMBER, "changes", PR_HEAD)
    event = tmp_path / "event.json"
    event.write_text(json.dumps(event_payload("pull_request.opened.json")), encoding="utf-8")
    result = run_action_container(workspace, event, action_env(server, "pull_request"))
    assert result.returncode == 1, result.stderr[-3000:]  # CIT001 fails, fail_on: fail
    assert "Traceback" not in result.stderr
    (comment,) = server.comments(STANDARD_REPO, PR_NUMBER)
    assert comment.user.login == BOT_LOGIN
    assert comment.body.startswith(COMMENT_MARKER + "\n")
    assert "CIT001" in comment.body
    outputs = result.outputs()
    assert outputs["comment_id"] == str(comment.id)
    assert outputs["report_path"] == ".reprobot/report.json"
    report = workspace / ".reprobot" / "report.json"
    assert report.stat().st_uid == RUNNER_UID  # later steps of the job may replace it
    assert json.loads(report.read_text())["status"] == "fail"
    assert "CIT001" in result.step_summary()
    assert "::add-mask::test-token" in result.stdout
    (status,) = server.calls("POST", r"/statuses/")
    assert status.path.endswith(PR_HEAD)


def test_fork_pull_request_run_writes_nothing(
    image: str, server: GitHubServer, workspace: Path, tmp_path: Path
) -> None:
    server.add_token("read-token", permission="read")
    server.add_pull(STANDARD_REPO, PR_NUMBER, "changes", PR_HEAD, fork=True, head_owner="forker")
    event = tmp_path / "event.json"
    event.write_text(json.dumps(event_payload("pull_request.opened.fork.json")), encoding="utf-8")
    env = {**action_env(server, "pull_request", "read-token"), "INPUT_FAIL_ON": "never"}
    result = run_action_container(workspace, event, env)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    assert server.comments(STANDARD_REPO, PR_NUMBER) == []
    assert "comes from a fork" in result.step_summary()
