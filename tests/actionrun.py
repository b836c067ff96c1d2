"""Running `reprobot action` / `reprobot publish` in-process as the GitHub runner would.

The runner's variables point at files in tmp_path and at the test server; the event payloads
are the webhook examples in tests/fixtures/events, adjusted to the test repository.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from reprobot.bot.cli import main
from tests.ghserver import STANDARD_REPO, GitHubServer
from tests.helpers import git, make_repo

EVENTS = Path(__file__).parent / "fixtures" / "events"
PR_HEAD = "ec26c3e57ca3a959ca5aad62de7213c562f8c821"  # head sha in pull_request.opened.json
PR_NUMBER = 2
FAST_RETRY = {
    "REPROBOT_RETRY_ATTEMPTS": "3",
    "REPROBOT_RETRY_BACKOFF": "0.01",
    "REPROBOT_RETRY_MAX_WAIT": "0.1",
    "REPROBOT_SECONDARY_RATE_WAIT": "0.05",
    "REPROBOT_WRITE_PAUSE": "0",
}


def event_payload(name: str, **changes: Any) -> dict[str, Any]:
    """A fixture payload moved to the test repository; `changes` set dotted keys."""
    data: dict[str, Any] = json.loads((EVENTS / name).read_text(encoding="utf-8"))
    owner, _, repo = STANDARD_REPO.partition("/")
    data["repository"].update(full_name=STANDARD_REPO, name=repo, default_branch="main")
    data["repository"]["owner"]["login"] = owner
    pull = data.get("pull_request")
    if pull is not None:
        pull["base"]["ref"] = "main"
        if not pull["head"]["repo"]["fork"]:
            pull["head"]["repo"]["full_name"] = STANDARD_REPO
    for dotted, value in changes.items():
        target = data
        *parents, last = dotted.split(".")
        for key in parents:
            target = target[key]
        target[last] = value
    return data


@dataclass(frozen=True)
class Run:
    code: int
    stdout: str
    stderr: str
    summary: str
    outputs: dict[str, str]


def parse_outputs(text: str) -> dict[str, str]:
    found = re.findall(r"^(\w+)<<(\S+)\n(.*?)\n\2$", text, re.S | re.M)
    return {name: value for name, _, value in found}


class ActionHarness:
    def __init__(
        self, server: GitHubServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        self.server, self.tmp_path, self.monkeypatch = server, tmp_path, monkeypatch
        self.workspace = make_repo(tmp_path, {"README.md": "# Research\n"}, name="workspace")
        self.runs = 0

    def commit(self, files: Mapping[str, str]) -> None:
        for path, text in files.items():
            (self.workspace / path).write_text(text, encoding="utf-8")
        git(self.workspace, "add", "-A")
        git(self.workspace, "commit", "-q", "-m", "change")

    def environment(
        self,
        event_name: str,
        event: Mapping[str, Any] | str | None,
        inputs: Mapping[str, str],
        token: str,
    ) -> dict[str, str]:
        """`event` is a payload, raw text for the payload file, or None for no file."""
        self.runs += 1
        folder = self.tmp_path / f"run{self.runs}"
        folder.mkdir()
        event_path = folder / "event.json"
        if event is not None:
            text = event if isinstance(event, str) else json.dumps(event)
            event_path.write_text(text, encoding="utf-8")
        env = {
            "GITHUB_ACTIONS": "true",
            "GITHUB_EVENT_NAME": event_name,
            "GITHUB_EVENT_PATH": str(event_path),
            "GITHUB_REPOSITORY": STANDARD_REPO,
            "GITHUB_API_URL": self.server.url,
            "GITHUB_SERVER_URL": "https://github.com",
            "GITHUB_RUN_ID": str(1000 + self.runs),
            "GITHUB_WORKSPACE": str(self.workspace),
            "GITHUB_OUTPUT": str(folder / "output"),
            "GITHUB_STEP_SUMMARY": str(folder / "summary.md"),
            "GITHUB_SHA": "0" * 40,
            "GITHUB_REF": "refs/heads/main",
            "INPUT_TOKEN": token,
            "INPUT_SELECT": "CIT",
            **FAST_RETRY,
        }
        env.update({f"INPUT_{k.upper()}": v for k, v in inputs.items()})
        return env

    def run(
        self,
        event_name: str,
        event: Mapping[str, Any] | str | None,
        *,
        inputs: Mapping[str, str] | None = None,
        token: str = "test-token",
        argv: tuple[str, ...] = ("action",),
    ) -> Run:
        env = self.environment(event_name, event, inputs or {}, token)
        with self.monkeypatch.context() as patch:
            for name in list(os.environ):
                if name.startswith(("INPUT_", "GITHUB_", "REPROBOT_")) or name == "GH_TOKEN":
                    patch.delenv(name)
            for name, value in env.items():
                patch.setenv(name, value)
            out, err = io.StringIO(), io.StringIO()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = main(list(argv))
            assert "INPUT_TOKEN" not in os.environ
        summary_path = Path(env["GITHUB_STEP_SUMMARY"])
        output_path = Path(env["GITHUB_OUTPUT"])
        return Run(
            code,
            out.getvalue(),
            err.getvalue(),
            summary_path.read_text(encoding="utf-8") if summary_path.exists() else "",
            parse_outputs(output_path.read_text(encoding="utf-8")) if output_path.exists() else {},
        )
