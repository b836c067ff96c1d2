"""Build checks: the code builds (BLD001) and the package imports with what it declares
(BLD002)."""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping

from packaging.utils import canonicalize_name

from checks.core.check import Check, Context
from checks.core.model import Finding, Fix, Outcome, failed, passed, skipped, warned
from checks.core.sandbox import sandbox_run, workspace
from checks.core.words import plural
from checks.environment.fresh import fresh_environment
from checks.families.build.compile import NOTEBOOK, PYTHON2, SYNTAX, CompileProblem, static_build
from checks.families.build.import_failure import (
    ImportFailure,
    analyse,
    declared_in_extra,
    distribution_for,
)
from checks.families.build.package import (
    backend_error,
    package_build,
    wheel_top_level,
)
from checks.families.build.settings import BuildSettings
from checks.manifests import Manifest, manifest
from checks.repo.layout import package_modules

MAX_FINDINGS = 25
LOG_LINES = 30


def _finding(problem: CompileProblem) -> Finding:
    if problem.cell is not None:  # a cell's line is not a line of the .ipynb file
        at = f"cell {problem.cell}" + (f", line {problem.line}" if problem.line else "")
        return Finding(f"{at}: {problem.message}", problem.path)
    return Finding(problem.message, problem.path, problem.line)


def _static_message(problems: tuple[CompileProblem, ...]) -> tuple[str, tuple[Fix, ...]]:
    py2 = [p for p in problems if p.kind == PYTHON2]
    notebooks = {p.path for p in problems if p.kind == NOTEBOOK}
    broken = {p.path for p in problems if p.kind not in (PYTHON2, NOTEBOOK)}
    parts: list[str] = []
    fixes: list[Fix] = []
    if py2:
        files = sorted({p.path for p in py2 if p.path.endswith(".py")})
        constructs = ", ".join(sorted({p.message.removeprefix("Python 2 code: ") for p in py2}))
        parts.append(
            f"Python 2 code in {plural(len({p.path for p in py2}), 'file')}: {constructs}, "
            f"first at {py2[0].where}; run `2to3` or port it to Python 3"
        )
        fixes.append(
            Fix(
                "Port the Python 2 code to Python 3",
                "`2to3` (shipped with Python up to 3.12) rewrites print statements, "
                "`except X, e`, backticks and the like; review its changes, then run the code.",
                commands=(f"2to3 --write --nobackups {' '.join(files)}",) if files else (),
            )
        )
    if broken:
        first = next(p for p in problems if p.path in broken)
        parts.append(
            f"{plural(len(broken), 'file')} do{'es' if len(broken) == 1 else ''} not "
            f"compile ({first.where}: {first.message})"
        )
    if notebooks:
        first = next(p for p in problems if p.path in notebooks)
        parts.append(
            f"{plural(len(notebooks), 'notebook')} "
            f"{'is' if len(notebooks) == 1 else 'are'} not valid ({first.where}: {first.message})"
        )
    return "; ".join(parts), tuple(fixes)


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

    def evaluate(self, ctx: Context) -> Outcome:
        static = ctx.fact(static_build)
        found = ctx.fact(manifest)
        if not (static.scripts or static.notebooks or found.package):
            return skipped("no Python code, notebooks or package to build")
        problems = static.failures
        findings = [_finding(p) for p in problems[:MAX_FINDINGS]]
        message, fixes = _static_message(problems)
        messages = [message] if message else []
        built_note = ""
        if found.package:
            failure, more, fix, built_note = _package_result(ctx, found)
            messages += [failure] if failure else []
            findings += more
            fixes += fix
        if messages:
            newer = _needs_newer_python(found)
            if newer and all(p.kind == SYNTAX for p in problems) and not found.package:
                return warned(
                    f"{'; '.join(messages)} (reprobot compiled with Python "
                    f"{sys.version_info.major}.{sys.version_info.minor}; {newer})",
                    findings=tuple(findings),
                )
            return failed("; ".join(messages), findings=tuple(findings), fixes=fixes)
        counted = [
            plural(len(static.scripts), "Python file") if static.scripts else "",
            plural(len(static.notebooks), "notebook") if static.notebooks else "",
        ]
        compiled = " and ".join(c for c in counted if c)
        total = len(static.scripts) + len(static.notebooks)
        verb = "compiles" if total == 1 else "compile"
        summary = ", ".join(s for s in (built_note, f"{compiled} {verb}" if compiled else "") if s)
        notes = tuple(Finding(p.message, p.path) for p in static.problems if p not in problems)
        return passed(summary, findings=notes)


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


def _package_result(
    ctx: Context, found: Manifest
) -> tuple[str | None, list[Finding], tuple[Fix, ...], str]:
    """(failure message, findings, fixes, success note) of building the package."""
    build = ctx.fact(package_build)
    package_file = found.package_file or "pyproject.toml"
    if build.problem is not None:
        return f"the package could not be built here: {build.problem}", [], (), ""
    if build.ok:
        assert build.sdist is not None and build.wheel is not None
        return None, [], (), f"built {build.sdist.name} and {build.wheel.name}"
    outcome = build.outcome
    log = outcome.output if outcome is not None else ""
    if outcome is not None and outcome.timed_out:
        why = f"the build did not finish within {outcome.seconds:.0f} s (`build.timeout`)"
    else:
        why = backend_error(log)
    tail = outcome.tail(LOG_LINES) if outcome is not None else ""
    fixes: tuple[Fix, ...] = ()
    missing = re.search(r"No module named '([\w.]+)'", why)
    if missing:
        dist = distribution_for(missing.group(1))
        fixes = (
            Fix(
                f"Declare {dist} as a build requirement",
                "The build runs in an isolated environment with only what `[build-system] "
                f"requires` lists in pyproject.toml: add `{dist}` there (for a setup.py "
                f'project: `requires = ["setuptools>=61", "{dist}"]`).',
            ),
        )
    return (
        f"the package does not build with {build.backend}: {why}",
        [Finding(f"build log (last lines):\n{tail}", package_file)],
        fixes,
        "",
    )


def _extras(found: Manifest) -> dict[str, set[str]]:
    extras: dict[str, set[str]] = {}
    for declared in found.requirements:
        if declared.scope.startswith("extra:") and declared.name:
            extras.setdefault(declared.scope[6:], set()).add(canonicalize_name(declared.name))
    return extras


def import_names(ctx: Context) -> tuple[str, ...]:
    """Fact provider: the top-level import names of the project (wheel, else layout)."""
    build = ctx.fact(package_build)
    names = wheel_top_level(build.wheel) if build.wheel is not None else ()
    return names or package_modules(ctx.snapshot)


def _failure_outcome(
    failures: list[ImportFailure], found: Manifest, installed: Mapping[str, str]
) -> Outcome:
    findings: list[Finding] = []
    fixes: list[Fix] = []
    reasons: list[str] = []
    extras = _extras(found)
    where_to = found.package_file or "pyproject.toml"
    for failure in failures:
        at = f" ({failure.path}:{failure.line})" if failure.path and failure.line else ""
        if failure.missing == "pkg_resources":
            setuptools = installed.get("setuptools")
            why = (
                f"setuptools {setuptools} is installed and no longer ships it"
                if setuptools
                else "setuptools, which ships it, is not declared"
            )
            reasons.append(f"`import {failure.name}` needs `pkg_resources`{at}: {why}")
            fixes.append(
                Fix(
                    "Stop depending on pkg_resources",
                    "Use `importlib.metadata` / `importlib.resources` instead of "
                    f"`pkg_resources`, or declare `setuptools<81` in {where_to} until then.",
                )
            )
        elif failure.missing is not None:
            dist = distribution_for(failure.missing)
            extra = declared_in_extra(failure.missing, extras)
            if extra is not None:
                reasons.append(
                    f"`import {failure.name}` needs `{failure.missing}`{at}, declared only in "
                    f"the optional extra `{extra}`"
                )
                fixes.append(
                    Fix(
                        f"Import {failure.missing} only where it is needed",
                        f"Move `import {failure.missing}` into the function that needs it (so "
                        f"the package imports without the `{extra}` extra), or make `{dist}` "
                        f"a required dependency in {where_to}.",
                    )
                )
            else:
                reasons.append(
                    f"`import {failure.name}` needs `{failure.missing}`{at}, which is not declared"
                )
                fixes.append(
                    Fix(
                        f"Declare {dist}",
                        f"Add `{dist}` to the dependencies in {where_to} (the distribution "
                        f"that provides the `{failure.missing}` module), or move the import "
                        "inside the function that needs it.",
                    )
                )
        elif failure.python2 is not None:
            reasons.append(
                f"`import {failure.name}` fails on Python 2 code{at}: {failure.python2}; "
                "run `2to3` or port it"
            )
        else:
            reasons.append(f"`import {failure.name}` fails{at}: {failure.error}")
        findings.append(Finding(failure.error, failure.path, failure.line))
    return failed("; ".join(reasons), findings=tuple(findings), fixes=tuple(fixes))


def _safe_name(name: str) -> bool:
    return all(part.isidentifier() for part in name.split("."))


class BLD002(Check):
    """The package imports with only what it declares

    After installing the package into a fresh environment with its declared dependencies
    only (no extras, no test or development tools), `import <package>` runs from outside
    the source tree. This is where real packages fail after building and installing
    cleanly: a module imported at the top level that is only an optional extra or not
    declared at all, `pkg_resources` from a setuptools that no longer ships it, or Python
    2 code. Declare the distribution, or move the import into the function that needs it.
    """

    requires = frozenset({"DEP003", "BLD001"})

    def evaluate(self, ctx: Context) -> Outcome:
        found = ctx.fact(manifest)
        if not found.package:
            return skipped("not a package: there is nothing to import as a distribution")
        env = ctx.fact(fresh_environment)
        if env.python is None or not env.project_installed:
            return skipped("the package is not installed in the fresh environment (see DEP003)")
        names = tuple(n for n in ctx.fact(import_names) if _safe_name(n))
        if not names:
            return failed(
                "the built package installs no importable module",
                findings=(Finding("check the package discovery settings", found.package_file),),
            )
        ws = ctx.fact(workspace)
        timeout = ctx.settings(BuildSettings).timeout
        failures: list[ImportFailure] = []
        for name in names:
            outcome = sandbox_run(
                ctx,
                (env.python, "-I", "-c", f"import {name}"),
                cwd=ws.home,
                timeout=min(timeout, 300.0),
                venv=env.venv,
            )
            if outcome.timed_out:
                failures.append(ImportFailure(name, f"importing took over {outcome.seconds:.0f} s"))
            elif not outcome.ok:
                failures.append(analyse(name, outcome.output, ctx.snapshot, str(ws.path)))
        if failures:
            return _failure_outcome(failures, found, env.installed)
        shown = ", ".join(f"`{n}`" for n in names)
        return passed(f"{shown} import{'s' if len(names) == 1 else ''} in the fresh environment")
