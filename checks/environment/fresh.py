"""The fresh environment: a new venv made with uv for the Python the repository asks for,
its declared dependencies (and the project itself, when it is a package) resolved and
installed in one `uv pip install`, checked for consistency with `uv pip check`, and
read back as a lock file of every installed distribution.

uv runs build backends, which are the repository's (or its dependencies') code, so every
uv command runs in the clean room as the unprivileged user (`sandbox_run`). The package
index is whatever uv is configured with (`UV_INDEX_URL`, `UV_FIND_LINKS`, ...); pip's own
`PIP_INDEX_URL`, `PIP_EXTRA_INDEX_URL`, `PIP_FIND_LINKS` and `PIP_NO_INDEX` are honoured
too. `REPROBOT_FIND_LINKS=<dir>` installs only from that directory of wheels and sdists
(`--no-index --find-links <dir>`): a hermetic local index.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

from packaging.utils import canonicalize_name

from reprobot.checks.core.check import Context
from reprobot.checks.core.runner import RunOutcome
from reprobot.checks.core.sandbox import Workspace, remove_tree, sandbox_run, workspace
from reprobot.checks.environment.build import wheel_build
from reprobot.checks.environment.cache import sandbox_uv_env, start_cache_layer
from reprobot.checks.environment.distributions import (
    hidden_modules,
    only_for,
    read_distributions,
    required_by,
)
from reprobot.checks.environment.interpreter import ChosenPython, chosen_python
from reprobot.checks.environment.lock import lock_text
from reprobot.checks.environment.machine import machine_settings
from reprobot.checks.environment.network import retried
from reprobot.checks.environment.settings import EnvironmentSettings
from reprobot.checks.environment.uv import (
    NO_SANDBOX_UV,
    sandbox_uv,
    uv_binary,
    uv_index_args,
    write_install_lines,
)
from reprobot.checks.manifests import Manifest, manifest
from reprobot.checks.repo.metadata import project_metadata

__all__ = [
    "ChosenPython",
    "FreshEnvironment",
    "chosen_python",
    "fresh_environment",
    "install_extra",
    "uv_binary",
]

RESOLVED = re.compile(r"^Resolved (\d+) packages?", re.MULTILINE)


@dataclass(frozen=True)
class FreshEnvironment:
    venv: Path | None
    python: Path | None
    python_version: str
    requested_python: str | None
    python_note: str | None
    manifest: Manifest
    resolve: RunOutcome | None
    install: RunOutcome | None
    consistency: RunOutcome | None
    installed: Mapping[str, str] = field(default_factory=dict)
    project_installed: bool = False
    lock: str | None = None  # every installed distribution pinned: a requirements.lock
    inputs: tuple[str, ...] = ()  # the manifests installed, relative to the repository root
    problem: str | None = None  # why no environment could be made at all
    required_by: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # what pulled in what
    project: str | None = None  # the project's own distribution name, when it is a package
    # What the families asked for on top (`Context.installs`: the test requirements), when
    # it got installed in the same resolution; `installed`, `lock` and `required_by` leave
    # out the distributions only those need (`companion_only`), so they tell the declared
    # dependencies alone, and `hidden` are the import names only those provide.
    companions: tuple[str, ...] = ()
    companion_only: frozenset[str] = frozenset()
    hidden: frozenset[str] = frozenset()
    everything: Mapping[str, str] = field(default_factory=dict)  # companions' too

    @property
    def resolved(self) -> int:
        """How many distributions the declared dependencies resolved to."""
        return max(0, resolved_count(self.resolve) - len(self.companion_only))


OFFLINE = (
    "not examined: reprobot ran offline (--offline, REPROBOT_OFFLINE), so no fresh "
    "environment was made; run without it to check this"
)


def _failed(found: Manifest, problem: str, requested: str | None = None) -> FreshEnvironment:
    return FreshEnvironment(
        None, None, "", requested, None, found, None, None, None, problem=problem
    )


def fresh_environment(ctx: Context) -> FreshEnvironment:
    """Fact provider: the repository's dependencies installed in a new venv."""
    found = ctx.fact(manifest)
    if ctx.fact(machine_settings).offline:
        return _failed(found, OFFLINE)
    ctx.fact(start_cache_layer)  # made while the clean room is copied
    ws = ctx.fact(workspace)
    if ws.problem is not None:
        return _failed(found, ws.problem)
    uv = sandbox_uv(ctx.fact(machine_settings))
    if uv is None:
        return _failed(found, NO_SANDBOX_UV)
    python = ctx.fact(chosen_python)
    if python.path is None:
        return _failed(found, python.problem or "no Python interpreter", python.requested)
    venv = ws.area / "venv"
    made = _venv_while_building(ctx, uv, python.path, venv, found)
    if not made.ok:
        problem = f"uv could not create the environment: {made.tail(10)}"
        return _failed(found, problem, python.requested)
    name = ctx.fact(project_metadata).name if found.package else None
    project = str(canonicalize_name(name.value)) if name else None
    steps = _install_declared(ctx, uv, venv, python.path, found)
    fresh = _read_back(venv, python, found, steps, _roots(ctx, found, project))
    if steps.install is not None and steps.install.ok:  # the report's environment
        installed = {n[:200]: v[:200] for n, v in fresh.installed.items() if n != project}
        ctx.environment.update(python=fresh.python_version, installed=installed)
    return replace(fresh, project=project)


@dataclass(frozen=True)
class _Steps:
    """The uv runs after the venv exists; None for those that did not run."""

    project: bool  # the repository itself is installed as a package
    resolve: RunOutcome | None = None
    install: RunOutcome | None = None
    consistency: RunOutcome | None = None
    companions: tuple[str, ...] = ()  # installed with the declared dependencies


def _venv_while_building(
    ctx: Context, uv: str, python: Path, venv: Path, found: Manifest
) -> RunOutcome:
    """`uv venv`, on a thread while the project's wheel builds when there is one to build."""
    env = sandbox_uv_env(ctx)
    if not _installs_project(found):
        return _make_venv(ctx, uv, python, venv, env)
    made: list[RunOutcome] = []

    def make() -> None:  # asks the context for no fact it has not got
        try:
            made.append(_make_venv(ctx, uv, python, venv, env))
        except Exception as exc:  # noqa: BLE001 - told as the command's failure
            made.append(RunOutcome((uv, "venv"), None, "", f"{type(exc).__name__}: {exc}", 0.0))

    thread = threading.Thread(target=make, daemon=True)
    thread.start()
    try:
        ctx.fact(wheel_build)
    finally:
        thread.join()
    return made[0]


def _installs_project(found: Manifest) -> bool:
    return found.package and found.package_file is not None and not found.installs_project


def _make_venv(
    ctx: Context, uv: str, python: Path, venv: Path, env: Mapping[str, str]
) -> RunOutcome:
    ws = ctx.fact(workspace)
    started = time.monotonic()
    made = sandbox_run(
        ctx,
        (uv, "venv", "--no-config", "--python", python, venv),
        cwd=ws.area,
        timeout=300,
        extra_env=env,
    )
    ctx.timings["environment.venv"] = time.monotonic() - started
    return made


def _requirement_files(found: Manifest, ws: Workspace) -> list[str]:
    """What `uv pip install -r` reads: the manifests uv understands, and the lines
    written out for those it does not."""
    requirements = [f for f in found.install_files if f != found.package_file]
    if found.install_lines:
        requirements.append(str(write_install_lines(found, ws.path, ws.area / "declared.txt")))
    return requirements


def _companions(ctx: Context) -> tuple[str, ...]:
    """What the families will install on top of the declared dependencies, once each."""
    return tuple(dict.fromkeys(r for provide in ctx.installs for r in provide(ctx)))


def _install_declared(
    ctx: Context, uv: str, venv: Path, interpreter: Path, found: Manifest
) -> _Steps:
    """Resolve and install what is declared (and the project), then `uv pip check` it.

    What the families will add (the test requirements) is installed in the same `uv pip
    install`, so the environment is resolved once. When that fails, the environment is
    made again and the declared dependencies are installed alone: their verdict is never
    the companions' failure, which the family meets when it installs them itself."""
    requirements = _requirement_files(found, ctx.fact(workspace))
    project = _installs_project(found)
    if not (requirements or project):
        return _Steps(project)
    python = venv / "bin" / "python"
    install = partial(_install, ctx, uv=uv, python=python, requirements=requirements)
    companions = _companions(ctx)
    if companions:
        together = install(project=project, companions=companions)
        if together.ok:
            return _Steps(project, together, together, _check(ctx, uv, python), companions)
        remove_tree(venv)
        made = _make_venv(ctx, uv, interpreter, venv, sandbox_uv_env(ctx))
        if not made.ok:
            return _Steps(project, made)
    resolve = install(project=project)
    outcome = resolve if resolve.ok or resolved(resolve) else None
    if outcome is None or not outcome.ok:
        return _Steps(project, resolve, outcome)
    return _Steps(project, resolve, outcome, _check(ctx, uv, python))


def _roots(ctx: Context, found: Manifest, project: str | None) -> tuple[str, ...]:
    """What the declared dependencies start from: the project (with the extras asked
    for) and every requirement declared for running it."""
    files = set(found.install_files) - {found.package_file}  # its extras are not roots
    roots = [d.requirement for d in found.requirements if d.scope == "main" or d.path in files]
    roots += found.install_lines or ()
    if project is not None:
        extras = ctx.settings(EnvironmentSettings).extras
        roots.append(f"{project}[{','.join(extras)}]" if extras else project)
    return tuple(roots)


def _check(ctx: Context, uv: str, python: Path) -> RunOutcome:
    env = sandbox_uv_env(ctx)
    started = time.monotonic()
    consistency = sandbox_run(
        ctx, (uv, "pip", "check", "--python", python), timeout=120, extra_env=env
    )
    ctx.timings["environment.check"] = time.monotonic() - started
    return consistency


def _read_back(
    venv: Path, python: ChosenPython, found: Manifest, steps: _Steps, roots: Sequence[str]
) -> FreshEnvironment:
    """The environment as it came out: what got installed, pinned as a lock; the
    distributions only the companions need are told apart."""
    every = read_distributions(venv)
    only = only_for(every, steps.companions, roots) if steps.companions else frozenset()
    dists = tuple(d for d in every if d.name not in only)
    ok = steps.install is not None and steps.install.ok
    return FreshEnvironment(
        venv=venv,
        python=venv / "bin" / "python",
        python_version=python.version,
        requested_python=python.requested,
        python_note=python.note,
        manifest=found,
        resolve=steps.resolve,
        install=steps.install,
        consistency=steps.consistency,
        installed={d.name: d.version for d in dists},
        project_installed=ok and (steps.project or found.installs_project),
        lock=lock_text(dists, found, python.version) if ok else None,
        inputs=found.install_files,
        required_by=required_by(dists),
        companions=steps.companions,
        companion_only=only,
        hidden=hidden_modules(every, only),
        everything={d.name: d.version for d in every},
    )


def resolved(outcome: RunOutcome) -> bool:
    """Whether uv got past resolution (it says `Resolved N packages` before installing)."""
    return RESOLVED.search(outcome.output) is not None


def resolved_count(outcome: RunOutcome | None) -> int:
    """How many distributions uv resolved, from its `Resolved N packages` line."""
    match = RESOLVED.search(outcome.output) if outcome is not None else None
    return int(match.group(1)) if match else 0


def _install(
    ctx: Context,
    *,
    uv: str,
    python: Path,
    requirements: Sequence[str],
    project: bool,
    companions: Sequence[str] = (),
) -> RunOutcome:
    """One `uv pip install`: resolution and installation in a single step, so nothing is
    resolved twice; the lock is read back from what got installed."""
    ws = ctx.fact(workspace)
    settings = ctx.settings(EnvironmentSettings)
    known = ctx.fact(machine_settings)
    args = [uv, "pip", "install", "--no-config", "--python", str(python), *uv_index_args(known)]
    for path in requirements:
        args += ["-r", path]
    if project:
        # The wheel BLD001 built, so the backend runs once; from source if it did not build.
        built = ctx.fact(wheel_build).installable
        target = str(built) if built is not None else str(ws.path)
        extras = ",".join(settings.extras)
        args.append(f"{target}[{extras}]" if extras else target)
    args += companions
    started = time.monotonic()
    env = sandbox_uv_env(ctx)
    outcome = retried(lambda: sandbox_run(ctx, args, timeout=settings.timeout, extra_env=env))
    ctx.timings["environment.install"] = time.monotonic() - started
    return outcome


def install_extra(
    ctx: Context, env: FreshEnvironment, requirements: Sequence[str], *, timeout: float
) -> RunOutcome:
    """Install more into the fresh environment (e.g. the test runner)."""
    if env.python is None or env.venv is None:
        reason = env.problem or "there is no fresh environment to install into"
        return RunOutcome(tuple(requirements), None, "", reason, 0.0, ran=False)
    known = ctx.fact(machine_settings)
    uv = sandbox_uv(known) or uv_binary()
    args = [uv, "pip", "install", "--no-config", "--python", str(env.python)]
    args += [*uv_index_args(known), *requirements]
    uv_env = sandbox_uv_env(ctx)
    started = time.monotonic()
    outcome = retried(
        lambda: sandbox_run(ctx, args, timeout=timeout, extra_env=uv_env, venv=env.venv)
    )
    ctx.timings["environment.install_extra"] = time.monotonic() - started
    return outcome
