"""Build the action's image and run it the way the GitHub runner runs a Docker action.

Everything goes through `scripts/container.sh` (buildah with chroot isolation), so the tests
exercise the same commands a developer or CI runs by hand. Chroot isolation shares the host's
network: a server the tests start on 127.0.0.1 is reachable from inside the container.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

from reprobot.checks.core.runner import RunOutcome, run

REPO_ROOT = Path(__file__).resolve().parents[2]
SCRIPT = REPO_ROOT / "scripts" / "container.sh"
IMAGE = os.environ.get("REPROBOT_IMAGE", "localhost/reprobot:test")
REQUIRE_ENV = "REPROBOT_REQUIRE_CONTAINER"
BUILD_TIMEOUT = 900.0
RUN_TIMEOUT = 900.0


class ActionRun(subprocess.CompletedProcess[str]):
    """A finished container run, plus the folder where the runner's files were mounted.

    `runner_dir` holds `workflow/event.json`, `home/` (HOME) and `file_commands/` with the
    files GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, GITHUB_ENV, GITHUB_PATH and GITHUB_STATE point to.
    """

    def __init__(self, outcome: RunOutcome, returncode: int, runner_dir: Path) -> None:
        super().__init__(list(outcome.args), returncode, outcome.stdout, outcome.stderr)
        self.runner_dir = runner_dir

    @property
    def file_commands(self) -> Path:
        return self.runner_dir / "file_commands"

    def step_summary(self) -> str:
        return (self.file_commands / "step_summary").read_text(encoding="utf-8")

    def outputs(self) -> dict[str, str]:
        return parse_output_file((self.file_commands / "output").read_text(encoding="utf-8"))


def parse_output_file(text: str) -> dict[str, str]:
    """Read a GITHUB_OUTPUT file: `name=value` lines and `name<<DELIM ... DELIM` blocks."""
    outputs: dict[str, str] = {}
    lines = iter(text.splitlines())
    for line in lines:
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            block: list[str] = []
            for body in lines:
                if body == delimiter:
                    break
                block.append(body)
            else:
                raise ValueError(f"output {name!r}: delimiter {delimiter!r} never closes")
            outputs[name] = "\n".join(block)
        elif "=" in line:
            name, value = line.split("=", 1)
            outputs[name] = value
        elif line.strip():
            raise ValueError(f"malformed GITHUB_OUTPUT line: {line!r}")
    return outputs


def unavailable_reason() -> str | None:
    """Why the container cannot be built here, or None when it can."""
    if shutil.which("buildah") is None:
        return "buildah is not installed (run `scripts/container.sh deps` as root)"
    if os.geteuid() != 0:
        return "building the container with buildah needs root here"
    return None


def require_container() -> None:
    """Skip when the container cannot be built, unless REPROBOT_REQUIRE_CONTAINER=1 (then fail)."""
    reason = unavailable_reason()
    if reason is None:
        return
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{reason}, and {REQUIRE_ENV}=1 requires the container tests")
    pytest.skip(f"{reason}; set {REQUIRE_ENV}=1 to make this a failure")


def container_script(*args: str, timeout: float = BUILD_TIMEOUT) -> RunOutcome:
    """Run `scripts/container.sh ARGS...`; raise with the log tail when it fails."""
    outcome = run(("bash", str(SCRIPT), *args), cwd=REPO_ROOT, timeout=timeout)
    if not outcome.ok:
        raise RuntimeError(
            f"scripts/container.sh {' '.join(args)} failed "
            f"(exit {outcome.returncode}, timed out: {outcome.timed_out}):\n{outcome.tail(60)}"
        )
    return outcome


def build_image() -> str:
    """Make the local base image (once per machine) and build the Dockerfile on it."""
    container_script("base")
    container_script("build")
    return IMAGE


def image_config(image: str = IMAGE) -> dict[str, object]:
    """The OCI config of a built image (Entrypoint, Cmd, Env, User, ...)."""
    outcome = run(("buildah", "inspect", "--type", "image", image), timeout=60)
    if not outcome.ok:
        raise RuntimeError(f"buildah inspect {image} failed:\n{outcome.tail()}")
    config: dict[str, object] = json.loads(outcome.stdout)["OCIv1"]["config"]
    return config


def run_action_container(
    workspace: Path,
    event_path: Path,
    env: Mapping[str, str],
    *,
    command: Sequence[str] | None = None,
    runner_dir: Path | None = None,
    timeout: float = RUN_TIMEOUT,
) -> ActionRun:
    """Run the image like the GitHub runner: workspace, event and file commands mounted.

    `env` adds to (and may override) the runner's variables, e.g. GITHUB_EVENT_NAME,
    GITHUB_REPOSITORY, GITHUB_API_URL and inputs as `INPUT_<NAME>`. Without `command` the
    image's ENTRYPOINT runs. The result's `file_commands` folder holds what was written to
    GITHUB_OUTPUT, GITHUB_STEP_SUMMARY and the rest; by default it is a new folder next to
    the workspace (inside the test's tmp_path when the workspace is).
    """
    if runner_dir is None:
        runner_dir = Path(tempfile.mkdtemp(prefix="runner-", dir=workspace.parent))
    args = ["bash", str(SCRIPT), "run", str(workspace), str(event_path)]
    for name, value in env.items():
        args += ["-e", f"{name}={value}"]
    if command is not None:
        args += ["--", *command]
    outcome = run(
        args,
        cwd=REPO_ROOT,
        timeout=timeout,
        extra_env={"REPROBOT_RUN_DIR": str(runner_dir), "REPROBOT_IMAGE": IMAGE},
    )
    if not outcome.ran or outcome.returncode is None:
        raise RuntimeError(
            f"the container run did not finish (timed out: {outcome.timed_out}):\n"
            f"{outcome.tail(60)}"
        )
    return ActionRun(outcome, outcome.returncode, runner_dir)
