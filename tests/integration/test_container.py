"""The action's image, built from the real Dockerfile and run as the GitHub runner runs it."""

from __future__ import annotations

import http.server
import json
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from reprobot.checks.core.runner import git

from .container import (
    REPO_ROOT,
    build_image,
    image_config,
    require_container,
    run_action_container,
)

pytestmark = pytest.mark.integration

EVENTS = Path(__file__).resolve().parents[1] / "fixtures" / "events"
RUNNER_UID = 1001  # the hosted runner's user owns the checkout, not the container's root


@pytest.fixture(scope="session")
def image() -> str:
    require_container()
    return build_image()


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A small research repository, committed, owned by another user like a real checkout."""
    repo = tmp_path / "workspace"
    (repo / "analysis").mkdir(parents=True)
    (repo / "README.md").write_text("# Growth curves\n\nRun `python analysis/fit.py`.\n")
    (repo / "analysis" / "fit.py").write_text(
        "def doubling_time(rate: float) -> float:\n    return 0.6931 / rate\n"
    )
    (repo / "test_fit.py").write_text(
        "from analysis.fit import doubling_time\n\n\n"
        "def test_doubling_time():\n    assert round(doubling_time(0.6931), 3) == 1.0\n"
    )
    for args in (
        ("init", "-q", "-b", "main"),
        ("-c", "user.name=Ada", "-c", "user.email=ada@example.org", "add", "."),
        ("-c", "user.name=Ada", "-c", "user.email=ada@example.org", "commit", "-qm", "Fit"),
    ):
        assert git(repo, *args).ok
    for path in [repo, *repo.rglob("*")]:
        os.chown(path, RUNNER_UID, RUNNER_UID, follow_symlinks=False)
    return repo


def host_head(repo: Path) -> str:
    """HEAD of the checkout, read on the host (where its owner is another user, too)."""
    head = git(repo, "-c", "safe.directory=*", "rev-parse", "HEAD")
    assert head.ok, head.stderr
    return head.stdout.strip()


@pytest.fixture
def push_event(tmp_path: Path) -> Path:
    event = tmp_path / "event.json"
    shutil.copyfile(EVENTS / "push.json", event)
    return event


@pytest.fixture
def local_server() -> Iterator[str]:
    """An HTTP server on 127.0.0.1 answering every GET with its path, as JSON."""

    class Echo(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = json.dumps({"path": self.path}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            return

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_image_follows_the_docker_action_rules(image: str) -> None:
    config = image_config(image)
    assert config["Entrypoint"] == ["/opt/reprobot/bin/reprobot", "action"]
    assert not config.get("User"), "GitHub runs actions as root; the image must not set USER"
    entries = config["Env"]
    assert isinstance(entries, list)
    env = dict(str(item).split("=", 1) for item in entries)
    assert env["PATH"].startswith("/opt/reprobot/bin:")
    assert env["PYTHONUNBUFFERED"] == "1"
    assert not any(name.startswith("PIP_") for name in env), "build settings leaked into the image"


def test_reprobot_runs_in_the_image(image: str, workspace: Path, push_event: Path) -> None:
    result = run_action_container(workspace, push_event, {}, command=["reprobot", "--version"])
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("reprobot ")


def test_image_holds_every_file_of_the_packages(
    image: str, workspace: Path, push_event: Path
) -> None:
    expected = {
        str(path.relative_to(REPO_ROOT))
        for package in ("bot", "checks")
        for path in (REPO_ROOT / package).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    }
    probe = (
        "import pathlib, reprobot.bot as bot, reprobot.checks as checks\n"
        "for module in (bot, checks):\n"
        "    root = pathlib.Path(module.__file__).parent\n"
        "    for path in root.rglob('*'):\n"
        "        if path.is_file() and '__pycache__' not in path.parts:\n"
        "            print(path.relative_to(root.parent))\n"
    )
    result = run_action_container(workspace, push_event, {}, command=["python3", "-c", probe])
    assert result.returncode == 0, result.stderr
    missing = sorted(expected - set(result.stdout.split()))
    assert not missing, f"not installed (package-data in pyproject.toml?): {missing}"


def test_container_sees_what_the_runner_provides(
    image: str, workspace: Path, push_event: Path, local_server: str
) -> None:
    probe = (
        "import json, os, pathlib, urllib.request\n"
        "event = json.loads(pathlib.Path(os.environ['GITHUB_EVENT_PATH']).read_text())\n"
        "api = urllib.request.urlopen(os.environ['GITHUB_API_URL'] + '/repos/o/r', timeout=10)\n"
        "print(json.dumps({'cwd': os.getcwd(), 'home': os.environ['HOME'],\n"
        "    'token': os.environ['INPUT_TOKEN'], 'ref': event['ref'],\n"
        "    'api': json.load(api)['path'], 'readme': pathlib.Path('README.md').exists()}))\n"
    )
    result = run_action_container(
        workspace,
        push_event,
        {"GITHUB_API_URL": local_server, "INPUT_TOKEN": "ghs_example"},
        command=["python3", "-c", probe],
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "cwd": "/github/workspace",
        "home": "/github/home",
        "token": "ghs_example",
        "ref": "refs/tags/simple-tag",
        "api": "/repos/o/r",
        "readme": True,
    }


def test_git_trusts_a_checkout_owned_by_the_runner_user(
    image: str, workspace: Path, push_event: Path
) -> None:
    head = host_head(workspace)
    result = run_action_container(
        workspace, push_event, {}, command=["git", "-C", "/github/workspace", "rev-parse", "HEAD"]
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == head


def test_entrypoint_writes_the_step_summary_and_status(
    image: str, workspace: Path, push_event: Path
) -> None:
    # No GitHub API listens on port 9 of 127.0.0.1: the report must still reach the job.
    env = {
        "GITHUB_EVENT_NAME": "push",
        "GITHUB_REPOSITORY": "Codertocat/Hello-World",
        "GITHUB_REF": "refs/heads/main",
        "GITHUB_SHA": host_head(workspace),
        "GITHUB_API_URL": "http://127.0.0.1:9",
        "GITHUB_SERVER_URL": "http://127.0.0.1:9",
        "GITHUB_RUN_ID": "1",
        "INPUT_TOKEN": "ghs_example",
        "REPROBOT_RETRY_ATTEMPTS": "1",
        "REPROBOT_WRITE_PAUSE": "0",
    }
    result = run_action_container(workspace, push_event, env)
    summary = result.step_summary()
    assert summary.strip(), f"empty step summary; stderr:\n{result.stderr[-3000:]}"
    assert result.outputs().get("status"), f"no status output; stderr:\n{result.stderr[-3000:]}"
