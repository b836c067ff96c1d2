"""Build checks: the code builds (BLD001) and the package imports with what it declares
(BLD002)."""

from __future__ import annotations

import sys

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
from reprobot.checks.environment.fresh import fresh_environment
from reprobot.checks.families.build.compile import SYNTAX, CompileProblem, static_build
from reprobot.checks.families.build.import_run import import_run
from reprobot.checks.families.build.package import package_build, wheel_build
from reprobot.checks.families.build.words import (
    build_failure,
    built,
    compile_failure,
    compile_finding,
    compiled,
    import_failures,
    not_built_here,
    not_read,
)
from reprobot.checks.manifests import Manifest, manifest

MAX_FINDINGS = 25


class BLD001(Check):
    """The code builds

    A package (a `pyproject.toml` with a build backend, or `setup.py`/`setup.cfg`) must
    build its source distribution and wheel in a clean copy of the last commit, exactly as
    `uv build` or `python -m build` would for anyone installing it. Scripts and notebooks
    must at least byte-compile, and every notebook must be a valid Jupyter notebook
    (nbformat). Code is compiled, never run, so a file that fails is named with its line.

    Python 2 code (print statements, `except X, e`, backticks) cannot run on any Python
    that is still supported: port it, with `2to3` as a start.
    """

    # The sdist builds in the background while the environment is used: judged last.
    after = frozenset({"TST002", "NBK001", "RUN001"})

    def evaluate(self, ctx: Context) -> Outcome:
        static = ctx.fact(static_build)
        found = ctx.fact(manifest)
        if not (static.compiled_scripts or static.compiled_notebooks or found.package):
            if static.unread:
                return skipped(f"nothing to build could be read: {not_read(static)}")
            if static.other_languages:
                return skipped(f"no Python code to build: {compiled(static)}")
            return skipped("no Python code, notebooks or package to build")
        problems = static.failures
        findings = [compile_finding(p) for p in problems[:MAX_FINDINGS]]
        message, fixes = compile_failure(problems)
        messages = [message] if message else []
        built_note = ""
        if found.package:
            build = ctx.fact(package_build)
            here = None if build.ok else not_built_here(build)
            if here is not None and not messages:
                return errored(here)  # a problem of this machine, not of the repository
            if build.ok:
                built_note = built(build)
            elif here is not None:
                messages.append(here)
            else:
                failure, more, fix = build_failure(build, found.package_file or "pyproject.toml")
                messages.append(failure)
                findings += more
                fixes += fix
        if messages:
            return _not_built(messages, findings, fixes, problems, found)
        summary = ", ".join(s for s in (built_note, compiled(static)) if s)
        notes = tuple(Finding(p.message, p.path) for p in static.problems if p not in problems)
        return passed(summary, findings=notes)


def _not_built(
    messages: list[str],
    findings: list[Finding],
    fixes: tuple[Fix, ...],
    problems: tuple[CompileProblem, ...],
    found: Manifest,
) -> Outcome:
    """Failed; or warned when only syntax fails and the project asks for a newer Python."""
    newer = _needs_newer_python(found)
    if newer and all(p.kind == SYNTAX for p in problems) and not found.package:
        return warned(
            f"{'; '.join(messages)} (reprobot compiled with Python "
            f"{sys.version_info.major}.{sys.version_info.minor}; {newer})",
            findings=tuple(findings),
        )
    return failed("; ".join(messages), findings=tuple(findings), fixes=fixes)


def _needs_newer_python(found: Manifest) -> str | None:
    """Why the code may use syntax newer than the Python compiling it, if it may."""
    request = found.python
    spec = request.specifier if request is not None else None
    if request is None or spec is None:
        return None
    running = f"{sys.version_info.major}.{sys.version_info.minor}.{sys.version_info.micro}"
    if spec.contains(running, prereleases=True):
        return None
    return f"the project asks for {request.source}"


class BLD002(Check):
    """The package imports with only what it declares

    After installing the package into a fresh environment with its declared dependencies
    only (no extras, no test or development tools), `import <package>` runs from outside
    the source tree. This is where real packages fail after building and installing
    cleanly: a module imported at the top level that is only an optional extra or not
    declared at all, `pkg_resources` from a setuptools that no longer ships it, or Python
    2 code. Declare the distribution, or move the import into the function that needs it.
    The wheel is imported whether or not the sdist built (BLD001 says that).
    """

    requires = frozenset({"DEP003"})

    def evaluate(self, ctx: Context) -> Outcome:
        found = ctx.fact(manifest)
        if not found.package:
            return skipped("not a package: there is nothing to import as a distribution")
        wheel = ctx.fact(wheel_build)
        if wheel.wheel is None or wheel.outcome is None or not wheel.outcome.ok:
            return skipped("skipped because the wheel did not build (see BLD001)")
        env = ctx.fact(fresh_environment)
        if env.python is None or not env.project_installed:
            return skipped("the package is not installed in the fresh environment (see DEP003)")
        run = ctx.fact(import_run)
        if not run.names:
            return failed(
                "the built package installs no importable module",
                findings=(Finding("check the package discovery settings", found.package_file),),
            )
        if run.failures:
            message, findings, fixes = import_failures(run.failures, found, env.installed)
            return failed(message, findings=findings, fixes=fixes)
        shown = ", ".join(f"`{n}`" for n in run.names)
        verb = "imports" if len(run.names) == 1 else "import"
        return passed(f"{shown} {verb} in the fresh environment")
