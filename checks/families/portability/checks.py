"""Portability check: no absolute paths into someone's own machine in code or notebooks."""

from __future__ import annotations

from reprobot.checks.core.check import Check, Context
from reprobot.checks.core.model import Finding, Fix, Outcome, failed, passed, skipped
from reprobot.checks.core.templates import render
from reprobot.checks.core.words import plural
from reprobot.checks.families.portability.scan import HardCodedPath, path_scan

MAX_FINDINGS = 50


def _finding(found: HardCodedPath) -> Finding:
    cell = "" if found.cell is None else f"cell {found.cell}, line {found.line}: "
    return Finding(
        f"{cell}`{found.value}` exists only on the machine it was written on",
        found.path,
        found.line if found.cell is None else None,
    )


class PTH001(Check):
    """No absolute paths into one person's machine

    A path like `/home/ana/data/run3.csv`, `C:\\Users\\ana\\Desktop\\fig.png`, `S:/lab/data`
    or a Colab `/content/drive/...` exists on one computer only: on any other machine the
    script stops at "file not found", and the reader cannot tell which file was meant. Build
    paths from the repository instead (`Path(__file__).resolve().parent / "data"` in Python,
    `here::here("data")` in R, `joinpath(@__DIR__, "data")` in Julia), or take them from a
    command-line argument or an environment variable, and say in the README where each data
    file comes from. Python, R, Julia, MATLAB, Stata and shell code are read, and the
    `prefix:` line of a conda `environment.yml`, which only `conda env export` needs.
    """

    def evaluate(self, ctx: Context) -> Outcome:
        scan = ctx.fact(path_scan)
        if not scan.sources:
            return skipped(
                "no Python, R, Julia, MATLAB, Stata or shell code, notebooks or conda files"
            )
        found = scan.found
        read = f" ({', '.join(scan.languages)} read)" if scan.languages else ""
        if not found:
            return passed(f"no absolute paths into a home directory or a mounted drive{read}")
        files = {f.path for f in found}
        fixes = []
        if any(f.path not in dict(scan.conda_fixes) for f in found):
            fixes.append(
                Fix(
                    "Build paths from the repository or take them as arguments",
                    render("hard-coded-paths.md.j2").rstrip("\n"),
                )
            )
        for path, text in scan.conda_fixes:
            fixes.append(
                Fix(
                    f"Delete the prefix: line of {path}",
                    "`conda env create -f` does not need it; it names the folder the "
                    "environment was exported from, which exists on that machine only.",
                    {path: text},
                )
            )
        return failed(
            f"{plural(len(found), 'hard-coded path')} in {plural(len(files), 'file')}, "
            f"first at {found[0].where}",
            findings=tuple(_finding(f) for f in found[:MAX_FINDINGS]),
            fixes=tuple(fixes),
        )
