"""Third-party imports that no manifest declares, with the distribution to add and where.

Where an import is used decides where it belongs: package code (and any code of a
repository that is no package) in the runtime dependencies; test-only imports in the test
extra or dev group; imports only of the docs (and, for a package, of its notebooks and
examples) in a group of their own; imports guarded by `try: ... except ImportError` as
optional. The distribution proposed is one known to provide the module (the fresh
environment, the table of import names, or a probe install); when none is known, the
finding says so and the fix adds nothing in its place.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from packaging.utils import canonicalize_name

from reprobot.checks.core.check import Context
from reprobot.checks.environment.distributions import environment_names
from reprobot.checks.environment.fresh import fresh_environment
from reprobot.checks.families.dependencies.providers import probed_providers
from reprobot.checks.manifests import Manifest, manifest
from reprobot.checks.manifests.edit import Addition, add_requirements, add_to_group
from reprobot.checks.repo.import_names import accepted, distribution_for, known_distribution
from reprobot.checks.repo.imports import ImportScan, ImportSite, imports

# Files whose imports are build or tooling needs, not the study's own (in any folder).
_TOOLING = ("setup.py", "noxfile.py", "fabfile.py")
_TOOLING_PATHS = ("docs/conf.py", "doc/conf.py")


def _tooling(path: str) -> bool:
    return path in _TOOLING_PATHS or path.rsplit("/", 1)[-1] in _TOOLING


_TEST_DIRS = frozenset({"test", "tests", "testing"})
_DOC_DIRS = frozenset({"doc", "docs"})
_EXAMPLE_DIRS = frozenset(
    {"example", "examples", "notebook", "notebooks", "tutorial", "tutorials", "demo", "demos"}
)
# A package's own tooling beside it (release and maintenance scripts, benchmarks): never
# installed with the package, so never its runtime dependencies.
_DEV_DIRS = frozenset(
    {"admin", "tools", "tool", "dev", "devtools", "maint", "maintenance", "ci", ".github",
     "benchmarks", "bench", "asv_bench", "release"}
)  # fmt: skip
PLACES = ("runtime", "test", "dev", "examples", "docs", "optional")


@dataclass(frozen=True)
class Undeclared:
    module: str  # the top-level import name
    distribution: str  # what to declare for it (the import name itself when not `known`)
    sites: tuple[ImportSite, ...]
    optional: bool  # every import of it is guarded (try/except ImportError, TYPE_CHECKING)
    provider: str | None = None  # installed today only as a dependency of this one
    known: bool = True  # `distribution` is known to provide the module
    place: str = "runtime"  # one of PLACES: where the declaration belongs


def site_place(path: str) -> str:
    """ "test", "docs", "examples" or "runtime", from where the importing file is (for a
    package, `_package_place` also tells its tooling apart)."""
    parts = path.lower().split("/")
    name, folders = parts[-1], parts[:-1]
    if (
        _TEST_DIRS & set(folders)
        or name.startswith("test_")
        or name.endswith("_test.py")
        or name == "conftest.py"
    ):
        return "test"
    if folders and folders[0] in _DOC_DIRS:
        return "docs"
    if name.endswith(".ipynb") or _EXAMPLE_DIRS & set(folders):
        return "examples"
    return "runtime"


def module_place(sites: tuple[ImportSite, ...], *, optional: bool, package: bool) -> str:
    """Where the declaration of a module imported at `sites` belongs. For a repository
    that is no package, notebooks and examples are the work itself: runtime."""
    if optional:
        return "optional"
    required = [s.path for s in sites if not s.optional]
    places = {_package_place(p) if package else site_place(p) for p in required} or {"runtime"}
    if not package and "examples" in places:
        places = (places - {"examples"}) | {"runtime"}
    return next(p for p in PLACES if p in places)


def _package_place(path: str) -> str:
    """A package's `site_place`, its tooling folders ("admin/", "benchmarks/") as "dev"."""
    place = site_place(path)
    top = path.lower().split("/")[0]
    tooling = top in _DEV_DIRS or "benchmark" in top  # asv_benchmarking/
    return "dev" if place == "runtime" and "/" in path and tooling else place


def _required_sites(sites: tuple[ImportSite, ...]) -> tuple[ImportSite, ...]:
    required = tuple(s for s in sites if not s.optional)
    return required or sites


def undeclared_imports(
    scan: ImportScan,
    found: Manifest,
    installed: Mapping[str, tuple[str, ...]] | None = None,
    parents: Mapping[str, tuple[str, ...]] | None = None,
    verified: Mapping[str, str] | None = None,
) -> tuple[Undeclared, ...]:
    """Imports whose distribution is not declared, in order of first appearance.

    `installed` (import name -> distributions, from the fresh environment) is used when
    available: it knows exactly which distribution provides a module; `verified` (import
    name -> distribution) is what a probe install showed. A folder's own environment
    (`paper1/environment.yml`) declares for the code in that folder only.
    """
    own = {canonicalize_name(n) for n in scan.first_party}
    names_by_folder: dict[str, frozenset[str]] = {}

    def declared_for(site: ImportSite) -> frozenset[str]:
        folder = site.path.rsplit("/", 1)[0] if "/" in site.path else ""
        if folder not in names_by_folder:
            names_by_folder[folder] = frozenset(str(n) for n in found.names_for(site.path))
        return names_by_folder[folder]

    out: list[Undeclared] = []
    for module, all_sites in scan.third_party().items():
        dotted = next((s.dotted for s in all_sites if s.dotted), module)
        providers = set((installed or {}).get(module, ())) | set(accepted(module, dotted))
        sites = tuple(
            s for s in all_sites if not _tooling(s.path) and not providers & declared_for(s)
        )
        if not sites:
            continue
        declared = set(declared_for(sites[0]))
        known = known_distribution(module, dotted, installed=installed, declared=declared)
        known = known or (verified or {}).get(module)
        distribution = known or distribution_for(module, dotted, declared=declared)
        if canonicalize_name(distribution) in declared | own:
            continue
        optional = all(s.optional for s in sites)
        via = (parents or {}).get(str(canonicalize_name(distribution)), ())
        place = module_place(sites, optional=optional, package=found.package)
        out.append(
            Undeclared(
                module,
                distribution,
                _required_sites(sites),
                optional,
                ", ".join(via) if via else None,
                known is not None,
                place,
            )
        )
    return tuple(out)


def undeclared(ctx: Context) -> tuple[Undeclared, ...]:
    """Fact provider: the imports no manifest declares (DEP005).

    When this run makes the fresh environment anyway (DEP002 selected), it tells exactly
    which installed distribution provides a module and what pulled that one in, and an
    import no table knows is looked up by installing its namesake apart (`providers`);
    DEP005 alone stays static and fast, and calls such imports unknown.
    """
    env = ctx.fact(fresh_environment) if ctx.config.runs("DEP002") else None
    if env is not None and env.installed:
        installed = environment_names(env.venv, leave_out=env.companion_only)
    else:
        installed = None
    parents = env.required_by if env is not None else None
    scan, found = ctx.fact(imports), ctx.fact(manifest)
    missing = undeclared_imports(scan, found, installed, parents)
    unknown = tuple(m.distribution for m in missing if not m.known)
    if env is None or env.venv is None or not unknown:
        return missing
    verified = probed_providers(ctx, {m.module: m.distribution for m in missing if not m.known})
    return undeclared_imports(scan, found, installed, parents, verified) if verified else missing


@dataclass(frozen=True)
class Placed:
    """The declaration of some undeclared imports, all needed by the same `place`."""

    place: str
    missing: tuple[Undeclared, ...]
    addition: Addition


def declaration(ctx: Context) -> tuple[Placed, ...]:
    """Fact provider: where and how to declare the undeclared imports whose distribution
    is known, one declaration for each place they belong (runtime first)."""
    missing = [m for m in ctx.fact(undeclared) if m.known]
    found = ctx.fact(manifest)
    placed: list[Placed] = []
    edited: dict[str, str] = {}  # files rewritten so far: the next addition builds on them
    for place in PLACES:
        here = tuple(m for m in missing if m.place == place)
        if not here:
            continue
        names = list(dict.fromkeys(m.distribution for m in here))
        if place == "runtime":
            addition = add_requirements(ctx.snapshot, found, names, edited=edited)
        else:
            addition = add_to_group(ctx.snapshot, found, names, place, edited=edited)
        if addition.content is not None:
            edited[addition.path] = addition.content
        placed.append(Placed(place, here, addition))
    return tuple(placed)
