"""The run history on the badge branch, end to end against the test server (real PyGithub):
what a pull request's comment and the tracking issue say changed, and the bounded index."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from reprobot.bot import history
from reprobot.bot.event import Event
from reprobot.bot.github import GitHub
from reprobot.bot.inputs import Inputs, RunnerEnv
from reprobot.bot.publish import Plan, publish
from reprobot.checks.core.model import CheckResult, Report, Status
from tests.actionrun import PR_HEAD, PR_NUMBER, ActionHarness
from tests.bot.test_github import FAST
from tests.bot.test_publish import (
    apply_fixes,
    pull_event,
    push_event,
    sticky_comments,
    workflow_run_event,
)
from tests.ghserver import STANDARD_REPO, GitHubServer
from tests.helpers import git

REPO = STANDARD_REPO
BADGES = "reprobot-badges"
FOLDER = "history/main"
SCHEDULE = '{"schedule": "17 4 * * 1"}'


@pytest.fixture
def server(github_server: GitHubServer) -> Iterator[GitHubServer]:
    yield github_server
    assert github_server.unknown_routes == []


@pytest.fixture
def harness(server: GitHubServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ActionHarness:
    return ActionHarness(server, tmp_path, monkeypatch)


def badge_file(server: GitHubServer, path: str) -> bytes | None:
    return server.file(REPO, path, ref=BADGES)


def kept_runs(server: GitHubServer) -> list[dict[str, Any]]:
    text = badge_file(server, f"{FOLDER}/{history.INDEX}")
    assert text is not None
    runs: list[dict[str, Any]] = json.loads(text)["runs"]
    return runs


def history_files(server: GitHubServer) -> list[str]:
    with server.state.lock:
        tree = server.state.repo(REPO).resolve(BADGES).tree  # type: ignore[union-attr]
        return sorted(p for p in tree if p.startswith(f"{FOLDER}/") and history.FILE.match(p[13:]))


def tracking_issue_body(server: GitHubServer) -> str:
    issues = [i for i in server.state.repo(REPO).issues.values() if "reprobot" in i.labels]
    (issue,) = issues
    return str(issue.body)


def remove(harness: ActionHarness, path: str) -> None:
    (harness.workspace / path).unlink()
    git(harness.workspace, "add", "-A")
    git(harness.workspace, "commit", "-q", "-m", f"remove {path}")


def test_a_pull_requests_comment_says_what_changed_since_the_base_branchs_last_run(
    harness: ActionHarness, server: GitHubServer
) -> None:
    main = harness.run("push", push_event())
    assert main.code == 1
    (kept,) = kept_runs(server)
    assert kept["status"] == "fail" and kept["questions"]["citable"] == "fail"
    assert kept["event"] == "push" and kept["run"].endswith("/actions/runs/1001")
    stored = badge_file(server, f"{FOLDER}/{kept['file']}")
    assert stored is not None and json.loads(stored)["repository"]["commit"] == kept["sha"]
    assert "#### History" in main.summary
    assert f"raw.githubusercontent.com/{REPO}/{BADGES}/{FOLDER}/history.svg" in main.summary

    apply_fixes(harness)
    server.add_pull(REPO, PR_NUMBER, "changes", PR_HEAD)
    pull = harness.run("pull_request", pull_event())
    assert pull.code == 0
    (comment,) = sticky_comments(server)
    day = kept["time"][:10]
    assert f"**Since the last report of `main`** (`{kept['sha'][:7]}`, {day}):" in comment
    assert "- ✅ `CIT001` fixed" in comment
    assert "newly failing" not in comment
    assert "- ✅ `CIT001` fixed" in pull.summary  # the job summary says it too
    assert len(kept_runs(server)) == 1  # a pull request's run is not kept


def test_a_fork_reports_comment_published_by_workflow_run_has_the_delta_too(
    harness: ActionHarness, server: GitHubServer
) -> None:
    assert harness.run("push", push_event()).code == 1
    apply_fixes(harness)
    server.add_pull(REPO, PR_NUMBER, "changes", PR_HEAD, fork=True, head_owner="forker")
    assert harness.run("push", push_event("topic")).code == 0  # the fork's run: no writes
    report, pull = harness.tmp_path / "report.json", harness.tmp_path / "pull-request.json"
    report.write_bytes((harness.workspace / ".reprobot" / "report.json").read_bytes())
    pull.write_text(json.dumps({"number": PR_NUMBER, "head_sha": PR_HEAD}))
    argv = ("publish", "--report", str(report), "--pull", str(pull))
    run = harness.run("workflow_run", workflow_run_event(PR_HEAD), argv=argv)
    assert run.code == 0, run.summary
    (comment,) = sticky_comments(server)
    assert "**Since the last report of `main`**" in comment
    assert "- ✅ `CIT001` fixed" in comment
    # the history unreadable: the comment without the comparison, and still a success
    server.inject("GET", r"/contents/history/main/index\.json$", 500, times=10)
    again = harness.run("workflow_run", workflow_run_event(PR_HEAD), argv=argv)
    assert again.code == 0, again.summary
    assert "the comparison with an earlier run is left out" in again.summary
    (comment,) = sticky_comments(server)
    assert "**Since" not in comment and "CIT001" in comment


def test_a_scheduled_run_after_a_check_started_failing_says_what_changed_in_the_issue(
    harness: ActionHarness, server: GitHubServer
) -> None:
    assert harness.run("push", push_event()).code == 1
    apply_fixes(harness)
    green = harness.run("push", push_event())
    assert green.code == 0
    remove(harness, "CITATION.cff")
    weekly = harness.run("schedule", SCHEDULE)
    assert weekly.code == 1
    runs = kept_runs(server)
    assert [(r["event"], r["status"]) for r in runs] == [
        ("push", "fail"),
        ("push", "pass"),
        ("schedule", "fail"),
    ]
    body = tracking_issue_body(server)
    last_green = runs[1]
    assert f"**Since the last green run of `main`** (`{last_green['sha'][:7]}`," in body
    assert "- ❌ `CIT001` newly failing: " in body
    assert body.index("newly failing") < body.index("| | Question | Answer |")
    assert "**Since the last green run of `main`**" in weekly.summary
    picture = badge_file(server, f"{FOLDER}/{history.PICTURE}")
    assert picture is not None
    assert len(ET.fromstring(picture).findall("{http://www.w3.org/2000/svg}circle")) == 3


def test_the_history_keeps_a_hundred_runs_the_hundred_and_first_drops_the_oldest(
    harness: ActionHarness, server: GitHubServer
) -> None:
    seeded = []
    for i in range(history.KEEP):
        name = f"202601{1 + i // 24:02}T{i % 24:02}0000Z-{i:07x}.json"
        seeded.append(
            {
                "file": name,
                "time": f"2026-01-{1 + i // 24:02}T{i % 24:02}:00:00Z",
                "sha": f"{i:07x}" + "0" * 33,
                "event": "schedule",
                "status": "fail",
                "score": {"passed": 0, "failed": 1, "warned": 0, "total": 1},
                "questions": {"citable": "fail"},
                "run": "",
            }
        )
    files = {f"{FOLDER}/{r['file']}": "{}\n" for r in seeded}
    files[f"{FOLDER}/{history.INDEX}"] = history.index_text(seeded, "main")
    server.add_commit(REPO, BADGES, files, create_branch_from="main")
    assert len(history_files(server)) == 100

    run = harness.run("push", push_event())
    assert run.code == 1
    runs = kept_runs(server)
    assert len(runs) == 100
    assert runs[0] == seeded[1] and runs[-1]["event"] == "push"
    assert history_files(server) == sorted(f"{FOLDER}/{r['file']}" for r in runs)
    (deleted,) = server.calls("DELETE", r"/contents/")
    assert deleted.path.endswith(seeded[0]["file"]) and deleted.body["branch"] == BADGES
    picture = badge_file(server, f"{FOLDER}/{history.PICTURE}")
    assert picture is not None
    assert len(ET.fromstring(picture).findall("{http://www.w3.org/2000/svg}circle")) == 100
    assert "- Run history: 100 runs kept" in run.summary


def check(code: str, status: Status, message: str = "") -> CheckResult:
    return CheckResult(code, "tests", "The tests pass", status, message)


def dated_report(status: Status, installed: dict[str, str], day: int) -> Report:
    return Report(
        "0.1.0",
        "/repo",
        f"{day:02}" * 20,
        (check("TST002", status, "2 failed, 8 passed; first failure: test_mean"),),
        f"2026-11-{day:02}T04:17:00+00:00",
        1.0,
        environment={"python": "3.12.7", "installed": installed},
    )


def test_the_tracking_issue_names_the_distributions_that_moved_since_the_last_green_run(
    server: GitHubServer, tmp_path: Path
) -> None:
    runner = RunnerEnv(repository=REPO, api_url=server.url, run_id="7", workspace=tmp_path)
    event = Event("schedule", repository=REPO, default_branch="main", ref="refs/heads/main")

    def run(report: Report) -> None:
        done = publish(
            Plan(branch_run=True),
            report,
            event=event,
            inputs=Inputs(),
            runner=runner,
            connect=lambda: GitHub(server.url, "test-token", REPO, FAST),
        )
        assert done.notices == []

    run(dated_report(Status.PASS, {"numpy": "1.26.4", "scipy": "1.13.1"}, 23))
    run(dated_report(Status.FAIL, {"numpy": "2.1.3", "scipy": "1.13.1"}, 30))
    body = tracking_issue_body(server)
    assert "**Since the last green run of `main`** (`2323232`, 2026-11-23):" in body
    assert "- ❌ `TST002` newly failing: 2 failed, 8 passed" in body
    assert "- 📦 distributions that moved: `numpy` `1.26.4` → `2.1.3`" in body
    assert "scipy" not in body
    # the kept report carries the environment the next comparison needs
    (_, last) = kept_runs(server)
    stored = badge_file(server, f"{FOLDER}/{last['file']}")
    assert stored is not None
    assert json.loads(stored)["environment"]["installed"]["numpy"] == "2.1.3"


def test_a_concurrent_runs_line_in_the_index_survives_the_conflict(server: GitHubServer) -> None:
    """The index is written from the text it has when written: when another run's write
    lands between our read and our write (a real 409), our line is merged into theirs."""
    gh = GitHub(server.url, "test-token", REPO, FAST)
    path = f"{FOLDER}/{history.INDEX}"
    theirs = {
        "file": "20261130T000000Z-1111111.json",
        "time": "2026-11-30T00:00:00Z",
        "sha": "1" * 40,
        "event": "push",
        "status": "pass",
        "score": {"passed": 1, "failed": 0, "warned": 0, "total": 1},
        "questions": {"citable": "pass"},
        "run": "",
    }
    mine = {**theirs, "file": "20261201T000000Z-2222222.json", "sha": "2" * 40}
    empty = {path: history.index_text([], "main")}
    server.add_commit(REPO, BADGES, empty, create_branch_from="main")
    seen: list[int] = []

    def update(old: str | None) -> str:
        runs = history.runs_of(old)
        seen.append(len(runs))
        if len(seen) == 1:  # another run writes the index meanwhile
            server.add_commit(REPO, BADGES, {path: history.index_text([theirs], "main")})
        return history.index_text(history.add_run(runs, mine)[0], "main")

    written = gh.publish_badge(branch=BADGES, base="main", path=path, content=update, message="m")
    assert written.action == "updated"
    assert seen == [0, 1]
    assert [r["file"] for r in kept_runs(server)] == [theirs["file"], mine["file"]]
    assert [c.path for c in server.calls("PUT", r"/contents/")] == [
        f"/repos/{REPO}/contents/{path}"
    ] * 2
