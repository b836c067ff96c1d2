"""The as-of-date pass: what failed today is checked again with the declarations resolved
as of the commit's date; when it works then, the distributions that moved are narrowed
down to the culprit by pinning halves of them back (bisection, bounded in time), and the
smallest pin that restores it is tried before it is proposed."""

from __future__ import annotations

import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from packaging.version import InvalidVersion, Version

from reprobot.checks.core.check import Context, Variant
from reprobot.checks.core.model import CheckResult, Status
from reprobot.checks.environment.fresh import FreshEnvironment, fresh_environment
from reprobot.checks.environment.settings import EnvironmentSettings
from reprobot.checks.families.dependencies.asof import memo
from reprobot.checks.families.dependencies.asof.era import (
    as_of_date,
    commit_date,
    python_current_at,
)
from reprobot.checks.families.dependencies.asof.lockpins import lock_pins
from reprobot.checks.manifests import manifest

# What installs or runs the repository: the checks a dependency that moved can break.
WATCHED = ("DEP002", "DEP003", "BLD001", "BLD002", "TST002", "NBK001", "RUN001")
WORKED = (Status.PASS, Status.WARN)


@dataclass(frozen=True)
class Moved:
    """A distribution installed at another version then than now."""

    name: str
    then: str
    now: str | None  # None: not installed today

    @property
    def pin(self) -> str:
        return f"{self.name}=={self.then}"


@dataclass(frozen=True)
class Trial:
    pins: tuple[str, ...]
    worked: bool
    seconds: float


@dataclass(frozen=True)
class AsOf:
    """What the as-of-date pass found. `state`: off, no date, nothing failed, never
    worked (it failed then too), rot (it worked then), or error (the pass itself broke)."""

    state: str
    date: str | None = None
    failing: tuple[str, ...] = ()
    today: Mapping[str, CheckResult] = field(default_factory=dict)
    then: Mapping[str, CheckResult] = field(default_factory=dict)
    python_then: str = ""
    python_note: str | None = None
    moved: tuple[Moved, ...] = ()
    culprits: tuple[Moved, ...] = ()
    isolated: bool = False  # the culprits are the smallest set the search could find
    trials: tuple[Trial, ...] = ()
    pins: tuple[str, ...] = ()  # the fix: pins verified to restore what failed
    lock: str | None = None  # the as-of-then resolution, every distribution pinned
    committed_lock: str | None = None  # the lock file the repository commits, when it has one
    lock_works: bool | None = None  # whether what failed works when installed from it
    out_of_time: bool = False
    seconds: float = 0.0
    cached: bool = False  # found by an earlier run with the same declarations and date
    test_only: tuple[str, ...] = ()  # distributions only the tests (or notebooks) need


def _worked(results: Mapping[str, CheckResult], codes: Sequence[str]) -> bool:
    return all(code in results and results[code].status in WORKED for code in codes)


def _moved(now: Mapping[str, str], then: Mapping[str, str], own: str | None) -> tuple[Moved, ...]:
    return tuple(
        Moved(name, version, now.get(name))
        for name, version in sorted(then.items())
        if now.get(name) != version and name != own
    )


def _named(moved: Sequence[Moved], today: Mapping[str, CheckResult]) -> tuple[Moved, ...]:
    """The moved distributions that what fails today names (`pandas.errors.…Warning` in a
    test's failure): tried first, so one trial often finds the culprit among dozens."""
    said = " ".join(
        f"{r.message} {' '.join(f.message for f in r.findings)}" for r in today.values()
    )
    words = set(re.findall(r"[A-Za-z0-9_.-]+", said.lower()))
    parts = {part for word in words for part in re.split(r"[.]", word)} | words
    return tuple(m for m in moved if {m.name, m.name.replace("-", "_")} & parts)


def upper_bound(moved: Moved) -> str:
    """The loosest bound that excludes today's version but not then's: below today's
    major release when the major changed, below its minor release when only that did."""
    try:
        then, now = Version(moved.then), Version(moved.now or "")
    except InvalidVersion:
        return moved.pin
    if now.major > then.major:
        return f"{moved.name}<{now.major}"
    if (now.major, now.minor) > (then.major, then.minor):
        return f"{moved.name}<{now.major}.{now.minor}"
    return moved.pin


class _Search:
    """Trials of pins, each a rerun of what failed, within the time budget."""

    def __init__(self, ctx: Context, failing: tuple[str, ...], budget: float) -> None:
        self.ctx, self.failing = ctx, failing
        self.deadline = time.monotonic() + budget
        self.trials: list[Trial] = []
        self.out_of_time = False

    def works(self, pins: Sequence[str]) -> bool | None:
        """Whether what failed works with `pins`; None when the budget is spent."""
        if time.monotonic() >= self.deadline or self.ctx.rerun is None:
            self.out_of_time = True
            return None
        again = self.ctx.rerun(self.failing, Variant(constraints=tuple(pins)), ())
        worked = _worked(again.results, self.failing)
        self.trials.append(Trial(tuple(pins), worked, again.seconds))
        return worked

    def culprits(self, moved: Sequence[Moved]) -> tuple[tuple[Moved, ...], bool]:
        """The smallest set of moved distributions whose then-versions restore it, by
        halving (each half tried alone); (set, whether the search got to the end)."""
        found = list(moved)
        while len(found) > 1:
            half = len(found) // 2
            for part in (found[:half], found[half:]):
                worked = self.works([m.pin for m in part])
                if worked is None:
                    return tuple(found), False
                if worked:
                    found = part
                    break
            else:
                return tuple(found), True  # it takes pins from both halves
        return tuple(found), True

    def fix(self, culprits: Sequence[Moved]) -> tuple[str, ...]:
        """Upper bounds when they are enough, else the then-versions (already tried)."""
        bounds = tuple(upper_bound(m) for m in culprits)
        if bounds != tuple(m.pin for m in culprits) and self.works(bounds):
            return bounds
        return tuple(m.pin for m in culprits)


def as_of(ctx: Context) -> AsOf:
    """Fact provider: the as-of-date pass over what failed today among WATCHED."""
    settings = ctx.settings(EnvironmentSettings)
    date = as_of_date(settings.as_of.strip(), ctx.fact(commit_date))
    if settings.as_of.strip() == "off":
        return AsOf("off")
    failing = tuple(c for c in WATCHED if c in ctx.results and ctx.results[c].status is Status.FAIL)
    today = {c: ctx.results[c] for c in failing}
    if not failing:
        return AsOf("nothing failed", date)
    if date is None or ctx.rerun is None:
        return AsOf("no date", None, failing, today)
    found = ctx.fact(manifest)
    era_python = None if found.python or settings.python else python_current_at(date)
    key = memo.memo_key(ctx, date, era_python, failing)
    if (kept := _recalled(memo.load(ctx, key), today)) is not None:
        return kept
    result = _pass(ctx, date, era_python, failing, today)
    if result.state in KEPT and not result.out_of_time:  # an unfinished search goes on next time
        memo.save(ctx, key, _kept(result))
    return result


KEPT = ("rot", "never worked")  # an error says nothing about the repository: not kept


def _kept(found: AsOf) -> dict[str, object]:
    data = asdict(found)
    del data["today"], data["cached"]
    data["then"] = {
        code: {"family": r.family, "title": r.title, "status": r.status.value, "message": r.message}
        for code, r in found.then.items()
    }
    return data


def _recalled(data: dict[str, Any] | None, today: dict[str, CheckResult]) -> AsOf | None:
    if data is None:
        return None
    try:
        then = {
            code: CheckResult(
                code, item["family"], item["title"], Status(item["status"]), item["message"]
            )
            for code, item in data.pop("then").items()
        }
        return AsOf(
            **{
                **data,
                "failing": tuple(data["failing"]),
                "today": today,
                "then": then,
                "moved": tuple(Moved(**m) for m in data["moved"]),
                "culprits": tuple(Moved(**m) for m in data["culprits"]),
                "trials": tuple(
                    Trial(tuple(t["pins"]), t["worked"], t["seconds"]) for t in data["trials"]
                ),
                "pins": tuple(data["pins"]),
                "test_only": tuple(data.get("test_only", ())),
                "cached": True,
            }
        )
    except (KeyError, TypeError, ValueError):
        return None


def _pass(
    ctx: Context, date: str, era_python: str | None, failing: tuple[str, ...],
    today: dict[str, CheckResult],
) -> AsOf:  # fmt: skip
    settings = ctx.settings(EnvironmentSettings)
    started = time.monotonic()
    rerun = ctx.rerun
    assert rerun is not None  # as_of asked
    locked = ctx.fact(lock_pins)
    lock_works = None
    if locked is not None:
        from_lock = rerun(failing, Variant(constraints=locked[1]), ())
        lock_works = _worked(from_lock.results, failing)
    then = rerun(failing, Variant(exclude_newer=date, python=era_python), (fresh_environment,))
    env_then: FreshEnvironment = then.facts[fresh_environment]
    base = AsOf(
        "never worked", date, failing, today, then.results, env_then.python_version,
        env_then.python_note, committed_lock=locked[0] if locked else None, lock_works=lock_works,
    )  # fmt: skip
    if any(r.status is Status.ERROR for r in then.results.values()):
        return _with(base, state="error", seconds=time.monotonic() - started)
    if not _worked(then.results, failing):
        return _with(base, seconds=time.monotonic() - started)
    env_now = ctx.fact(fresh_environment)
    # the tests' requirements move too, and are as often what broke them
    moved = _moved(env_now.everything, env_then.everything, env_now.project)
    test_only = tuple(sorted(env_now.companion_only | env_then.companion_only))
    search = _Search(ctx, failing, settings.as_of_budget - (time.monotonic() - started))
    culprits: tuple[Moved, ...] = ()
    isolated = False
    pins: tuple[str, ...] = ()
    named = _named(moved, today)
    if named and search.works([m.pin for m in named]):  # what the failure itself names
        culprits, isolated = search.culprits(named)
        pins = search.fix(culprits) if isolated else ()
    elif moved and search.works([m.pin for m in moved]):
        culprits, isolated = search.culprits(moved)
        pins = search.fix(culprits) if isolated else ()
    return _with(
        base,
        state="rot",
        moved=moved,
        culprits=culprits,
        isolated=isolated,
        trials=tuple(search.trials),
        pins=pins,
        test_only=test_only,
        lock=env_then.lock,
        out_of_time=search.out_of_time,
        seconds=time.monotonic() - started,
    )


def _with(base: AsOf, **changes: object) -> AsOf:
    from dataclasses import replace

    return replace(base, **changes)  # type: ignore[arg-type]
