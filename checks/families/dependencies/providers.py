"""Which distribution provides an import that no table knows, found by trying it.

The import name is often the distribution's (`import tqdm` is tqdm), but not always: a
distribution of that name may exist and install something else entirely. So a guess is
installed apart, wheels only and without its dependencies, in a scratch environment of
the clean room (`sandbox_run`, as the unprivileged user), and kept only when what it
installed provides the module.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from packaging.utils import canonicalize_name

from reprobot.checks.core.check import Context
from reprobot.checks.core.sandbox import sandbox_run, workspace
from reprobot.checks.environment.cache import sandbox_uv_env
from reprobot.checks.environment.distributions import environment_names
from reprobot.checks.environment.failures import classify
from reprobot.checks.environment.fresh import chosen_python
from reprobot.checks.environment.machine import machine_settings
from reprobot.checks.environment.uv import sandbox_uv, uv_index_args

MAX_PROBED = 20
_ROUNDS = 6


def probed_providers(ctx: Context, guesses: Mapping[str, str]) -> dict[str, str]:
    """Import name -> distribution, for the `guesses` (import name -> the distribution
    of the same name) that install and provide the module; {} when nothing could be
    asked."""
    known = ctx.fact(machine_settings)
    if known.offline:
        return {}  # nothing is installed: an import no table knows stays unknown
    ws, python, uv = ctx.fact(workspace), ctx.fact(chosen_python), sandbox_uv(known)
    if ws.problem is not None or python.path is None or uv is None or not guesses:
        return {}
    venv = ws.area / "probe"
    env = sandbox_uv_env(ctx)
    made = sandbox_run(
        ctx,
        (uv, "venv", "--no-config", "--python", python.path, venv),
        cwd=ws.area,
        timeout=120,
        extra_env=env,
    )
    if not made.ok:
        return {}
    names = sorted({str(canonicalize_name(d)) for d in guesses.values()})[:MAX_PROBED]
    for _ in range(_ROUNDS):
        if not names:
            break
        args: list[str | Path] = [uv, "pip", "install", "--no-config", "--no-deps"]
        args += ["--only-binary", ":all:", "--python", venv / "bin" / "python"]
        outcome = sandbox_run(
            ctx, [*args, *uv_index_args(known), *names], timeout=300, extra_env=env
        )
        if outcome.ok:
            break
        involved = set(classify(outcome).names) & set(names)
        if not involved:
            return {}  # the index could not be asked (network, timeout, ...)
        names = [n for n in names if n not in involved]
    provided = environment_names(venv)
    return {
        module: dist
        for module, dist in guesses.items()
        if str(canonicalize_name(dist)) in provided.get(module, ())
    }
