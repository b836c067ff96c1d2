"""The registered checks, over an ordered tuple of families, with their order of running.

Report order is family order, then code. Run order honours `requires` across families
(a topological order that keeps report order wherever `requires` allows it).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable

from reprobot.checks.core.check import Check, Family


def all_checks(families: Iterable[Family]) -> tuple[type[Check], ...]:
    """Every check of `families`, in report order; codes unique, requirements known."""
    found = [c for family in families for c in sorted(family.checks, key=lambda c: c.code())]
    codes = [c.code() for c in found]
    if len(set(codes)) != len(codes):
        raise ValueError(
            f"check codes registered twice: {sorted({c for c in codes if codes.count(c) > 1})}"
        )
    for check in found:
        unknown = sorted(check.requires - set(codes))
        if unknown:
            raise ValueError(f"{check.code()} requires unknown checks: {', '.join(unknown)}")
    return tuple(found)


def run_order(checks: tuple[type[Check], ...]) -> tuple[type[Check], ...]:
    """`checks` ordered so that each runs after what it requires or names in `after`;
    report order otherwise."""
    index = {c.code(): i for i, c in enumerate(checks)}
    waiting = {c.code(): {r for r in c.requires | c.after if r in index} for c in checks}
    dependents: dict[str, list[str]] = {code: [] for code in index}
    for code, reqs in waiting.items():
        for req in reqs:
            dependents[req].append(code)
    ready = [index[code] for code, reqs in waiting.items() if not reqs]
    heapq.heapify(ready)
    ordered: list[type[Check]] = []
    while ready:
        check = checks[heapq.heappop(ready)]
        ordered.append(check)
        for dependent in dependents[check.code()]:
            waiting[dependent].discard(check.code())
            if not waiting[dependent]:
                heapq.heappush(ready, index[dependent])
    if len(ordered) != len(checks):
        stuck = sorted(code for code, reqs in waiting.items() if reqs)
        raise ValueError(f"checks require each other in a cycle: {', '.join(stuck)}")
    return tuple(ordered)
