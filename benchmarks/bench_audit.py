"""`reprobot audit --jobs 2` against `reprobot check` on each repository one after another.

Side by side in one run, on the same list of repositories (default: small real ones from
`--real-dir`, dominated by clones, installs and test runs):

* one after another: for each repository, a clone of it (as the audit makes) and
  `reprobot check CLONE --format json` as a child process, the next one when it ends;
* the audit: `reprobot audit REPOS... --jobs N --again --out DIR`, which clones, checks
  in N slots and writes audit.json, audit.csv and index.html.

Caches are warm: one round of each runs first and is not counted (the audit's slots keep
a package cache each). The speed-up is sequential ÷ audit (near N on N cores when the work
is I/O and installs).

Run from the repository root:

    .venv/bin/python -m benchmarks.bench_audit                 # ~10 minutes
    .venv/bin/python -m benchmarks.bench_audit --repeat 1 --jobs 2
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from benchmarks.common import (
    conditions,
    conditions_line,
    interleaved,
    paired_ratio,
    parser,
    ratio,
    table,
    write_json,
)
from reprobot.checks.core import runner

REAL = (
    "pypa+sampleproject",
    "jaraco+jaraco.functools",
    "tkem+cachetools",
    "rasbt+watermark",
    "uwescience+shablona",
    "scikit-hep+hepunits",
)
TIMEOUT = 1800.0


def sequential(repos: list[Path], work: Path) -> None:
    for repo in repos:
        clone = work / "clone"
        shutil.rmtree(clone, ignore_errors=True)
        runner.run(("git", "clone", "-q", "--depth", "1", repo.as_uri(), str(clone)))
        runner.run(
            (sys.executable, "-m", "reprobot.bot.cli", "check", str(clone), "--format", "json"),
            timeout=TIMEOUT,
        )
    shutil.rmtree(work / "clone", ignore_errors=True)


def audit(repos: list[Path], work: Path, jobs: int) -> None:
    runner.run(
        (sys.executable, "-m", "reprobot.bot.cli", "audit", *map(str, repos), "--jobs", str(jobs),
         "--again", "--out", str(work / "audit")),
        timeout=TIMEOUT * len(repos),
        extra_env={"CI": "1"},
    )  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    options = parser(__doc__, size=len(REAL), repeat=2)
    options.add_argument("--repos", type=Path, nargs="*", help="repositories to audit")
    options.add_argument("--real-dir", type=Path, default=Path("/work/real"))
    options.add_argument("--jobs", type=int, default=2)
    args = options.parse_args(argv)
    repos = args.repos or [args.real_dir / name for name in REAL[: args.size]]
    repos = [r for r in repos if (r / ".git").exists()]
    info = conditions()
    work = Path(tempfile.mkdtemp(prefix="reprobot-bench-audit-"))
    work.chmod(0o755)
    try:
        sequential(repos, work)  # warm the caches (the audit's slots keep their own): not counted
        audit(repos, work, args.jobs)
        fanned_name = f"audit --jobs {args.jobs}"
        timings, _ = interleaved(
            {
                "one after another": lambda: sequential(repos, work),
                fanned_name: lambda: audit(repos, work, args.jobs),
            },
            args.repeat,
        )
        one_by_one, fanned = timings["one after another"], timings[fanned_name]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"## `reprobot audit --jobs {args.jobs}` against one `reprobot check` after another\n")
    print(conditions_line(info) + f"; {len(repos)} repositories; repeats {args.repeat}\n")
    rows = [
        [t.name, t.median, t.best, ratio(one_by_one.median, t.median)] for t in (one_by_one, fanned)
    ]
    print(table(["how", "median s", "best s", "speed-up"], rows))
    print(f"\npaired speed-up: {1 / paired_ratio(fanned, one_by_one):.2f}x")
    write_json(
        args.json,
        {
            "benchmark": "audit",
            "conditions": info,
            "repositories": [r.name for r in repos],
            "jobs": args.jobs,
            "sequential": one_by_one.to_dict(),
            "audit": fanned.to_dict(),
            "speed_up": ratio(one_by_one.median, fanned.median),
        },
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
