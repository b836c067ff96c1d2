"""reprobot's notebook execution phase against nbmake and nbconvert, same notebooks.

Side by side in one run, over the same notebooks (default: `--size` generated notebooks
that only need the standard library, each a few cells of arithmetic that take about a
second; or every notebook under `--notebooks DIR`, run from their own folders):

* reprobot: `reprobot check PATH --select NBK001 --format json` as a child process; the
  execution phase is the report's `notebooks.run` timing (the sandboxed driver: kernels
  started, every notebook run, results written), the whole check is timed too;
* nbmake: `pytest --nbmake -n auto` (pytest-xdist, one worker per CPU);
* nbconvert: `jupyter nbconvert --to notebook --execute`, one notebook after the other.

nbmake and nbconvert run in one tool venv made once in the cache dir (uv venv + uv pip
install of nbmake, pytest-xdist, nbconvert and ipykernel), whose kernel has the same
packages as reprobot's fresh environment of a repository that declares nothing but gets
ipykernel. One round of each is run first and not counted (warm caches); each round then
runs the three back to back, and the ratios are the medians of the rounds' ratios.

Run from the repository root:

    .venv/bin/python -m benchmarks.bench_notebooks                    # ~5 minutes
    .venv/bin/python -m benchmarks.bench_notebooks --size 4 --repeat 1
    .venv/bin/python -m benchmarks.bench_notebooks --notebooks ../real/WhirlwindTourOfPython
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from benchmarks.common import (
    Timing,
    conditions,
    conditions_line,
    must,
    paired_ratio,
    parser,
    table,
    write_json,
)
from reprobot.checks.core import runner
from reprobot.checks.environment.uv import uv_binary, uv_index_args

ROOT = Path(__file__).resolve().parents[1]
# reprobot's uv cache for these runs: its own, where the sandbox user can reach its layers
UV_CACHE = Path(tempfile.gettempdir()) / "reprobot-bench-notebooks-uv"
TOOLS = ("nbmake", "pytest-xdist", "nbconvert", "ipykernel")
GIT = {"GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@b", "GIT_COMMITTER_NAME": "b",
       "GIT_COMMITTER_EMAIL": "b@b"}  # fmt: skip


def generated(root: Path, count: int) -> None:
    """`count` notebooks of stdlib arithmetic, about a second of work each."""
    for number in range(count):
        cells = [
            new_markdown_cell(f"# Study {number}"),
            new_code_cell("import math, statistics\nN = 600_000"),
            new_code_cell("total = sum(math.sqrt(i) for i in range(N))\nprint(round(total))"),
            new_code_cell("values = [i % 97 for i in range(N)]\nstatistics.mean(values)"),
        ]
        nb = new_notebook(cells=cells)
        nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "P"}
        nbformat.write(nb, root / f"study_{number:02}.ipynb")


def repository(work: Path, source: Path | None, size: int) -> Path:
    """A git repository of the notebooks (reprobot checks what is committed)."""
    repo = work / "repo"
    if source is not None:
        shutil.copytree(source, repo, ignore=shutil.ignore_patterns(".git"))
    else:
        repo.mkdir()
        generated(repo, size)
    env = {**os.environ, **GIT}
    steps: tuple[tuple[str, ...], ...] = (("init", "-q", "-b", "main"), ("add", "-A"))
    for args in (*steps, ("commit", "-qm", "bench")):
        must(runner.run(("git", "-C", str(repo), *args), env=env), f"git {args[0]}")
    return repo


def tool_venv(cache: Path) -> Path:
    venv = cache / "notebook-tools"
    python = venv / "bin" / "python"
    if (venv / "bin" / "jupyter-nbconvert").exists():
        return python
    uv = uv_binary()
    must(runner.run((uv, "venv", "-q", "--python", "3.11", venv), timeout=300), "uv venv")
    install = (uv, "pip", "install", "-q", "--python", str(python), *uv_index_args(), *TOOLS)
    must(runner.run(install, timeout=900), "installing the notebook tools")
    return python


def notebooks_of(repo: Path) -> list[Path]:
    return sorted(
        p
        for p in repo.rglob("*.ipynb")
        if ".ipynb_checkpoints" not in p.parts and ".git" not in p.parts
    )


def reprobot(repo: Path, report: Path, cache: Path) -> tuple[float, float]:
    """(the whole check, its notebooks.run phase) in seconds; uv's cache is the bench's."""
    started = time.perf_counter()
    runner.run(
        (ROOT / ".venv" / "bin" / "reprobot", "check", repo, "--select", "NBK001",
         "--format", "json", "--output", report),
        timeout=3600, extra_env={"REPROBOT_UV_CACHE": str(cache)},
    )  # fmt: skip
    whole = time.perf_counter() - started
    data = json.loads(report.read_text(encoding="utf-8"))
    return whole, float(data.get("timings", {}).get("notebooks.run", float("nan")))


def nbmake(python: Path, repo: Path) -> float:
    started = time.perf_counter()
    runner.run(
        (python, "-m", "pytest", "--nbmake", "-n", "auto", "-q", "-p", "no:cacheprovider",
         *notebooks_of(repo)),
        cwd=repo, timeout=3600,
    )  # fmt: skip
    return time.perf_counter() - started


def nbconvert(python: Path, repo: Path, out: Path) -> float:
    started = time.perf_counter()
    for path in notebooks_of(repo):
        runner.run(
            (python, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute",
             "--output-dir", out, "--ExecutePreprocessor.timeout=600", path),
            cwd=path.parent, timeout=3600,
        )  # fmt: skip
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parse = parser(__doc__, size=8, repeat=3)
    parse.add_argument("--notebooks", type=Path, help="run the notebooks of this folder instead")
    args = parse.parse_args(argv)
    info = conditions()
    args.cache_dir.mkdir(parents=True, exist_ok=True)
    python = tool_venv(args.cache_dir)
    work = Path(tempfile.mkdtemp(prefix="reprobot-bench-nb-"))
    os.chmod(work, 0o755)
    try:
        repo = repository(work, args.notebooks, args.size)
        count = len(notebooks_of(repo))
        timings = {
            n: Timing(n)
            for n in ("reprobot check", "reprobot notebooks.run", "nbmake", "nbconvert")
        }
        for round_number in range(args.repeat + 1):  # the first round warms the caches
            whole, phase = reprobot(repo, work / "report.json", UV_CACHE)
            made = nbmake(python, repo)
            converted = nbconvert(python, repo, work / "converted")
            if round_number == 0:
                continue
            for name, value in zip(timings, (whole, phase, made, converted), strict=True):
                timings[name].seconds.append(value)
        run_t, floor, serial = (
            timings["reprobot notebooks.run"],
            timings["nbmake"],
            timings["nbconvert"],
        )
        rows: list[list[Any]] = [[name, t.median, t.spread] for name, t in timings.items()]
        ratios = {
            "notebooks.run / nbmake -n auto": paired_ratio(run_t, floor),
            "notebooks.run / nbconvert one by one": paired_ratio(run_t, serial),
            "whole check / nbmake -n auto": paired_ratio(timings["reprobot check"], floor),
        }
        print(
            f"## reprobot's notebook execution against nbmake and nbconvert ({count} notebooks)\n"
        )
        print(conditions_line(info) + f"; repeats {args.repeat}\n")
        print(table(["measurement", "median s", "spread"], rows))
        print()
        print(table(["ratio", "median of rounds"], [[k, v] for k, v in ratios.items()]))
        write_json(
            args.json,
            {
                "conditions": info,
                "notebooks": count,
                "timings": [t.to_dict() for t in timings.values()],
                "ratios": ratios,
            },
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
