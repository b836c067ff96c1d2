"""The GitHub test server, driven by the real PyGithub client over HTTP."""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from github import (
    Auth,
    BadCredentialsException,
    Github,
    GithubException,
    GithubRetry,
    UnknownObjectException,
)

from tests.ghserver import EXTRA_OPERATIONS, OPERATIONS, GitHubServer, ServerProcess, blob_sha

REPO = "octo-org/research"
MARKER = "<!-- reprobot:report -->"


def client(server: GitHubServer, token: str = "test-token", **options: Any) -> Github:
    options.setdefault("retry", None)
    return Github(
        base_url=server.url,
        auth=Auth.Token(token),
        seconds_between_requests=0,
        seconds_between_writes=0,
        **options,
    )


def raw(
    server: GitHubServer,
    method: str,
    path: str,
    body: Any = None,
    token: str | None = "test-token",
) -> tuple[int, dict[str, str], Any]:
    """A plain HTTP request, for what PyGithub hides (headers, exact bodies)."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(server.url + path, data=data, method=method)
    if token:
        request.add_header("Authorization", f"token {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            status, headers, payload = response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        status, headers, payload = error.code, dict(error.headers), error.read()
    return status, {k.lower(): v for k, v in headers.items()}, json.loads(payload or b"null")


def test_comments_page_past_100_and_the_marked_one_is_found_and_edited(
    github_server: GitHubServer,
) -> None:
    issue = github_server.add_issue(REPO, "Results")
    for n in range(149):
        github_server.add_comment(REPO, issue.number, f"human comment {n}")
    gh = client(github_server, per_page=100)
    gh_issue = gh.get_repo(REPO).get_issue(issue.number)
    created = gh_issue.create_comment(f"{MARKER}\nfirst report")

    comments = gh_issue.get_comments()
    found = [c for c in comments if MARKER in c.body and c.user.login == "github-actions[bot]"]
    found[0].edit(f"{MARKER}\nsecond report")

    assert comments.totalCount == 150
    assert [c.id for c in found] == [created.id]
    assert found[0].user.type == "Bot"
    pages = [r.query.get("page") for r in github_server.calls("GET", r"/issues/1/comments$")]
    assert "2" in pages
    stored = github_server.comments(REPO, issue.number)
    assert [c.id for c in stored] == sorted(c.id for c in stored)
    assert stored[-1].body == f"{MARKER}\nsecond report"
    edits = github_server.calls("PATCH", rf"/issues/comments/{created.id}$")
    assert edits[0].body == {"body": f"{MARKER}\nsecond report"}


def test_link_header_points_at_the_server_and_names_next_last_prev_first(
    github_server: GitHubServer,
) -> None:
    for n in range(5):
        github_server.add_issue(REPO, f"issue {n}")
    path = f"/repos/{REPO}/issues"

    status, first_headers, first = raw(github_server, "GET", f"{path}?per_page=2")
    _, middle_headers, _ = raw(github_server, "GET", f"{path}?per_page=2&page=2")
    _, last_headers, last = raw(github_server, "GET", f"{path}?per_page=2&page=3")
    _, _, everything = raw(github_server, "GET", f"{path}?per_page=100")

    def links(headers: dict[str, str]) -> dict[str, str]:
        found = re.findall(r'<([^>]+)>; rel="(\w+)"', headers.get("link", ""))
        return {rel: url for url, rel in found}

    base = f"{github_server.url}{path}?per_page=2&page="
    assert status == 200
    assert [i["number"] for i in first] == [5, 4]  # newest first, as on GitHub
    assert links(first_headers) == {"next": f"{base}2", "last": f"{base}3"}
    assert links(middle_headers) == {
        "prev": f"{base}1",
        "next": f"{base}3",
        "last": f"{base}3",
        "first": f"{base}1",
    }
    assert set(links(last_headers)) == {"prev", "first"}
    assert [i["number"] for i in last] == [1]
    assert len(everything) == 5
    assert first_headers["content-type"].startswith("application/json")
    assert first_headers["x-github-media-type"] == "github.v3; format=json"
    assert int(first_headers["x-ratelimit-remaining"]) < int(first_headers["x-ratelimit-limit"])
    assert {"x-ratelimit-used", "x-ratelimit-reset", "x-ratelimit-resource"} <= set(first_headers)


def test_issues_with_labels_creator_and_state_changes(github_server: GitHubServer) -> None:
    github_server.add_issue(REPO, "A person's issue", labels=["reproducibility"])
    github_server.add_pull(REPO, None, "feature")
    repo = client(github_server).get_repo(REPO)

    tracking = repo.create_issue("Reproducibility report", body=MARKER, labels=["reproducibility"])
    bot: Any = "github-actions[bot]"  # PyGithub takes a login; its hint says NamedUser
    mine = list(repo.get_issues(state="all", labels=["reproducibility"], creator=bot))
    tracking.edit(state="closed", labels=["reproducibility", "stale"])
    closed = list(repo.get_issues(state="closed"))
    tracking.edit(state="open")
    everything = list(repo.get_issues(state="all"))

    assert [i.number for i in mine] == [tracking.number]
    assert [i.number for i in closed] == [tracking.number]
    assert closed[0].state_reason == "completed"
    assert [label.name for label in closed[0].labels] == ["reproducibility", "stale"]
    assert repo.get_issue(tracking.number).state == "open"
    assert github_server.issue(REPO, tracking.number).state_reason == "reopened"
    assert len(everything) == 3  # the pull is an issue too, marked by its pull_request key
    assert [i.number for i in everything if i.pull_request is not None] == [2]
    assert tracking.number == 3  # issues and pulls share one number sequence


def test_creating_an_existing_label_is_422_already_exists(github_server: GitHubServer) -> None:
    repo = client(github_server).get_repo(REPO)
    repo.create_label("reproducibility", "0e8a16", "Reproducibility report")

    with pytest.raises(GithubException) as caught:
        repo.create_label("Reproducibility", "ffffff")

    assert caught.value.status == 422
    assert caught.value.data["errors"] == [
        {"resource": "Label", "code": "already_exists", "field": "name"}
    ]
    assert repo.get_label("reproducibility").color == "0e8a16"


def test_contents_create_update_and_sha_conflicts(github_server: GitHubServer) -> None:
    repo = client(github_server).get_repo(REPO)
    path = "badges/reproducibility.json"

    created = repo.create_file(path, "Add badge", "hello\n", branch="main")
    current = repo.get_contents(path, ref="main")
    assert not isinstance(current, list)
    updated = repo.update_file(path, "Update badge", '{"message": "92%"}', current.sha)
    with pytest.raises(GithubException) as stale:
        repo.update_file(path, "Update badge", "again", current.sha)
    no_sha = raw(github_server, "PUT", f"/repos/{REPO}/contents/{path}", {
        "message": "m", "content": "eA==",
    })  # fmt: skip
    no_branch = raw(github_server, "PUT", f"/repos/{REPO}/contents/x.txt", {
        "message": "m", "content": "eA==", "branch": "nope",
    })  # fmt: skip
    bad_base64 = raw(github_server, "PUT", f"/repos/{REPO}/contents/x.txt", {
        "message": "m", "content": "%%%",
    })  # fmt: skip
    missing_message = raw(github_server, "PUT", f"/repos/{REPO}/contents/x.txt", {"content": ""})

    # "hello\n" is the blob ce01362 in every git repository.
    assert current.sha == "ce013625030ba8dba906f756967f9e9ca394464a" == created["content"].sha
    assert current.decoded_content == b"hello\n"
    assert updated["content"].sha == blob_sha(b'{"message": "92%"}')
    assert github_server.file(REPO, path) == b'{"message": "92%"}'
    assert stale.value.status == 409
    assert stale.value.data["message"] == f"{path} does not match {current.sha}"
    assert no_sha[0] == 422
    assert no_sha[2]["message"] == 'Invalid request.\n\n"sha" wasn\'t supplied.'
    assert no_branch[0] == 404
    assert bad_base64[0] == 422
    assert missing_message[0] == 422
    assert '"message" wasn\'t supplied' in missing_message[2]["message"]
    puts = github_server.calls("PUT", "/contents/")
    assert puts[1].body["sha"] == current.sha
    assert puts[0].body["content"] == "aGVsbG8K"
    listing = repo.get_contents("badges")
    assert isinstance(listing, list)
    assert [entry.path for entry in listing] == [path]


def test_refs_create_get_duplicate_and_fast_forward(github_server: GitHubServer) -> None:
    repo = client(github_server).get_repo(REPO)
    main_sha = repo.get_branch("main").commit.sha

    ref = repo.create_git_ref("refs/heads/badges", main_sha)
    with pytest.raises(GithubException) as duplicate:
        repo.create_git_ref("refs/heads/badges", main_sha)
    repo.create_file("b.json", "badge", "{}", branch="badges")
    moved = repo.get_git_ref("heads/badges")
    with pytest.raises(GithubException) as backwards:
        moved.edit(main_sha)
    moved.edit(main_sha, force=True)

    assert ref.ref == "refs/heads/badges"
    assert ref.object.sha == main_sha
    assert duplicate.value.status == 422
    assert duplicate.value.data["message"] == "Reference already exists"
    assert moved.object.sha == main_sha
    assert backwards.value.data["message"] == "Update is not a fast forward"
    assert repo.get_branch("badges").commit.sha == main_sha
    with pytest.raises(UnknownObjectException):
        repo.get_git_ref("heads/nothing")


def test_pulls_create_duplicate_and_actions_setting(github_server: GitHubServer) -> None:
    github_server.add_commit(REPO, "reprobot/fix", {"CITATION.cff": "cff-version: 1.2.0\n"})
    repo = client(github_server).get_repo(REPO)

    pull = repo.create_pull(base="main", head="reprobot/fix", title="Add CITATION.cff", body="b")
    with pytest.raises(GithubException) as duplicate:
        repo.create_pull(base="main", head="octo-org:reprobot/fix", title="again")
    github_server.set_repo_settings(REPO, actions_can_create_pull_requests=False)
    github_server.add_commit(REPO, "reprobot/other", {"x": "y"})
    with pytest.raises(GithubException) as forbidden:
        repo.create_pull(base="main", head="reprobot/other", title="Other")
    listed = repo.get_pulls(state="open", head="octo-org:reprobot/fix")

    assert pull.head.sha == github_server.state.repo(REPO).branch_sha("reprobot/fix")
    assert pull.number == 1 and pull.user.login == "github-actions[bot]"
    assert duplicate.value.status == 422
    assert duplicate.value.data["errors"][0]["message"] == (
        "A pull request already exists for octo-org:reprobot/fix."
    )
    assert forbidden.value.status == 403
    assert forbidden.value.data["message"] == (
        "GitHub Actions is not permitted to create or approve pull requests."
    )
    assert [p.number for p in listed] == [1]
    assert repo.get_pull(1).head.ref == "reprobot/fix"


def test_fork_pull_request_has_the_fork_as_head_repo(github_server: GitHubServer) -> None:
    github_server.add_pull(REPO, 7, "patch-1", "a" * 40, fork=True, head_owner="forker")
    pull = client(github_server).get_repo(REPO).get_pull(7)

    assert pull.head.sha == "a" * 40
    assert pull.head.repo.full_name == "forker/research"
    assert pull.head.repo.fork is True
    assert pull.base.repo.full_name == REPO


def test_read_only_token_reads_but_gets_403_on_writes(github_server: GitHubServer) -> None:
    github_server.add_token("read-token", permission="read")
    github_server.add_issue(REPO, "An issue")
    issue = client(github_server, "read-token").get_repo(REPO).get_issue(1)

    with pytest.raises(GithubException) as caught:
        issue.create_comment("hello")
    status, headers, body = raw(
        github_server, "POST", f"/repos/{REPO}/labels", {"name": "x"}, "read-token"
    )

    assert issue.title == "An issue"
    assert caught.value.status == 403
    assert caught.value.data["message"] == "Resource not accessible by integration"
    assert "documentation_url" in caught.value.data
    assert status == 403 and body["message"] == "Resource not accessible by integration"
    assert headers["x-accepted-github-permissions"] == "issues=write; pull_requests=write"
    assert github_server.comments(REPO, 1) == []


def test_unknown_token_is_401_bad_credentials(github_server: GitHubServer) -> None:
    with pytest.raises(BadCredentialsException) as caught:
        client(github_server, "nope").get_repo(REPO)
    assert caught.value.status == 401
    assert caught.value.data["message"] == "Bad credentials"


def test_routes_outside_the_openapi_extract_are_404_and_recorded(
    github_server: GitHubServer,
) -> None:
    repo = client(github_server).get_repo(REPO)

    with pytest.raises(UnknownObjectException) as caught:
        list(repo.get_labels())  # GET /repos/{o}/{r}/labels is not a route the bot may use

    assert caught.value.data["message"] == "Not Found"
    assert github_server.unknown_routes == [("GET", f"/repos/{REPO}/labels")]
    assert len(OPERATIONS) == len(github_server.router.spec)


def test_injected_502_is_retried_by_github_retry(github_server: GitHubServer) -> None:
    github_server.add_issue(REPO, "An issue")
    retry = GithubRetry(total=3, backoff_factor=0)
    github_server.inject("GET", r"/issues/1$", 502)
    repo = client(github_server, retry=retry).get_repo(REPO)

    issue = repo.get_issue(1)

    assert issue.title == "An issue"
    assert len(github_server.calls("GET", r"/issues/1$")) == 2
    assert github_server.faults.pending() == []


def test_secondary_rate_limit_403_with_retry_after_is_waited_out(
    github_server: GitHubServer,
) -> None:
    message = "You have exceeded a secondary rate limit. Please wait a few minutes."
    github_server.inject(
        "POST", r"/comments$", 403, headers={"retry-after": "1"}, body=message, times=1
    )
    github_server.add_issue(REPO, "An issue")
    issue = client(github_server, retry=GithubRetry(total=3)).get_repo(REPO).get_issue(1)

    started = time.monotonic()
    issue.create_comment("report")

    assert time.monotonic() - started >= 1
    assert [c.body for c in github_server.comments(REPO, 1)] == ["report"]


def test_faults_consume_themselves_429_then_409(github_server: GitHubServer) -> None:
    github_server.inject("GET", r"^/repos/", 429, headers={"Retry-After": "1"}, times=1)
    github_server.inject("*", r"/contents/", 409, body={"message": "is at x but expected y"})

    limited = raw(github_server, "GET", f"/repos/{REPO}")
    fine = raw(github_server, "GET", f"/repos/{REPO}")
    conflict = raw(github_server, "GET", f"/repos/{REPO}/contents/README.md")
    content = raw(github_server, "GET", f"/repos/{REPO}/contents/README.md")

    assert limited[0] == 429 and limited[1]["retry-after"] == "1"
    assert fine[0] == 200 and fine[2]["full_name"] == REPO
    assert conflict[0] == 409 and conflict[2] == {"message": "is at x but expected y"}
    assert content[0] == 200 and content[2]["encoding"] == "base64"


def test_comment_body_over_65536_characters_is_422(github_server: GitHubServer) -> None:
    github_server.add_issue(REPO, "An issue")
    issue = client(github_server).get_repo(REPO).get_issue(1)

    issue.create_comment("x" * 65536)
    with pytest.raises(GithubException) as caught:
        issue.create_comment("x" * 65537)

    assert caught.value.status == 422
    assert caught.value.data["message"] == "Validation Failed"
    assert caught.value.data["errors"] == [
        {
            "resource": "IssueComment",
            "code": "custom",
            "field": "body",
            "message": "body is too long (maximum is 65536 characters)",
        }
    ]
    assert len(github_server.comments(REPO, 1)) == 1


def test_commit_status_and_check_run(github_server: GitHubServer) -> None:
    head = github_server.add_commit(REPO, "feature", {"a.py": "print(1)\n"})
    github_server.add_pull(REPO, None, "feature", head)
    repo = client(github_server).get_repo(REPO)

    status = repo.get_commit(head).create_status(
        "success", target_url="https://example.org/run", description="92%", context="reprobot"
    )
    run = repo.create_check_run("reprobot", head, status="in_progress")
    annotation = {
        "path": "a.py",
        "start_line": 1,
        "end_line": 1,
        "annotation_level": "warning",
        "message": "m",
    }
    output = {"title": "t", "summary": "s", "annotations": [annotation]}
    run.edit(conclusion="success", output=output)
    with pytest.raises(GithubException) as bad_state:
        repo.get_commit(head).create_status("great")

    assert status.state == "success" and status.context == "reprobot"
    assert run.status == "completed" and run.conclusion == "success"
    assert run.output.annotations_count == 1
    assert [p.number for p in run.pull_requests] == [1]
    assert bad_state.value.status == 422
    stored = github_server.state.repo(REPO)
    assert [s.state for s in stored.statuses] == ["success"]
    assert stored.check_runs[run.id].annotations == [annotation]


def test_artifacts_list_and_download_redirect(github_server: GitHubServer) -> None:
    github_server.add_artifact(REPO, 42, "reprobot-report", b"PK\x05\x06" + b"\0" * 18)
    github_server.add_artifact(REPO, 42, "old", b"", expired=True)

    status, _, listed = raw(github_server, "GET", f"/repos/{REPO}/actions/runs/42/artifacts")
    artifact = next(a for a in listed["artifacts"] if a["name"] == "reprobot-report")
    request = urllib.request.Request(artifact["archive_download_url"])
    request.add_header("Authorization", "token test-token")
    with urllib.request.urlopen(request, timeout=10) as response:
        archive = response.read()
    expired = next(a for a in listed["artifacts"] if a["name"] == "old")
    gone = raw(github_server, "GET", f"/repos/{REPO}/actions/artifacts/{expired['id']}/zip")

    assert status == 200 and listed["total_count"] == 2
    assert archive.startswith(b"PK")
    assert gone[0] == 410


def test_control_routes_inject_seed_state_and_reset(github_server: GitHubServer) -> None:
    seed = {
        "repos": [{"full_name": "octo-org/other"}],
        "issues": [{"repo": "octo-org/other", "title": "Seeded"}],
    }
    seeded = raw(github_server, "POST", "/_test/seed", seed, token=None)
    injected = raw(github_server, "POST", "/_test/inject", {
        "method": "GET", "path_regex": "/other$", "status": 502,
    }, token=None)  # fmt: skip
    broken = raw(github_server, "GET", "/repos/octo-org/other")
    state = raw(github_server, "GET", "/_test/state", token=None)[2]
    raw(github_server, "POST", "/_test/reset", token=None)

    assert seeded[0] == 200 and injected[0] == 201
    assert broken[0] == 502
    assert state["repos"]["octo-org/other"]["issues"][0]["title"] == "Seeded"
    assert state["requests"][-1]["path"] == "/repos/octo-org/other"
    assert github_server.state.repos == {}
    assert github_server.requests == []


def test_server_as_a_separate_process_writes_its_state_file(tmp_path: Path) -> None:
    state_file = tmp_path / "state.json"
    with ServerProcess(state_file) as server:
        server.inject("POST", r"/comments$", 502)
        server.seed({"issues": [{"repo": REPO, "title": "Results"}]})
        gh = Github(
            base_url=server.url,
            auth=Auth.Token("test-token"),
            retry=GithubRetry(total=2, backoff_factor=0),
            seconds_between_requests=0,
            seconds_between_writes=0,
        )
        gh.get_repo(REPO).get_issue(1).create_comment(f"{MARKER} from outside")
        state = server.state()

    written = json.loads(state_file.read_text())
    issue = written["repos"][REPO]["issues"][0]
    assert [c["body"] for c in issue["comments"]] == [f"{MARKER} from outside"]
    assert issue["comments"][0]["user"] == {"login": "github-actions[bot]", "type": "Bot"}
    assert state["faults"] == []
    assert [r["method"] for r in written["requests"]].count("POST") == 2


def test_every_operation_of_the_extract_is_routed_to_itself(github_server: GitHubServer) -> None:
    samples = {"owner": "o", "repo": "r", "ref": "heads/a/b", "path": "docs/a.md", "name": "bug"}
    router = github_server.router

    for operation in (*OPERATIONS, *EXTRA_OPERATIONS):
        path = re.sub(r"\{(\w+)\}", lambda m: samples.get(m.group(1), "12"), operation.template)
        found = router.match(operation.method, path)
        assert found is not None and found.operation == operation, path

    assert {op.operation_id for op in OPERATIONS} == set(router.spec)
    assert router.match("GET", "/repos/o/r/labels") is None
