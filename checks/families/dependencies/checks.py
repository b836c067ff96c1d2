"""Dependency checks: would the repository's environment install for a stranger today?"""

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
from reprobot.checks.core.words import plural
from reprobot.checks.environment.build import package_build
from reprobot.checks.environment.failures import InstallFailure, classify
from reprobot.checks.environment.fresh import FreshEnvironment, fresh_environment
from reprobot.checks.families.dependencies.conda_env import (
    conda_environment,
    conda_packages,
    pypi_counterparts,
)
from reprobot.checks.families.dependencies.locks import committed_locks
from reprobot.checks.families.dependencies.python_code import python_code
from reprobot.checks.families.dependencies.undeclared import (
    Undeclared,
    declaration,
    undeclared,
    undeclared_imports,
)
from reprobot.checks.families.dependencies.words import (
    conda_verdict,
    consistency_findings,
    consistency_message,
    failure_findings,
    failure_fixes,
    failure_message,
    fix_words,
    installed_message,
    lock_fix,
    not_python_words,
    other_recipes,
    undeclared_findings,
    undeclared_fix,
    unknown_words,
)
from reprobot.checks.manifests import Manifest, manifest
from reprobot.checks.repo.imports import imports


class DEP001(Check):
    """The dependencies are declared

    Someone who clones the repository needs to know what to install. Declare every
    third-party package the code uses in a manifest that tools can read:
    `requirements.txt`, `pyproject.toml`, `environment.yml` or a `Pipfile`. Without one,
    the code runs only on the machine it was written on.
    """

    def evaluate(self, ctx: Context) -> Outcome:
        found = ctx.fact(manifest)
        if found.declared:
            return _declared(found)
        if (why := _not_python(ctx, found)) is not None:
            return skipped(why)
        return _nothing_declared(undeclared_imports(ctx.fact(imports), found))


def _not_python(ctx: Context, found: Manifest) -> str | None:
    """Why the Python dependency checks do not apply: no Python recipe and no Python code
    (an R or Julia analysis); None when they do."""
    if found.declared:
        return None
    code = ctx.fact(python_code)
    if code.any:
        return None
    return not_python_words(code.other_notebooks)


def _declared(found: Manifest) -> Outcome:
    files = ", ".join(found.files)
    if found.problems:
        recipe = ", ".join(r.path for r in found.recipes if r.role == "primary") or files
        return failed(
            f"{plural(len(found.problems), 'line')} in {recipe} cannot be read by pip "
            "or uv, so the install stops there",
            findings=found.problems,
        )
    if found.other_problems:
        return warned(
            f"{other_recipes(found)}: {plural(len(found.other_problems), 'line')} there "
            "cannot be read (the install a stranger follows is not affected)",
            findings=found.other_problems,
        )
    if found.portability:
        path = found.portability[0].path or "environment.yml"
        fix = Fix(
            f"Make {path} portable",
            render("conda-export.md.j2", path=path),
            commands=(f"conda env export --from-history > {path}",),
        )
        return warned(
            f"{path} is an exported environment that installs only on the machine it came from",
            findings=found.portability,
            fixes=(fix,),
        )
    count = len(found.requirements) + len(found.unverified)
    message = f"declared in {files} ({plural(count, 'requirement')})"
    if len(found.recipes) > 1 and found.chosen_because:
        primary = ", ".join(r.path for r in found.recipes if r.role == "primary")
        message += f"; {primary} checked first: {found.chosen_because}"
    return passed(message)


def _nothing_declared(missing: tuple[Undeclared, ...]) -> Outcome:
    required = [m for m in missing if not m.optional]
    if not required:
        return passed(
            "no manifest, and none needed: the code imports only the standard library "
            "and its own modules"
        )
    lines = sorted({m.distribution for m in required if m.known}, key=str.lower)
    unknown = sorted({m.module for m in required if not m.known}, key=str.lower)
    findings = tuple(
        Finding(
            f"imports {m.module} (distribution {m.distribution})"
            if m.known
            else f"imports {m.module}: {unknown_words(m)}",
            s.path,
            s.line,
        )
        for m in required
        for s in m.sites[:1]
    )
    said = ", ".join([*lines, *(f"`{u}` (distribution unknown)" for u in unknown)])
    count = len(lines) + len(unknown)
    if not lines:
        return failed(
            f"nothing declares what the code needs: it imports "
            f"{plural(count, 'third-party package')} ({said})",
            findings=findings,
        )
    fix = Fix(
        "Add a requirements.txt",
        fix_words("requirements"),
        {"requirements.txt": render("requirements.txt.j2", lines=lines)},
    )
    return failed(
        f"nothing declares what the code needs: it imports "
        f"{plural(count, 'third-party package')} ({said})",
        findings=findings,
        fixes=(fix,),
    )


class DEP002(Check):
    """The dependencies resolve

    reprobot asks uv to find one version of every declared distribution and of everything
    they need, for the Python the repository asks for, from the package index. This fails
    when a name does not exist (often a typo, or an import name such as `sklearn` used
    instead of the distribution `scikit-learn`), when no version matches a pin, when a
    distribution has no wheel for this Python, or when two requirements contradict each
    other. Each failure names the distribution and the manifest line that asked for it.
    """

    requires = frozenset({"DEP001"})

    def evaluate(self, ctx: Context) -> Outcome:
        env = ctx.fact(fresh_environment)
        if env.problem is not None:
            return errored(env.problem)
        if (why := _not_python(ctx, env.manifest)) is not None:
            return skipped(why)
        note = f" ({env.python_note})" if env.python_note else ""
        if env.resolve is None:
            return _nothing_to_resolve(ctx, env, note)
        if env.install is not None:
            count = env.resolved
            return passed(
                f"{plural(count, 'distribution')} resolved for Python {env.python_version}{note}"
            )
        return _resolution_failed(classify(env.resolve), env, note)


def _resolution_failed(failure: InstallFailure, env: FreshEnvironment, note: str) -> Outcome:
    """DEP002 when uv could not resolve: the machine's failure is an error, not the
    repository's; a build needed to read requirements is DEP003's to judge."""
    if failure.infrastructure:
        return errored(failure.summary)
    if failure.kind == "build":
        return warned(
            f"resolution stopped: {failure.summary}, and its requirements cannot be read "
            "without building it (see DEP003)"
        )
    return failed(
        failure_message(failure, env) + note,
        findings=failure_findings(failure, env),
        fixes=failure_fixes(failure, env),
    )


def _nothing_to_resolve(ctx: Context, env: FreshEnvironment, note: str) -> Outcome:
    """DEP002 when uv had nothing to resolve: nothing declared, only conda packages (which
    a conda tool may resolve), or only the standard library needed."""
    if env.venv is None:
        return skipped("nothing is declared, so there is nothing to resolve")
    if conda := conda_packages(env.manifest):
        return conda_verdict(ctx.fact(conda_environment), conda, None, resolve_only=True)
    # DEP001 passed: the code needs only the standard library.
    return passed(f"nothing to resolve: Python {env.python_version}{note} is all it needs")


def _nothing_to_install(ctx: Context, env: FreshEnvironment) -> Outcome:
    """DEP003 when uv had nothing to install: only conda packages, or nothing at all."""
    if env.venv is None:
        return skipped("nothing to install")
    if conda := conda_packages(env.manifest):
        return conda_verdict(ctx.fact(conda_environment), conda, ctx.fact(pypi_counterparts))
    return passed(f"nothing to install: a fresh Python {env.python_version} environment")


class DEP003(Check):
    """The dependencies install in a fresh environment

    Resolving is not installing: a distribution without a wheel for this platform is built
    from source, which needs compilers and system libraries a stranger may not have. The
    install runs in a new virtual environment, as an unprivileged user with an empty home
    directory and no access to secrets. The conda packages of an environment file are
    installed with micromamba, mamba or conda where the machine
    has one (GitHub's runners do); elsewhere they are listed as not verified, with those
    that have a distribution of the same name on the package index.
    """

    requires = frozenset({"DEP002"})

    def evaluate(self, ctx: Context) -> Outcome:
        env = ctx.fact(fresh_environment)
        if (why := _not_python(ctx, env.manifest)) is not None:
            return skipped(why)
        outcome = env.install
        conda = conda_packages(env.manifest)
        if env.resolve is not None and not env.resolve.ok:
            outcome = env.resolve  # a build needed to read requirements failed
        if outcome is None:
            return _nothing_to_install(ctx, env)
        if not outcome.ok:
            return _install_failed(ctx, env, classify(outcome))
        message = installed_message(env)
        if conda:
            found = ctx.fact(conda_environment)
            return conda_verdict(found, conda, ctx.fact(pypi_counterparts), prefix=message)
        return passed(message)


def _install_failed(ctx: Context, env: FreshEnvironment, failure: InstallFailure) -> Outcome:
    """DEP003 when the install failed: the repository's failure, unless the machine's."""
    if failure.infrastructure:
        return errored(failure.summary)
    log = failure.log
    if _machine_stopped_the_build(ctx, failure.kind, failure.names, env.project):
        return errored(
            f"{failure_message(failure, env)}; the build could not be done on this "
            "machine (see BLD001), so this is not the repository's failure"
        )
    return failed(
        failure_message(failure, env),
        findings=(
            *failure_findings(failure, env, uv_detail=False),
            Finding(f"install log (last lines):\n{log}"),
        ),
        fixes=failure_fixes(failure, env),
    )


class DEP004(Check):
    """The installed environment is consistent

    After the install, `uv pip check` confirms that every installed distribution's own
    requirements are met. A mismatch means a package's metadata lies or a pin overrides
    what another package needs: it may import, and then fail at run time.
    """

    requires = frozenset({"DEP003"})

    def evaluate(self, ctx: Context) -> Outcome:
        env = ctx.fact(fresh_environment)
        if env.consistency is None:
            return skipped("nothing was installed")
        if env.consistency.ok:
            return passed("every installed distribution has what it requires")
        findings = consistency_findings(env.consistency.output, env)
        return failed(consistency_message(len(findings)), findings=findings)


class DEP005(Check):
    """Every third-party import is declared

    Every package the code or the notebooks import must be declared, or a stranger's
    install misses it and the code stops at `ModuleNotFoundError`. reprobot reads every
    `import` (standard library and the repository's own modules excluded) and maps import
    names to distributions (`sklearn` is scikit-learn, `cv2` is opencv-python, `PIL` is
    Pillow); an import no known distribution provides is named as such, never guessed.
    Imports inside `try: ... except ImportError` are optional and only warned about. The
    fix declares each import where it is used: package code in the dependencies, tests
    in the test extra or dev group, docs (and a package's notebooks and examples) in a
    group of their own, optional imports in an `optional` extra.
    """

    def evaluate(self, ctx: Context) -> Outcome:
        scan = ctx.fact(imports)
        if not scan.sites and (why := _not_python(ctx, ctx.fact(manifest))) is not None:
            return skipped(why)
        missing = ctx.fact(undeclared)
        if not scan.sites and scan.problems:
            return failed("no imports could be read", findings=scan.problems)
        if not missing:
            third = len(scan.third_party())
            said = (
                f"{plural(third, 'third-party import')}, all declared"
                if third
                else "only the standard library and the repository's own modules are imported"
            )
            return passed(said, findings=scan.problems)
        required = [m for m in missing if not m.optional]
        optional = [m for m in missing if m.optional]
        findings = undeclared_findings((*required, *optional)) + scan.problems
        fix = undeclared_fix(ctx.fact(declaration))
        names = ", ".join(
            sorted({m.distribution if m.known else f"`{m.module}`" for m in required or optional})
        )
        if not required:
            return warned(f"optional imports not declared: {names}", findings=findings, fixes=fix)
        return failed(
            f"{plural(len(required), 'imported package')} not declared: {names}",
            findings=findings,
            fixes=fix,
        )


class DEP006(Check):
    """The environment is pinned

    A requirement without an exact version (`pandas` instead of `pandas==2.1.4`) installs
    whatever is newest on the day, so the same code can give other results, or stop
    working, a year later. Commit a lock file with every distribution pinned, produced
    from the environment that just resolved, and keep the loose requirements as the
    human-edited source.
    """

    def evaluate(self, ctx: Context) -> Outcome:
        found = ctx.fact(manifest)
        locks = ctx.fact(committed_locks)
        if locks:
            return passed(f"pinned by {', '.join(locks)}")
        unpinned = [d for d in found.main if not d.pinned]
        if not found.main:
            return skipped("nothing is declared to pin")
        if not unpinned:
            return passed(f"all {plural(len(found.main), 'requirement')} pinned")
        findings = tuple(
            Finding(f"`{d.requirement}` is not pinned to one version", d.path, d.line)
            for d in unpinned
        )
        env = ctx.fact(fresh_environment)
        return warned(
            f"{len(unpinned)} of {plural(len(found.main), 'requirement')} not pinned",
            findings=findings,
            fixes=(lock_fix(env, len(unpinned)),),
        )


__all__ = ["DEP001", "DEP002", "DEP003", "DEP004", "DEP005", "DEP006"]


def _machine_stopped_the_build(
    ctx: Context, kind: str, names: tuple[str, ...], project: str | None
) -> bool:
    """Whether the project's own build failed for a reason of this machine (the network,
    the clean room), which BLD001 reports as an error."""
    if kind != "build" or not names or project is None or names[0] != project:
        return False
    build = ctx.fact(package_build)
    return build.problem is not None or build.network_failed
