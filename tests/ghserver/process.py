"""The test server in a process of its own, driven through its ``/_test/...`` routes.

For tests whose GitHub client runs outside pytest's process (the container test): start
``python -m tests.ghserver``, read its URL, seed and break it over HTTP, read its state back.

    with ServerProcess(tmp_path / "state.json") as server:
        env["GITHUB_API_URL"] = server.url
        ...
        assert server.state()["repos"]["octo-org/research"]["issues"]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parents[2]


class ServerProcess:
    """``python -m tests.ghserver`` as a child process; ``standard`` seeds the usual setup."""

    def __init__(
        self,
        state_file: Path,
        *,
        host: str = "127.0.0.1",
        standard: bool = True,
        python: str = sys.executable,
    ) -> None:
        self.state_file = state_file
        self._args = [python, "-m", "tests.ghserver", "--host", host, "--port", "0"]
        self._args += ["--state-file", str(state_file)] + (["--standard"] if standard else [])
        self._process: subprocess.Popen[str] | None = None
        self.url = ""

    def start(self) -> ServerProcess:
        paths = [str(PROJECT_ROOT), os.environ.get("PYTHONPATH", "")]
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in paths if p)}
        self._process = subprocess.Popen(
            self._args,
            cwd=PROJECT_ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert self._process.stdout is not None
        self.url = self._process.stdout.readline().strip()
        if not self.url.startswith("http://"):
            self.stop()
            raise RuntimeError(f"test server did not start: {self._errors()}")
        return self

    def stop(self) -> None:
        if self._process is None:
            return
        self._process.terminate()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(timeout=10)
        for stream in (self._process.stdout, self._process.stderr):
            if stream is not None:
                stream.close()
        self._process = None

    def _errors(self) -> str:
        if self._process is None or self._process.stderr is None:
            return ""
        self._process.wait(timeout=10)
        return self._process.stderr.read()

    def __enter__(self) -> ServerProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def control(self, method: str, route: str, body: Any = None) -> Any:
        """Call ``/_test/<route>`` and return its JSON answer."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(f"{self.url}/_test/{route}", data=data, method=method)
        request.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def state(self) -> dict[str, Any]:
        return dict(self.control("GET", "state"))

    def seed(self, spec: Mapping[str, Any]) -> None:
        self.control("POST", "seed", dict(spec))

    def reset(self, spec: Mapping[str, Any] | None = None) -> None:
        self.control("POST", "reset", dict(spec) if spec else None)

    def inject(
        self,
        method: str,
        path_regex: str,
        status: int,
        *,
        headers: Mapping[str, str] | None = None,
        body: Any = None,
        times: int = 1,
    ) -> None:
        fault = {"method": method, "path_regex": path_regex, "status": status, "times": times}
        self.control("POST", "inject", {**fault, "headers": dict(headers or {}), "body": body})
