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
    .venv/bin/python -m benchmarks.bench_audit --cold --repeat 1 --repos DIR...  # from the index
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

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


def _cold(work: Path, name: str) -> dict[str, str]:
    """A package cache of its own, empty: every distribution comes from the index."""
    cache = work / name
    shutil.rmtree(cache, ignore_errors=True)
    shutil.rmtree(work / "audit" / "caches", ignore_errors=True)
    cache.mkdir(parents=True)
    cache.chmod(0o755)
    return {"REPROBOT_UV_CACHE": str(cache)}


def sequential(repos: list[Path], work: Path, env: dict[str, str] | None = None) -> None:
    for repo in repos:
        clone = work / "clone"
        shutil.rmtree(clone, ignore_errors=True)
        runner.run(("git", "clone", "-q", "--depth", "1", repo.as_uri(), str(clone)))
        runner.run(
            (sys.executable, "-m", "reprobot.bot.cli", "check", str(clone), "--format", "json"),
            timeout=TIMEOUT,
            extra_env=env,
        )
    shutil.rmtree(work / "clone", ignore_errors=True)


def audit(repos: list[Path], work: Path, jobs: int, *, cold: bool = False) -> None:
    if cold:
        _cold(work, "seq-cache")  # the slots' caches go with it
    runner.run(
        (sys.executable, "-m", "reprobot.bot.cli", "audit", *map(str, repos), "--jobs", str(jobs),
         "--again", "--out", str(work / "audit")),
        timeout=TIMEOUT * len(repos),
        extra_env={"CI": "1"},
    )  # fmt: skip


STUDY_NEEDS = ("requests", "pandas", "pyyaml", "six")


def _studies(work: Path, count: int) -> list[Path]:
    """`count` small studies, each declaring packages of the index and a real test."""
    made = []
    for n in range(count):
        root = work / "studies" / f"lab+study{n}"
        (root / "tests").mkdir(parents=True)
        wanted = STUDY_NEEDS[: 2 + n % 3]
        (root / "requirements.txt").write_text("\n".join(wanted) + "\n")
        (root / "README.md").write_text("# Study\n\npip install -r requirements.txt\n")
        (root / "analysis.py").write_text(f"def total():\n    return {n}\n")
        (root / "tests" / "test_total.py").write_text(
            f"from analysis import total\n\n\ndef test_total():\n    assert total() == {n}\n"
        )
        who = ("-c", "user.name=bench", "-c", "user.email=bench@example.org")
        for args in (("init", "-q", "-b", "main"), ("add", "-A"), (*who, "commit", "-qm", "s")):
            runner.git(root, *args)
        made.append(root)
    return made


@contextlib.contextmanager
def _far_index(work: Path, delay: float) -> Iterator[None]:
    from tests.datedindex import DatedIndex
    from tests.realwheels import real_wheelhouse

    folder = work / "wheels"
    folder.mkdir()
    index = DatedIndex(delay=delay)
    index.add_folder(real_wheelhouse(folder), "2020-01-01T00:00:00Z")
    with index.serving():
        os.environ.pop("REPROBOT_FIND_LINKS", None)
        os.environ["UV_INDEX_URL"] = os.environ["UV_DEFAULT_INDEX"] = index.url
        yield


def main(argv: list[str] | None = None) -> int:
    options = parser(__doc__, size=len(REAL), repeat=2)
    options.add_argument("--repos", type=Path, nargs="*", help="repositories to audit")
    options.add_argument("--real-dir", type=Path, default=Path("/work/real"))
    options.add_argument("--jobs", type=int, default=2)
    options.add_argument(
        "--far-index",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="check generated studies against a local index that waits this long before "
        "each answer, caches empty each round: repositories dominated by the index's I/O",
    )
    options.add_argument(
        "--cold",
        action="store_true",
        help="empty package caches each round: the installs come from the index (I/O-bound)",
    )
    args = options.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="reprobot-bench-audit-"))
    work.chmod(0o755)
    with contextlib.ExitStack() as stack:
        if args.far_index:
            repos = _studies(work, args.size)
            stack.enter_context(_far_index(work, args.far_index))
            args.cold = True
        else:
            repos = args.repos or [args.real_dir / name for name in REAL[: args.size]]
            repos = [r for r in repos if (r / ".git").exists()]
        return _measure(args, repos, work)


def _measure(args: Any, repos: list[Path], work: Path) -> int:
    info = conditions()
    try:
        if not args.cold:  # warm the caches (the audit's slots keep their own): not counted
            sequential(repos, work)
            audit(repos, work, args.jobs)
        fanned_name = f"audit --jobs {args.jobs}"
        timings, _ = interleaved(
            {
                "one after another": lambda: sequential(
                    repos, work, _cold(work, "seq-cache") if args.cold else None
                ),
                fanned_name: lambda: audit(repos, work, args.jobs, cold=args.cold),
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
