"""The Python of the fresh environment: the one the repository asks for (configuration,
requires-python, .python-version, runtime.txt), reachable by the unprivileged user."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from packaging.specifiers import InvalidSpecifier, SpecifierSet

from reprobot.checks.core.check import Context
from reprobot.checks.environment import python as interpreters
from reprobot.checks.environment.machine import machine_settings
from reprobot.checks.environment.settings import EnvironmentSettings
from reprobot.checks.environment.uv import pythons_dir, uv_binary
from reprobot.checks.manifests import Manifest, manifest, wanted_python


def _requested_spec(ctx: Context, found: Manifest) -> tuple[SpecifierSet | None, str | None]:
    configured = ctx.settings(EnvironmentSettings).python or ctx.variant.python
    if ctx.variant.python and not ctx.settings(EnvironmentSettings).python and found.python:
        configured = None  # the repository's own request wins over the era's Python
    if configured is not None and configured.strip():
        text = configured.strip()
        spec = text if text[0] in "<>=!~" else f"=={text}.*" if text.count(".") < 2 else f"=={text}"
        try:
            configured_here = bool(ctx.settings(EnvironmentSettings).python)
            where = (
                " in the reprobot configuration"
                if configured_here
                else (", the Python current at the commit date")
            )
            return SpecifierSet(spec), f"Python {text}{where}"
        except InvalidSpecifier:
            return None, None
    if found.python is not None:
        return found.python.specifier, found.python.source
    return None, None


@dataclass(frozen=True)
class ChosenPython:
    """The interpreter for the repository, or why there is none (`problem`)."""

    path: Path | None
    version: str = ""
    requested: str | None = None  # what the repository asked for, and where
    note: str | None = None  # when the asked Python could not be had
    problem: str | None = None


def chosen_python(ctx: Context) -> ChosenPython:
    """Fact provider: the Python the repository asks for (config, requires-python,
    .python-version, runtime.txt), reachable by the unprivileged user; else the nearest."""
    spec, requested = _requested_spec(ctx, ctx.fact(manifest))
    known = ctx.fact(machine_settings)
    choice, satisfied = interpreters.choose(spec, interpreters.available(uv_binary(), known))
    fetched = interpreters.Download()
    if not satisfied and spec is not None:
        fetched = interpreters.fetch(uv_binary(), spec, pythons_dir(known) / "managed", known)
        if fetched.interpreter is not None:
            choice, satisfied = fetched.interpreter, True
    why = f" ({fetched.problem})" if fetched.problem else ""
    path = interpreters.sandbox_copy(choice, pythons_dir(known)) if choice is not None else None
    if choice is None or path is None:
        return ChosenPython(
            None,
            requested=requested,
            problem="no Python interpreter is usable for the fresh environment: install "
            "the Python the repository asks for, or set `dependencies.python` in "
            f".reprobot.yml to one this machine has{why}",
        )
    note = None
    if not satisfied and requested:
        shown = wanted_python(str(spec)) if spec is not None else "?"
        note = (
            f"Python {shown} is not available here{why}; used {choice.version}, the nearest "
            f"(asked for: {requested})"
        )
    return ChosenPython(path, str(choice.version), requested, note)
