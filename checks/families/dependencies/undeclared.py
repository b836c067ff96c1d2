"""Third-party imports that no manifest declares, with the distribution to add."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from packaging.utils import canonicalize_name

from checks.core.check import Context
from checks.environment.distributions import environment_names
from checks.environment.fresh import fresh_environment
from checks.manifests import Manifest, manifest
from checks.manifests.edit import Addition, add_requirements
from checks.repo.import_names import accepted, distribution_for
from checks.repo.imports import ImportScan, ImportSite, imports

# Files whose imports are build or tooling needs, not the study's own.
_TOOLING = ("setup.py", "noxfile.py", "docs/conf.py", "doc/conf.py", "fabfile.py")


@dataclass(frozen=True)
class Undeclared:
    module: str  # the top-level import name
    distribution: str  # what to declare for it
    sites: tuple[ImportSite, ...]
    optional: bool  # every import of it is guarded (try/except ImportError, TYPE_CHECKING)
    provider: str | None = None  # installed today only as a dependency of this one


def _required_sites(sites: tuple[ImportSite, ...]) -> tuple[ImportSite, ...]:
    required = tuple(s for s in sites if not s.optional)
    return required or sites


def undeclared_imports(
    scan: ImportScan,
    found: Manifest,
    installed: Mapping[str, tuple[str, ...]] | None = None,
    parents: Mapping[str, tuple[str, ...]] | None = None,
) -> tuple[Undeclared, ...]:
    """Imports whose distribution is not declared, in order of first appearance.

    `installed` (import name -> distributions, from the fresh environment) is used when
    available: it knows exactly which distribution provides a module.
    """
    declared = {str(n) for n in found.names}
    own = {canonicalize_name(n) for n in scan.first_party}
    out: list[Undeclared] = []
    for module, all_sites in scan.third_party().items():
        sites = tuple(s for s in all_sites if s.path not in _TOOLING)
        if not sites:
            continue
        dotted = next((s.dotted for s in sites if s.dotted), module)
        providers = set((installed or {}).get(module, ()))
        if providers & declared or accepted(module, dotted) & declared:
            continue
        distribution = distribution_for(module, dotted, installed=installed, declared=declared)
        if canonicalize_name(distribution) in declared | own:
            continue
        optional = all(s.optional for s in sites)
        via = (parents or {}).get(str(canonicalize_name(distribution)), ())
        provider = ", ".join(via) if via else None
        out.append(Undeclared(module, distribution, _required_sites(sites), optional, provider))
    return tuple(out)


def undeclared(ctx: Context) -> tuple[Undeclared, ...]:
    """Fact provider: the imports no manifest declares (DEP005).

    When this run makes the fresh environment anyway (DEP002 selected), it tells exactly
    which installed distribution provides a module and what pulled that one in; DEP005
    alone stays static and fast.
    """
    env = ctx.fact(fresh_environment) if ctx.config.runs("DEP002") else None
    installed = environment_names(env.venv) if env is not None and env.installed else None
    parents = env.required_by if env is not None else None
    return undeclared_imports(ctx.fact(imports), ctx.fact(manifest), installed, parents)


def declaration(ctx: Context) -> Addition:
    """Fact provider: where and how to declare the undeclared imports (the required ones,
    else the optional ones) in the repository's own manifest."""
    missing = ctx.fact(undeclared)
    wanted = [m for m in missing if not m.optional] or list(missing)
    names = list(dict.fromkeys(m.distribution for m in wanted))
    return add_requirements(ctx.snapshot, ctx.fact(manifest), names)
