"""A run the machine stopped (the index's TLS not trusted) is `error`: exit 3, no tracking
issue opened or closed, the badge left alone; end to end through the real PyGithub client
against the test server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from reprobot.bot.exitcode import EXIT_ERROR, EXIT_FAILED, EXIT_OK, exit_code, is_failing
from reprobot.bot.inconclusive import errors, inconclusive
from reprobot.checks.core.model import CheckResult, Report, Status
from tests.actionrun import PR_HEAD, PR_NUMBER, ActionHarness, event_payload
from tests.bot.test_publish import tracking_issues
from tests.ghserver import STANDARD_REPO, GitHubServer
from tests.netservers import tls_index

REPO = STANDARD_REPO


def report_of(*statuses: Status) -> Report:
    checks = tuple(
        CheckResult(f"DEP00{i}", "dependencies", "title", status, "message")
        for i, status in enumerate(statuses, 1)
    )
    return Report("1", "repo", None, checks, "2026-01-01T00:00:00Z", 1.0)


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ((Status.PASS, Status.ERROR), True),
        ((Status.WARN, Status.ERROR, Status.SKIP), True),
        ((Status.FAIL, Status.ERROR), False),  # a real failure is conclusive
        ((Status.PASS, Status.WARN), False),
        ((), False),
    ],
)
def test_errors_without_a_failure_are_inconclusive(
    statuses: tuple[Status, ...], expected: bool
) -> None:
    assert inconclusive(report_of(*statuses)) is expected


def test_the_errored_codes_are_named() -> None:
    assert errors(report_of(Status.PASS, Status.ERROR, Status.ERROR)) == ("DEP002", "DEP003")


@pytest.mark.parametrize(
    ("statuses", "fail_on", "code"),
    [
        ((Status.PASS, Status.ERROR), "fail", EXIT_ERROR),
        ((Status.FAIL, Status.ERROR), "fail", EXIT_FAILED),
        ((Status.WARN, Status.ERROR), "warn", EXIT_FAILED),
        ((Status.WARN,), "fail", EXIT_OK),
        ((Status.FAIL, Status.WARN), "error", EXIT_OK),  # advisory checks
        ((Status.FAIL, Status.ERROR), "error", EXIT_ERROR),  # but a run that could not check
        ((Status.ERROR,), "never", EXIT_OK),
    ],
)
def test_fail_on_and_errors_decide_the_exit_code(
    statuses: tuple[Status, ...], fail_on: str, code: int
) -> None:
    assert exit_code(report_of(*statuses), fail_on) == code
    assert exit_code(statuses, fail_on) == code
    assert is_failing(statuses, fail_on) is (code == EXIT_FAILED)


@pytest.fixture
def harness(
    github_server: GitHubServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[ActionHarness]:
    for name in ("PIP_FIND_LINKS", "PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "SSL_CERT_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("PIP_CERT", raising=False)
    harness = ActionHarness(github_server, tmp_path, monkeypatch)
    harness.commit({"requirements.txt": "requests\n", "main.py": "import requests\n"})
    yield harness
    assert github_server.unknown_routes == []


def test_an_untrusted_index_certificate_is_an_error_not_the_repository_s_failure(
    harness: ActionHarness, github_server: GitHubServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    push = event_payload("push.json", ref="refs/heads/main")
    first = harness.run("push", push)  # CITATION.cff is missing: a real failure
    assert first.code == EXIT_FAILED
    (number,) = tracking_issues(github_server)
    badge_writes = len(github_server.calls("PUT", r"/contents/reprobot.json$"))
    assert badge_writes == 1
    comments = len(github_server.comments(REPO, number))

    with tls_index() as url:
        monkeypatch.setenv("UV_INDEX_URL", url)
        run = harness.run("push", push, inputs={"select": "DEP001,DEP002"})

    report = json.loads((harness.workspace / ".reprobot" / "report.json").read_text())
    results = {c["code"]: c for c in report["checks"]}
    assert results["DEP002"]["status"] == "error", results["DEP002"]
    assert "invalid peer certificate" in results["DEP002"]["message"]
    assert "SSL_CERT_FILE" in results["DEP002"]["message"]
    assert run.code == EXIT_ERROR and run.outputs["status"] == "error"
    # the tracking issue is neither closed nor updated, no new one, the badge untouched
    assert tracking_issues(github_server) == [number]
    assert github_server.issue(REPO, number).state == "open"
    assert len(github_server.comments(REPO, number)) == comments
    assert len(github_server.calls("POST", rf"/repos/{REPO}/issues$")) == 1
    assert len(github_server.calls("PUT", r"/contents/reprobot.json$")) == badge_writes
    assert "could not check" in run.summary and "DEP002" in run.summary


def test_on_a_pull_request_the_commit_status_is_error_not_failure(
    harness: ActionHarness, github_server: GitHubServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    github_server.add_pull(REPO, PR_NUMBER, "changes", PR_HEAD)
    with tls_index() as url:
        monkeypatch.setenv("UV_INDEX_URL", url)
        run = harness.run(
            "pull_request",
            event_payload("pull_request.opened.json"),
            inputs={"select": "DEP001,DEP002"},
        )
    assert run.code == EXIT_ERROR
    (status,) = github_server.calls("POST", r"/statuses/")
    assert status.body["state"] == "error"
    (comment,) = github_server.comments(REPO, PR_NUMBER)
    assert "DEP002" in comment.body and "SSL_CERT_FILE" in comment.body


def test_fail_on_error_still_tracks_failures_in_the_issue(
    harness: ActionHarness, github_server: GitHubServer
) -> None:
    """Advisory checks (`fail_on: error`) exit 0 on a failure, but the issue says it."""
    run = harness.run(
        "push", event_payload("push.json", ref="refs/heads/main"), inputs={"fail_on": "error"}
    )
    assert run.code == EXIT_OK
    (number,) = tracking_issues(github_server)
    assert github_server.issue(REPO, number).state == "open"
