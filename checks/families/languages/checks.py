"""Languages checks: which languages the code is in and what was examined of each, the R and
Julia packages it needs against what the repository declares, and whether the R code parses."""

from __future__ import annotations

from reprobot.checks.core.check import Check, Context
from reprobot.checks.core.model import (
    Finding,
    Fix,
    Outcome,
    errored,
    failed,
    passed,
    skipped,
    warned,
)
from reprobot.checks.core.templates import render
from reprobot.checks.core.words import plural, where
from reprobot.checks.families.languages.facts import (
    JuliaDependencies,
    RDependencies,
    RUndeclared,
    julia_dependencies,
    r_dependencies,
)
from reprobot.checks.families.languages.fixes import julia_fix, r_fix
from reprobot.checks.families.languages.rparse import r_parse
from reprobot.checks.repo.languages import LanguageFiles, languages

MAX_FINDINGS = 50
# What examines each language; a language not listed is reported as not examined.
EXAMINED = {
    "Python": "dependencies, build, tests and paths (DEP, BLD, TST, PTH001)",
    "R": "packages (LNG002), parsing (LNG003) and paths (PTH001)",
    "Julia": "packages (LNG004) and paths (PTH001)",
    "MATLAB": "paths only (PTH001)",
    "Stata": "paths only (PTH001)",
    "Shell": "paths only (PTH001)",
}


def _at(path: str, line: int | None, cell: int | None) -> tuple[str, int | None, str]:
    """(path, line, prefix) of a finding: in a notebook the line goes into the message."""
    if cell is None:
        return path, line, ""
    return path, None, f"cell {cell}, line {line}: " if line else f"cell {cell}: "


def _files(found: LanguageFiles) -> str:
    return f"{found.language} ({plural(found.count, 'file')})"


class LNG001(Check):
    """Every language in the repository is examined

    reprobot reads Python in depth, the packages and syntax of R, the packages of Julia,
    and the paths in MATLAB, Stata and shell code. Code in any other language (C++, Fortran,
    SAS, ...) is listed here as not examined: nothing was checked about it, so it cannot be
    said to be reproducible. Describe in the README what it needs and how to run it.
    """

    def evaluate(self, ctx: Context) -> Outcome:
        found = ctx.fact(languages)
        if not found:
            return skipped("no code in any language reprobot knows")
        findings = tuple(
            Finding(
                f"{_files(f)}: "
                + (
                    f"examined for {EXAMINED[f.language]}"
                    if f.language in EXAMINED
                    else "not examined"
                ),
                f.examples[0],
            )
            for f in found
        )
        unexamined = [f for f in found if f.language not in EXAMINED]
        examined = [f for f in found if f.language in EXAMINED]
        said = "; ".join(f"{_files(f)}: {EXAMINED[f.language]}" for f in examined)
        if not unexamined:
            return passed(said, findings=findings)
        names = ", ".join(_files(f) for f in unexamined)
        return warned(
            f"not examined: {names}" + (f"; examined: {said}" if said else ""),
            findings=findings,
            fixes=(
                Fix(
                    "Describe how to build and run the code reprobot cannot examine",
                    render("languages-unchecked.md.j2", names=names).strip(),
                ),
            ),
        )


def _r_finding(missing: RUndeclared) -> Finding:
    first = missing.sites[0]
    path, line, prefix = _at(first.path, first.line, first.cell)
    how = "`::`" if first.how == "::" else f"`{first.how}()`"
    more = len(missing.sites) - 1
    also = f" (and {plural(more, 'more place')})" if more else ""
    return Finding(
        f"{prefix}`{missing.package}` is used through {how} but not declared{also}", path, line
    )


def _r_fixes(deps: RDependencies, root_name: str) -> tuple[Fix, ...]:
    kinds = {d.path: d.kind for d in deps.declarations}
    texts = dict(deps.texts)
    groups: dict[str | None, list[str]] = {}
    for missing in deps.undeclared:
        groups.setdefault(missing.target, []).append(missing.package)
    locked = any(d.kind == "renv.lock" for d in deps.declarations)
    return tuple(
        r_fix(
            kinds.get(target or ""),
            target,
            packages,
            texts.get(target or "", ""),
            root_name,
            lock=locked,
            remotes=dict(deps.remotes),
        )
        for target, packages in groups.items()
    )


class LNG002(Check):
    """The R packages the code uses are declared

    An R script that calls `library(dplyr)` runs only where someone installed dplyr by
    hand, and nobody can tell which version it was. Declare every package the code loads
    (`library()`, `require()`, `requireNamespace()`, `p_load()`) or calls into (`pkg::fn`):
    in a `DESCRIPTION` file (`Imports:`), or with renv, whose `renv.lock` also pins the
    versions (`renv::init()`, then `renv::snapshot()` after each change). Base and
    recommended packages (stats, utils, MASS, Matrix, ...) come with R and need no line.
    """

    def evaluate(self, ctx: Context) -> Outcome:
        deps = ctx.fact(r_dependencies)
        if not deps.units:
            return skipped("no R code")
        broken = [d for d in deps.declarations if d.problem]
        if broken:
            return failed(
                broken[0].problem or f"{broken[0].path} could not be read",
                findings=tuple(Finding(d.problem or "", d.path, d.line) for d in broken),
            )
        if deps.undeclared:
            names = ", ".join(m.package for m in deps.undeclared[:10])
            more = len(deps.undeclared) - 10
            sources = ", ".join(sorted({d.path for d in deps.declarations}))
            declared = f"in {sources}" if sources else "(no DESCRIPTION, renv.lock or install.R)"
            return failed(
                f"{plural(len(deps.undeclared), 'R package')} used but not declared "
                f"{declared}: {names}" + (f" and {more} more" if more > 0 else ""),
                findings=tuple(_r_finding(m) for m in deps.undeclared[:MAX_FINDINGS]),
                fixes=_r_fixes(deps, ctx.root.name),
            )
        scanned = f"{plural(deps.files, 'R file')} read"
        if deps.dynamic:
            places = ", ".join(where(*_at(u.path, u.line, u.cell)[:2]) for u in deps.dynamic[:5])
            return warned(
                f"{plural(len(deps.dynamic), 'package load')} by a name held in a variable "
                f"could not be read ({places}); make sure each such package is declared",
                findings=tuple(
                    Finding(
                        f"{_at(u.path, u.line, u.cell)[2]}`{u.how}()` of a variable",
                        *_at(u.path, u.line, u.cell)[:2],
                    )
                    for u in deps.dynamic[:MAX_FINDINGS]
                ),
            )
        if not deps.packages:
            return passed(f"the R code uses only base R packages ({scanned})")
        sources = ", ".join(sorted({d.path for d in deps.declarations}))
        return passed(
            f"{plural(len(deps.packages), 'R package')} used, all declared in {sources} ({scanned})"
        )


class LNG003(Check):
    """The R code parses

    R stops at the first syntax error, so a script that does not parse produces none of
    its results. Each R script, R Markdown and Quarto chunk and R notebook cell is given to
    R's own `parse()` (nothing is run). Run `Rscript -e 'parse("file.R")'` to see the error
    and correct the code at the line shown.
    """

    def evaluate(self, ctx: Context) -> Outcome:
        deps = ctx.fact(r_dependencies)
        if not deps.units:
            return skipped("no R code")
        parse = ctx.fact(r_parse)
        if parse.rscript is None:
            return skipped("R is not installed here: the R files were not parsed")
        if parse.problem is not None:
            return errored(parse.problem)
        if parse.errors:
            first = parse.errors[0]
            findings = []
            for error in parse.errors[:MAX_FINDINGS]:
                path, line, prefix = _at(error.path, error.line, error.cell)
                findings.append(Finding(f"{prefix}{error.message}", path, line))
            return failed(
                f"{plural(len(parse.errors), 'R unit')} do not parse, first at "
                f"{where(first.path, first.line, first.cell)}: {first.message}",
                findings=tuple(findings),
            )
        return passed(f"{plural(parse.units, 'R unit')} parse ({parse.rscript})")


def _julia_outcome(deps: JuliaDependencies) -> Outcome | None:
    """A failure for broken or stale project files, None when they are sound."""
    for project in deps.projects:
        if project.problem:
            return failed(
                project.problem, findings=(Finding(project.problem, project.path, project.line),)
            )
    for project in deps.projects:
        if project.manifest is None:
            continue
        missing = sorted(project.deps - project.manifest_names)
        if missing:
            command = "julia --project=. -e 'using Pkg; Pkg.resolve()'"
            if project.folder:
                command = f"cd {project.folder} && {command}"
            return failed(
                f"{project.manifest} is out of date: it lacks {', '.join(missing)}, which "
                f"{project.path} needs",
                findings=(Finding(f"does not list {', '.join(missing)}", project.manifest),),
                fixes=(
                    Fix(
                        "Bring the Manifest up to date",
                        "Pkg.resolve() rewrites it.",
                        commands=(command,),
                    ),
                ),
            )
    return None


class LNG004(Check):
    """The Julia packages the code loads are declared in Project.toml

    `using Plots` works only when the active project's `Project.toml` lists Plots under
    `[deps]`; a package that is installed on your machine but not listed fails everywhere
    else. Add each package with Pkg (`Pkg.add("Plots")`), which writes `Project.toml` and a
    `Manifest.toml` that pins the exact versions, and commit both. The standard library
    (LinearAlgebra, Statistics, Random, Dates, ...) needs no line.
    """

    def evaluate(self, ctx: Context) -> Outcome:
        deps = ctx.fact(julia_dependencies)
        if not deps.files:
            return skipped("no Julia code")
        broken = _julia_outcome(deps)
        if broken is not None:
            return broken
        if deps.undeclared:
            findings = []
            for missing in deps.undeclared[:MAX_FINDINGS]:
                first = missing.sites[0]
                path, line, prefix = _at(first.path, first.line, first.cell)
                named = missing.project or "no Project.toml"
                message = f"{prefix}`using {missing.package}` but {named} does not declare it"
                findings.append(Finding(message, path, line))
            groups: dict[str | None, list[str]] = {}
            for missing in deps.undeclared:
                groups.setdefault(missing.project, []).append(missing.package)
            names = list(dict.fromkeys(m.package for m in deps.undeclared))
            return failed(
                f"{plural(len(names), 'Julia package')} loaded but not declared: "
                + ", ".join(names),
                findings=tuple(findings),
                fixes=tuple(julia_fix(project, packages) for project, packages in groups.items()),
            )
        applications = [
            p for p in deps.projects if not p.is_package and p.manifest is None and p.deps
        ]
        if applications and deps.packages:
            project = applications[0]
            command = "julia --project=. -e 'using Pkg; Pkg.resolve()'"
            if project.folder:
                command = f"cd {project.folder} && {command}"
            return warned(
                f"{project.path} declares the packages, but no Manifest.toml pins their versions",
                findings=(Finding("no Manifest.toml beside it", project.path),),
                fixes=(
                    Fix(
                        "Write and commit Manifest.toml",
                        "Pkg.resolve() writes the exact versions it resolves.",
                        commands=(command,),
                    ),
                ),
            )
        if not deps.packages:
            return passed(
                f"the Julia code uses only the standard library ({plural(deps.files, 'file')} read)"
            )
        sources = ", ".join(p.path for p in deps.projects)
        return passed(
            f"{plural(len(deps.packages), 'Julia package')} loaded, all declared in {sources}"
        )
