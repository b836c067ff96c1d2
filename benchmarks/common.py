"""What every benchmark shares: options, timing, the Markdown table and the JSON file.

Speed is always reported as a ratio against an alternative measured in the same run, so a
busy machine slows both sides alike; absolute seconds are printed for context only.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reprobot.checks.core import runner

DEFAULT_CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / (
    "reprobot-benchmarks"
)


@dataclass
class Timing:
    """Seconds of each repeat of one measurement, plus whatever else it counted."""

    name: str
    seconds: list[float] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds) if self.seconds else float("nan")

    @property
    def best(self) -> float:
        return min(self.seconds) if self.seconds else float("nan")

    @property
    def spread(self) -> float:
        """(max - min) / median: how much the repeats disagreed."""
        if len(self.seconds) < 2 or self.median == 0:
            return 0.0
        return (max(self.seconds) - min(self.seconds)) / self.median

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "seconds": self.seconds,
            "median_s": self.median,
            "min_s": self.best,
            "spread": self.spread,
            **self.extra,
        }


def parser(doc: str | None, *, size: int, repeat: int) -> argparse.ArgumentParser:
    """The options every benchmark takes; the script's docstring is its help."""
    parse = argparse.ArgumentParser(
        description=(doc or "").split("\n\n")[0],
        epilog="\n\n".join((doc or "").split("\n\n")[1:]),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parse.add_argument("--size", type=int, default=size, help=f"problem size (default {size})")
    parse.add_argument(
        "--repeat", type=int, default=repeat, help=f"repeats per measurement (default {repeat})"
    )
    parse.add_argument("--json", type=Path, help="also write the results to this JSON file")
    parse.add_argument(
        "--cache-dir",
        type=Path,
        default=DEFAULT_CACHE,
        help=f"where generated repositories and tool venvs are kept (default {DEFAULT_CACHE})",
    )
    return parse


def measure(name: str, action: Callable[[], object], repeat: int) -> tuple[Timing, object]:
    """Run `action` `repeat` times; the last result is returned for sanity checks."""
    timing = Timing(name)
    result: object = None
    for _ in range(max(1, repeat)):
        started = time.perf_counter()
        result = action()
        timing.seconds.append(time.perf_counter() - started)
    return timing, result


def interleaved(
    actions: dict[str, Callable[[], object]], repeat: int
) -> tuple[dict[str, Timing], dict[str, object]]:
    """Each action once per round, rounds repeated: a busy machine slows all alike."""
    timings = {name: Timing(name) for name in actions}
    results: dict[str, object] = {}
    for _ in range(max(1, repeat)):
        for name, action in actions.items():
            started = time.perf_counter()
            results[name] = action()
            timings[name].seconds.append(time.perf_counter() - started)
    return timings, results


def paired_ratio(timing: Timing, floor: Timing) -> float:
    """The median of the per-round ratios of two interleaved measurements."""
    pairs = [a / b for a, b in zip(timing.seconds, floor.seconds, strict=True) if b]
    return statistics.median(pairs) if pairs else float("nan")


def ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else float("nan")


def fmt(value: object) -> str:
    if isinstance(value, float):
        if math.isnan(value):
            return "-"
        if value >= 1000:
            return f"{value:,.0f}"
        if value >= 10:
            return f"{value:.1f}"
        return f"{value:.3f}" if value < 1 else f"{value:.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A Markdown table; numbers are formatted to a readable precision."""
    cells = [[fmt(c) for c in row] for row in rows]
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in cells]
    return "\n".join(lines)


def conditions() -> dict[str, Any]:
    """The measurement conditions worth writing next to the numbers."""
    load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "loadavg_1m_at_start": round(load[0], 2),
        "argv": sys.argv,
        "date": time.strftime("%Y-%m-%d %H:%M:%S %z"),
    }


def conditions_line(info: dict[str, Any]) -> str:
    return (
        f"Python {info['python']}, {info['cpus']} CPUs, "
        f"load average {info['loadavg_1m_at_start']} at start, {info['date']}"
    )


def write_json(path: Path | None, payload: dict[str, Any]) -> None:
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2, default=str) + "\n", encoding="utf-8")


def must(outcome: runner.RunOutcome, what: str) -> runner.RunOutcome:
    """Stop the benchmark with the command's output when a setup step fails."""
    if not outcome.ok:
        raise SystemExit(f"{what} failed ({' '.join(outcome.args)}):\n{outcome.tail(40)}")
    return outcome
