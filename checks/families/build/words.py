"""What the build checks say: compile problems, a failed package build and failed imports,
in plain words, with the fixes (their descriptions are templates)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from packaging.utils import canonicalize_name

from reprobot.checks.core.model import Finding, Fix
from reprobot.checks.core.templates import render
from reprobot.checks.core.words import plural
from reprobot.checks.families.build.compile import NOTEBOOK, PYTHON2, CompileProblem, StaticBuild
from reprobot.checks.families.build.import_failure import (
    ImportFailure,
    declared_in_extra,
    distribution_for,
)
from reprobot.checks.families.build.package import PackageBuild, backend_error
from reprobot.checks.manifests import Manifest

LOG_LINES = 30


def _describe(template: str, **values: Any) -> str:
    """A fix's description, from `checks/templates/<template>`."""
    return render(template, **values).rstrip("\n")


def compile_finding(problem: CompileProblem) -> Finding:
    if problem.cell is not None:  # a cell's line is not a line of the .ipynb file
        at = f"cell {problem.cell}" + (f", line {problem.line}" if problem.line else "")
        return Finding(f"{at}: {problem.message}", problem.path)
    return Finding(problem.message, problem.path, problem.line)


def _python2(py2: Sequence[CompileProblem]) -> tuple[str, Fix]:
    files = sorted({p.path for p in py2 if p.path.endswith(".py")})
    constructs = ", ".join(sorted({p.message.removeprefix("Python 2 code: ") for p in py2}))
    message = (
        f"Python 2 code in {plural(len({p.path for p in py2}), 'file')}: {constructs}, "
        f"first at {py2[0].where}; run `2to3` or port it to Python 3"
    )
    fix = Fix(
        "Port the Python 2 code to Python 3",
        _describe("build-port-python2.md.j2"),
        commands=(f"2to3 --write --nobackups {' '.join(files)}",) if files else (),
    )
    return message, fix


def compile_failure(problems: tuple[CompileProblem, ...]) -> tuple[str, tuple[Fix, ...]]:
    """(message, fixes) for the files that do not compile; an empty message for none."""
    py2 = [p for p in problems if p.kind == PYTHON2]
    notebooks = {p.path for p in problems if p.kind == NOTEBOOK}
    broken = {p.path for p in problems if p.kind not in (PYTHON2, NOTEBOOK)}
    parts: list[str] = []
    fixes: list[Fix] = []
    if py2:
        message, fix = _python2(py2)
        parts.append(message)
        fixes.append(fix)
    if broken:
        first = next(p for p in problems if p.path in broken)
        verb = "does" if len(broken) == 1 else "do"
        parts.append(
            f"{plural(len(broken), 'file')} {verb} not compile ({first.where}: {first.message})"
        )
    if notebooks:
        first = next(p for p in problems if p.path in notebooks)
        parts.append(
            f"{plural(len(notebooks), 'notebook')} "
            f"{'is' if len(notebooks) == 1 else 'are'} not valid ({first.where}: {first.message})"
        )
    return "; ".join(parts), tuple(fixes)


def compiled(static: StaticBuild) -> str:
    """`3 Python files and 1 notebook compile`, then what could not be read (`1 notebook
    was not read: nb.ipynb is a link ...`); nothing when there is neither."""
    scripts, notebooks = static.compiled_scripts, static.compiled_notebooks
    counted = [
        plural(len(scripts), "Python file") if scripts else "",
        plural(len(notebooks), "notebook") if notebooks else "",
    ]
    what = " and ".join(c for c in counted if c)
    total = len(scripts) + len(notebooks)
    parts = [f"{what} {'compiles' if total == 1 else 'compile'}"] if what else []
    others = static.other_languages
    if others:
        kernels = ", ".join(
            sorted({p.message.removeprefix("a ").removesuffix(" notebook") for p in others})
        )
        is_are = "is" if len(others) == 1 else "are"
        parts.append(
            f"{plural(len(others), 'notebook')} in another language ({kernels}) {is_are} "
            "valid; their cells are not Python and were not compiled"
        )
    if static.unread:
        parts.append(not_read(static))
    return "; ".join(parts)


def not_read(static: StaticBuild) -> str:
    """`2 files were not read (first: x.py is a link that points outside the repository)`."""
    unread = static.unread
    notebooks = sum(p.path.endswith(".ipynb") for p in unread)
    noun = "notebook" if notebooks == len(unread) else "Python file" if not notebooks else "file"
    first = unread[0].message.removesuffix("; not read")
    lead = "first: " if len(unread) > 1 else ""
    verb = "was" if len(unread) == 1 else "were"
    return f"{plural(len(unread), noun)} {verb} not read, so not compiled ({lead}{first})"


def built(build: PackageBuild) -> str:
    assert build.sdist is not None and build.wheel is not None
    return f"built {build.sdist.name} and {build.wheel.name}"


def not_built_here(build: PackageBuild) -> str | None:
    """Why the package could not be built on this machine, through no fault of the
    repository (a problem of the clean room or of the network); None when it could."""
    if build.problem is not None:
        return f"the package could not be built here: {build.problem}"
    why = backend_error(build.output)
    if build.network_failed:
        return (
            f"the build backend needed the network and could not reach it ({why}); "
            "run again where it can"
        )
    if build.version_from_git_failed and not build.git:
        return (
            f"the package reads its version from git, and the clean room could not be given "
            f"the git metadata ({why})"
        )
    return None


def _shallow(build: PackageBuild, why: str) -> tuple[str, tuple[Fix, ...]]:
    """The version comes from git tags that a shallow checkout does not have."""
    message = (
        f"the package reads its version from git tags, and this checkout is shallow: it has "
        f"neither the tags nor the history to compute it ({why})"
    )
    fix = Fix(
        "Check out the whole history",
        _describe("build-shallow.md.j2", backend=build.backend),
        commands=("git fetch --unshallow --tags",),
    )
    return message, (fix,)


def build_failure(
    build: PackageBuild, package_file: str
) -> tuple[str, list[Finding], tuple[Fix, ...]]:
    """(message, findings, fixes) for a package that did not build."""
    if build.problem is not None:
        return f"the package could not be built here: {build.problem}", [], ()
    outcome = build.outcome
    log = outcome.output if outcome is not None else ""
    if outcome is not None and outcome.timed_out:
        why = f"the build did not finish within {outcome.seconds:.0f} s (`build.timeout`)"
    else:
        why = backend_error(log)
    tail = outcome.tail(LOG_LINES) if outcome is not None else ""
    if build.version_from_git_failed and build.shallow:
        message, shallow_fixes = _shallow(build, why)
        return message, [Finding(f"build log (last lines):\n{tail}", package_file)], shallow_fixes
    fixes: tuple[Fix, ...] = ()
    missing = re.search(r"No module named '([\w.]+)'", why)
    if missing:
        dist = distribution_for(missing.group(1))
        description = _describe("build-requirement.md.j2", dist=dist)
        fixes = (Fix(f"Declare {dist} as a build requirement", description),)
    return (
        f"the package does not build with {build.backend}: {why}",
        [Finding(f"build log (last lines):\n{tail}", package_file)],
        fixes,
    )


def _extras(found: Manifest) -> dict[str, set[str]]:
    extras: dict[str, set[str]] = {}
    for declared in found.requirements:
        if declared.scope.startswith("extra:") and declared.name:
            extras.setdefault(declared.scope[6:], set()).add(canonicalize_name(declared.name))
    return extras


def _missing_module(
    failure: ImportFailure, missing: str, at: str, extras: dict[str, set[str]], where_to: str
) -> tuple[str, Fix]:
    """Why `import name` needs a module that is not installed, and the fix."""
    dist = distribution_for(missing)
    extra = declared_in_extra(missing, extras)
    if extra is not None:
        reason = (
            f"`import {failure.name}` needs `{missing}`{at}, declared only in "
            f"the optional extra `{extra}`"
        )
        description = _describe(
            "build-optional-import.md.j2", missing=missing, extra=extra, dist=dist, where=where_to
        )
        return reason, Fix(f"Import {missing} only where it is needed", description)
    reason = f"`import {failure.name}` needs `{missing}`{at}, which is not declared"
    description = _describe("build-declare.md.j2", missing=missing, dist=dist, where=where_to)
    return reason, Fix(f"Declare {dist}", description)


def import_failures(
    failures: Sequence[ImportFailure], found: Manifest, installed: Mapping[str, str]
) -> tuple[str, tuple[Finding, ...], tuple[Fix, ...]]:
    """(message, findings, fixes) for the imports that failed in the fresh environment."""
    reasons: list[str] = []
    fixes: list[Fix] = []
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
            description = _describe("build-pkg-resources.md.j2", where=where_to)
            fixes.append(Fix("Stop depending on pkg_resources", description))
        elif failure.missing is not None:
            reason, fix = _missing_module(failure, failure.missing, at, extras, where_to)
            reasons.append(reason)
            fixes.append(fix)
        elif failure.python2 is not None:
            reasons.append(
                f"`import {failure.name}` fails on Python 2 code{at}: {failure.python2}; "
                "run `2to3` or port it"
            )
        else:
            reasons.append(f"`import {failure.name}` fails{at}: {failure.error}")
    findings = tuple(Finding(f.error, f.path, f.line) for f in failures)
    return "; ".join(reasons), findings, tuple(fixes)
