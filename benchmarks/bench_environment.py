"""The fresh-environment phase against what a user would script, cold and warm cache.

Side by side in one run, on a repository whose requirements.txt lists the first `--size`
of numpy, pandas, scipy, matplotlib, scikit-learn (default all five):

* reprobot: `checks.environment.fresh_environment(ctx)`, the whole phase as the checks
  get it (clean-room copy of the commit, `uv venv`, `uv pip install`, `uv pip check`,
  the lock read back; uv runs as the unprivileged user);
* venv + pip: `python -m venv` + `pip install -r requirements.txt` (pip's own defaults,
  machine pip configuration switched off so it reads the same index as uv);
* bare uv, the floor: `uv venv` + `uv pip install -r requirements.txt`.

All three use the same Python interpreter. Cold: every run gets new, empty cache
directories (`REPROBOT_UV_CACHE`, `PIP_CACHE_DIR`, `UV_CACHE_DIR`), so everything is
downloaded through the package index. Warm: the same command again with the cache the last
cold run filled. Each measurement is repeated `--repeat` times, the tools interleaved, and
the median is reported with the spread; the ratios are against bare uv, of the medians
and of the fastest runs (the network through the index's proxy varies from run to run).

Run from the repository root:

    .venv/bin/python -m benchmarks.bench_environment               # ~5 minutes
    .venv/bin/python -m benchmarks.bench_environment --repeat 1 --size 2
    .venv/bin/python -m benchmarks.bench_environment --find-links DIR --requirements NAME
        # hermetic: every tool installs only from the wheels in DIR
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
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
from reprobot.checks.environment import python as interpreters
from reprobot.checks.environment.distributions import installed_distributions
from reprobot.checks.environment.fresh import fresh_environment
from reprobot.checks.environment.uv import pythons_dir, uv_binary

REALISTIC = ("numpy", "pandas", "scipy", "matplotlib", "scikit-learn")
TOOLS = ("reprobot", "venv + pip", "bare uv")
STEP_ORDER = {
    f"environment.{step}": n for n, step in enumerate(("venv", "resolve", "install", "check"))
}


@contextlib.contextmanager
def environ(values: Mapping[str, str | None]) -> Iterator[None]:
    """Set (or with None, remove) variables for the in-process reprobot run only."""
    saved = {key: os.environ.get(key) for key in values}
    try:
        for key, value in values.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def make_repository(root: Path, requirements: tuple[str, ...]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "requirements.txt").write_text("".join(f"{r}\n" for r in requirements))
    (root / "analysis.py").write_text("import numpy\n")
    git = ("git", "-C", str(root), "-c", "user.name=Bench", "-c", "user.email=bench@example.org")
    must(runner.run((*git, "init", "-q")), "git init")
    must(runner.run((*git, "add", "-A")), "git add")
    must(runner.run((*git, "commit", "-q", "-m", "study")), "git commit")
    return root


def check_installed(venv: Path, requirements: tuple[str, ...], tool: str) -> None:
    installed = installed_distributions(venv)
    missing = [r for r in requirements if r.lower() not in installed]
    if missing:
        raise SystemExit(f"{tool} did not install {', '.join(missing)} into {venv}")


class Bench:
    """The three ways of making the environment, each timed from nothing to installed."""

    def __init__(
        self, repo: Path, requirements: tuple[str, ...], work: Path, find_links: Path | None
    ) -> None:
        self.repo, self.requirements, self.work = repo, requirements, work
        self.find_links = find_links
        self.uv = uv_binary()
        choice, _ = interpreters.choose(None, interpreters.available(self.uv))
        if choice is None:
            raise SystemExit("no Python interpreter found for the environments")
        self.python = choice.path
        self.version = str(choice.version)
        # reprobot copies an interpreter the unprivileged user cannot reach once per
        # machine; that is installation, not part of the phase, so it is done up front.
        interpreters.sandbox_copy(choice, pythons_dir())
        self.reprobot_timings: list[dict[str, float]] = []

    def index_args(self) -> list[str]:
        return ["--no-index", "--find-links", str(self.find_links)] if self.find_links else []

    def reprobot(self, cache: Path) -> float:
        links = str(self.find_links) if self.find_links else None
        with environ({"REPROBOT_UV_CACHE": str(cache / "uv"), "REPROBOT_FIND_LINKS": links}):
            ctx = Context(Snapshot(self.repo))
            started = time.perf_counter()
            env = ctx.fact(fresh_environment)
            seconds = time.perf_counter() - started
        if env.venv is None or env.install is None or not env.install.ok:
            detail = env.problem or (env.resolve.tail(20) if env.resolve else "")
            raise SystemExit(f"reprobot's fresh environment failed: {detail}")
        check_installed(env.venv, self.requirements, "reprobot")
        self.reprobot_timings.append(dict(ctx.timings))
        del ctx  # removes the clean room
        return seconds

    def bare_uv(self, cache: Path) -> float:
        venv = self.work / "uv-venv"
        env = {**os.environ, "UV_CACHE_DIR": str(cache / "uv-bare"), "UV_NO_PROGRESS": "1"}
        env["UV_PYTHON_DOWNLOADS"] = "never"
        if "PIP_CERT" in env and "SSL_CERT_FILE" not in env:
            env["SSL_CERT_FILE"] = env["PIP_CERT"]
        started = time.perf_counter()
        must(runner.run((self.uv, "venv", "-q", "--python", self.python, venv), env=env), "uv")
        install = (self.uv, "pip", "install", "-q", "--python", venv / "bin" / "python")
        args = (*install, "-r", self.repo / "requirements.txt", *self.index_args())
        must(runner.run(args, env=env, timeout=1800), "uv pip install")
        seconds = time.perf_counter() - started
        check_installed(venv, self.requirements, "uv")
        shutil.rmtree(venv)
        return seconds

    def venv_pip(self, cache: Path) -> float:
        venv = self.work / "pip-venv"
        env = {k: v for k, v in os.environ.items() if k != "PIP_FIND_LINKS"}
        env.update(PIP_CONFIG_FILE=os.devnull, PIP_CACHE_DIR=str(cache / "pip"))
        started = time.perf_counter()
        must(runner.run((self.python, "-m", "venv", venv), env=env), "python -m venv")
        pip = (venv / "bin" / "pip", "install", "-q", "-r", self.repo / "requirements.txt")
        must(runner.run((*pip, *self.index_args()), env=env, timeout=1800), "pip install")
        seconds = time.perf_counter() - started
        check_installed(venv, self.requirements, "pip")
        shutil.rmtree(venv)
        return seconds

    def runners(self) -> dict[str, Callable[[Path], float]]:
        return {"reprobot": self.reprobot, "venv + pip": self.venv_pip, "bare uv": self.bare_uv}


def new_cache(work: Path) -> Path:
    path = Path(tempfile.mkdtemp(prefix="cache-", dir=work))
    os.chmod(path, 0o755)  # the unprivileged user must reach reprobot's uv cache inside
    return path


def run_all(bench: Bench, repeat: int) -> dict[str, Timing]:
    """Cold runs (new caches each time), then warm runs on the last cold run's caches."""
    timings = {f"{tool}, {kind}": Timing(f"{tool}, {kind}") for kind in ("cold", "warm")
               for tool in TOOLS}  # fmt: skip
    last: dict[str, Path] = {}
    for _ in range(max(1, repeat)):
        for tool, action in bench.runners().items():
            cache = new_cache(bench.work)
            timings[f"{tool}, cold"].seconds.append(action(cache))
            if tool in last:
                shutil.rmtree(last[tool], ignore_errors=True)
            last[tool] = cache
    cold_breakdown = list(bench.reprobot_timings)
    bench.reprobot_timings.clear()
    for _ in range(max(1, repeat)):
        for tool, action in bench.runners().items():
            timings[f"{tool}, warm"].seconds.append(action(last[tool]))
    timings["reprobot, cold"].extra["phases"] = cold_breakdown
    timings["reprobot, warm"].extra["phases"] = list(bench.reprobot_timings)
    return timings


def phase_rows(timings: dict[str, Timing]) -> list[list[object]]:
    """Where reprobot's seconds go, median per step, cold and warm."""
    rows: list[list[object]] = []
    for kind in ("cold", "warm"):
        phases: list[dict[str, float]] = timings[f"reprobot, {kind}"].extra["phases"]
        found = {step for run in phases for step in run if step.startswith("environment.")}
        steps = sorted(found, key=lambda s: (STEP_ORDER.get(s, len(STEP_ORDER)), s))
        total = timings[f"reprobot, {kind}"].median
        accounted = 0.0
        for step in steps:
            values = sorted(run.get(step, 0.0) for run in phases)
            median = values[len(values) // 2]
            accounted += median
            rows.append([kind, step.removeprefix("environment."), median])
        rows.append(
            [kind, "the rest (clean room, interpreter lookup, metadata)", total - accounted]
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    options = parser(__doc__, size=len(REALISTIC), repeat=5)
    options.add_argument(
        "--requirements", help="comma-separated requirements instead of the realistic ones"
    )
    options.add_argument(
        "--find-links", type=Path, help="install only from this directory of wheels (hermetic)"
    )
    args = options.parse_args(argv)
    if args.requirements:
        requirements = tuple(r.strip() for r in args.requirements.split(",") if r.strip())
    else:
        requirements = REALISTIC[: max(1, args.size)]
    info = conditions()
    # Not under --cache-dir: the unprivileged user must reach reprobot's uv cache, and a
    # home directory is usually private.
    work = Path(tempfile.mkdtemp(prefix="reprobot-bench-env-"))
    os.chmod(work, 0o755)
    try:
        repo = make_repository(work / "study", requirements)
        find_links = None
        if args.find_links:
            # A copy the unprivileged user can read, wherever the wheels were.
            find_links = Path(shutil.copytree(args.find_links, work / "wheels"))
            for path in (find_links, *find_links.iterdir()):
                os.chmod(path, 0o755 if path.is_dir() else 0o644)
        bench = Bench(repo, requirements, work, find_links)
        timings = run_all(bench, args.repeat)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    source = f"local wheels in {args.find_links}" if args.find_links else "the package index"
    print(f"## Fresh environment: {', '.join(requirements)}\n")
    print(
        conditions_line(info) + f"; Python {bench.version} for every tool; "
        f"installing from {source}; repeats {args.repeat}\n"
    )
    rows = []
    for kind in ("cold", "warm"):
        floor = timings[f"bare uv, {kind}"]
        for tool in TOOLS:
            t = timings[f"{tool}, {kind}"]
            rows.append(
                [
                    tool,
                    kind,
                    t.median,
                    t.best,
                    max(t.seconds),
                    ratio(t.median, floor.median),
                    ratio(t.best, floor.best),
                    paired_ratio(t, floor),
                ]
            )
    headers = ["phase", "cache", "median s", "min s", "max s", "÷ bare uv"]
    print(table([*headers, "÷ bare uv, fastest", "÷ bare uv, paired"], rows))
    print(
        "\n÷ bare uv: of the medians; fastest: of the fastest runs; paired: the median of "
        "each round's ratio (runs of one round are seconds apart, so share the network)."
    )
    print("\n### Where reprobot's time goes (median seconds per step)\n")
    print(table(["cache", "step", "median s"], phase_rows(timings)))
    payload: dict[str, Any] = {
        "benchmark": "environment",
        "requirements": list(requirements),
        "python": bench.version,
        "repeat": args.repeat,
        "source": source,
        "conditions": info,
        "timings": {name: t.to_dict() for name, t in timings.items()},
        "ratios_vs_bare_uv": {
            name: ratio(t.median, timings[f"bare uv, {name.split(', ')[1]}"].median)
            for name, t in timings.items()
        },
        "paired_ratios_vs_bare_uv": {
            name: paired_ratio(t, timings[f"bare uv, {name.split(', ')[1]}"])
            for name, t in timings.items()
        },
        "ratios_of_fastest_vs_bare_uv": {
            name: ratio(t.best, timings[f"bare uv, {name.split(', ')[1]}"].best)
            for name, t in timings.items()
        },
    }
    write_json(args.json, payload)
    return 0


if __name__ == "__main__":
    sys.exit(main())
