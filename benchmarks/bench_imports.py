"""The import scan behind DEP005 against deptry, on the large generated repository.

Side by side in one run, on the repository `bench_scan` generates (`--size` files,
default 20,000: 2,000 Python modules and 200 notebooks among them):

* `checks.imports.scan_imports(Snapshot(root))`: every import of every module and notebook
  (a regular expression per file, `ast` only where that is ambiguous);
* `check_repository(root, select=("DEP005",))`: the whole DEP005 check in-process, i.e. the
  snapshot, the scan, reading the declared requirements and naming undeclared imports;
* `deptry .` in the repository, as a subprocess: deptry is installed with uv into its own
  venv in the cache dir on first use. deptry does more than scan imports (it also reports
  unused, transitive and misplaced dependencies), so both ratios are printed;
* for reference, `ast.parse` of every `.py` file (what a scan built on a full parse costs).

Run from the repository root:

    .venv/bin/python -m benchmarks.bench_imports                     # ~1 minute
    .venv/bin/python -m benchmarks.bench_imports --size 500 --repeat 1 --no-deptry
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.common import (
    conditions,
    conditions_line,
    interleaved,
    must,
    paired_ratio,
    parser,
    ratio,
    table,
    write_json,
)
from benchmarks.generate import cached_repository
from reprobot.checks import check_repository
from reprobot.checks.core import runner
from reprobot.checks.core.snapshot import Snapshot
from reprobot.checks.environment.uv import uv_binary
from reprobot.checks.repo.imports import scan_imports

DEPTRY = "deptry==0.25.1"


def deptry_executable(cache_dir: Path) -> Path:
    """deptry in a venv of its own under the cache dir, installed with uv once."""
    venv = cache_dir / "tools" / f"venv-{DEPTRY.replace('==', '-')}"
    deptry = venv / "bin" / "deptry"
    if deptry.is_file():
        return deptry
    uv = uv_binary()
    must(runner.run((uv, "venv", "-q", "--python", sys.executable, venv), timeout=300), "uv venv")
    install = (uv, "pip", "install", "-q", "--python", venv / "bin" / "python", DEPTRY)
    must(runner.run(install, timeout=900), "installing deptry")
    return deptry


def run_deptry(deptry: Path, root: Path) -> runner.RunOutcome:
    outcome = runner.run((deptry, "."), cwd=root, timeout=900, extra_env={"NO_COLOR": "1"})
    if outcome.returncode not in (0, 1):  # 1: deptry found dependency issues
        raise SystemExit(f"deptry failed:\n{outcome.tail(30)}")
    return outcome


def ast_parse_all(root: Path, files: tuple[str, ...]) -> int:
    count = 0
    for path in files:
        if path.endswith(".py"):
            ast.parse((root / path).read_bytes())
            count += 1
    return count


def dep005(root: Path) -> dict[str, Any]:
    report = check_repository(root, select=("DEP005",))
    result = next((r for r in report.checks if r.code == "DEP005"), None)
    if result is None:
        return {"status": "not registered", "message": ""}
    return {"status": result.status.value, "message": result.message}


def main(argv: list[str] | None = None) -> int:
    options = parser(__doc__, size=20_000, repeat=5)
    options.add_argument(
        "--no-deptry", action="store_true", help="leave deptry out (no package index needed)"
    )
    args = options.parse_args(argv)
    info = conditions()
    root = cached_repository(args.cache_dir, args.size, git=True)
    files = Snapshot(root).files
    modules = sum(f.endswith(".py") for f in files)
    notebooks = sum(f.endswith(".ipynb") for f in files)

    actions: dict[str, Callable[[], object]] = {
        "scan_imports": lambda: scan_imports(Snapshot(root)),
        "DEP005 via check_repository": lambda: dep005(root),
        "ast.parse every .py": lambda: ast_parse_all(root, files),
    }
    if not args.no_deptry:
        deptry = deptry_executable(args.cache_dir)
        actions["deptry ."] = lambda: run_deptry(deptry, root)
    for action in actions.values():
        action()  # warm the page cache, the imports and deptry's own start
    by_name, results = interleaved(actions, args.repeat)
    timings = list(by_name.values())
    scan, check = by_name["scan_imports"], by_name["DEP005 via check_repository"]
    sites = len(results["scan_imports"].sites)  # type: ignore[attr-defined]
    scan.extra["import_sites"] = sites
    check.extra.update(results["DEP005 via check_repository"])  # type: ignore[arg-type]
    deptry_timing = by_name.get("deptry .")
    if deptry_timing is not None:
        output = results["deptry ."].output  # type: ignore[attr-defined]
        text = re.sub(r"\x1b\[[0-9;]*m", "", output)
        last = [line for line in text.splitlines() if line.startswith(("Found", "Success"))]
        deptry_timing.extra["summary"] = last[-1] if last else ""

    print(f"## Import scan, {args.size:,} files ({modules:,} modules, {notebooks:,} notebooks)\n")
    print(conditions_line(info) + f"; repeats {args.repeat}\n")
    floor = deptry_timing.median if deptry_timing else float("nan")
    rows = [
        [
            t.name,
            t.median,
            t.best,
            (modules + notebooks) / t.median,
            ratio(t.median, floor),
            paired_ratio(t, deptry_timing) if deptry_timing else float("nan"),
        ]
        for t in timings
    ]
    headers = ["measurement", "median s", "min s", "files/s", "÷ deptry", "÷ deptry, paired"]
    print(table(headers, rows))
    print(
        f"\nscan_imports found {sites:,} import sites; DEP005 {check.extra['status']}: "
        f"{check.extra['message'][:200]}"
    )
    if deptry_timing:
        print(f"deptry: {deptry_timing.extra['summary'][:200]}")
    payload = {
        "benchmark": "imports",
        "size": args.size,
        "repeat": args.repeat,
        "conditions": info,
        "modules": modules,
        "notebooks": notebooks,
        "deptry": DEPTRY if deptry_timing else None,
        "timings": [t.to_dict() for t in timings],
        "ratios_vs_deptry": {t.name: ratio(t.median, floor) for t in timings},
        "paired_ratios_vs_deptry": {
            t.name: paired_ratio(t, deptry_timing) if deptry_timing else None for t in timings
        },
    }
    write_json(args.json, payload)
    return 0


if __name__ == "__main__":
    sys.exit(main())
