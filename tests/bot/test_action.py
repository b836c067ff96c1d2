"""Reading the runner's environment, the inputs and the event payload."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reprobot.bot.apierrors import RetrySettings
from reprobot.bot.event import load_event
from reprobot.bot.inputs import Inputs, forget_token, read_environment

EVENTS = Path(__file__).parents[1] / "fixtures" / "events"


def test_defaults_match_action_yml_when_inputs_are_absent(tmp_path: Path) -> None:
    env = read_environment({"GITHUB_WORKSPACE": str(tmp_path)})
    assert env.inputs == Inputs()
    assert env.problems == ()
    assert env.token == ""
    assert env.runner.workspace == tmp_path
    assert env.runner.api_url == "https://api.github.com"
    assert env.runner.run_url is None
    assert env.runner.retry == RetrySettings()


def test_inputs_and_runner_variables_are_read(tmp_path: Path) -> None:
    env = read_environment(
        {
            "INPUT_PATH": "analysis",
            "INPUT_SELECT": "cit, lic\nDOC001",
            "INPUT_IGNORE": "",
            "INPUT_COMMENT": "OFF",
            "INPUT_ISSUE": "off",
            "INPUT_BADGE_BRANCH": "",
            "INPUT_FIX_PR": "True",
            "INPUT_FAIL_ON": "warn",
            "INPUT_TOKEN": " ghs_secret ",
            "GITHUB_REPOSITORY": "octo-org/research",
            "GITHUB_SERVER_URL": "https://ghe.example.org/",
            "GITHUB_API_URL": "https://ghe.example.org/api/v3/",
            "GITHUB_RUN_ID": "77",
            "GITHUB_OUTPUT": str(tmp_path / "out"),
            "GITHUB_EVENT_PATH": str(tmp_path / "event.json"),
            "REPROBOT_RETRY_BACKOFF": "0.05",
            "REPROBOT_WRITE_PAUSE": "0",
            "GITHUB_WORKFLOW_REF": "octo-org/research/.github/workflows/ci.yml@refs/heads/main",
        }
    )
    assert env.problems == ()
    assert env.inputs == Inputs(
        path="analysis",
        select=("CIT", "LIC", "DOC001"),
        ignore=(),
        comment="off",
        issue="off",
        badge_branch="",
        fix_pr=True,
        fail_on="warn",
    )
    assert env.token == "ghs_secret"
    assert "ghs_secret" not in repr(env)
    assert env.runner.api_url == "https://ghe.example.org/api/v3"
    assert env.runner.run_url == "https://ghe.example.org/octo-org/research/actions/runs/77"
    assert env.runner.output_path == tmp_path / "out"
    assert env.runner.retry.backoff == 0.05
    assert env.runner.retry.pause == 0
    assert env.runner.workflow_url == (
        "https://ghe.example.org/octo-org/research/actions/workflows/ci.yml"
    )


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("COMMENT", "x", "invalid comment 'x' (expected: sticky, off)"),
        ("ISSUE", "always", "invalid issue 'always' (expected: on-failure, off)"),
        ("FAIL_ON", "always", "invalid fail_on 'always' (expected: fail, warn, error, never)"),
        ("FIX_PR", "yes", "invalid fix_pr 'yes' (expected: true, false)"),
        ("PATH", "../elsewhere", "invalid path '../elsewhere' (expected: a directory inside"),
    ],
)
def test_invalid_inputs_get_precise_messages(name: str, value: str, message: str) -> None:
    env = read_environment({f"INPUT_{name}": value})
    assert len(env.problems) == 1
    assert env.problems[0].startswith(message)


def test_bad_retry_setting_is_named() -> None:
    env = read_environment({"REPROBOT_RETRY_MAX_WAIT": "soon"})
    assert env.problems == (
        "invalid REPROBOT_RETRY_MAX_WAIT 'soon' (expected: a number of seconds >= 0)",
    )


def test_token_is_removed_from_the_environment() -> None:
    environ = {"INPUT_TOKEN": "a", "GITHUB_TOKEN": "b", "GH_TOKEN": "c", "HOME": "/root"}
    assert read_environment(environ).token == "a"
    forget_token(environ)
    assert environ == {"HOME": "/root"}
    assert read_environment({"GITHUB_TOKEN": "b"}).token == "b"


def test_same_repository_pull_request_event() -> None:
    event = load_event("pull_request", EVENTS / "pull_request.opened.json")
    assert event.problem is None
    assert event.is_pull
    assert event.pull_number == 2
    assert event.head_sha == "ec26c3e57ca3a959ca5aad62de7213c562f8c821"
    assert not event.fork


def test_fork_pull_request_event() -> None:
    event = load_event("pull_request", EVENTS / "pull_request.opened.fork.json")
    assert event.fork
    assert event.head_repository == "forker/Hello-World"


def test_deleted_fork_counts_as_fork(tmp_path: Path) -> None:
    data = json.loads((EVENTS / "pull_request.opened.fork.json").read_text())
    data["pull_request"]["head"]["repo"] = None
    path = tmp_path / "event.json"
    path.write_text(json.dumps(data))
    event = load_event("pull_request", path)
    assert event.problem is None
    assert event.fork
    assert event.head_repository is None


def test_push_to_the_default_branch_and_elsewhere(tmp_path: Path) -> None:
    data = json.loads((EVENTS / "push.json").read_text())
    tag = load_event("push", EVENTS / "push.json")
    assert tag.ref == "refs/tags/simple-tag"
    assert not tag.on_default_branch
    data["ref"] = "refs/heads/master"
    path = tmp_path / "push.json"
    path.write_text(json.dumps(data))
    assert load_event("push", path).on_default_branch


def test_schedule_payload_without_repository(tmp_path: Path) -> None:
    path = tmp_path / "schedule.json"
    path.write_text('{"schedule": "0 3 * * 1"}')
    event = load_event("schedule", path, ref="refs/heads/main")
    assert event.problem is None
    assert event.on_default_branch
    assert event.default_branch == ""


def test_workflow_run_event() -> None:
    event = load_event("workflow_run", EVENTS / "workflow_run.completed.json")
    assert event.head_sha == "5779607b49aab1200488439f02372c57b4f75444"
    assert event.run_event == "workflow_dispatch"
    assert event.run_id == 1589141559


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (None, "does not exist"),
        ("{not json", "is not JSON (line 1"),
        ('{"repository": {"full_name": "o/r", "default_branch": "main"}}', "has no `pull_request`"),
        ("[]", "has no `repository.full_name`"),
    ],
)
def test_malformed_payloads_say_what_is_wrong(
    tmp_path: Path, content: str | None, problem: str
) -> None:
    path = tmp_path / "event.json"
    if content is not None:
        path.write_text(content)
    event = load_event("pull_request", path)
    assert event.problem is not None
    assert problem in event.problem
    assert str(path) in event.problem
    assert not event.is_pull


def test_missing_event_path() -> None:
    assert load_event("push", None).problem == "GITHUB_EVENT_PATH is not set"
