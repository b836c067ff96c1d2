"""Findings, messages and fixes for the dependency checks, in the repository's terms:
every distribution named comes with the manifest file and line that asked for it."""

from __future__ import annotations

import re
from collections.abc import Sequence

from packaging.utils import canonicalize_name

from checks.core.model import Finding, Fix
from checks.core.templates import render
from checks.core.words import plural
from checks.environment.failures import InstallFailure
from checks.environment.fresh import FreshEnvironment
from checks.environment.lock import LOCK_FILE, lock_command, lock_sources
from checks.families.dependencies.undeclared import Undeclared
from checks.manifests import Declared, Manifest
from checks.manifests.edit import Addition

_CHECK = re.compile(r"The package `([^`]+)` requires `([^`]+)`, but (?:`([^`]+)` is|it's not) ")


def declared_lines(found: Manifest, name: str) -> tuple[Declared, ...]:
    """The declarations of distribution `name`, main scope first."""
    wanted = canonicalize_name(name)
    hits = [d for d in (*found.requirements, *found.unverified) if d.name == wanted]
    return tuple(sorted(hits, key=lambda d: d.scope != "main"))


def _where(found: Manifest, name: str) -> str | None:
    hits = declared_lines(found, name)
    if not hits:
        return None
    first = hits[0]
    return f"{first.path} line {first.line}" if first.line else first.path


def _asked(found: Manifest, name: str, spec: str) -> str:
    where = _where(found, name)
    return f"{where} asks for {name}{spec}" if where else f"the repository asks for {name}{spec}"


def failure_message(failure: InstallFailure, env: FreshEnvironment) -> str:
    found = env.manifest
    names = failure.names
    if failure.kind == "missing":
        places = [f"{n} ({_where(found, n) or 'needed by another requirement'})" for n in names]
        verb = "does" if len(names) == 1 else "do"
        return f"{', '.join(places)} {verb} not exist on the package index"
    if failure.kind == "conflict" and failure.constraints:
        contested = failure.constraints[0].name
        sides = []
        for side in failure.constraints:
            if side.by is None:
                sides.append(_asked(found, contested, side.spec))
            else:
                who = re.split(r"[<>=!~]", side.by, maxsplit=1)[0]
                declared = declared_lines(found, who)
                label = declared[0].requirement if declared else side.by
                where = _where(found, who)
                sides.append(
                    f"{label}{f' ({where})' if where else ''} needs {contested}{side.spec}"
                )
        return f"{contested} is asked for in incompatible ways: " + ", but ".join(sides)
    if failure.kind == "no-version" and names:
        where = _where(found, names[-1] if len(names) > 1 else names[0])
        return failure.summary + (f" (asked for in {where})" if where else "")
    if failure.kind in ("python", "no-wheel") and names:
        where = _where(found, names[0])
        python = f" (the environment has Python {env.python_version})"
        return failure.summary + python + (f"; asked for in {where}" if where else "")
    if failure.kind == "build" and names and names[0] == env.project:
        return f"{failure.summary}: the project itself, so BLD001 says why"
    if failure.kind == "build" and names:
        where = _where(found, names[0])
        return failure.summary + (f" (asked for in {where})" if where else "")
    return failure.summary


def failure_findings(
    failure: InstallFailure, env: FreshEnvironment, *, uv_detail: bool = True
) -> tuple[Finding, ...]:
    found = env.manifest
    findings = [
        Finding(f"`{d.requirement}` is declared here", d.path, d.line)
        for name in failure.names
        for d in declared_lines(found, name)[:1]
    ]
    if uv_detail and failure.detail:
        findings.append(Finding(f"uv explains:\n{failure.detail}"))
    return tuple(findings)


# The fix's title for each kind of failure that has one; its words are in the template.
_FIX_TITLES = {
    "missing": "Correct or remove {names}",
    "conflict": "Relax one side of the conflict",
    "python": "Name the Python version the code needs",
    "no-wheel": "Name the Python version the code needs",
    "build": "Use a version of {names} that ships wheels",
}


def fix_words(fix: str, **values: str) -> str:
    """The description of a dependency fix (`fix`: a kind of failure, or `requirements`)."""
    return render("dependencies-fix.md.j2", fix=fix, **values)


def failure_fixes(failure: InstallFailure, env: FreshEnvironment) -> tuple[Fix, ...]:
    title = _FIX_TITLES.get(failure.kind)
    if title is None or (failure.kind == "build" and env.project in failure.names):
        return ()  # the project's own build is BLD001's to explain and fix
    names = ", ".join(failure.names) or "the requirement"
    fix = "python" if failure.kind == "no-wheel" else failure.kind
    description = fix_words(fix, names=names, python=env.python_version)
    return (Fix(title.format(names=names), description),)


def unverified_findings(unverified: Sequence[Declared]) -> tuple[Finding, ...]:
    return tuple(
        Finding(f"`{d.requirement}` is a conda package: not verified", d.path, d.line)
        for d in unverified
    )


def consistency_findings(output: str, env: FreshEnvironment) -> tuple[Finding, ...]:
    findings = []
    for match in _CHECK.finditer(output):
        package, needs, have = match.groups()
        state = f"{have} is installed" if have else "it is not installed"
        name = re.split(r"[<>=!~\[ ]", needs, maxsplit=1)[0]
        where = declared_lines(env.manifest, name) or declared_lines(env.manifest, package)
        path, line = (where[0].path, where[0].line) if where else (None, None)
        findings.append(Finding(f"{package} requires {needs}, but {state}", path, line))
    if not findings:
        findings.append(Finding(f"uv pip check:\n{output.strip()}"))
    return tuple(findings)


def lock_fix(env: FreshEnvironment, count: int) -> Fix:
    found = env.manifest
    command = lock_command(found)
    description = render(
        "lock.md.j2",
        count=count,
        lock=LOCK_FILE,
        python=env.python_version or "the chosen Python",
        sources=lock_sources(found),
        command=command,
    )
    files = {LOCK_FILE: env.lock} if env.lock else {}
    return Fix(f"Commit {LOCK_FILE}", description, files, (command,))


def undeclared_fix(
    addition: Addition, missing: Sequence[Undeclared], optional: Sequence[Undeclared]
) -> tuple[Fix, ...]:
    """Declaring `missing` (the required imports, else the optional ones) as `addition` says."""
    names = list(dict.fromkeys(m.distribution for m in missing))
    description = render(
        "dependencies-add.md.j2",
        lines=list(addition.lines),
        where=addition.where,
        path=addition.path,
        edited=addition.content is not None,
        optional=[m.distribution for m in optional if m not in missing],
    )
    files = {addition.path: addition.content} if addition.content is not None else {}
    title = f"Add {', '.join(names)} {addition.where}"
    return (Fix(title, description, files),)


def installed_message(env: FreshEnvironment) -> str:
    project = " and the project itself" if env.project_installed else ""
    return (
        f"{plural(len(env.installed), 'distribution')}{project} installed in a fresh "
        f"Python {env.python_version} environment"
    )


def unverified_message(unverified: Sequence[Declared]) -> str:
    return (
        f"{plural(len(unverified), 'conda package')} not verified "
        "(reprobot installs only the pip: part of an environment file)"
    )


def consistency_message(count: int) -> str:
    """`N installed distributions lack what they require`."""
    lacks = "lacks what it requires" if count == 1 else "lack what they require"
    return f"{plural(count, 'installed distribution')} {lacks}"


def undeclared_words(missing: Undeclared) -> str:
    words = f"`{missing.module}` is imported but {missing.distribution} is not declared"
    if missing.provider:
        words += f" (installed today only as a dependency of {missing.provider})"
    return words + (" (optional import)" if missing.optional else "")


def undeclared_findings(missing: Sequence[Undeclared]) -> tuple[Finding, ...]:
    """Each undeclared import at its first three places (a notebook cell: the file only)."""
    return tuple(
        Finding(undeclared_words(m), site.path, site.line if site.cell is None else None)
        for m in missing
        for site in m.sites[:3]
    )
