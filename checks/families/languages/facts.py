"""The languages family's facts: the R and Julia packages the code uses against what the
repository declares. Reading and scanning live in `checks.repo`; here they are combined."""

from __future__ import annotations

from dataclasses import dataclass

from reprobot.checks.core.check import Context
from reprobot.checks.repo import julia_source, r_source
from reprobot.checks.repo.julia_source import JuliaProject, JuliaUse
from reprobot.checks.repo.languages import JULIA, R, code_units
from reprobot.checks.repo.r_source import BASE_R, TIDYVERSE, PackageUse, RDeclaration


@dataclass(frozen=True)
class RUndeclared:
    """An R package the code uses that no declaration covering it names."""

    package: str
    sites: tuple[PackageUse, ...]
    target: str | None  # the declaration nearest its first use, None when none covers it


@dataclass(frozen=True)
class RDependencies:
    """The R code examined, the declarations found, and what they miss."""

    units: int
    files: int
    packages: tuple[str, ...]  # every non-base package used, in order of first use
    declarations: tuple[RDeclaration, ...]
    undeclared: tuple[RUndeclared, ...] = ()
    dynamic: tuple[PackageUse, ...] = ()  # loads of a package held in a variable
    texts: tuple[tuple[str, str], ...] = ()  # (path, text) of each DESCRIPTION and install.R
    remotes: tuple[tuple[str, str], ...] = ()  # package -> `user/repo` it is installed from


def _nearest(declarations: list[RDeclaration], path: str) -> RDeclaration | None:
    covering = [d for d in declarations if d.covers(path)]
    return max(covering, key=lambda d: len(d.folder), default=None)


def r_undeclared(
    uses: list[PackageUse], declarations: tuple[RDeclaration, ...]
) -> tuple[RUndeclared, ...]:
    """The packages of `uses` that no declaration covering their file names."""
    usable = [d for d in declarations if d.problem is None]
    own = {d.own for d in usable if d.own}
    sites: dict[str, list[PackageUse]] = {}
    for use in uses:
        if use.package in BASE_R or use.package in own:
            continue
        declared: set[str] = set()
        for found in usable:
            if found.covers(use.path):
                declared |= found.packages
        if "tidyverse" in declared:
            declared |= TIDYVERSE
        if use.package not in declared:
            sites.setdefault(use.package, []).append(use)
    out = []
    for package, where in sites.items():
        nearest = _nearest(usable, where[0].path)
        out.append(RUndeclared(package, tuple(where), nearest.path if nearest else None))
    return tuple(out)


def r_dependencies(ctx: Context) -> RDependencies:
    """Fact provider: the packages the repository's R code uses, and which are undeclared."""
    units = [u for u in code_units(ctx.snapshot, R) if u.path.rsplit("/", 1)[-1] != "install.R"]
    uses = [use for unit in units for use in r_source.package_uses(unit)]
    found = r_source.declarations(ctx.snapshot)
    named = [u for u in uses if u.package]
    packages = tuple(dict.fromkeys(u.package for u in named if u.package not in BASE_R))
    remotes: dict[str, str] = {}
    readmes = [p for p in ctx.snapshot.files if p.rsplit("/", 1)[-1].lower().startswith("readme")]
    for text in [u.text for u in units] + [ctx.snapshot.read_text(p).text for p in readmes]:
        remotes.update(r_source.github_sources(text))
    texts = []
    for declaration in found:
        if declaration.kind in ("DESCRIPTION", "install.R") and declaration.problem is None:
            texts.append((declaration.path, ctx.snapshot.read_text(declaration.path).text))
    return RDependencies(
        units=len(units),
        files=len({u.path for u in units}),
        packages=packages,
        declarations=found,
        undeclared=r_undeclared(named, found),
        dynamic=tuple(u for u in uses if not u.package),
        texts=tuple(texts),
        remotes=tuple(sorted(remotes.items())),
    )


@dataclass(frozen=True)
class JuliaUndeclared:
    package: str
    sites: tuple[JuliaUse, ...]
    project: str | None  # the Project.toml that should name it, None when there is none


@dataclass(frozen=True)
class JuliaDependencies:
    files: int
    packages: tuple[str, ...]  # every non-stdlib package used
    projects: tuple[JuliaProject, ...]
    undeclared: tuple[JuliaUndeclared, ...] = ()


def _project_of(projects: tuple[JuliaProject, ...], path: str) -> JuliaProject | None:
    covering = [p for p in projects if p.covers(path)]
    return max(covering, key=lambda p: len(p.folder), default=None)


def julia_undeclared(
    uses: list[JuliaUse], projects: tuple[JuliaProject, ...], local: frozenset[str]
) -> tuple[JuliaUndeclared, ...]:
    sites: dict[tuple[str, str | None], list[JuliaUse]] = {}
    for use in uses:
        if use.package in julia_source.STDLIB or use.package in local:
            continue
        project = _project_of(projects, use.path)
        declared = set(project.deps) if project else set()
        if project is not None:
            declared.add(project.name or "")
            if use.path.startswith(f"{project.folder}/test/".lstrip("/")):
                declared |= project.extras
        if use.package not in declared:
            key = (use.package, project.path if project else None)
            sites.setdefault(key, []).append(use)
    return tuple(JuliaUndeclared(p, tuple(s), where) for (p, where), s in sites.items())


def julia_dependencies(ctx: Context) -> JuliaDependencies:
    """Fact provider: the packages the repository's Julia code loads, and which no
    Project.toml declares."""
    units = list(code_units(ctx.snapshot, JULIA))
    uses = [use for unit in units for use in julia_source.package_uses(unit)]
    local = julia_source.local_modules(units)
    projects = julia_source.projects(ctx.snapshot)
    usable = tuple(p for p in projects if p.problem is None)
    packages = tuple(
        dict.fromkeys(u.package for u in uses if u.package not in julia_source.STDLIB | local)
    )
    return JuliaDependencies(
        files=len({u.path for u in units}),
        packages=packages,
        projects=projects,
        undeclared=julia_undeclared(uses, usable, local),
    )
