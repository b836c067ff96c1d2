"""Hostile input to the bot: forged reports, hostile repositories, nesting bombs, FIFOs,
links out of the workspace, absurd settings.

What the real PyGithub client posts to the GitHub-compatible test server is rendered with
cmark-gfm, GitHub's own Markdown renderer, with raw HTML let through (GitHub's sanitiser
comes after it; nothing here relies on that), and read as GitHub reads it: which tags,
which links, which comments, and which text GitHub would turn into mentions or references.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import cmarkgfm
import pytest
from cmarkgfm.cmark import Options

from reprobot.bot import bodies, render
from reprobot.bot.event import MAX_EVENT_BYTES
from reprobot.bot.github import GitHub
from reprobot.checks.core.model import CheckResult, Finding, Fix, Report, Status
from tests.actionrun import PR_HEAD, PR_NUMBER, ActionHarness, Run, event_payload
from tests.bot.test_github import FAST
from tests.ghserver import STANDARD_REPO, GitHubServer

REPO = STANDARD_REPO
SITE = f"https://github.com/{REPO}"
# the images reprobot shows: the badge, and the history picture it drew on the badge branch
IMAGES = (
    "https://img.shields.io/",
    f"https://raw.githubusercontent.com/{REPO}/reprobot-badges/history/",
)
WRITES = ("POST", "PATCH", "PUT", "DELETE")
FORGED_SHA = "b" * 40

# What a hostile report or repository says, one trick per entry.
TRICKS = (
    "@org/team please look",
    "cc @user",
    "<img src=x onerror=alert(1)>",
    "<script>alert(document.cookie)</script>",
    "[a harmless link](https://evil.example/phish)",
    "![tracking pixel](https://evil.example/pixel.png)",
    "<https://evil.example/autolink>",
    "bare https://evil.example/bare and www.evil.example",
    "mail a@evil.example",
    "<!-- reprobot:sticky-comment -->",
    "shown <!-- everything after this is hidden",
    "zero-width \u200b@user, @\u200buser, @\u2060org/team, \ufeff@user, @\u00aduser",
    "reversed \u202e@user\u202c and isolated \u2066@org/team\u2069",
    "entities &#64;user &commat;user &#x40;org/team",
    "cross-reference octo-org/other#12, other/repo@abcdef1 and #3",
    "`code` @user <img src=y> `closed` then [x](https://evil.example)",
    "``` fence breakout\n<img src=z>\n```",
    "first line\n# A heading\n---\n> [!CAUTION]\n> a quote\n| a | b |\n|---|---|\n| c | d |",
    "[ref]\n\n[ref]: https://evil.example/reference",
    "$\\color{red}{\\text{math}}$ and *emphasis* and ~~struck~~ and __strong__",
    "- [ ] a task list\n1. an ordered list",
    "</code></summary></details><img src=x>",
    "\x1b]8;;https://evil.example\x07terminal link\x1b]8;;\x07 \x1b[31mred\x1b[0m",
    "::set-output name=score::9/9\n::add-mask::everything\n::error::forged annotation",
    "lone surrogate \ud800 here",
)
# Text GitHub would act on, outside code and links.
MENTION = re.compile(r"(?<![A-Za-z0-9_`])@[A-Za-z0-9]")
CROSS_REFERENCE = re.compile(r"[\w.-]+/[\w.-]+[#@][0-9a-f]")
REFERENCE = re.compile(r"(?<!\()#\d")  # reprobot writes "(#7)" for the issue it opened
BARE_LINK = re.compile(r"(?i)(?:https?|ftp)://[^\s\u200b]|(?<![\w.])www\.[a-z0-9]")
INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff\u00ad\u2060]")
# the tags reprobot's own templates make
MARKUP = {"p", "table", "thead", "tbody", "tr", "th", "td", "strong", "code", "pre", "details"}
MARKUP |= {"summary", "sub", "h3", "h4", "ul", "li", "a", "blockquote", "img"}


# -- reading a body as GitHub would ----------------------------------------------------


@dataclass
class Page(HTMLParser):
    tags: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)  # outside code, pre and links
    open: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))
        if tag not in ("img", "br", "hr", "input"):
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.open:
            while self.open.pop() != tag:
                pass

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)

    def handle_data(self, data: str) -> None:
        if not {"code", "pre", "a"} & set(self.open):
            self.texts.append(data)


def read_as_github(body: str) -> Page:
    html = cmarkgfm.markdown_to_html_with_extensions(
        body,
        options=Options.CMARK_OPT_UNSAFE,
        extensions=["table", "autolink", "strikethrough", "tasklist"],
    )
    page = Page()
    page.feed(html)
    page.close()
    return page


def assert_inert(body: str, *, marker: str | None, links_at: str | None = None) -> Page:
    """Nothing in `body` but what reprobot built: its marker, its markup, links to the run,
    to GitHub's answers and to the repository's files at `links_at`; no mention, reference,
    foreign link, image, script, hidden comment or invisible character."""
    assert INVISIBLE.search(body) is None, repr(INVISIBLE.search(body))
    page = read_as_github(body)
    assert page.comments == ([marker[4:-3]] if marker else [])
    if marker:
        assert body.split("\n", 1)[0] == marker
    for tag, attrs in page.tags:
        assert tag in MARKUP, (tag, attrs)
        if tag == "img":
            assert attrs["src"].startswith(IMAGES), attrs
            assert set(attrs) == {"src", "alt"}, attrs
        if tag == "a":
            href = attrs["href"]
            assert href.startswith(f"{SITE}/"), href
            if "/blob/" in href:
                assert links_at is not None, href
                assert href.startswith(f"{SITE}/blob/{links_at}/"), href
        for name in attrs:
            assert not name.startswith("on"), (tag, attrs)
    assert not [t for t, _ in page.tags if t in ("h1", "h2", "hr", "em", "del", "input")]
    for text in page.texts:
        for pattern in (MENTION, CROSS_REFERENCE, REFERENCE, BARE_LINK):
            assert pattern.search(text) is None, (pattern.pattern, text)
    return page


def assert_commands_safe(stdout: str) -> None:
    """Every workflow command in the log is one reprobot meant; none came from a report."""
    stopped: str | None = None
    for line in stdout.splitlines():
        if stopped is not None:
            if line == f"::{stopped}::":
                stopped = None
            continue
        if not line.startswith("::"):
            continue
        name = re.match(r"::([\w-]+)", line)
        assert name is not None, line
        assert name.group(1) in ("add-mask", "error", "warning", "notice", "stop-commands"), line
        if name.group(1) == "stop-commands":
            stopped = line.split("::")[2]
        if name.group(1) == "add-mask":
            assert line == "::add-mask::test-token", line
    assert stopped is None
    assert "::set-output" not in stdout.replace("%0A::set-output", "")
    assert "\x1b]" not in stdout


def writes(server: GitHubServer) -> list[tuple[str, str]]:
    return [(r.method, r.path) for r in server.requests if r.method in WRITES]


def no_traceback(run: Run) -> None:
    assert "Traceback" not in run.stdout + run.stderr
    assert run.summary.strip(), "no job summary"


# -- forged reports ----------------------------------------------------------------------


def _path_of(index: int) -> str:
    return f"src/@org/team <img src=x>`{index}`[x](https:/evil.example).py"


def forged_report(commit: str = FORGED_SHA) -> Report:
    results = []
    for index, trick in enumerate(TRICKS):
        results.append(
            CheckResult(
                code=f"EVIL{index:03d}",
                family="forged",
                title=trick.replace("\n", " ")[:300],
                status=(Status.FAIL, Status.WARN, Status.ERROR)[index % 3],
                message=trick,
                explanation=f"Why: {trick}",
                findings=(Finding(trick, _path_of(index), index + 1), Finding(trick)),
                fixes=(
                    Fix(
                        title=trick,
                        description=trick,
                        files={f"docs/{index}</code><img src=x>.md": trick},
                        commands=(trick, f"echo {trick}"),
                    ),
                ),
            )
        )
    return Report(
        tool_version="0.1.0",
        repository="/github/workspace",
        commit=commit,
        checks=tuple(results),
        started_at="2024-01-01T00:00:00+00:00",
        duration_s=1.0,
        isolation="<img src=x onerror=alert(1)> @org/team",
    )


@pytest.fixture
def server(github_server: GitHubServer) -> Iterator[GitHubServer]:
    yield github_server
    assert github_server.unknown_routes == []


class Harness(ActionHarness):
    """ActionHarness whose runs may change the runner's variables and the event file."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.extra: dict[str, str] = {}
        self.event_fifo = False
        self.event_bytes: bytes | None = None

    def environment(
        self,
        event_name: str,
        event: Mapping[str, Any] | str | None,
        inputs: Mapping[str, str],
        token: str,
    ) -> dict[str, str]:
        env = super().environment(event_name, event, inputs, token)
        path = Path(env["GITHUB_EVENT_PATH"])
        if self.event_fifo:
            path.unlink(missing_ok=True)
            os.mkfifo(path)
        if self.event_bytes is not None:
            path.write_bytes(self.event_bytes)
        env.update(self.extra)
        return env


@pytest.fixture
def harness(server: GitHubServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Harness:
    return Harness(server, tmp_path, monkeypatch)


def workflow_run_event(head_sha: str = PR_HEAD) -> dict[str, object]:
    return event_payload(
        "workflow_run.completed.json",
        **{"workflow_run.event": "pull_request", "workflow_run.head_sha": head_sha},
    )


def artifacts(
    tmp_path: Path, report: str | bytes | None, head_sha: str = PR_HEAD
) -> tuple[str, ...]:
    folder = tmp_path / "artifact"
    folder.mkdir(exist_ok=True)
    path = folder / "report.json"
    if isinstance(report, bytes):
        path.write_bytes(report)
    elif isinstance(report, str):
        path.write_text(report, encoding="utf-8")
    pull = folder / "pull-request.json"
    pull.write_text(json.dumps({"number": PR_NUMBER, "head_sha": head_sha}))
    return ("publish", "--report", str(path), "--pull", str(pull))


def test_a_forged_report_publishes_nothing_forged(
    harness: Harness, server: GitHubServer, tmp_path: Path
) -> None:
    server.add_pull(REPO, PR_NUMBER, "changes", PR_HEAD, fork=True, head_owner="forker")
    argv = artifacts(tmp_path, render.to_json(forged_report()))
    run = harness.run("workflow_run", workflow_run_event(), argv=argv)
    assert run.code == 0, run.summary
    no_traceback(run)
    (comment,) = server.comments(REPO, PR_NUMBER)
    page = assert_inert(comment.body, marker=bodies.COMMENT_MARKER, links_at=PR_HEAD)
    # reprobot's own markup is still there: a fence per fix, a summary per file, links to
    # the files at the verified head (never at the commit the artifact claims)
    hrefs = [a["href"] for t, a in page.tags if t == "a"]
    assert f"{SITE}/blob/{PR_HEAD}/src/%40org/team%20%3Cimg%20src%3Dx%3E%600%60" in hrefs[0]
    assert not [h for h in hrefs if FORGED_SHA in h]
    assert sum(t == "details" for t, _ in page.tags) >= 10
    assert sum(t == "pre" for t, _ in page.tags) >= 10
    # the words are all there, as text
    shown = "".join(page.texts).replace("\u200b", "")
    assert "<img src=x onerror=alert(1)>" in shown
    assert "@org/team please look" in shown
    assert "[a harmless link](https://evil.example/phish)" in shown
    assert "<!-- reprobot:sticky-comment -->" in shown
    assert "shown <!-- everything after this is hidden" in shown
    assert_inert(run.summary, marker=None, links_at=PR_HEAD)
    assert_commands_safe(run.stdout)
    assert server.calls("POST", r"/statuses/") == []
    assert writes(server) == [("POST", f"/repos/{REPO}/issues/{PR_NUMBER}/comments")]


def test_a_forged_report_cannot_take_over_a_persons_comment(
    harness: Harness, server: GitHubServer, tmp_path: Path
) -> None:
    """A person's comment that starts with the marker is left alone, whatever the report."""
    server.add_pull(REPO, PR_NUMBER, "changes", PR_HEAD, fork=True, head_owner="forker")
    server.add_comment(REPO, PR_NUMBER, bodies.COMMENT_MARKER + "\nmine")
    run = harness.run(
        "workflow_run",
        workflow_run_event(),
        argv=artifacts(tmp_path, render.to_json(forged_report())),
    )
    assert run.code == 0
    mine, ours = server.comments(REPO, PR_NUMBER)
    assert mine.body == bodies.COMMENT_MARKER + "\nmine"
    assert_inert(ours.body, marker=bodies.COMMENT_MARKER, links_at=PR_HEAD)


def test_forged_text_in_the_fix_pull_request_and_the_issue(server: GitHubServer) -> None:
    report = forged_report(commit="c" * 40)
    client = GitHub(server.url, "test-token", REPO, FAST)
    title, body, files = bodies.fix_pr_text(report, "main")
    written = client.open_fix_pr(
        branch=bodies.FIX_BRANCH, base="main", files=files, title=title, body=body, message="fix"
    )
    assert written.action == "created"
    pull = server.issue(REPO, written.number or 0)
    assert_inert(pull.body or "", marker=bodies.FIX_MARKER)
    assert pull.title == f"reprobot: fix reproducibility problems ({len(TRICKS)} files)"
    issue = client.upsert_issue(
        marker=bodies.ISSUE_MARKER,
        label=bodies.ISSUE_LABEL,
        title=bodies.issue_title(report, "main"),
        body=bodies.issue_body(report, branch="main", run_url=None, repository_url=SITE),
        failing=True,
        closing_comment=bodies.issue_closed_comment(report, run_url=None),
    )
    posted = server.issue(REPO, issue.number or 0)
    assert_inert(posted.body or "", marker=bodies.ISSUE_MARKER, links_at="c" * 40)
    failing = sum(c.status in (Status.FAIL, Status.ERROR) for c in report.checks)
    assert posted.title == f"reprobot: {failing} reproducibility checks failing on main"
    closing = bodies.issue_closed_comment(report, run_url=f"{SITE}/actions/runs/1")
    assert_inert(closing, marker=None)


def test_annotations_of_a_forged_report_stay_annotations(
    harness: Harness, server: GitHubServer, tmp_path: Path
) -> None:
    argv = artifacts(tmp_path, render.to_json(forged_report()))
    run = harness.run("workflow_run", workflow_run_event(), argv=argv)  # no pull request: 404
    assert run.code == 1
    no_traceback(run)
    assert_commands_safe(run.stdout)
    assert run.stdout.count("\n::error ") + run.stdout.count("\n::warning ") <= 21
    assert_inert(run.summary, marker=None, links_at=PR_HEAD)


# -- a hostile repository, checked by `reprobot action` ---------------------------------

HOSTILE_CFF = """\
cff-version: 1.2.0
message: "If you use this, cite it."
title: "Research"
date-released: "x` @org/team <img src=x onerror=alert(1)> [x](https://evil.example) `y"
license: "MIT @user ![i](https://evil.example/i.png) www.evil.example <!-- hide"
authors:
  - family-names: "Doe"
    given-names: "Jane"
    email: "<script>alert(1)</script>\u202e@user"
"""


def test_a_hostile_repository_in_the_comment_status_and_annotations(
    harness: Harness, server: GitHubServer
) -> None:
    server.add_pull(REPO, PR_NUMBER, "changes", PR_HEAD)
    harness.commit({"CITATION.cff": HOSTILE_CFF})
    run = harness.run("pull_request", event_payload("pull_request.opened.json"))
    assert run.code == 1
    no_traceback(run)
    (comment,) = server.comments(REPO, PR_NUMBER)
    commit = json.loads((harness.workspace / ".reprobot" / "report.json").read_text())[
        "repository"
    ]["commit"]
    page = assert_inert(comment.body, marker=bodies.COMMENT_MARKER, links_at=commit)
    assert any(a.get("href", "").endswith("/CITATION.cff#L4") for _, a in page.tags)
    assert "CIT002" in comment.body
    (status,) = server.calls("POST", r"/statuses/")
    assert re.fullmatch(
        r"\d+/\d+ checks passed(, \d+ failed)?(, \d+ warned)?", status.body["description"]
    )
    assert status.body["target_url"] == f"https://github.com/{REPO}/actions/runs/1001"
    assert_inert(run.summary, marker=None, links_at=commit)
    assert_commands_safe(run.stdout)


def test_a_hostile_repository_in_the_tracking_issue(harness: Harness, server: GitHubServer) -> None:
    harness.commit({"CITATION.cff": HOSTILE_CFF})
    run = harness.run(
        "push", event_payload("push.json", ref="refs/heads/main"), inputs={"fix_pr": "true"}
    )
    assert run.code == 1
    no_traceback(run)
    commit = json.loads((harness.workspace / ".reprobot" / "report.json").read_text())[
        "repository"
    ]["commit"]
    (tracking,) = [i for i in server.state.repo(REPO).issues.values() if i.pull is None]
    assert "CIT002" in (tracking.body or "")
    assert_inert(tracking.body or "", marker=bodies.ISSUE_MARKER, links_at=commit)
    assert tracking.title == "reprobot: 1 reproducibility check failing on main"
    for pull in [i for i in server.state.repo(REPO).issues.values() if i.pull is not None]:
        assert_inert(pull.body or "", marker=bodies.FIX_MARKER)
    assert_inert(run.summary, marker=None, links_at=commit)
    assert_commands_safe(run.stdout)


# -- nesting bombs, huge and binary files, FIFOs ------------------------------------------


def bomb(depth: int) -> str:
    return '{"repository": ' + "[" * depth + "]" * depth + "}"


@pytest.mark.parametrize("depth", [100, 200_000])
def test_a_nesting_bomb_as_the_event_payload(
    harness: Harness, server: GitHubServer, depth: int
) -> None:
    run = harness.run("pull_request", bomb(depth))
    assert run.code == 1
    no_traceback(run)
    assert "is nested more than 64 levels deep; not read" in run.summary
    assert "event.json" in run.summary
    assert "nothing was published to GitHub" in run.summary
    assert (harness.workspace / ".reprobot" / "report.json").is_file()
    assert server.requests == []


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00binary", "is not UTF-8 text"),
        (b'{"a": NaN}', "is not JSON (NaN is not a JSON number)"),
        (b"[" * 10 + b"1" + b"]" * 9, "is not JSON (line 1"),
        (b" " * (MAX_EVENT_BYTES + 1), f"is larger than the {MAX_EVENT_BYTES}-byte limit"),
    ],
    ids=["binary", "nan", "unbalanced", "huge"],
)
def test_a_broken_event_payload(
    harness: Harness, server: GitHubServer, content: bytes, problem: str
) -> None:
    harness.event_bytes = content
    run = harness.run("pull_request", None)
    assert run.code == 1
    no_traceback(run)
    assert problem in run.summary
    assert server.requests == []


@pytest.mark.timeout(60)
def test_a_fifo_as_the_event_payload_is_not_waited_on(
    harness: Harness, server: GitHubServer
) -> None:
    harness.event_fifo = True
    run = harness.run("pull_request", None)
    assert run.code == 1
    no_traceback(run)
    assert "is a named pipe (FIFO), not a regular file; not read" in run.summary
    assert "CIT001" in run.summary
    assert server.requests == []


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    ("kind", "problem"),
    [
        ("bomb", "nested more than 16 levels deep; not read"),
        ("deep", "nested more than 16 levels deep; not read"),
        ("fifo", "a named pipe (FIFO), not a regular file; not read"),
        ("binary", "not UTF-8 text"),
        ("directory", "a directory, not a regular file"),
        ("huge-value", "…"),
        ("commands", "not a valid reprobot report"),
    ],
)
def test_a_broken_report_artifact(
    harness: Harness, server: GitHubServer, tmp_path: Path, kind: str, problem: str
) -> None:
    server.add_pull(REPO, PR_NUMBER, "changes", PR_HEAD)
    argv = artifacts(tmp_path, None)
    report = Path(argv[2])
    if kind == "bomb":
        report.write_text("[" * 500_000 + "]" * 500_000)
    elif kind == "deep":
        data = json.loads(render.to_json(forged_report()))
        data["checks"][0]["title"] = json.loads("[" * 40 + "]" * 40)
        report.write_text(json.dumps(data))
    elif kind == "fifo":
        os.mkfifo(report)
    elif kind == "binary":
        report.write_bytes(b"\xff\xfe\x00" * 100)
    elif kind == "directory":
        report.mkdir()
    elif kind == "huge-value":
        data = json.loads(render.to_json(forged_report()))
        data["checks"][0]["code"] = "@org/team <img src=x> " * 20_000
        report.write_text(json.dumps(data))
    else:
        data = json.loads(render.to_json(forged_report()))
        data["checks"][0]["code"] = "X\n::add-mask::everything\n::error::forged"
        data["checks"][1]["\n::warning::forged"] = "\n::error::forged"
        report.write_text(json.dumps(data))
    run = harness.run("workflow_run", workflow_run_event(), argv=argv)
    assert run.code == 2
    no_traceback(run)
    assert problem in run.summary
    assert str(report) in run.summary
    assert len(run.summary) < 5_000
    assert_inert(run.summary, marker=None)
    assert_commands_safe(run.stdout)
    assert not [line for line in run.stderr.splitlines() if not line.startswith("reprobot: ")]
    assert writes(server) == []


@pytest.mark.timeout(60)
def test_a_fifo_or_link_planted_where_the_report_goes(
    harness: Harness, server: GitHubServer, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (harness.workspace / ".reprobot").symlink_to(outside)
    run = harness.run("push", event_payload("push.json", ref="refs/heads/topic"))
    assert run.code == 1
    no_traceback(run)
    assert list(outside.iterdir()) == []
    written = Path(run.outputs["report_path"])
    assert written.is_absolute() and json.loads(written.read_text())["status"] == "fail"
    assert "is a symbolic link; links out of the repository are not followed" in run.summary

    (harness.workspace / ".reprobot").unlink()
    (harness.workspace / ".reprobot").mkdir()
    os.mkfifo(harness.workspace / ".reprobot" / "report.json")
    run = harness.run("push", event_payload("push.json", ref="refs/heads/topic"))
    assert run.code == 1
    no_traceback(run)
    assert json.loads(Path(run.outputs["report_path"]).read_text())["status"] == "fail"
    assert "report.json cannot be written" in run.summary


# -- the `path` input through a link, absurd settings -----------------------------------


def test_a_path_input_through_a_link_out_of_the_workspace(
    harness: Harness, server: GitHubServer, tmp_path: Path
) -> None:
    secret = tmp_path / "elsewhere"
    secret.mkdir()
    (secret / "CITATION.cff").write_text("title: the secret words\n")
    (harness.workspace / "analysis").symlink_to(secret)
    run = harness.run(
        "push", event_payload("push.json", ref="refs/heads/main"), inputs={"path": "analysis"}
    )
    assert run.code == 2
    no_traceback(run)
    assert "invalid path 'analysis' (it leads out of the workspace through a symbolic link" in (
        run.summary
    )
    assert "the secret words" not in run.stdout + run.stderr + run.summary
    assert server.requests == []


def test_a_path_input_through_a_link_inside_the_workspace_is_fine(
    harness: Harness, server: GitHubServer
) -> None:
    (harness.workspace / "here").symlink_to(harness.workspace)
    run = harness.run(
        "push", event_payload("push.json", ref="refs/heads/topic"), inputs={"path": "here"}
    )
    assert run.code == 1
    no_traceback(run)
    assert "CIT001" in run.summary


@pytest.mark.parametrize("value", ["nan", "inf", "-1", "-inf", "1e999", "2.5"])
@pytest.mark.parametrize("command", ["action", "publish"])
def test_absurd_retry_settings_are_usage_errors(
    harness: Harness, server: GitHubServer, tmp_path: Path, value: str, command: str
) -> None:
    harness.extra = {"REPROBOT_RETRY_ATTEMPTS": value, "REPROBOT_RETRY_MAX_WAIT": value}
    if command == "action":
        run = harness.run("push", event_payload("push.json", ref="refs/heads/main"))
    else:
        argv = artifacts(tmp_path, render.to_json(forged_report()))
        run = harness.run("workflow_run", workflow_run_event(), argv=argv)
    assert run.code == 2
    no_traceback(run)
    assert f"invalid REPROBOT_RETRY_ATTEMPTS '{value}' (expected: a whole number" in run.summary
    if value != "2.5":
        assert f"invalid REPROBOT_RETRY_MAX_WAIT '{value}' (expected: a number" in run.summary
    assert server.requests == []


# -- never a lost report ------------------------------------------------------------------


def test_checks_that_cannot_run_still_leave_a_report_and_a_summary(
    harness: Harness, server: GitHubServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> Report:
        raise MemoryError("no memory left for @org/team <img src=x>\n::add-mask::everything")

    monkeypatch.setattr("reprobot.bot.job.check_repository", broken)
    run = harness.run("pull_request", event_payload("pull_request.opened.json"))
    assert run.code == 2
    no_traceback(run)
    report = json.loads((harness.workspace / ".reprobot" / "report.json").read_text())
    assert report["status"] == "fail"
    assert {c["status"] for c in report["checks"]} == {"error"}
    assert {c["code"] for c in report["checks"]} == {"CIT001", "CIT002", "CIT003"}
    assert "the checks could not run: MemoryError: no memory" in report["checks"][0]["message"]
    assert run.outputs["status"] == "error"  # no check failed: none could run
    assert run.outputs["report_path"] == ".reprobot/report.json"
    assert "the checks could not run: MemoryError" in run.summary
    assert "nothing was published to GitHub" in run.summary
    assert_inert(run.summary, marker=None)
    assert "::error title=CIT001" in run.stdout
    assert_commands_safe(run.stdout)
    assert not [line for line in run.stderr.splitlines() if not line.startswith("reprobot: ")]
    assert server.requests == []


def test_a_broken_configuration_still_leaves_a_report(
    harness: Harness, server: GitHubServer
) -> None:
    harness.commit({".reprobot.yml": "- just\n- a list\n"})
    run = harness.run("push", event_payload("push.json", ref="refs/heads/main"))
    assert run.code == 2
    no_traceback(run)
    assert ".reprobot.yml" in run.summary
    assert "the configuration must be a mapping of settings" in run.summary
    report = json.loads((harness.workspace / ".reprobot" / "report.json").read_text())
    assert {c["status"] for c in report["checks"]} == {"error"}
    assert ".reprobot.yml" in report["checks"][0]["message"]
    assert writes(server) == []


def test_a_bug_in_reprobot_still_ends_with_a_summary(
    harness: Harness, server: GitHubServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise KeyError("<script>")

    monkeypatch.setattr("reprobot.bot.job.publish", broken)
    run = harness.run("push", event_payload("push.json", ref="refs/heads/main"))
    assert run.code == 1
    no_traceback(run)
    assert "reprobot itself failed: KeyError" in run.summary
    assert_inert(run.summary, marker=None)
    assert (harness.workspace / ".reprobot" / "report.json").is_file()
