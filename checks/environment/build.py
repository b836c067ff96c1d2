"""The package built once: its sdist and wheel, by `uv build` in the clean room.

The wheel built here is the one the fresh environment installs, so the repository's build
backend runs once per run, not once for BLD001 and again for the install. The sdist builds
at the same time, on a thread, at a lower priority, from a copy of the tree of its own:
the install, the import and the tests do not wait for it, and BLD001, which does, runs
after them. `uv build` runs the repository's build backend (its code), so it runs through
`sandbox_run` in the workspace copy, writing into the work area, never the repository.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path

from reprobot.checks.core.check import Context
from reprobot.checks.core.runner import RunOutcome
from reprobot.checks.core.sandbox import give_to_sandbox, remove_tree, sandbox_run, workspace
from reprobot.checks.core.snapshot import Snapshot
from reprobot.checks.environment.cache import sandbox_uv_env, start_cache_layer
from reprobot.checks.environment.interpreter import chosen_python
from reprobot.checks.environment.machine import machine_settings
from reprobot.checks.environment.settings import BuildSettings
from reprobot.checks.environment.uv import NO_SANDBOX_UV, sandbox_uv, uv_index_args
from reprobot.checks.repo.pyproject import read_pyproject

# The sdist is wanted last (BLD001 reads it after the tests ran): it builds at a lower
# priority, so the wheel that everything else waits for gets the processor first.
SDIST_NICENESS = 10
MAX_COPY_FILES = 5000  # a larger tree builds its sdist and wheel one after the other
MAX_COPY_BYTES = 100 * 1024 * 1024

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
        """The wheel to install, when it was built (the sdist may still be building)."""
        return self.wheel if self.problem is None else None

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


@dataclass
class _Builds:
    """This run's builds: the wheel's, and the sdist's thread until it is joined."""

    wheel: PackageBuild | None = None
    sdist: threading.Thread | None = None
    sdist_outcome: RunOutcome | None = None
    sdist_source: Path | None = None
    started: float = 0.0


def _builds(ctx: Context) -> _Builds:
    return _Builds()


def _uv_build(ctx: Context, uv: str, kinds: tuple[str, ...], source: Path, out: Path) -> list[str]:
    """The `uv build` command line for `kinds` (`--sdist`, `--wheel`) of `source`."""
    remove_tree(out)  # a reused work area must not offer last run's artifacts
    out.mkdir(parents=True)
    give_to_sandbox(out)
    args: list[str] = [uv, "build", "--no-config", *kinds, "--out-dir", str(out)]
    python = ctx.fact(chosen_python)
    if python.path is not None:
        args += ["--python", str(python.path)]
    return [*args, *uv_index_args(ctx.fact(machine_settings)), str(source)]


def _small(tree: Path) -> bool:
    """Whether `tree` (its .git too) is small enough to copy for a build of its own."""
    files, size = 0, 0
    for dirpath, dirnames, filenames in os.walk(tree):
        files += len(dirnames) + len(filenames)
        for name in filenames:
            with contextlib.suppress(OSError):
                size += os.lstat(os.path.join(dirpath, name)).st_size
        if files > MAX_COPY_FILES or size > MAX_COPY_BYTES:
            return False
    return True


def _copied(tree: Path, target: Path) -> bool:
    """`tree` copied to `target` for the sandbox user; False (and nothing left) if it failed."""
    try:
        shutil.copytree(tree, target, symlinks=True)
        give_to_sandbox(target)
    except (OSError, shutil.Error):
        remove_tree(target)
        return False
    return True


def wheel_build(ctx: Context) -> PackageBuild:
    """Fact provider: the wheel built by `uv build --wheel` from the workspace copy, the one
    the fresh environment installs. Meanwhile the sdist builds on a thread from a copy of
    the untouched tree of its own (`package_build` waits for it): the two builds never
    share a directory a backend writes in. A tree too large to copy builds both in one
    `uv build --sdist --wheel`."""
    backend = build_backend(ctx.snapshot)
    ctx.fact(start_cache_layer)  # made while the clean room is copied
    ws = ctx.fact(workspace)
    if ws.problem is not None:
        return PackageBuild(backend, problem=ws.problem)
    uv = sandbox_uv(ctx.fact(machine_settings))
    if uv is None:
        return PackageBuild(backend, problem=NO_SANDBOX_UV)
    builds = ctx.fact(_builds)
    timeout = ctx.settings(BuildSettings).timeout
    env = sandbox_uv_env(ctx)
    builds.started = time.monotonic()
    kinds: tuple[str, ...] = ("--sdist", "--wheel")
    source = ws.area / "sdist-source"
    remove_tree(source)
    if _small(ws.path) and _copied(ws.path, source):
        args = _uv_build(ctx, uv, ("--sdist",), source, ws.area / "sdist")
        builds.sdist_source = source
        builds.sdist = threading.Thread(
            target=_build_sdist, args=(ctx, builds, args, timeout, env), daemon=True
        )
        builds.sdist.start()
        ctx.defer(lambda: _join(builds))  # before the clean room goes
        kinds = ("--wheel",)
    out = ws.area / "dist"
    args = _uv_build(ctx, uv, kinds, ws.path, out)
    outcome = sandbox_run(ctx, args, cwd=ws.path, timeout=timeout, extra_env=env)
    ctx.timings["build.wheel"] = time.monotonic() - builds.started
    sdist = _artifact(out, "*.tar.gz")
    builds.wheel = PackageBuild(
        backend, outcome, sdist, _artifact(out, "*.whl"), git=ws.git, shallow=ws.shallow
    )
    return builds.wheel


def _build_sdist(
    ctx: Context, builds: _Builds, args: list[str], timeout: float, env: dict[str, str]
) -> None:
    assert builds.sdist_source is not None
    try:
        builds.sdist_outcome = sandbox_run(
            ctx,
            args,
            cwd=builds.sdist_source,
            timeout=timeout,
            extra_env=env,
            niceness=SDIST_NICENESS,
        )
    except Exception as exc:  # noqa: BLE001 - reported as the build's own failure
        reason = f"the source distribution could not be built: {type(exc).__name__}: {exc}"
        builds.sdist_outcome = RunOutcome(tuple(args), None, "", reason, 0.0, ran=False)
    ctx.timings["build.sdist"] = time.monotonic() - builds.started


def _join(builds: _Builds) -> None:
    if builds.sdist is not None:
        builds.sdist.join()


def package_build(ctx: Context) -> PackageBuild:
    """Fact provider: the sdist and the wheel, both built from the workspace copy."""
    wheel = ctx.fact(wheel_build)
    builds = ctx.fact(_builds)
    if builds.sdist is None or wheel.outcome is None:
        return wheel
    _join(builds)
    ctx.timings["build.package"] = time.monotonic() - builds.started
    ws = ctx.fact(workspace)
    sdist = builds.sdist_outcome
    assert sdist is not None and builds.sdist_source is not None
    here = (str(builds.sdist_source), str(ws.path))
    sdist = replace(sdist, stdout=sdist.stdout.replace(*here), stderr=sdist.stderr.replace(*here))
    return replace(
        wheel,
        outcome=_one_outcome(sdist, wheel.outcome),
        sdist=_artifact(ws.area / "sdist", "*.tar.gz"),
    )


def _one_outcome(sdist: RunOutcome, wheel: RunOutcome) -> RunOutcome:
    """The two builds as one `uv build --sdist --wheel` tells them: the sdist first, and
    only the sdist when it failed."""
    if not sdist.ok:
        return sdist
    return replace(
        wheel,
        stdout=_lines(sdist.stdout, wheel.stdout),
        stderr=_lines(sdist.stderr, wheel.stderr),
        seconds=max(sdist.seconds, wheel.seconds),
        truncated=sdist.truncated or wheel.truncated,
        leftovers_killed=sdist.leftovers_killed + wheel.leftovers_killed,
    )


def _lines(first: str, second: str) -> str:
    return f"{first.rstrip()}\n{second}" if first.strip() and second else first or second


def _artifact(out_dir: Path, pattern: str) -> Path | None:
    """A built file, never a link the backend may have planted to something else."""
    found = [p for p in sorted(out_dir.glob(pattern)) if p.is_file() and not p.is_symlink()]
    return found[0] if found else None
