"""The fix for dependency rot: the verified pin in the manifest, and a lock file of the
resolution that worked as of the commit's date (a fact: it reads the manifest)."""

from __future__ import annotations

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from reprobot.checks.core.check import Context
from reprobot.checks.core.model import Fix
from reprobot.checks.environment.lock import LOCK_FILE
from reprobot.checks.families.dependencies.asof.rerun import as_of
from reprobot.checks.manifests import Manifest, manifest
from reprobot.checks.manifests.pins import bound_requirements


def rot_fixes(ctx: Context) -> tuple[Fix, ...]:
    """Fact provider: the fixes of the as-of-date pass, when it found rot."""
    found = ctx.fact(as_of)
    if found.state != "rot":
        return ()
    day = (found.date or "")[:10]
    fixes = []
    tests = tuple(p for p in found.pins if _name(p) in found.test_only)
    own = tuple(p for p in found.pins if p not in tests)
    if tests:
        where = _declared_at(ctx.fact(manifest), {_name(p) for p in tests})
        fixes.append(
            Fix(
                f"Pin {', '.join(tests)} for the tests",
                f"Tried before it was proposed: with {', '.join(tests)} what fails today "
                "works again. Only the tests (or notebooks) need these, so the bounds belong "
                f"where their requirements are declared ({where}), not in the package's own "
                "dependencies.",
            )
        )
    if own:
        edited = bound_requirements(ctx.snapshot, ctx.fact(manifest), own)
        if edited is not None and edited.content is not None:
            fixes.append(
                Fix(
                    f"Pin {', '.join(own)} {edited.where}",
                    f"Tried before it was proposed: with {', '.join(found.pins)} what fails "
                    f"today works again. The versions current at the commit ({day}) are in "
                    f"{LOCK_FILE}.",
                    files={edited.path: edited.content},
                )
            )
        else:
            fixes.append(
                Fix(
                    f"Pin {', '.join(own)}",
                    "Add these bounds to the requirements (tried: with them what fails today "
                    "works again).",
                )
            )
    if found.lock:
        python = f" with Python {found.python_then}" if found.python_then else ""
        header = f"# The environment that worked: resolved as of {day}, the commit's date.\n"
        fixes.append(
            Fix(
                f"Keep the resolution that worked as {LOCK_FILE}",
                f"Every distribution pinned as it resolved on {day}{python}: the "
                "reproducible record of an environment in which the code ran.",
                files={LOCK_FILE: header + found.lock},
            )
        )
    return tuple(fixes)


def _declared_at(found: Manifest, names: set[str]) -> str:
    """Where the manifest declares `names` other than as the package's dependencies
    (`` `pandas` in extra `test` of pyproject.toml, line 40 ``), or the usual places."""
    places = []
    for declared in found.requirements:
        if declared.scope != "main" and canonicalize_name(declared.name) in names:
            extra = declared.scope.removeprefix("extra:")
            scope = f" in extra `{extra}`" if extra != declared.scope else ""
            line = f", line {declared.line}" if declared.line else ""
            places.append(f"`{declared.requirement}`{scope} of {declared.path}{line}")
    if places:
        return "; ".join(dict.fromkeys(places))
    return "the test extra, the dependency group, requirements-dev.txt or tox.ini"


def _name(pin: str) -> str:
    try:
        return str(canonicalize_name(Requirement(pin).name))
    except InvalidRequirement:
        return pin
