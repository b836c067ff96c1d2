"""Third-party imports that no manifest declares, with the distribution to add."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from packaging.utils import canonicalize_name

from checks.manifests import Manifest
from checks.repo.import_names import accepted, distribution_for
from checks.repo.imports import ImportScan, ImportSite

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
