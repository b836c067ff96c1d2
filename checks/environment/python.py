"""The Python interpreters on this machine, and the one a repository should get.

Candidates come from `uv python list --only-installed` and from pyenv's versions
directory. Untrusted code runs as an unprivileged user, who may not be able to reach an
interpreter kept in a private home directory (pyenv under /root is the common case); such
an interpreter is copied once into reprobot's cache, without its site-packages and test
suite, and its library search path is made relative so the copy finds its own libpython.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from packaging.specifiers import SpecifierSet
from packaging.version import InvalidVersion, Version

from reprobot.checks.core import runner
from reprobot.checks.core.sandbox import reachable_by_sandbox
from reprobot.checks.environment.machine import MachineLike, machine
from reprobot.checks.environment.network import machine_failure

MIN_SUPPORTED = Version("3.7")  # the oldest Python uv makes environments for
NEWEST_MINOR = 14  # the newest Python 3 minor version uv can download
DOWNLOAD_TIMEOUT = 300.0


@dataclass(frozen=True)
class Interpreter:
    version: Version
    path: Path
    prefix: Path | None = None  # installation root, when known (pyenv)


def _from_uv(uv: str) -> list[Interpreter]:
    # pyenv's shims are slow to query and only point at pyenv's versions, read below.
    path = os.pathsep.join(
        p for p in os.environ.get("PATH", os.defpath).split(os.pathsep) if "shims" not in p
    )
    out = runner.run(
        (uv, "python", "list", "--only-installed", "--output-format", "json"),
        timeout=60,
        extra_env={"UV_PYTHON_DOWNLOADS": "never", "NO_COLOR": "1", "PATH": path},
    )
    try:
        entries = json.loads(out.stdout) if out.ok else []
    except json.JSONDecodeError:
        return []
    found = []
    for entry in entries if isinstance(entries, list) else []:
        path = str(entry.get("path") or "")
        if entry.get("implementation") != "cpython" or "/shims/" in path or not path:
            continue
        if entry.get("variant", "default") != "default":
            continue
        try:
            found.append(Interpreter(Version(str(entry["version"])), Path(path)))
        except (InvalidVersion, KeyError):
            continue
    return found


def _from_pyenv(pyenv_root: Path) -> list[Interpreter]:
    root = pyenv_root / "versions"
    found = []
    try:
        entries = sorted(root.iterdir())
    except OSError:
        return []
    for entry in entries:
        try:
            version = Version(entry.name)
        except InvalidVersion:
            continue
        python = entry / "bin" / f"python{version.major}.{version.minor}"
        if python.is_file() and not version.is_prerelease:
            found.append(Interpreter(version, python, entry))
    return found


def available(uv: str, settings: MachineLike = None) -> tuple[Interpreter, ...]:
    """Usable CPython interpreters, newest first; those the sandbox can reach first."""
    seen: dict[tuple[int, int], Interpreter] = {}
    candidates = [*_from_uv(uv), *_from_pyenv(machine(settings).pyenv_root)]
    base = Path(getattr(sys, "_base_executable", sys.executable))
    running = ".".join(map(str, sys.version_info[:3]))
    candidates.append(Interpreter(Version(running), base))
    for interp in candidates:
        if interp.version < MIN_SUPPORTED:
            continue
        key = (interp.version.major, interp.version.minor)
        current = seen.get(key)
        better = current is None or (
            reachable_by_sandbox(interp.path) and not reachable_by_sandbox(current.path)
        )
        if better:
            seen[key] = interp
    return tuple(sorted(seen.values(), key=lambda i: i.version, reverse=True))


def _allowed_minors(spec: SpecifierSet) -> tuple[int, ...]:
    """The Python 3 minor versions for which `spec` allows some release."""
    return tuple(
        minor
        for minor in range(0, 40)
        if any(spec.contains(f"3.{minor}.{patch}", prereleases=True) for patch in range(0, 30))
    )


def _distance(allowed: tuple[int, ...], version: Version) -> int:
    """How many minor versions `version` is from the nearest one allowed."""
    if not allowed or version.major != 3:
        return 100
    return min(abs(version.minor - m) for m in allowed)


def choose(
    spec: SpecifierSet | None, candidates: tuple[Interpreter, ...]
) -> tuple[Interpreter | None, bool]:
    """The newest candidate `spec` allows, else the nearest one; (choice, satisfied)."""
    if not candidates:
        return None, False
    if spec is None:
        current = (sys.version_info.major, sys.version_info.minor)
        same = [c for c in candidates if (c.version.major, c.version.minor) == current]
        return (same or list(candidates))[0], True
    allowed = [c for c in candidates if spec.contains(c.version, prereleases=True)]
    minors = _allowed_minors(spec) if not allowed else ()
    if not allowed:  # another patch release of the same minor version will do
        allowed = [c for c in candidates if _distance(minors, c.version) == 0]
    if allowed:
        return allowed[0], True
    nearest = min(candidates, key=lambda c: (_distance(minors, c.version), -c.version.minor))
    return nearest, False


@dataclass(frozen=True)
class Download:
    """The managed Python uv downloaded, or why it could not (neither: nothing was tried)."""

    interpreter: Interpreter | None = None
    problem: str | None = None


def download(
    uv: str, spec: SpecifierSet, into: Path, settings: MachineLike = None
) -> Interpreter | None:
    """Ask uv for a managed build of the newest Python `spec` allows (where downloads are
    possible, as on GitHub's runners). Off with REPROBOT_PYTHON_DOWNLOADS=never."""
    return fetch(uv, spec, into, settings).interpreter


def fetch(uv: str, spec: SpecifierSet, into: Path, settings: MachineLike = None) -> Download:
    """`download`, saying why it failed: the machine's reason (a mirror not reached, a
    certificate not trusted) with what to do, or uv's last words."""
    known = machine(settings)
    if not known.python_downloads or known.offline:
        return Download()
    minors = [m for m in _allowed_minors(spec) if MIN_SUPPORTED.minor <= m <= NEWEST_MINOR]
    if not minors:
        return Download()
    wanted = f"3.{max(minors)}"
    settings = {"UV_PYTHON_INSTALL_DIR": str(into), "NO_COLOR": "1"}
    installed = runner.run(
        (uv, "python", "install", wanted), timeout=DOWNLOAD_TIMEOUT, extra_env=settings
    )
    if not installed.ok:
        failure = machine_failure(installed.output)
        why = failure.summary if failure else f"uv could not install it: {installed.tail(3)}"
        return Download(problem=f"Python {wanted} could not be downloaded: {why}")
    found = runner.run(
        (uv, "python", "find", "--managed-python", wanted),
        timeout=60,
        extra_env={**settings, "UV_PYTHON_DOWNLOADS": "never"},
    )
    path = Path(found.stdout.strip()) if found.ok and found.stdout.strip() else None
    if path is None or not path.is_file():
        return Download(problem=f"uv installed Python {wanted} but cannot find it")
    version = runner.run((str(path), "-c", "import platform; print(platform.python_version())"))
    try:
        return Download(Interpreter(Version(version.stdout.strip()), path))
    except InvalidVersion:
        return Download(problem=f"the Python {wanted} uv installed does not run")


def sandbox_copy(interp: Interpreter, pythons_dir: Path) -> Path | None:
    """An interpreter the unprivileged user can run: itself, or a copy made once."""
    if reachable_by_sandbox(interp.path) or interp.prefix is None:
        return interp.path if reachable_by_sandbox(interp.path) else None
    target = pythons_dir / f"cpython-{interp.version}"
    python = target / "bin" / interp.path.name
    if python.is_file():
        return python
    pythons_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".copy-", dir=pythons_dir))
    lib = f"python{interp.version.major}.{interp.version.minor}"
    try:
        shutil.copytree(
            interp.prefix,
            staging / "python",
            symlinks=True,
            ignore=lambda d, names: _skip(Path(d), names, interp.prefix, lib),
        )
        _relative_runpath(staging / "python" / "bin" / interp.path.name, interp.prefix)
        for path in (staging, *staging.rglob("*")):
            if not path.is_symlink():
                os.chmod(path, (path.stat().st_mode | 0o444 | (0o111 if path.is_dir() else 0)))
        os.rename(staging / "python", target)
    except OSError:
        if not python.is_file():
            return None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return python


def _skip(directory: Path, names: list[str], prefix: Path, lib: str) -> set[str]:
    if directory == prefix / "lib" / lib:
        return {n for n in names if n in ("test", "idlelib", "tkinter", "turtledemo")}
    if directory == prefix / "lib" / lib / "site-packages":
        return set(names)
    return set()


def _relative_runpath(binary: Path, prefix: Path) -> None:
    """Point the copied executable's RUNPATH at `$ORIGIN/../lib`, in place."""
    old = str(prefix / "lib").encode() + b"\0"
    new = b"$ORIGIN/../lib\0"
    data = binary.read_bytes()
    if old not in data or len(new) > len(old):
        return
    binary.write_bytes(data.replace(b"\0" + old, b"\0" + new.ljust(len(old), b"\0")))
