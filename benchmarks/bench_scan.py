"""Snapshot scan and static checks on a large generated research repository.

Measures, side by side in one run, on a repository of `--size` files (default 20,000:
2,000 Python modules, 200 notebooks, data files; generated once into the cache dir, as a
git repository and as a plain directory):

* `Snapshot(root).files` in git mode against `git ls-files` alone, and against the exact
  `git ls-files --cached --others --exclude-standard` the snapshot runs;
* `Snapshot(root).files` in plain-directory mode against `Path.rglob('*')` and `os.walk`;
* the static checks (those that need no fresh environment; by default every existing
  check matching CIT, LIC, DOC, DEP005, BLD001, TST001, PTH) via
  `check_repository(root, select=...)` in-process, with per-check seconds, tracemalloc
  peak, and the whole `reprobot check` command line in a child process (wall seconds and
  maximum resident memory).

Run from the repository root:

    .venv/bin/python -m benchmarks.bench_scan                  # full size, ~1-2 minutes
    .venv/bin/python -m benchmarks.bench_scan --size 500 --repeat 1
    .venv/bin/python -m benchmarks.bench_scan --profile 30     # + cProfile of the checks
    .venv/bin/python -m benchmarks.bench_scan --no-tests       # a study without tests
"""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

from benchmarks.common import (
    Timing,
    conditions,
    conditions_line,
    measure,
    must,
    parser,
    ratio,
    table,
    write_json,
)
from benchmarks.generate import cached_repository
from reprobot.checks import all_checks, check_repository
from reprobot.checks.core import runner
from reprobot.checks.core.engine import matches
from reprobot.checks.core.snapshot import Snapshot

STATIC_PREFIXES = ("CIT", "LIC", "DOC", "DEP005", "BLD001", "TST001", "PTH")
# Checks that create a fresh environment or run the repository's code; never "static".
NEEDS_ENVIRONMENT = ("DEP002", "DEP003", "DEP004", "DEP006", "TST002", "TST003")


def static_codes(prefixes: tuple[str, ...]) -> tuple[str, ...]:
    """The existing checks that match `prefixes`, as full codes."""
    return tuple(
        check.code()
        for check in all_checks()
        if matches(check.code(), prefixes) and not matches(check.code(), NEEDS_ENVIRONMENT)
    )


def git_ls_files(root: Path, *extra: str) -> list[str]:
    args = ("git", "-C", str(root), "ls-files", "-z", *extra)
    out = must(runner.run(args, output_cap=64 * 1024 * 1024), "git ls-files")
    return [name for name in out.stdout.split("\0") if name]


def rglob_files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def walk_files(root: Path) -> list[str]:
    found = []
    for dirpath, _, filenames in os.walk(root):
        rel = os.path.relpath(dirpath, root)
        found += [name if rel == "." else f"{rel}/{name}" for name in filenames]
    return sorted(found)


LS_OTHERS = "git ls-files --cached --others --exclude-standard"


def scan_timings(git_root: Path, plain_root: Path, repeat: int) -> list[Timing]:
    """Each scan; a Snapshot's `extra` names the obvious alternative and the floor."""
    cases = [
        ("Snapshot(root).files, git", lambda: Snapshot(git_root).files, "git ls-files", LS_OTHERS),
        ("git ls-files", lambda: git_ls_files(git_root), "", ""),
        (
            LS_OTHERS,
            lambda: git_ls_files(git_root, "--cached", "--others", "--exclude-standard"),
            "",
            "",
        ),
        (
            "Snapshot(root).files, plain",
            lambda: Snapshot(plain_root).files,
            "Path.rglob('*')",
            "os.walk",
        ),
        ("Path.rglob('*')", lambda: rglob_files(plain_root), "", ""),
        ("os.walk", lambda: walk_files(plain_root), "", ""),
    ]
    results = []
    for name, action, versus, floor in cases:
        action()  # warm the page cache and git's index stat cache
        timing, files = measure(name, action, repeat)
        timing.extra.update(files=len(files), versus=versus, floor=floor)  # type: ignore[arg-type]
        results.append(timing)
    return results


def scan_rows(scans: list[Timing]) -> list[list[object]]:
    by_name = {timing.name: timing for timing in scans}
    rows: list[list[object]] = []
    for timing in scans:
        versus, floor = timing.extra["versus"], timing.extra["floor"]
        rows.append(
            [
                timing.name,
                timing.extra["files"],
                timing.median,
                timing.best,
                timing.extra["files"] / timing.median,
                ratio(timing.median, by_name[versus].median) if versus else float("nan"),
                ratio(timing.median, by_name[floor].median) if floor else float("nan"),
            ]
        )
    return rows


# `reprobot check ...` exactly as the console script runs it, then its peak resident memory.
CLI_CHILD = (
    "import resource, sys\n"
    "from reprobot.bot.cli import main\n"
    "code = main(sys.argv[2:])\n"
    "with open(sys.argv[1], 'w') as out:\n"
    "    out.write(str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))\n"
    "sys.exit(code)\n"
)


def child_run(root: Path, codes: tuple[str, ...]) -> dict[str, Any]:
    """`reprobot check` as a user runs it, in a child process: wall seconds and max RSS."""
    with tempfile.TemporaryDirectory() as tmp:
        usage, report = Path(tmp) / "maxrss", Path(tmp) / "report.json"
        args = [sys.executable, "-c", CLI_CHILD, usage, "check", root, "--select", ",".join(codes)]
        args += ["--format", "json", "--output", report]
        started = time.perf_counter()
        outcome = runner.run(args, timeout=1800)
        wall = time.perf_counter() - started
        if outcome.returncode not in (0, 1):
            raise SystemExit(f"reprobot check failed:\n{outcome.tail(40)}")
        max_kb = int(usage.read_text())
    return {"wall_s": wall, "max_rss_mb": max_kb / 1024}


def static_checks(root: Path, codes: tuple[str, ...], repeat: int) -> dict[str, Any]:
    per_check: dict[str, list[float]] = {}
    statuses: dict[str, str] = {}
    messages: dict[str, str] = {}
    scan: list[float] = []

    def once() -> None:
        report = check_repository(root, select=codes)
        scan.append(report.timings.get("scan", float("nan")))
        for result in report.checks:
            per_check.setdefault(result.code, []).append(result.duration_s)
            statuses[result.code] = result.status.value
            messages[result.code] = result.message

    check_repository(root, select=codes)  # warm imports and the page cache
    total, _ = measure("check_repository(static)", once, repeat)
    tracemalloc.start()
    check_repository(root, select=codes)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "total": total,
        "scan": scan,
        "per_check": per_check,
        "statuses": statuses,
        "messages": messages,
        "tracemalloc_peak_mb": peak / 1_048_576,
    }


def profile(root: Path, codes: tuple[str, ...], lines: int) -> str:
    profiler = cProfile.Profile()
    profiler.runcall(check_repository, root, select=codes)
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("tottime").print_stats(lines)
    stats.sort_stats("cumulative").print_stats(lines)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    options = parser(__doc__, size=20_000, repeat=5)
    options.add_argument(
        "--select",
        default=",".join(STATIC_PREFIXES),
        help="check codes or prefixes counted as static (default: %(default)s)",
    )
    options.add_argument(
        "--profile", type=int, metavar="N", help="also print the top N functions (cProfile)"
    )
    options.add_argument(
        "--no-tests",
        action="store_true",
        help="generate the repository without tests (TST001 then builds its smoke test)",
    )
    args = options.parse_args(argv)
    info = conditions()
    started = time.perf_counter()
    tests = not args.no_tests
    git_root = cached_repository(args.cache_dir, args.size, git=True, tests=tests)
    plain_root = cached_repository(args.cache_dir, args.size, git=False, tests=tests)
    prepared = time.perf_counter() - started

    scans = scan_timings(git_root, plain_root, args.repeat)
    print(f"## Snapshot scan, {args.size:,} files\n")
    print(conditions_line(info) + f"; repeats {args.repeat}\n")
    headers = ["measurement", "files", "median s", "min s", "files/s", "÷ obvious", "÷ floor"]
    print(table(headers, scan_rows(scans)))
    print(
        "\n÷ obvious: Snapshot against `git ls-files` (git) or `Path.rglob('*')` (plain); "
        f"÷ floor: against `{LS_OTHERS}` (git) or `os.walk` (plain)."
    )

    codes = static_codes(tuple(c.strip().upper() for c in args.select.split(",") if c.strip()))
    payload: dict[str, Any] = {
        "benchmark": "scan",
        "size": args.size,
        "repeat": args.repeat,
        "with_tests": tests,
        "conditions": info,
        "repository_seconds_to_prepare": prepared,
        "scan": [t.to_dict() for t in scans],
        "static_codes": list(codes),
    }
    if not codes:
        print("\nNo static checks are registered yet; nothing more to measure.")
        write_json(args.json, payload)
        return 0

    static = static_checks(git_root, codes, args.repeat)
    child = child_run(git_root, codes)
    total: Timing = static["total"]
    files = len(Snapshot(git_root).files)
    print(f"\n## Static checks on the git repository ({', '.join(codes)})\n")
    check_rows = [
        [code, static["statuses"][code], sorted(times)[len(times) // 2], static["messages"][code]]
        for code, times in static["per_check"].items()
    ]
    print(table(["check", "status", "median s", "message"], check_rows))
    print()
    summary = [
        ["check_repository, in-process", total.median, total.best, files / total.median],
        ["  of which the snapshot scan", min(static["scan"]), min(static["scan"]), "-"],
        ["reprobot check, child process", child["wall_s"], child["wall_s"], "-"],
    ]
    print(table(["measurement", "median s", "min s", "files/s"], summary))
    print(
        f"\nPeak memory: tracemalloc {static['tracemalloc_peak_mb']:.1f} MB in-process; "
        f"maximum resident set of the `reprobot check` process {child['max_rss_mb']:.0f} MB."
    )
    payload["static"] = {
        "total": total.to_dict(),
        "files_per_second": files / total.median,
        "scan_s": static["scan"],
        "per_check_s": static["per_check"],
        "statuses": static["statuses"],
        "tracemalloc_peak_mb": static["tracemalloc_peak_mb"],
        "cli": child,
    }
    if args.profile:
        text = profile(git_root, codes, args.profile)
        print(f"\n## cProfile of check_repository\n\n```\n{text.strip()}\n```")
        payload["profile"] = text
    write_json(args.json, payload)
    return 0


if __name__ == "__main__":
    sys.exit(main())
