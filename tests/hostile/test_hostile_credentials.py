"""Credentials in every place a runner keeps them: the code under test reads none of them,
and nothing reprobot writes or posts contains them.

The repository's own test goes looking where a test could: the checkout's `.git/config`
(actions/checkout's extraheader), an untracked `.env`, the runner's step files, the event
payload, its environment, and every `/proc/<pid>/environ` it can open. It prints what it
finds, so that a leak would reach the test output and from there the report.
"""

from __future__ import annotations

import base64
import json
import os
import textwrap
from pathlib import Path
from typing import Any

import pytest

from reprobot.checks.core import runner
from tests.actionrun import ActionHarness, event_payload
from tests.ghserver import GitHubServer
from tests.helpers import git

TOKEN = "ghs_CANARY" + "7" * 30
HEADER = base64.b64encode(f"x-access-token:{TOKEN}".encode()).decode()

SNOOP = textwrap.dedent(
    """
    import glob, os

    CANARY = "CANARY"


    def _read(path):
        try:
            with open(path, "rb") as handle:
                return handle.read(1_000_000).decode("utf-8", "replace")
        except OSError as exc:
            return f"{path}: {exc.strerror}"


    def test_snoop():
        places = [os.environ.get(name, "") for name in os.environ]
        for name in ("GITHUB_WORKSPACE", "GITHUB_EVENT_PATH", "GITHUB_ENV", "RUNNER_TEMP"):
            value = os.environ.get(name)
            if value:
                places.append(_read(value))
        for path in PATHS:
            places.append(_read(path))
        for path in glob.glob("/proc/*/environ") + glob.glob("/proc/*/cmdline"):
            places.append(_read(path))
        seen = "\\n".join(places)
        print(seen)
        assert CANARY not in seen and HEADER not in seen
    """
)


class RunnerWithStepFiles(ActionHarness):
    """The runner's variables, with GITHUB_ENV: a step file earlier steps wrote secrets to."""

    step_env: Path

    def environment(self, *args: Any, **kwargs: Any) -> dict[str, str]:
        return {**super().environment(*args, **kwargs), "GITHUB_ENV": str(self.step_env)}


@pytest.mark.skipif(not runner.drops_privileges(), reason="isolation by user needs root")
def test_the_code_under_test_finds_no_credential_and_none_is_published(
    github_server: GitHubServer,
    sandbox_tmp: Path,
    monkeypatch: pytest.MonkeyPatch,
    local_index: Path,
) -> None:
    harness = RunnerWithStepFiles(github_server, sandbox_tmp, monkeypatch)
    ws = harness.workspace
    secrets_file = sandbox_tmp / "run1-secrets.env"
    harness.step_env = secrets_file
    paths = [
        str(ws / ".git" / "config"),
        str(ws / ".env"),
        str(secrets_file),
        "/root/.gitconfig",
        "/root/.git-credentials",
    ]
    (ws / "tests").mkdir()
    harness.commit(
        {"tests/test_snoop.py": SNOOP.replace("PATHS", repr(paths)).replace("HEADER", repr(HEADER))}
    )
    git(ws, "config", "http.https://github.com/.extraheader", f"AUTHORIZATION: basic {HEADER}")
    (ws / ".env").write_text(f"API_TOKEN={TOKEN}\n")  # untracked, as a user's checkout has
    secrets_file.write_text(f"DEPLOY_KEY={TOKEN}\n")
    for path in (ws, ws / ".git", ws / ".git" / "config", ws / ".env", secrets_file):
        os.chmod(path, 0o755 if path.is_dir() else 0o644)  # readable by all, as on a runner
    monkeypatch.setenv("ACTIONS_RUNTIME_TOKEN", TOKEN)
    monkeypatch.setenv("ACTIONS_ID_TOKEN_REQUEST_TOKEN", TOKEN)
    monkeypatch.setenv("MY_SERVICE_PASSWORD", TOKEN)
    run = harness.run(
        "push",
        event_payload("push.json"),
        inputs={"select": "DEP001,DEP002,DEP003,TST", "issue": "on-failure"},
        token=TOKEN,
    )
    report_text = (ws / ".reprobot" / "report.json").read_text()
    report = json.loads(report_text)
    tst002 = next(c for c in report["checks"] if c["code"] == "TST002")
    assert tst002["status"] == "pass", json.dumps(tst002["findings"])[
        :3000
    ]  # it ran, and found nothing
    assert "separate user" in report["isolation"]
    for where, text in (
        ("report.json", report_text),
        ("the job summary", run.summary),
        # the one line that may name it: the command that has the runner mask it
        ("the log", (run.stdout + run.stderr).replace(f"::add-mask::{TOKEN}", "")),
        ("what was posted", json.dumps([r._asdict() for r in github_server.calls()])),
    ):
        assert TOKEN not in text.replace(f"Bearer {TOKEN}", ""), f"the token is in {where}"
        assert HEADER not in text, f"the checkout's auth header is in {where}"
    assert (ws / ".env").stat().st_mode & 0o077 == 0o044  # the checkout's modes came back
