"""podman's Docker-compatible API on a socket of its own, for act.

The service runs with the settings that work on these machines (runc, cgroupfs, host
networking, low ulimits) in a store of its own under a scratch folder, with the machine's
store (where scripts/container.sh builds the images with buildah) added read-only: the base
image and the prebuilt action image are used in place, nothing is copied, and nothing act
builds or runs lands in the machine's store. Its locks and runtime files are in the scratch
folder too, so it never meets another podman on the machine. `stop()` removes what act left,
ends the service by its id and removes the scratch folder.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

START_TIMEOUT = 60.0
COMMAND_TIMEOUT = 120.0


def machine_store() -> tuple[str, Path]:
    """The graph driver and root of the store podman and buildah use by default."""
    done = subprocess.run(
        ["podman", "info", "--format", "json"],
        env=_without_podman_settings(),
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"podman info failed:\n{done.stderr[-2000:]}")
    store = json.loads(done.stdout)["store"]
    return str(store["graphDriverName"]), Path(store["graphRoot"])


def _without_podman_settings() -> dict[str, str]:
    names = ("CONTAINERS_CONF", "CONTAINERS_STORAGE_CONF", "CONTAINER_HOST", "DOCKER_HOST")
    return {k: v for k, v in os.environ.items() if k not in names}


class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, path: Path) -> None:
        super().__init__("localhost", timeout=5)
        self._path = str(path)

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(5)
        self.sock.connect(self._path)


class PodmanService:
    """`podman system service` on `<scratch>/podman.sock`; `stop()` removes `scratch`."""

    def __init__(self, scratch: Path) -> None:
        self.scratch = scratch
        self.socket = scratch / "podman.sock"
        self.log = scratch / "service.log"
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def docker_host(self) -> str:
        return f"unix://{self.socket}"

    def env(self) -> dict[str, str]:
        """The environment for podman commands that must see this service's store."""
        return {
            **_without_podman_settings(),
            "CONTAINERS_CONF": str(self.scratch / "containers.conf"),
            "CONTAINERS_STORAGE_CONF": str(self.scratch / "storage.conf"),
        }

    def _configure(self) -> None:
        driver, read_only = machine_store()
        self.scratch.mkdir(mode=0o700, exist_ok=True)
        (self.scratch / "containers.conf").write_text(
            "[containers]\n"
            'netns = "host"\n'
            'default_ulimits = ["nofile=1024:1024", "nproc=1000:1000"]\n'
            "[engine]\n"
            'cgroup_manager = "cgroupfs"\n'
            'runtime = "runc"\n'
            'events_logger = "file"\n'
            'lock_type = "file"\n'
            f'tmp_dir = "{self.scratch / "tmp"}"\n',
            encoding="utf-8",
        )
        (self.scratch / "storage.conf").write_text(
            "[storage]\n"
            f'driver = "{driver}"\n'
            f'runroot = "{self.scratch / "run"}"\n'
            f'graphroot = "{self.scratch / "root"}"\n'
            "[storage.options]\n"
            f'additionalimagestores = ["{read_only}"]\n',
            encoding="utf-8",
        )

    def start(self) -> PodmanService:
        self._configure()
        with self.log.open("wb") as log:
            self._process = subprocess.Popen(
                ["podman", "system", "service", "--time=0", self.docker_host],
                env=self.env(),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + START_TIMEOUT
        while not self._answers():
            if self._process.poll() is not None or time.monotonic() > deadline:
                tail = self.log.read_text(errors="replace")[-2000:]
                self.stop()
                raise RuntimeError(f"podman system service did not start:\n{tail}")
            time.sleep(0.2)
        return self

    def _answers(self) -> bool:
        if not self.socket.exists():
            return False
        connection = _UnixConnection(self.socket)
        try:
            connection.request("GET", "/_ping")
            return connection.getresponse().status == 200
        except OSError:
            return False
        finally:
            connection.close()

    def podman(self, *args: str) -> subprocess.CompletedProcess[str]:
        """A podman command on this service's store."""
        return subprocess.run(
            ["podman", *args],
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT,
            check=False,
        )

    def containers(self) -> list[str]:
        """Ids of every container in this store, running or not."""
        done = self.podman("ps", "--all", "--quiet", "--no-trunc")
        if done.returncode != 0:
            raise RuntimeError(f"podman ps failed:\n{done.stderr[-2000:]}")
        return done.stdout.split()

    def remove_containers(self) -> None:
        ids = self.containers()
        if ids:
            self.podman("rm", "--force", "--volumes", *ids)

    def stop(self) -> None:
        """Remove the containers, end the service and whatever it started, drop the folder."""
        if self._process is not None:
            if self._process.poll() is None and self.socket.exists():
                self.remove_containers()
            self._end(self._process)
            self._process = None
        for pid in self._stragglers():
            os.kill(pid, signal.SIGKILL)
        self._unmount()
        shutil.rmtree(self.scratch, ignore_errors=True)

    @staticmethod
    def _end(process: subprocess.Popen[bytes]) -> None:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=20)

    def _stragglers(self) -> list[int]:
        """Processes (conmon, a container's) whose command line names this scratch folder."""
        mark = str(self.scratch).encode()
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit() or int(entry.name) == os.getpid():
                continue
            try:
                if mark in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
        return found

    def _unmount(self) -> None:
        """Unmount what the overlay driver left mounted in the scratch folder, deepest first."""
        root = f"{self.scratch}/"
        with open("/proc/mounts", encoding="utf-8") as mounts:
            points = [line.split()[1] for line in mounts if line.split()[1].startswith(root)]
        for point in sorted(points, reverse=True):
            subprocess.run(["umount", "-l", point], capture_output=True, check=False, timeout=60)

    def __enter__(self) -> PodmanService:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
