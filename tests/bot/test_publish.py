"""`reprobot action` and `reprobot publish` end to end, in-process, against the test server."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from reprobot.bot import bodies
from reprobot.bot.bodies import Notice
from reprobot.bot.event import Event
from reprobot.bot.exitcode import exit_code
from reprobot.bot.github import GitHub
from reprobot.bot.inputs import ActionEnv, Inputs, RunnerEnv
from reprobot.bot.job import finish
from reprobot.bot.publish import plan_for
from reprobot.bot.truncate import COMMENT_LIMIT, utf16_len
from reprobot.checks.core.model import CheckResult, Finding, Fix, Report, Status
from tests.actionrun import PR_HEAD, PR_NUMBER, ActionHarness, event_payload
from tests.bot.test_badge import shields_problems
from tests.bot.test_github import FAST
from tests.ghserver import BOT_LOGIN, STANDARD_REPO, GitHubServer

REPO = STANDARD_REPO
WRITES = ("POST", "PATCH", "PUT", "DELETE")


@pytest.fixture
def server(github_server: GitHubServer) -> Iterator[GitHubServer]:
    yield github_server
    assert github_server.unknown_routes == []


@pytest.fixture
def harness(server: GitHubServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ActionHarness:
    return ActionHarness(server, tmp_path, monkeypatch)


def pull_event() -> dict[str, object]:
    return event_payload("pull_request.opened.json")


def push_event(branch: str = "main") -> dict[str, object]:
    return event_payload("push.json", ref=f"refs/heads/{branch}")


def sticky_comments(server: GitHubServer) -> list[str]:
    return [
        c.body for c in server.comments(REPO, PR_NUMBER) if c.body.startswith(bodies.COMMENT_MARKER)
    ]


def writes(server: GitHubServer) -> list[tuple[str, str]]:
    return [(r.method, r.path) for r in server.requests if r.method in WRITES]


def apply_fixes(harness: ActionHarness) -> None:
    """Commit the files reprobot generated, as a person merging the fix would."""
    report = json.loads((harness.workspace / ".reprobot" / "report.json").read_text())
    files = {
        path: content
        for check in report["checks"]
        for fix in check["fixes"]
        for path, content in fix["files"].items()
    }
    assert "CITATION.cff" in files
    harness.commit(files)


def test_three_runs_on_a_pull_request_leave_one_comment(
    harness: ActionHarness, server: GitHubServer
) -> None:
    server.add_pull(REPO, PR_NUMBER, "changes", PR_HEAD)
    runs = [harness.run("pull_request", pull_event()) for _ in range(3)]
    assert [r.code for r in runs] == [1, 1, 1]
    (comment,) = sticky_comments(server)
    assert "CIT001" in comment
    assert "A CITATION.cff file is at the repository root" in comment
    assert "<details><summary><code>CITATION.cff</code></summary>" in comment
    assert {r.outputs["comment_id"] for r in runs} == {str(server.comments(REPO, 2)[0].id)}
    assert len(server.calls("POST", r"/issues/2/comments$")) == 1
    assert server.calls("PATCH", r"/issues/comments/") == []  # unchanged: not re-sent
    statuses = server.calls("POST", r"/statuses/")
    assert {s.path.rsplit("/", 1)[1] for s in statuses} == {PR_HEAD}
    assert all(s.body["context"] == "reprobot" and s.body["state"] == "failure" for s in statuses)
    first = runs[0]
    assert first.stdout.startswith("::add-mask::test-token\n")
    assert "::error title=CIT001 A CITATION.cff file is at the repository root::" in first.stdout
    assert first.outputs["status"] == "fail"
    assert first.outputs["score"] == "0/1"
    assert first.outputs["report_path"] == ".reprobot/report.json"
    assert first.outputs["badge_url"].startswith("https://img.shields.io/badge/reproducible-")
    assert "CIT001" in first.summary
    # the output keeps this run's static badge, but the summary offers no README snippet
    assert "#### Badge" not in first.summary
    assert first.outputs["badge_url"] not in first.summary
    assert server.calls("POST", r"/repos/[^/]+/[^/]+/issues$") == []


@pytest.mark.parametrize(
    ("status", "headers", "message"),
    [
        (502, {}, "Bad Gateway"),
        (403, {"Retry-After": "1"}, "You have exceeded a secondary rate limit."),
        (429, {"Retry-After": "1"}, "Too Many Requests"),
    ],
)
def test_transient_errors_on_the_comment_still_give_one_comment(
    harness: ActionHarness,
    server: GitHubServer,
    status: int,
    headers: dict[str, str],
    message: str,
) -> None:
    server.add_pull(REPO, PR_NUMBER, "changes", PR_HEAD)
    server.inject("POST", r"/issues/2/comments$", status, headers=headers, body=message)
    assert harness.run("pull_request", pull_event()).code == 1
    apply_fixes(harness)
    server.inject("PATCH", r"/issues/comments/\d+$", status, headers=headers, body=message)
    second = harness.run("pull_request", pull_event())
    assert second.code == 0
    (comment,) = sticky_comments(server)
    assert "3/3 checks passed" in comment
    assert "Traceback" not in second.stderr


@pytest.mark.parametrize(("fail_on", "code"), [("fail", 1), ("never", 0)])
def test_fork_pull_request_with_read_only_token_degrades(
    harness: ActionHarness, server: GitHubServer, fail_on: str, code: int
) -> None:
    server.add_token("read-token", permission="read")
    server.add_pull(REPO, PR_NUMBER, "changes", PR_HEAD, fork=True, head_owner="forker")
    fork = event_payload("pull_request.opened.fork.json")
    run = harness.run("pull_request", fork, inputs={"fail_on": fail_on}, token="read-token")
    assert run.code == code
    assert "Traceback" not in run.stderr + run.stdout
    assert "CIT001" in run.summary
    assert "comes from a fork (forker/Hello-World)" in run.summary
    assert "two-workflow pattern" in run.summary
    assert "::error title=CIT001" in run.stdout
    assert writes(server) == []
    assert run.outputs["comment_id"] == ""


def test_read_only_token_on_a_same_repository_pull_request(
    harness: ActionHarness, server: GitHubServer
) -> None:
    server.add_token("read-token", permission="read")
    server.add_pull(REPO, PR_NUMBER, "changes", PR_HEAD)
    run = harness.run("pull_request", pull_event(), token="read-token")
    assert run.code == 1
    assert "Traceback" not in run.stderr + run.stdout
    assert "The token cannot write to this repository" in run.summary
    assert "the token needs issues=write" in run.summary
    assert "CIT001" in run.summary
    assert len(writes(server)) == 1  # the first refusal stops every later write


def badge_json(server: GitHubServer) -> dict[str, object]:
    raw = server.file(REPO, "reprobot.json", ref="reprobot-badges")
    assert raw is not None
    data: dict[str, object] = json.loads(raw)
    assert shields_problems(data) == []
    return data


def tracking_issues(server: GitHubServer) -> list[int]:
    return [
        number
        for number, issue in server.state.repo(REPO).issues.items()
        if issue.pull is None and (issue.body or "").startswith(bodies.ISSUE_MARKER)
    ]


def test_push_life_cycle_issue_and_badge(harness: ActionHarness, server: GitHubServer) -> None:
    first = harness.run("push", push_event())
    assert first.code == 1
    (number,) = tracking_issues(server)
    issue = server.issue(REPO, number)
    assert issue.labels == ["reprobot"]
    assert issue.state == "open"
    assert issue.user.login == BOT_LOGIN
    assert "CIT001" in (issue.body or "")
    assert first.outputs["issue_number"] == str(number)
    # only the citation checks ran: the other three questions are named as not checked
    assert badge_json(server)["message"] == "failing: citation · not checked: build, tests, install"
    url = first.outputs["badge_url"]
    assert parse_qs(urlsplit(url).query)["url"] == [
        f"https://raw.githubusercontent.com/{REPO}/reprobot-badges/reprobot.json"
    ]
    assert f"[![reproducible]({url})](https://github.com/{REPO}/actions)" in first.summary

    second = harness.run("push", push_event())
    assert second.code == 1
    assert tracking_issues(server) == [number]
    assert second.outputs["issue_number"] == str(number)
    assert len(server.calls("POST", rf"/repos/{REPO}/issues$")) == 1
    assert len(server.calls("PUT", r"/contents/reprobot.json$")) == 1  # unchanged badge

    apply_fixes(harness)
    fixed = harness.run("push", push_event())
    assert fixed.code == 0
    assert server.issue(REPO, number).state == "closed"
    assert "Every reproducibility check passes now" in server.comments(REPO, number)[-1].body
    assert badge_json(server) == {
        "schemaVersion": 1,
        "label": "reproducible",
        "message": "1/4 · not checked: build, tests, install",
        "color": "yellow",
        "cacheSeconds": 300,
    }
    assert fixed.outputs["issue_number"] == str(number)


def test_push_to_another_branch_publishes_nothing(
    harness: ActionHarness, server: GitHubServer
) -> None:
    run = harness.run("push", push_event("topic"))
    assert run.code == 1
    assert writes(server) == []
    assert run.outputs["badge_url"].startswith("https://img.shields.io/badge/")


def test_fix_pull_request_and_the_setting_that_forbids_it(
    harness: ActionHarness, server: GitHubServer
) -> None:
    run = harness.run("push", push_event(), inputs={"fix_pr": "true", "issue": "off"})
    assert run.code == 1
    (pull,) = [i for i in server.state.repo(REPO).issues.values() if i.pull is not None]
    assert pull.pull is not None
    assert pull.pull.head_ref == "reprobot/fixes"
    assert (pull.body or "").startswith(bodies.FIX_MARKER)
    cff = server.file(REPO, "CITATION.cff", ref="reprobot/fixes")
    assert cff is not None
    assert b"cff-version: 1.2.0" in cff

    server.set_repo_settings(REPO, actions_can_create_pull_requests=False)
    server.state.repo(REPO).issues.clear()
    blocked = harness.run("push", push_event(), inputs={"fix_pr": "true", "issue": "off"})
    assert blocked.code == 1
    assert (
        "Settings → Actions → General → Workflow permissions and tick "
        '"Allow GitHub Actions to create and approve pull requests"'
    ) in blocked.summary


def test_invalid_input_stops_with_exit_2_and_a_summary(
    harness: ActionHarness, server: GitHubServer
) -> None:
    run = harness.run("push", push_event(), inputs={"comment": "x", "select": "NOPE"})
    assert run.code == 2
    assert "invalid comment 'x' (expected: sticky, off)" in run.summary
    assert "invalid select 'NOPE' (no check matches NOPE" in run.summary
    assert "::error::invalid comment 'x' (expected: sticky, off)" in run.stdout
    assert not (harness.workspace / ".reprobot").exists()
    assert server.requests == []


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (None, "does not exist"),
        ("{oops", "is not JSON (line 1"),
        ('{"repository": {}}', "has no `repository.full_name`"),
    ],
)
def test_malformed_event_still_reports(
    harness: ActionHarness, server: GitHubServer, content: str | None, problem: str
) -> None:
    run = harness.run("pull_request", content)
    assert run.code == 1
    assert problem in run.summary
    assert problem in run.stderr
    assert "nothing was published to GitHub" in run.summary
    assert "CIT001" in run.summary
    assert run.outputs["status"] == "fail"
    assert "Traceback" not in run.stderr
    assert server.requests == []


def test_github_failing_everywhere_loses_nothing_else(
    harness: ActionHarness, server: GitHubServer
) -> None:
    server.inject("*", r"^/repos/", 500, times=1000)
    run = harness.run("push", push_event(), inputs={"fix_pr": "true"})
    assert run.code == 1
    assert "Traceback" not in run.stderr + run.stdout
    # the issue, the badge, the history kept and the fix PR each tried
    assert run.summary.count("Could not") == 4
    assert "the comparison with an earlier run is left out" in run.summary
    assert "CIT001" in run.summary
    assert run.outputs["status"] == "fail"
    assert (harness.workspace / ".reprobot" / "report.json").is_file()
    assert "::error title=CIT001" in run.stdout


def write_artifacts(harness: ActionHarness, head_sha: str) -> tuple[Path, Path]:
    folder = harness.tmp_path / "artifact"
    folder.mkdir(exist_ok=True)
    check = harness.run("push", push_event("topic"))
    assert check.code == 1
    report = folder / "report.json"
    report.write_bytes((harness.workspace / ".reprobot" / "report.json").read_bytes())
    pull = folder / "pull-request.json"
    pull.write_text(json.dumps({"number": PR_NUMBER, "head_sha": head_sha}))
    return report, pull


def workflow_run_event(head_sha: str) -> dict[str, object]:
    return event_payload(
        "workflow_run.completed.json",
        **{"workflow_run.event": "pull_request", "workflow_run.head_sha": head_sha},
    )


def test_publish_comments_a_verified_fork_report(
    harness: ActionHarness, server: GitHubServer
) -> None:
    server.add_pull(REPO, PR_NUMBER, "changes", PR_HEAD, fork=True, head_owner="forker")
    report, pull = write_artifacts(harness, PR_HEAD)
    argv = ("publish", "--report", str(report), "--pull", str(pull))
    run = harness.run("workflow_run", workflow_run_event(PR_HEAD), argv=argv)
    assert run.code == 0, run.summary
    (comment,) = sticky_comments(server)
    assert "CIT001" in comment
    assert server.calls("POST", r"/statuses/") == []  # a forged report must not pass a check
    again = harness.run("workflow_run", workflow_run_event(PR_HEAD), argv=argv)
    assert again.code == 0
    assert len(sticky_comments(server)) == 1


def test_publish_refuses_a_report_for_another_commit(
    harness: ActionHarness, server: GitHubServer
) -> None:
    server.add_pull(REPO, PR_NUMBER, "changes", PR_HEAD)
    report, pull = write_artifacts(harness, "f" * 40)
    argv = ("publish", "--report", str(report), "--pull", str(pull))
    run = harness.run("workflow_run", workflow_run_event(PR_HEAD), argv=argv)
    assert run.code == 2
    assert "refusing to publish" in run.summary
    assert sticky_comments(server) == []


def test_publish_skips_a_pull_request_that_moved_on(
    harness: ActionHarness, server: GitHubServer
) -> None:
    server.add_pull(REPO, PR_NUMBER, "changes", "e" * 40)
    report, pull = write_artifacts(harness, PR_HEAD)
    argv = ("publish", "--report", str(report), "--pull", str(pull))
    run = harness.run("workflow_run", workflow_run_event(PR_HEAD), argv=argv)
    assert run.code == 0
    assert "is at eeeeeeeeeeee now" in run.summary
    assert sticky_comments(server) == []


def test_publish_refuses_a_tampered_report(harness: ActionHarness, server: GitHubServer) -> None:
    report, pull = write_artifacts(harness, PR_HEAD)
    data = json.loads(report.read_text())
    data["status"] = "pass"
    report.write_text(json.dumps(data))
    argv = ("publish", "--report", str(report), "--pull", str(pull))
    run = harness.run("workflow_run", workflow_run_event(PR_HEAD), argv=argv)
    assert run.code == 2
    assert "`status` does not match the results in `checks`" in run.summary
    assert writes(server) == []


def huge_report() -> Report:
    big_file = "\n".join(f"line {i} " + "x" * 60 for i in range(3000))
    results = tuple(
        CheckResult(
            f"BIG{i:03d}",
            "build",
            f"Check {i} 🧪",
            Status.FAIL,
            "failed",
            "Why it matters.",
            tuple(Finding(f"problem {j} 😀", f"src/m{j}.py", j + 1) for j in range(40)),
            (Fix(f"fix {i}", "", {f"file{i}.txt": big_file}),),
        )
        for i in range(12)
    )
    return Report("0.1.0", "/w", "a" * 40, results, "2024-01-01T00:00:00+00:00", 1.0)


def test_huge_report_is_cut_under_the_comment_limit(server: GitHubServer) -> None:
    report = huge_report()
    body = bodies.comment_body(report, run_url="https://github.com/o/r/actions/runs/9")
    assert utf16_len(body) <= 60_000 < COMMENT_LIMIT
    assert body.startswith(bodies.COMMENT_MARKER + "\n")
    assert body.endswith(
        "[Read the full report in the job summary of the run](https://github.com/o/r/actions/runs/9)."
    )
    kept = body.rsplit("> [!NOTE]", 1)[0]
    assert kept.count("<details>") == kept.count("</details>")
    assert kept.count("```") % 2 == 0
    server.add_pull(REPO, 7, "big")
    written = GitHub(server.url, "test-token", REPO, FAST).upsert_comment(
        7, body, bodies.COMMENT_MARKER
    )
    assert written.action == "created"
    assert server.comments(REPO, 7)[0].body == body


def test_hints_come_before_check_warnings_within_the_ten_shown(tmp_path: Path) -> None:
    warned = tuple(
        CheckResult(f"DOC{i:03d}", "docs", f"doc {i}", Status.WARN, f"thin {i}") for i in range(12)
    )
    report = Report("0.1.0", "/w", None, warned, "2024-01-01T00:00:00+00:00", 1.0)
    env = ActionEnv(
        RunnerEnv(summary_path=tmp_path / "summary.md", output_path=tmp_path / "out"), Inputs()
    )
    stream = io.StringIO()
    notices = [Notice("read-only", "HTTP 403"), Notice("fork", "a/b", level="notice")]
    finish(env, report, notices=notices, outputs={"status": "warn"}, out=stream)
    lines = stream.getvalue().splitlines()
    assert lines[0].startswith("::warning::The token cannot write to this repository")
    assert lines[1].startswith("::notice::This pull request comes from a fork (a/b)")
    assert sum(line.startswith("::warning") for line in lines) == 10
    assert lines[-1] == "::warning title=DOC008 doc 8::thin 8"
    summary = (tmp_path / "summary.md").read_text()
    assert "> [!WARNING]\n> The token cannot write" in summary
    assert "> [!NOTE]\n> This pull request comes from a fork" in summary
    assert "DOC011" in summary


@pytest.mark.parametrize(
    ("event", "inputs", "token", "expected"),
    [
        (Event("pull_request", pull_number=3, head_sha="a" * 40), Inputs(), True, (3, False, "")),
        (Event("pull_request", pull_number=3), Inputs(comment="off"), True, (None, False, "")),
        (Event("pull_request", pull_number=3, fork=True), Inputs(), True, (None, False, "fork")),
        (Event("pull_request", pull_number=3), Inputs(), False, (None, False, "no-token")),
        (Event("push", ref="refs/heads/main"), Inputs(), True, (None, True, "")),
        (
            Event("push", ref="refs/heads/main"),
            Inputs(issue="off", badge_branch=""),
            True,
            (None, False, ""),
        ),
        (Event("workflow_run"), Inputs(), True, (None, False, "workflow-run")),
        (Event("issue_comment"), Inputs(), True, (None, False, "")),
        (Event("push", problem="broken"), Inputs(), True, (None, False, "event")),
    ],
)
def test_what_each_event_publishes(
    event: Event, inputs: Inputs, token: bool, expected: tuple[int | None, bool, str]
) -> None:
    plan = plan_for(event, inputs, repository=REPO, has_token=token)
    kinds = ",".join(n.kind for n in plan.notices)
    assert (plan.pull, plan.branch_run, kinds) == expected


@pytest.mark.parametrize(
    ("status", "fail_on", "code"),
    [
        (Status.FAIL, "fail", 1),
        (Status.WARN, "fail", 0),
        (Status.WARN, "warn", 1),
        (Status.PASS, "warn", 0),
        (Status.FAIL, "never", 0),
    ],
)
def test_fail_on_alone_decides_the_exit_code(status: Status, fail_on: str, code: int) -> None:
    assert exit_code(status, fail_on) == code


def test_schedule_payload_without_repository_asks_for_the_default_branch(
    harness: ActionHarness, server: GitHubServer
) -> None:
    run = harness.run("schedule", '{"schedule": "17 4 * * 1"}')
    assert run.code == 1
    assert server.calls("GET", rf"^/repos/{REPO}$")
    (number,) = tracking_issues(server)
    assert run.outputs["issue_number"] == str(number)
    assert badge_json(server)["color"] == "red"
