"""Findings, messages and fixes for the dependency checks, in the repository's terms:
every distribution named comes with the manifest file and line that asked for it."""

from __future__ import annotations

import re
from collections.abc import Sequence, Set

from packaging.utils import canonicalize_name

from reprobot.checks.core.model import Finding, Fix, Outcome, errored, failed, passed, warned
from reprobot.checks.core.templates import render
from reprobot.checks.core.words import plural
from reprobot.checks.environment.failures import InstallFailure
from reprobot.checks.environment.fresh import FreshEnvironment
from reprobot.checks.environment.lock import LOCK_FILE, lock_command, lock_sources
from reprobot.checks.families.dependencies.conda_env import NO_TOOL, CondaEnvironment
from reprobot.checks.families.dependencies.undeclared import Placed, Undeclared
from reprobot.checks.manifests import Declared, Manifest

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


def unverified_findings(
    unverified: Sequence[Declared], on_index: Set[str] = frozenset()
) -> tuple[Finding, ...]:
    said = " (a distribution of the same name is on the package index)"
    return tuple(
        Finding(
            f"`{d.requirement}` is a conda package: not verified"
            + (said if d.name in on_index else ""),
            d.path,
            d.line,
        )
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


_PLACE_WORDS = {
    "runtime": "",
    "test": "only the tests import them",
    "dev": "only the project's own tooling (maintenance scripts, benchmarks) imports them",
    "docs": "only the documentation imports them",
    "examples": "only the notebooks and examples import them",
    "optional": "they are imported only inside `try: ... except ImportError` (optional)",
}


def undeclared_fix(placed: Sequence[Placed]) -> tuple[Fix, ...]:
    """One fix for each place the undeclared imports belong (runtime, test, ...)."""
    fixes = []
    for each in placed:
        addition = each.addition
        names = list(dict.fromkeys(m.distribution for m in each.missing))
        description = render(
            "dependencies-add.md.j2",
            lines=list(addition.lines),
            where=addition.where,
            path=addition.path,
            edited=addition.content is not None,
            because=_PLACE_WORDS[each.place],
        )
        files = {addition.path: addition.content} if addition.content is not None else {}
        fixes.append(Fix(f"Add {', '.join(names)} {addition.where}", description, files))
    return tuple(fixes)


def unknown_words(missing: Undeclared) -> str:
    """What to say of an import whose distribution reprobot does not know."""
    return (
        f"no distribution is known to provide `{missing.module}`, and a name guessed from "
        "the import can install an unrelated project: find the one whose documentation "
        f"says `import {missing.module}` and declare it"
    )


def not_python_words(other_notebooks: Sequence[str]) -> str:
    """Why the Python dependency checks skip a repository with no Python in it."""
    shown = ", ".join(other_notebooks[:3]) + (", ..." if len(other_notebooks) > 3 else "")
    notebooks = f" (its notebooks are not Python: {shown})" if other_notebooks else ""
    return (
        f"no Python code and no Python recipe: there are no .py files or Python notebooks"
        f"{notebooks}, and no requirements.txt, pyproject.toml, setup.py, Pipfile or "
        "environment.yml, so there are no Python dependencies to examine"
    )


def other_recipes(found: Manifest) -> str:
    """`binder/environment.yml, docs/requirements.txt`: the recipes with problems that are
    not the one a stranger follows."""
    paths = dict.fromkeys(f.path for f in found.other_problems if f.path)
    return ", ".join(paths) or "another recipe"


def conda_verdict(
    found: CondaEnvironment,
    conda: Sequence[Declared],
    counterparts: Sequence[str] | None,
    *,
    prefix: str = "",
    resolve_only: bool = False,
) -> Outcome:
    """The conda packages of the environment file: installed with a conda tool, failed,
    or (no tool) not verified, with those the package index has under the same name."""
    path = found.path or conda[0].path
    head = f"{prefix}; " if prefix else ""
    count = plural(len(conda), "conda package")
    if found.outcome is not None:
        tool = found.tool_name
        if found.outcome.ok:
            verb = "resolved" if resolve_only else "installed"
            return passed(f"{head}{count} of {path} {verb} with {tool} in a fresh prefix")
        if found.outcome.returncode is None or found.outcome.limit_hit:
            return errored(f"{tool} did not finish creating {path}: {found.outcome.tail(5)}")
        return failed(
            f"{head}{tool} could not create the environment of {path}",
            findings=(
                Finding(f"{tool} (last lines):\n{found.outcome.tail(20)}", path),
                *(Finding(f"`{d.requirement}` is declared here", d.path, d.line) for d in conda),
            ),
        )
    if found.problem != NO_TOOL:
        return errored(found.problem or "the conda environment could not be made")
    if resolve_only:
        return warned(
            f"nothing for uv to resolve: {path} declares only {count}, which reprobot "
            f"could not resolve ({NO_TOOL}); DEP003 lists them"
        )
    on_index = set(counterparts or ())
    if counterparts is None:
        index = "; the package index could not be asked which of them it has"
    elif on_index:
        index = (
            f"; {len(on_index)} of them {'has' if len(on_index) == 1 else 'have'} a "
            f"distribution of the same name on the package index ({', '.join(sorted(on_index))})"
        )
    else:
        index = "; none of them has a distribution of the same name on the package index"
    return warned(
        f"{head}{count} of {path} not verified ({NO_TOOL}){index}",
        findings=unverified_findings(conda, on_index),
    )


def installed_message(env: FreshEnvironment) -> str:
    project = " and the project itself" if env.project_installed else ""
    return (
        f"{plural(len(env.installed), 'distribution')}{project} installed in a fresh "
        f"Python {env.python_version} environment"
    )


def consistency_message(count: int) -> str:
    """`N installed distributions lack what they require`."""
    lacks = "lacks what it requires" if count == 1 else "lack what they require"
    return f"{plural(count, 'installed distribution')} {lacks}"


def undeclared_words(missing: Undeclared) -> str:
    if not missing.known:
        words = f"`{missing.module}` is imported but not declared: {unknown_words(missing)}"
        return words + (" (optional import)" if missing.optional else "")
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
