"""The as-of-date pass in plain words."""

from __future__ import annotations

from reprobot.checks.core.model import Finding
from reprobot.checks.core.words import plural
from reprobot.checks.families.dependencies.asof.rerun import AsOf, Moved

MAX_MOVED = 10


def _day(date: str | None) -> str:
    return (date or "")[:10]


def _python(found: AsOf) -> str:
    shown = f" with Python {found.python_then}" if found.python_then else ""
    return shown + (f" ({found.python_note})" if found.python_note else "")


def _moved_words(moved: tuple[Moved, ...]) -> str:
    parts = [f"{m.name} {m.then} → {m.now or 'not installed'}" for m in moved[:MAX_MOVED]]
    more = f" and {len(moved) - MAX_MOVED} more" if len(moved) > MAX_MOVED else ""
    return ", ".join(parts) + more


def then_failures(found: AsOf) -> str:
    """Why it did not work as of then either (or why the pass broke)."""
    failed = ", ".join(
        f"{code} ({result.status.value}: {result.message})"
        for code, result in found.then.items()
        if code in found.failing
    )
    if found.state == "error":
        return f"the as-of-{_day(found.date)} pass could not finish: {failed}"
    return (
        f"it did not work as of its commit date ({_day(found.date)}) either: resolved as of "
        f"then{_python(found)}, {failed}{_lock_words(found)}. The code never worked with "
        "what it declares, or it needs something it does not declare"
    ) + (CACHED if found.cached else "")


def _lock_words(found: AsOf) -> str:
    if found.committed_lock is None:
        return ""
    if found.lock_works:
        return f"; installed from its committed {found.committed_lock} it works today"
    return f"; installed from its committed {found.committed_lock} it fails too"


def rot_message(found: AsOf) -> str:
    return _rot_message(found) + (CACHED if found.cached else "")


CACHED = " (as an earlier run with the same declarations found for this date)"


def _rot_message(found: AsOf) -> str:
    codes = ", ".join(found.failing)
    head = (
        f"dependency rot: {codes} {'fails' if len(found.failing) == 1 else 'fail'} today but "
        f"worked as of its commit date ({_day(found.date)}), resolved as of then{_python(found)}"
        f"{_lock_words(found)}"
    )
    if not found.moved:
        return f"{head}; no distribution moved, so it is the Python or the index that changed"
    if found.culprits and found.isolated:
        named = "; ".join(
            f"works with {m.name} {m.then} (the release current at the commit), fails with "
            f"{m.name} {m.now or '(not installed)'}"
            for m in found.culprits
        )
        fix = f"; pin {', '.join(found.pins)} to make it work today" if found.pins else ""
        return f"{head}: {named}{fix}"
    why = (
        "the time for the search ran out"
        if found.out_of_time
        else ("pinning them back one half at a time did not single one out")
    )
    return (
        f"{head}; {plural(len(found.moved), 'distribution')} moved ({_moved_words(found.moved)}) "
        f"and {why}: install the lock file of the resolution that worked"
    )


def rot_findings(found: AsOf) -> tuple[Finding, ...]:
    findings = [
        Finding(
            f"moved since {_day(found.date)}: {m.name} {m.then} → {m.now or 'not installed'}",
        )
        for m in found.moved[:MAX_MOVED]
    ]
    for code in found.failing:
        today = found.today.get(code)
        if today is not None:
            shown = next((f for f in today.findings if f.path), None)
            where = f" ({shown.path}:{shown.line}: {shown.message})" if shown else ""
            findings.append(Finding(f"{code} today: {today.message}{where}"))
    for trial in found.trials:
        verdict = "works" if trial.worked else "still fails"
        findings.append(
            Finding(f"tried {', '.join(trial.pins)}: {verdict} ({trial.seconds:.0f} s)")
        )
    return tuple(findings)
