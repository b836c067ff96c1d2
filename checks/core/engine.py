"""Run the selected checks in order, honouring `requires`, ignores and errors.

The engine knows no family: the caller hands in the families to run.
"""

from __future__ import annotations

import datetime as dt
import time
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from reprobot.checks.core import __version__
from reprobot.checks.core.check import Check, Context, Family, Rerun, Rerunner, Variant
from reprobot.checks.core.config import Config, load_config, matches
from reprobot.checks.core.model import CheckResult, Outcome, Report, Status
from reprobot.checks.core.registry import all_checks, run_order
from reprobot.checks.core.sandbox import LimitSettings, clean_room_paths, isolation
from reprobot.checks.core.snapshot import Snapshot


def unknown_patterns(patterns: Iterable[str], checks: Iterable[type[Check]]) -> list[str]:
    codes = [c.code() for c in checks]
    return [p for p in patterns if not any(code.startswith(p.upper()) for code in codes)]


def _result(
    check: type[Check], outcome: Outcome, seconds: float, words: Callable[[str], str]
) -> CheckResult:
    return CheckResult(
        code=check.code(),
        family=check.family,
        title=check.title(),
        status=outcome.status,
        message=words(outcome.message),
        explanation=check.explanation() if outcome.status in (Status.FAIL, Status.WARN) else "",
        findings=tuple(
            replace(f, message=words(f.message), path=f.path and words(f.path))
            for f in outcome.findings
        ),
        fixes=tuple(replace(f, description=words(f.description)) for f in outcome.fixes),
        duration_s=seconds,
    )


def evaluate_one(check: type[Check], ctx: Context) -> Outcome:
    """A check that raises is an error result, never a pass and never a crash."""
    try:
        outcome = check().evaluate(ctx)
    except Exception as exc:  # noqa: BLE001 - the check itself broke; report it
        where = traceback.extract_tb(exc.__traceback__)[-1]
        return Outcome(
            Status.ERROR,
            f"the check itself failed: {type(exc).__name__}: {exc} "
            f"({Path(where.filename).name}:{where.lineno}); please report this",
        )
    if not isinstance(outcome, Outcome):
        return Outcome(Status.ERROR, f"the check returned {type(outcome).__name__}, not a result")
    return outcome


def schema(families: Iterable[Family]) -> dict[str, type]:
    """What a configuration may set: each family's name and settings dataclass, and the
    limits on the code under test."""
    return {**{family.name: family.settings for family in families}, "limits": LimitSettings}


def run_checks(ctx: Context, checks: tuple[type[Check], ...]) -> tuple[CheckResult, ...]:
    """Run `checks` (in report order) after what each requires; results in report order."""
    config = ctx.config
    selected = tuple(c for c in checks if not config.select or matches(c.code(), config.select))
    results: dict[str, CheckResult] = {}
    for check in run_order(selected):
        code = check.code()
        started = time.monotonic()
        ignored = matches(code, config.ignore)
        if ignored is not None:
            outcome = Outcome(Status.SKIP, f"ignored: {config.ignore[ignored]}")
        else:
            blocking = [
                req
                for req in sorted(check.requires)
                if req in results
                and results[req].status is not Status.PASS
                and results[req].status is not Status.WARN
            ]
            if blocking:
                why = ", ".join(f"{r} ({results[r].status.value})" for r in blocking)
                outcome = Outcome(Status.SKIP, f"skipped because {why} did not pass")
            else:
                outcome = evaluate_one(check, ctx)
        results[code] = _result(check, outcome, time.monotonic() - started, clean_room_paths(ctx))
        ctx.results[code] = results[code]
    return tuple(results[c.code()] for c in selected)


def installs(families: Sequence[Family]) -> tuple[Callable[[Context], Sequence[str]], ...]:
    """What the families add to the fresh environment."""
    return tuple(f.installs for f in families if f.installs is not None)


def rerunner(snapshot: Snapshot, config: Config, families: Sequence[Family]) -> Rerunner:
    """How a run checks again in a variant: a fresh context (its own clean room and
    environment) for the checks named, closed before the results come back."""
    by_code = {c.code(): c for c in all_checks(families)}

    def rerun(codes: Sequence[str], variant: Variant, facts: Sequence[Callable[..., Any]]) -> Rerun:
        started = time.monotonic()
        again = Context(snapshot, replace(config, select=()), variant=variant)
        again.installs = installs(families)
        try:
            results = run_checks(again, tuple(by_code[c] for c in codes if c in by_code))
            found = {provider: again.fact(provider) for provider in facts}
        finally:
            again.close()
        return Rerun({r.code: r for r in results}, found, time.monotonic() - started)

    return rerun


def check_repository(
    path: Path,
    families: Sequence[Family],
    *,
    select: tuple[str, ...] = (),
    ignore: tuple[str, ...] = (),
    config: Config | None = None,
) -> Report:
    """Scan, evaluate and report. Raises ConfigError for a broken configuration."""
    started_at = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
    started = time.monotonic()
    snapshot = Snapshot(path)
    base = config if config is not None else load_config(snapshot.root, schema(families))
    ctx = Context(snapshot, base.merged(select, ignore))
    ctx.rerun = rerunner(snapshot, ctx.config, families)
    ctx.installs = installs(families)
    try:
        scan_started = time.monotonic()
        _ = snapshot.files
        ctx.timings["scan"] = time.monotonic() - scan_started
        results = run_checks(ctx, all_checks(families))
    finally:
        ctx.close()
    return Report(
        tool_version=__version__,
        repository=str(snapshot.root),
        commit=snapshot.commit,
        checks=results,
        started_at=started_at,
        duration_s=time.monotonic() - started,
        timings=dict(ctx.timings),
        isolation=isolation(ctx),
        environment=dict(ctx.environment),
    )
