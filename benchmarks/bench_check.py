"""A whole `reprobot check` against the floor, per repository, warm caches.

Side by side in one run, for each repository given (default: the Python packages among
the real repositories in `--real-dir`):

* reprobot: `reprobot check PATH --format json` as a child process, every check;
* the floor: what a user scripts to answer the same question, from a clone of the commit
  (made once, not timed): `uv venv` + one `uv pip install` of the same declarations
  reprobot installs (the requirement files, the project itself, its test requirements
  and pytest) + the repository's own `python -m pytest`.

Both use the Python reprobot chooses for the repository. reprobot runs from its bytecode,
as an installed copy does (the image's install compiles it; this checkout's sources are
compiled once first, since a machine may set PYTHONDONTWRITEBYTECODE). Caches are warm: one
round of each is run first and not counted (reprobot with its shared cache, the floor with a uv
cache of its own). Each round runs reprobot and the floor back to back; the ratio per
repository is the median of the rounds' ratios (paired) and of the medians.

Run from the repository root:

    .venv/bin/python -m benchmarks.bench_check                     # ~5 minutes
    .venv/bin/python -m benchmarks.bench_check --repeat 3 --repos /work/real/pypa+sampleproject
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.common import (
    Timing,
    conditions,
    conditions_line,
    must,
    paired_ratio,
    parser,
    ratio,
    table,
    write_json,
)
from reprobot.checks.core import runner
from reprobot.checks.core.check import Context
from reprobot.checks.core.snapshot import Snapshot
from reprobot.checks.environment.interpreter import chosen_python
from reprobot.checks.environment.uv import uv_binary, uv_index_args
from reprobot.checks.families.tests.requirements import declared_for_tests
from reprobot.checks.manifests import manifest

ROOT = Path(__file__).resolve().parents[1]
# jaraco.functools is left out: its build backend downloads its licence text, so neither
# reprobot nor the floor can build it without the network.
REAL = ("pypa+sampleproject", "scikit-hep+hepunits", "tkem+cachetools", "pytest-dev+iniconfig")
STEPS = (
    "build.wheel",
    "build.sdist",
    "build.package",
    "environment.venv",
    "environment.install",
    "environment.check",
    "environment.install_extra",
    "tests.run",
)
SHOWN = ("DEP003", "BLD001", "BLD002", "TST002")


class Floor:
    """The floor for one repository: its clone, the install command, the test command."""

    def __init__(self, repo: Path, work: Path) -> None:
        self.clone = work / "clone"
        must(runner.run(("git", "clone", "-q", "--no-hardlinks", repo, self.clone)), "git clone")
        ctx = Context(Snapshot(self.clone))
        found = ctx.fact(manifest)
        python = ctx.fact(chosen_python).path
        if python is None:
            raise SystemExit(f"no Python for {repo}")
        self.python = python
        wanted = [*ctx.fact(declared_for_tests).requirements, "pytest"]
        args: list[str] = []
        for name in found.install_files:
            if name != found.package_file:
                args += ["-r", str(self.clone / name)]
        if found.package and not found.installs_project:
            args.append(str(self.clone))
        self.install_args = [*args, *wanted, *uv_index_args()]
        self.cache = work / "uv-floor"
        self.venv = work / "venv"

    def run(self) -> float:
        uv = uv_binary()
        env = {**os.environ, "UV_CACHE_DIR": str(self.cache), "UV_NO_PROGRESS": "1"}
        env["UV_PYTHON_DOWNLOADS"] = "never"
        if "PIP_CERT" in env and "SSL_CERT_FILE" not in env:
            env["SSL_CERT_FILE"] = env["PIP_CERT"]
        shutil.rmtree(self.venv, ignore_errors=True)
        started = time.perf_counter()
        must(runner.run((uv, "venv", "-q", "--python", self.python, self.venv), env=env), "venv")
        install = (uv, "pip", "install", "-q", "--python", self.venv / "bin" / "python")
        must(runner.run((*install, *self.install_args), env=env, timeout=1800), "install")
        tests = (self.venv / "bin" / "python", "-m", "pytest", "-q", "-p", "no:cacheprovider")
        runner.run(tests, cwd=self.clone, env=env, timeout=1800)  # failing tests still count
        return time.perf_counter() - started


def compile_reprobot() -> None:
    """reprobot's own sources compiled to bytecode, as an installed copy has them."""
    folders = [ROOT / name for name in ("bot", "checks", "reprobot")]
    must(runner.run((sys.executable, "-m", "compileall", "-q", *folders)), "compileall")


def startup() -> float:
    """What every `reprobot` command pays before it does anything: `reprobot --version`
    loads the CLI and every family, then stops."""
    started = time.perf_counter()
    must(runner.run((ROOT / ".venv" / "bin" / "reprobot", "--version")), "reprobot --version")
    return time.perf_counter() - started


def reprobot(repo: Path, report: Path) -> float:
    command = (ROOT / ".venv" / "bin" / "reprobot", "check", repo, "--format", "json")
    started = time.perf_counter()
    runner.run((*command, "--output", report), timeout=3600)
    return time.perf_counter() - started


def bench_one(repo: Path, repeat: int, work: Path) -> dict[str, Any]:
    floor = Floor(repo, work)
    report = work / "report.json"
    reprobot(repo, report)  # warm-up rounds, not counted
    floor.run()
    mine, bare = Timing(f"reprobot {repo.name}"), Timing(f"floor {repo.name}")
    start = Timing(f"start-up {repo.name}")
    steps: list[dict[str, float]] = []
    for _ in range(max(1, repeat)):
        start.seconds.append(startup())
        mine.seconds.append(reprobot(repo, report))
        data = json.loads(report.read_text())
        steps.append(dict(data.get("timings", {})))
        bare.seconds.append(floor.run())
    verdicts = {c["code"]: c["status"] for c in data["checks"]}
    return {
        "repo": repo.name,
        "reprobot": mine,
        "floor": bare,
        "startup": start,
        "steps": steps,
        "verdicts": verdicts,
    }


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2] if ordered else float("nan")


def main(argv: list[str] | None = None) -> int:
    options = parser(__doc__, size=len(REAL), repeat=5)
    options.add_argument("--repos", type=Path, nargs="*", help="repositories to check")
    options.add_argument("--real-dir", type=Path, default=Path("/work/real"))
    args = options.parse_args(argv)
    repos = args.repos or [args.real_dir / name for name in REAL[: args.size]]
    repos = [r for r in repos if (r / ".git").exists()]
    info = conditions()
    compile_reprobot()
    results = []
    for repo in repos:
        work = Path(tempfile.mkdtemp(prefix="reprobot-bench-check-"))
        os.chmod(work, 0o755)
        try:
            results.append(bench_one(repo, args.repeat, work))
        except SystemExit as exc:  # the floor cannot install it here: say so, go on
            print(f"{repo.name}: left out, {exc}"[:2000], file=sys.stderr)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    print("## A whole `reprobot check` against the floor, warm caches\n")
    print(conditions_line(info) + f"; repeats {args.repeat}\n")
    rows = []
    for r in results:
        mine, bare = r["reprobot"], r["floor"]
        shown = ", ".join(f"{c} {r['verdicts'].get(c, '-')}" for c in SHOWN)
        rows.append(
            [r["repo"], mine.median, r["startup"].median, bare.median,
             ratio(mine.median, bare.median), paired_ratio(mine, bare), shown]
        )  # fmt: skip
    head = ["repository", "reprobot s", "of which start-up s", "floor s", "÷ floor"]
    print(table([*head, "÷ floor, paired", "verdicts"], rows))
    print("\n### Where reprobot's time goes (median seconds per step)\n")
    step_rows = []
    for r in results:
        for step in STEPS:
            step_rows.append([r["repo"], step, _median([s.get(step, 0.0) for s in r["steps"]])])
    print(table(["repository", "step", "median s"], step_rows))
    payload = {
        "benchmark": "check",
        "conditions": info,
        "repeat": args.repeat,
        "results": [
            {
                "repo": r["repo"],
                "reprobot": r["reprobot"].to_dict(),
                "floor": r["floor"].to_dict(),
                "startup": r["startup"].to_dict(),
                "ratio_of_medians": ratio(r["reprobot"].median, r["floor"].median),
                "paired_ratio": paired_ratio(r["reprobot"], r["floor"]),
                "steps": r["steps"],
                "verdicts": r["verdicts"],
            }
            for r in results
        ],
    }
    write_json(args.json, payload)
    return 0


if __name__ == "__main__":
    sys.exit(main())
