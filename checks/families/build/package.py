"""Building the package's sdist and wheel in the clean room, and what the wheel holds.

`uv build` runs the repository's build backend (its code), so it runs through
`sandbox_run` in the workspace copy, writing into the work area, never the repository.
"""

from __future__ import annotations

import re
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

from checks.core.check import Context
from checks.core.runner import RunOutcome
from checks.core.sandbox import give_to_sandbox, remove_tree, sandbox_run, workspace
from checks.core.snapshot import Snapshot
from checks.environment.fresh import chosen_python
from checks.environment.machine import machine_settings
from checks.environment.uv import NO_SANDBOX_UV, sandbox_uv, uv_env, uv_index_args
from checks.families.build.settings import BuildSettings
from checks.repo.pyproject import read_pyproject

MAX_WHEEL_ENTRIES = 100_000
_EXCEPTION = re.compile(r"^\s*((?:[\w.]+\.)?\w*(?:Error|Exception|Exit)\b.*)$")
_ERROR_LINE = re.compile(r"^[\s│├╰─▶×|`-]*(error: .+)$", re.IGNORECASE)


@dataclass(frozen=True)
class PackageBuild:
    """The outcome of building; `problem` says why nothing could be built at all."""

    backend: str
    outcome: RunOutcome | None = None
    sdist: Path | None = None
    wheel: Path | None = None
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None and self.sdist is not None and self.wheel is not None


def build_backend(snapshot: Snapshot) -> str:
    """The backend named in pyproject.toml, or setuptools' legacy route for setup.py."""
    backend = read_pyproject(snapshot).table("build-system").get("build-backend")
    return backend if isinstance(backend, str) else "setuptools (setup.py)"


def backend_error(output: str) -> str:
    """The line of a build log that says what went wrong, in the backend's own words."""
    lines = [line.rstrip() for line in output.splitlines() if line.strip()]
    for pattern in (_EXCEPTION, _ERROR_LINE):
        for line in reversed(lines):
            match = pattern.match(line)
            if match and "Failed to build" not in line:
                return match.group(1).strip()[:400]
    return lines[-1].strip()[:400] if lines else "the build produced no output"


def package_build(ctx: Context) -> PackageBuild:
    """Fact provider: sdist and wheel built by `uv build` from the workspace copy."""
    backend = build_backend(ctx.snapshot)
    ws = ctx.fact(workspace)
    if ws.problem is not None:
        return PackageBuild(backend, problem=ws.problem)
    machine = ctx.fact(machine_settings)
    uv = sandbox_uv(machine)
    if uv is None:
        return PackageBuild(backend, problem=NO_SANDBOX_UV)
    out_dir = ws.area / "dist"
    remove_tree(out_dir)  # a reused work area must not offer last run's artifacts
    out_dir.mkdir()
    give_to_sandbox(out_dir)
    args: list[str] = [uv, "build", "--no-config", "--sdist", "--wheel", "--out-dir", str(out_dir)]
    python = ctx.fact(chosen_python)
    if python.path is not None:
        args += ["--python", str(python.path)]
    args += [*uv_index_args(machine), str(ws.path)]
    timeout = ctx.settings(BuildSettings).timeout
    started = time.monotonic()
    outcome = sandbox_run(ctx, args, cwd=ws.path, timeout=timeout, extra_env=uv_env(machine))
    ctx.timings["build.package"] = time.monotonic() - started
    sdist = _artifact(out_dir, "*.tar.gz")
    wheel = _artifact(out_dir, "*.whl")
    return PackageBuild(backend, outcome, sdist, wheel)


def _artifact(out_dir: Path, pattern: str) -> Path | None:
    """A built file, never a link the backend may have planted to something else."""
    found = [p for p in sorted(out_dir.glob(pattern)) if p.is_file() and not p.is_symlink()]
    return found[0] if found else None


def wheel_top_level(wheel: Path) -> tuple[str, ...]:
    """Import names a wheel installs: `top_level.txt` when present, else its file list."""
    try:
        with zipfile.ZipFile(wheel) as archive:
            names = archive.namelist()[:MAX_WHEEL_ENTRIES]
            listed = [n for n in names if n.endswith(".dist-info/top_level.txt")]
            if listed:
                with archive.open(listed[0]) as member:  # read a bounded prefix only
                    text = member.read(65536).decode("utf-8", "replace")
                found = {line.strip() for line in text.splitlines()}
                return tuple(sorted(n for n in found if n.isidentifier()))
    except (OSError, zipfile.BadZipFile, KeyError, RuntimeError, ValueError):
        return ()
    found = set()
    for name in names:
        first, _, rest = name.partition("/")
        if first.endswith((".dist-info", ".data")):
            continue
        if rest and first.isidentifier():
            found.add(first)
        elif not rest and first.endswith(".py") and first[:-3].isidentifier():
            found.add(first[:-3])
    return tuple(sorted(found))
