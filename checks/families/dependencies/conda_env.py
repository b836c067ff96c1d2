"""The conda part of an environment file, checked for real where the machine can.

uv installs only an environment file's `pip:` list. Its conda packages are installed with
micromamba, mamba or conda when one of them is on the machine (GitHub's runners have
conda), in the clean room as the unprivileged user (`sandbox_run`), into a prefix of its
own. Without one, the packages stay unverified, and `pypi_counterparts` says which of
them have a distribution of the same name on the package index (asked through uv, as the
fresh environment's own installs are).
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from reprobot.checks.core.check import Context
from reprobot.checks.core.runner import RunOutcome
from reprobot.checks.core.sandbox import reachable_by_sandbox, sandbox_run, workspace
from reprobot.checks.environment.cache import sandbox_uv_env
from reprobot.checks.environment.failures import classify
from reprobot.checks.environment.fresh import fresh_environment
from reprobot.checks.environment.machine import machine_settings
from reprobot.checks.environment.settings import EnvironmentSettings
from reprobot.checks.environment.uv import sandbox_uv, uv_index_args
from reprobot.checks.manifests import Declared, Manifest, manifest

TOOLS = ("micromamba", "mamba", "conda")
_PROBE_ROUNDS = 8


def conda_packages(found: Manifest) -> tuple[Declared, ...]:
    """The conda packages of the primary recipe (an environment file), in file order."""
    if found.kind != "conda":
        return ()
    return tuple(d for d in found.unverified if found.primary in (None, d.path))


def conda_tool() -> str | None:
    """micromamba, mamba or conda, as the unprivileged user can run it: on PATH, or
    where `MAMBA_EXE`, `CONDA_EXE` or `CONDA` (GitHub's runners) say."""
    candidates = [shutil.which(tool) for tool in TOOLS]
    candidates += [os.environ.get("MAMBA_EXE"), os.environ.get("CONDA_EXE")]
    if conda_home := os.environ.get("CONDA"):
        candidates.append(str(Path(conda_home) / "bin" / "conda"))
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK) and reachable_by_sandbox(Path(candidate)):
            return candidate
    return None


@dataclass(frozen=True)
class CondaEnvironment:
    """The primary environment file created with a conda tool, or why it was not."""

    path: str | None  # the environment file
    tool: str | None  # the executable that created it
    outcome: RunOutcome | None = None
    problem: str | None = None  # why nothing ran

    @property
    def tool_name(self) -> str:
        return Path(self.tool).name if self.tool else ""


NO_TOOL = "neither micromamba, mamba nor conda is on this machine"


def conda_environment(ctx: Context) -> CondaEnvironment:
    """Fact provider: the primary environment file created for real, when it declares
    conda packages and the machine has a conda tool."""
    found = ctx.fact(manifest)
    packages = conda_packages(found)
    if not packages:
        return CondaEnvironment(None, None, problem="no conda packages to install")
    path = found.primary or packages[0].path
    tool = conda_tool()
    if tool is None:
        return CondaEnvironment(path, None, problem=NO_TOOL)
    ws = ctx.fact(workspace)
    if ws.problem is not None:
        return CondaEnvironment(path, tool, problem=ws.problem)
    prefix, spec = ws.area / "conda-env", ws.path / path
    name = Path(tool).name
    if name == "conda":
        args: list[str | Path] = [tool, "env", "create", "--prefix", prefix, "--file", spec]
    else:
        args = [tool, "create", "--yes", "--prefix", prefix, "--file", spec]
    env = {
        "MAMBA_ROOT_PREFIX": str(ws.area / "mamba"),
        "CONDA_PKGS_DIRS": str(ws.area / "conda-pkgs"),
        "CONDA_ENVS_PATH": str(ws.area / "conda-envs"),
        "CONDA_ALWAYS_YES": "true",
        "NO_COLOR": "1",
    }
    timeout = ctx.settings(EnvironmentSettings).timeout
    outcome = sandbox_run(ctx, args, cwd=ws.path, timeout=timeout, extra_env=env)
    return CondaEnvironment(path, tool, outcome)


def pypi_counterparts(ctx: Context) -> tuple[str, ...] | None:
    """Fact provider: the conda packages of the primary recipe that have a distribution
    of the same name on the package index (None when the index could not be asked).

    One `uv pip install --dry-run --no-deps` of all the names; the names uv stops at are
    set aside (absent, or there for another Python) and the rest asked again, a few
    rounds at most.
    """
    names = list(dict.fromkeys(d.name for d in conda_packages(ctx.fact(manifest))))
    env = ctx.fact(fresh_environment)
    known = ctx.fact(machine_settings)
    uv = sandbox_uv(known)
    if not names or env.python is None or uv is None:
        return None if names else ()
    exists: list[str] = []
    for _ in range(_PROBE_ROUNDS):
        if not names:
            return tuple(exists)
        args = [uv, "pip", "install", "--dry-run", "--no-deps", "--python", str(env.python)]
        args += [*uv_index_args(known), *names]
        outcome = sandbox_run(ctx, args, timeout=120, extra_env=sandbox_uv_env(ctx))
        if outcome.ok:
            return tuple(sorted([*exists, *names]))
        failure = classify(outcome)
        involved = set(failure.names) & set(names)
        if not involved or failure.kind not in ("missing", "no-version", "python", "no-wheel"):
            return None  # the index could not be asked (network, timeout, ...)
        if failure.kind != "missing":
            exists += sorted(involved)  # it is there, for another Python or platform
        names = [n for n in names if n not in involved]
    return None
