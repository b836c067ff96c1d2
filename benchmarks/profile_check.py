"""Where the time of one whole `reprobot check` goes: every process it starts, every fact.

Runs `check_repository` in this process (as `reprobot check` does, without the CLI's
start-up) with `checks.core.runner.run` and `Context.fact` wrapped, and prints:

* each process started, in order: when it started (seconds from the start), how long it
  took and its command line;
* each fact provider: its own time (without the facts it asked for) and its total, and
  each step deferred to the end of the run (cache promotion, strays sweep, clean-up);
* each check: the time the engine measured.

Run from the repository root, warm caches (run it twice; the second is the one to read):

    .venv/bin/python -m benchmarks.profile_check /work/real/pypa+sampleproject
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from reprobot.checks import check_repository
from reprobot.checks.core import runner
from reprobot.checks.core.check import Context


@contextmanager
def traced() -> Iterator[tuple[list[tuple[float, float, str]], dict[str, list[float]]]]:
    """Record (start, seconds, command) per process and [own, total] seconds per fact."""
    processes: list[tuple[float, float, str]] = []
    facts: dict[str, list[float]] = {}
    stack: list[float] = []  # time spent in nested facts, per level
    origin = time.perf_counter()
    real_run, real_fact, real_defer = runner.run, Context.fact, Context.defer

    def run(args: Any, **kwargs: Any) -> runner.RunOutcome:
        started = time.perf_counter()
        outcome = real_run(args, **kwargs)
        words = " ".join(str(a) for a in args)
        processes.append((started - origin, time.perf_counter() - started, words))
        return outcome

    def fact(self: Context, provider: Callable[[Context], Any]) -> Any:
        if provider in self._facts:
            return self._facts[provider]
        stack.append(0.0)
        started = time.perf_counter()
        try:
            return real_fact(self, provider)
        finally:
            total = time.perf_counter() - started
            nested = stack.pop()
            if stack:
                stack[-1] += total
            name = f"{provider.__module__}.{provider.__qualname__}"
            entry = facts.setdefault(name, [0.0, 0.0])
            entry[0] += total - nested
            entry[1] += total

    def defer(self: Context, undo: Callable[[], None]) -> None:
        def timed() -> None:
            started = time.perf_counter()
            try:
                undo()
            finally:
                name = f"at close: {undo.__module__}.{undo.__qualname__}"
                entry = facts.setdefault(name, [0.0, 0.0])
                entry[0] += time.perf_counter() - started
                entry[1] += time.perf_counter() - started

        real_defer(self, timed)

    runner.run = run
    Context.fact = fact  # type: ignore[method-assign]
    Context.defer = defer  # type: ignore[method-assign]
    try:
        yield processes, facts
    finally:
        runner.run = real_run
        Context.fact = real_fact  # type: ignore[method-assign]
        Context.defer = real_defer  # type: ignore[method-assign]


def _short(words: str, width: int = 150) -> str:
    return words if len(words) <= width else words[: width - 3] + "..."


def main(argv: list[str] | None = None) -> int:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("repo", type=Path)
    options.add_argument("--warm", type=int, default=1, help="untimed runs first")
    args = options.parse_args(argv)
    for _ in range(args.warm):
        check_repository(args.repo)
    started = time.perf_counter()
    with traced() as (processes, facts):
        report = check_repository(args.repo)
    total = time.perf_counter() - started
    print(f"whole check, in-process: {total:.3f} s")
    print(f"processes: {len(processes)}, {sum(p[1] for p in processes):.3f} s in all\n")
    for at, seconds, words in processes:
        print(f"{at:7.3f} {seconds:7.3f}  {_short(words)}")
    print("\nfacts (own s, total s):")
    for name, (own, whole) in sorted(facts.items(), key=lambda kv: -kv[1][0]):
        if whole >= 0.005:
            print(f"{own:7.3f} {whole:7.3f}  {name}")
    print("\nchecks (s, status):")
    for result in sorted(report.checks, key=lambda r: -r.duration_s):
        print(f"{result.duration_s:7.3f}  {result.code} {result.status.value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
