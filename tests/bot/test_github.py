"""bot.github against the GitHub-compatible test server, with the real PyGithub client."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable, Iterator

import pytest

from reprobot.bot.apierrors import RetrySettings, is_transient, kind_of, message_of, wait_seconds
from reprobot.bot.github import GitHub, GitHubError
from tests.ghserver import BOT_LOGIN, GitHubServer

REPO = "octo-org/research"
MARKER = "<!-- reprobot:sticky-comment -->"
ISSUE_MARKER = "<!-- reprobot:tracking-issue -->"
FAST = RetrySettings(attempts=3, backoff=0.01, max_wait=0.1, secondary_wait=0.05, pause=0)


@pytest.fixture
def server(github_server: GitHubServer) -> Iterator[GitHubServer]:
    yield github_server
    assert github_server.unknown_routes == []


def client(
    server: GitHubServer, token: str = "test-token", sleep: Callable[[float], None] = time.sleep
) -> GitHub:
    return GitHub(server.url, token, REPO, FAST, sleep=sleep)


def body(text: str) -> str:
    return f"{MARKER}\n{text}"


def test_sticky_comment_is_created_then_edited_then_left_alone(server: GitHubServer) -> None:
    server.add_pull(REPO, 5, "feature")
    gh = client(server)
    first = gh.upsert_comment(5, body("one"), MARKER)
    second = gh.upsert_comment(5, body("two"), MARKER)
    third = gh.upsert_comment(5, body("two"), MARKER)
    assert [first.action, second.action, third.action] == ["created", "updated", "unchanged"]
    assert first.number == second.number == third.number
    comments = server.comments(REPO, 5)
    assert [c.body for c in comments] == [body("two")]
    assert comments[0].user.login == BOT_LOGIN
    assert len(server.calls("PATCH", r"/issues/comments/")) == 1


def test_sticky_comment_is_found_beyond_the_first_page(server: GitHubServer) -> None:
    server.add_pull(REPO, 5, "feature")
    for i in range(130):
        server.add_comment(REPO, 5, f"chatter {i}")
    server.add_comment(REPO, 5, body("old"), login=BOT_LOGIN, user_type="Bot")
    server.add_comment(REPO, 5, body("a person quoting the marker"))
    written = client(server).upsert_comment(5, body("new"), MARKER)
    assert written.action == "updated"
    bodies = [c.body for c in server.comments(REPO, 5)]
    assert bodies.count(body("new")) == 1
    assert body("a person quoting the marker") in bodies
    assert len(bodies) == 132
    pages = server.calls("GET", rf"/repos/{REPO}/issues/5/comments$")
    assert len(pages) == 2


def test_duplicate_sticky_comments_are_folded_into_one(server: GitHubServer) -> None:
    server.add_pull(REPO, 5, "feature")
    for text in ("a", "b"):
        server.add_comment(REPO, 5, body(text), login=BOT_LOGIN, user_type="Bot")
    client(server).upsert_comment(5, body("c"), MARKER)
    assert [c.body for c in server.comments(REPO, 5)] == [body("c")]


def test_a_post_that_failed_after_creating_is_not_repeated(server: GitHubServer) -> None:
    """The server may create the comment and still answer 502: look again before posting."""
    server.add_pull(REPO, 5, "feature")
    server.inject("POST", rf"/repos/{REPO}/issues/5/comments$", 502)

    def sleep(_: float) -> None:  # meanwhile the first POST turns out to have worked
        server.add_comment(REPO, 5, body("x"), login=BOT_LOGIN, user_type="Bot")

    written = client(server, sleep=sleep).upsert_comment(5, body("x"), MARKER)
    assert written.action == "created"
    assert len(server.comments(REPO, 5)) == 1
    assert len(server.calls("POST", r"/issues/5/comments$")) == 1


@pytest.mark.parametrize(
    ("status", "headers", "message"),
    [
        (502, {}, "Bad Gateway"),
        (
            403,
            {"Retry-After": "3"},
            "You have exceeded a secondary rate limit. Please wait a few minutes.",
        ),
        (429, {"Retry-After": "3"}, "Too Many Requests"),
    ],
)
def test_transient_failures_on_create_and_edit_leave_one_comment(
    server: GitHubServer, status: int, headers: dict[str, str], message: str
) -> None:
    server.add_pull(REPO, 5, "feature")
    waits: list[float] = []
    gh = client(server, sleep=waits.append)
    server.inject("POST", r"/issues/5/comments$", status, headers=headers, body=message, times=2)
    assert gh.upsert_comment(5, body("one"), MARKER).action == "created"
    server.inject("PATCH", r"/issues/comments/\d+$", status, headers=headers, body=message)
    started = time.monotonic()  # PyGithub's own retry sleeps here: Retry-After is capped
    assert gh.upsert_comment(5, body("two"), MARKER).action == "updated"
    assert time.monotonic() - started < 2.5
    assert [c.body for c in server.comments(REPO, 5)] == [body("two")]
    assert len(waits) == 2
    assert all(w <= FAST.max_wait for w in waits)


def test_a_read_only_token_is_reported_as_such(server: GitHubServer) -> None:
    server.add_token("read-token", permission="read")
    server.add_pull(REPO, 5, "feature")
    with pytest.raises(GitHubError) as caught:
        client(server, "read-token").upsert_comment(5, body("x"), MARKER)
    assert caught.value.kind == "read-only"
    assert caught.value.status == 403
    assert server.comments(REPO, 5) == []


def test_commit_status_on_the_head_sha(server: GitHubServer) -> None:
    head = server.add_pull(REPO, 5, "feature").pull
    assert head is not None
    client(server).set_status(head.head_sha, "failure", "1/2 passed", "https://run", "reprobot")
    (call,) = server.calls("POST", r"/statuses/")
    assert call.path.endswith(f"/statuses/{head.head_sha}")
    assert call.body == {
        "state": "failure",
        "description": "1/2 passed",
        "context": "reprobot",
        "target_url": "https://run",
    }


def issue_args(failing: bool, text: str = "report") -> dict[str, object]:
    return {
        "marker": ISSUE_MARKER,
        "label": "reprobot",
        "title": "reprobot: failing",
        "body": f"{ISSUE_MARKER}\n{text}",
        "failing": failing,
        "closing_comment": "all good now",
    }


def test_tracking_issue_life_cycle(server: GitHubServer) -> None:
    gh = client(server)
    assert gh.upsert_issue(**issue_args(False)).action == "none"  # type: ignore[arg-type]
    created = gh.upsert_issue(**issue_args(True))  # type: ignore[arg-type]
    assert created.action == "created"
    number = created.number
    assert number is not None
    assert server.issue(REPO, number).labels == ["reprobot"]
    assert gh.upsert_issue(**issue_args(True)).action == "unchanged"  # type: ignore[arg-type]
    assert gh.upsert_issue(**issue_args(True, "worse")).action == "updated"  # type: ignore[arg-type]
    closed = gh.upsert_issue(**issue_args(False))  # type: ignore[arg-type]
    assert (closed.action, closed.number) == ("closed", number)
    assert server.issue(REPO, number).state == "closed"
    assert [c.body for c in server.comments(REPO, number)] == ["all good now"]
    reopened = gh.upsert_issue(**issue_args(True, "again"))  # type: ignore[arg-type]
    assert (reopened.action, reopened.number) == ("reopened", number)
    assert server.issue(REPO, number).state == "open"
    assert len(server.calls("POST", rf"/repos/{REPO}/issues$")) == 1


def test_existing_label_and_a_lost_issue_post(server: GitHubServer) -> None:
    server.add_label(REPO, "reprobot")
    server.inject("POST", rf"/repos/{REPO}/issues$", 500)

    def sleep(_: float) -> None:  # the failed POST had opened the issue after all
        server.add_issue(
            REPO,
            "reprobot: failing",
            body=f"{ISSUE_MARKER}\nreport",
            labels=["reprobot"],
            login=BOT_LOGIN,
            user_type="Bot",
        )

    created = client(server, sleep=sleep).upsert_issue(**issue_args(True))  # type: ignore[arg-type]
    assert created.action == "created"
    issues = [i for i in server.state.repo(REPO).issues.values() if i.pull is None]
    assert len(issues) == 1


def read_json(server: GitHubServer, path: str, ref: str) -> object:
    raw = server.file(REPO, path, ref=ref)
    assert raw is not None
    return json.loads(raw)


def test_badge_branch_is_created_and_the_file_written_once(server: GitHubServer) -> None:
    gh = client(server)
    args = {"branch": "reprobot-badges", "base": "main", "path": "reprobot.json"}
    first = gh.publish_badge(**args, content='{"message": "1/2"}\n', message="badge")  # type: ignore[arg-type]
    again = gh.publish_badge(**args, content='{"message": "1/2"}\n', message="badge")  # type: ignore[arg-type]
    changed = gh.publish_badge(**args, content='{"message": "2/2"}\n', message="badge")  # type: ignore[arg-type]
    assert [first.action, again.action, changed.action] == ["created", "unchanged", "updated"]
    assert read_json(server, "reprobot.json", "reprobot-badges") == {"message": "2/2"}
    assert server.file(REPO, "reprobot.json", ref="main") is None
    assert len(server.calls("POST", r"/git/refs$")) == 1
    assert len(server.calls("PUT", r"/contents/reprobot.json$")) == 2


def test_a_stale_blob_sha_is_read_again(server: GitHubServer) -> None:
    gh = client(server)
    args = {"branch": "reprobot-badges", "base": "main", "path": "reprobot.json"}
    gh.publish_badge(**args, content="one\n", message="badge")  # type: ignore[arg-type]
    server.inject("PUT", r"/contents/reprobot.json$", 409, body="is at abc but expected def")
    assert gh.publish_badge(**args, content="two\n", message="badge").action == "updated"  # type: ignore[arg-type]
    assert server.file(REPO, "reprobot.json", ref="reprobot-badges") == b"two\n"
    put = server.calls("PUT", r"/contents/reprobot.json$")[-1]
    assert isinstance(put.body, dict)
    assert base64.b64decode(put.body["content"]) == b"two\n"
    assert put.body["branch"] == "reprobot-badges"


def test_fix_pull_request_is_opened_then_updated(server: GitHubServer) -> None:
    gh = client(server)
    files = {"CITATION.cff": "cff-version: 1.2.0\n", "requirements.txt": "numpy==2.0\n"}
    args = {"branch": "reprobot/fixes", "base": "main", "title": "fix", "message": "Add files"}
    opened = gh.open_fix_pr(**args, files=files, body="<!-- m -->\none")  # type: ignore[arg-type]
    assert opened.action == "created"
    same = gh.open_fix_pr(**args, files=files, body="<!-- m -->\none")  # type: ignore[arg-type]
    assert (same.action, same.number) == ("unchanged", opened.number)
    files["requirements.txt"] = "numpy==2.1\n"
    updated = gh.open_fix_pr(**args, files=files, body="<!-- m -->\ntwo")  # type: ignore[arg-type]
    assert (updated.action, updated.number) == ("updated", opened.number)
    assert server.file(REPO, "requirements.txt", ref="reprobot/fixes") == b"numpy==2.1\n"
    assert len(server.calls("POST", rf"/repos/{REPO}/pulls$")) == 1


def test_fix_pull_request_forbidden_for_actions(server: GitHubServer) -> None:
    server.set_repo_settings(REPO, actions_can_create_pull_requests=False)
    with pytest.raises(GitHubError) as caught:
        client(server).open_fix_pr(
            branch="reprobot/fixes",
            base="main",
            files={"CITATION.cff": "x\n"},
            title="fix",
            body="b",
            message="Add files",
        )
    assert caught.value.kind == "pulls-not-permitted"


def test_reading_the_default_branch_and_a_pull_head(server: GitHubServer) -> None:
    pull = server.add_pull(REPO, 9, "topic").pull
    assert pull is not None
    gh = client(server)
    assert gh.default_branch() == "main"
    assert gh.pull_head_sha(9) == pull.head_sha
    with pytest.raises(GitHubError) as caught:
        gh.pull_head_sha(99)
    assert caught.value.kind == "not-found"


@pytest.mark.parametrize(
    ("status", "message", "kind", "transient"),
    [
        (403, "Resource not accessible by integration", "read-only", False),
        (
            403,
            "GitHub Actions is not permitted to create or approve pull requests.",
            "pulls-not-permitted",
            False,
        ),
        (403, "You have exceeded a secondary rate limit", "rate-limited", True),
        (403, "API rate limit exceeded for installation ID 1.", "rate-limited", True),
        (429, "Too Many Requests", "rate-limited", True),
        (502, "Bad Gateway", "failed", True),
        (404, "Not Found", "not-found", False),
        (410, "Issues are disabled for this repo", "gone", False),
        (422, "Validation Failed", "failed", False),
    ],
)
def test_error_kinds(status: int, message: str, kind: str, transient: bool) -> None:
    assert kind_of(status, message) == kind
    assert is_transient(status, message, {}) is transient


def test_waits_follow_github_headers_and_stay_capped() -> None:
    settings = RetrySettings(backoff=0.5, max_wait=30, secondary_wait=60)
    assert wait_seconds(403, {"Retry-After": "7"}, 0, settings) == 7
    assert wait_seconds(403, {"retry-after": "700"}, 0, settings) == 30
    reset = {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1010"}
    assert wait_seconds(403, reset, 0, settings, now=1000) == 11
    assert wait_seconds(403, {}, 0, settings) == 30  # secondary limit: 60 s, capped
    assert [wait_seconds(502, {}, n, settings) for n in range(3)] == [0.5, 1.0, 2.0]
    assert message_of(
        422, {"message": "Validation Failed", "errors": [{"message": "too long"}]}
    ) == ("Validation Failed; too long")
