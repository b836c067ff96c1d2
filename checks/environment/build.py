"""The package built once: its sdist and wheel, by `uv build` in the clean room.

The wheel built here is the one the fresh environment installs, so the repository's build
backend runs once per run, not once for BLD001 and again for the install. `uv build` runs
the repository's build backend (its code), so it runs through `sandbox_run` in the
workspace copy, writing into the work area, never the repository.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path

from checks.core.check import Context
from checks.core.runner import RunOutcome
from checks.core.sandbox import give_to_sandbox, remove_tree, sandbox_run, workspace
from checks.core.snapshot import Snapshot
from checks.environment.cache import sandbox_uv_env
from checks.environment.interpreter import chosen_python
from checks.environment.machine import machine_settings
from checks.environment.settings import BuildSettings
from checks.environment.uv import NO_SANDBOX_UV, sandbox_uv, uv_index_args
from checks.repo.pyproject import read_pyproject

# What backends say when they cannot compute a version from git (setuptools-scm,
# hatch-vcs, versioneer, pbr, dunamai/poetry-dynamic-versioning, setuptools-git-versioning).
_NO_GIT_VERSION = re.compile(
    r"unable to detect version|error getting the version from source `vcs`|"
    r"versioneer.*(?:unable|failed)|pbr.*version|dunamai|unable to determine (?:the )?version|"
    r"could not (?:determine|get|find) (?:the )?version|no tags? (?:were )?found|"
    r"fatal: no names found|version.*from git|git.*version",
    re.IGNORECASE,
)
# A backend that downloads something while it builds, on a machine that cannot.
_NO_NETWORK = re.compile(
    r"Name or service not known|Temporary failure in name resolution|"
    r"Network is unreachable|No route to host|Connection refused|"
    r"urlopen error|Could not resolve host|getaddrinfo failed",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class PackageBuild:
    """The outcome of building; `problem` says why nothing could be built at all."""

    backend: str
    outcome: RunOutcome | None = None
    sdist: Path | None = None
    wheel: Path | None = None
    problem: str | None = None
    git: bool = True  # the clean room had the git metadata of HEAD and its tags
    shallow: bool = False  # the checkout is shallow: git history and tags are cut

    @property
    def ok(self) -> bool:
        return self.problem is None and self.sdist is not None and self.wheel is not None

    @property
    def installable(self) -> Path | None:
        """The wheel to install, when the build worked."""
        return self.wheel if self.ok else None

    @property
    def version_from_git_failed(self) -> bool:
        """The build failed because the backend could not read the version from git."""
        failed = self.outcome is not None and not self.outcome.ok and not self.outcome.timed_out
        return failed and self.outcome is not None and bool(_NO_GIT_VERSION.search(self.output))

    @property
    def network_failed(self) -> bool:
        """The build failed because the backend could not reach the network."""
        failed = self.outcome is not None and not self.outcome.ok and not self.outcome.timed_out
        return failed and bool(_NO_NETWORK.search(self.output))

    @property
    def output(self) -> str:
        return self.outcome.output if self.outcome is not None else ""


def build_backend(snapshot: Snapshot) -> str:
    """The backend named in pyproject.toml, or setuptools' legacy route for setup.py."""
    backend = read_pyproject(snapshot).table("build-system").get("build-backend")
    return backend if isinstance(backend, str) else "setuptools (setup.py)"


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
    outcome = sandbox_run(ctx, args, cwd=ws.path, timeout=timeout, extra_env=sandbox_uv_env(ctx))
    ctx.timings["build.package"] = time.monotonic() - started
    sdist = _artifact(out_dir, "*.tar.gz")
    wheel = _artifact(out_dir, "*.whl")
    return PackageBuild(backend, outcome, sdist, wheel, git=ws.git, shallow=ws.shallow)


def _artifact(out_dir: Path, pattern: str) -> Path | None:
    """A built file, never a link the backend may have planted to something else."""
    found = [p for p in sorted(out_dir.glob(pattern)) if p.is_file() and not p.is_symlink()]
    return found[0] if found else None
