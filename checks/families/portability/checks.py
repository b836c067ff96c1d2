"""Portability check: no absolute paths into someone's own machine in code or notebooks."""

from __future__ import annotations

from checks.core.check import Check, Context
from checks.core.model import Finding, Fix, Outcome, failed, passed, skipped
from checks.core.templates import render
from checks.core.words import plural
from checks.families.portability.scan import HardCodedPath, path_scan

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

    A path like `/home/ana/data/run3.csv`, `C:\\Users\\ana\\Desktop\\fig.png` or a Colab
    `/content/drive/...` exists on one computer only: on any other machine the script stops
    at `FileNotFoundError`, and the reader cannot tell which file was meant. Build paths
    from the repository instead (`Path(__file__).resolve().parent / "data" / "run3.csv"`),
    or take them from a command-line argument or an environment variable, and say in the
    README where each data file comes from.
    """

    def evaluate(self, ctx: Context) -> Outcome:
        scan = ctx.fact(path_scan)
        if not scan.sources:
            return skipped("no Python code or notebooks")
        found = scan.found
        if not found:
            return passed("no absolute paths into a home directory or a mounted drive")
        files = {f.path for f in found}
        fix = Fix(
            "Build paths from the repository or take them as arguments",
            render("hard-coded-paths.md.j2").rstrip("\n"),
        )
        return failed(
            f"{plural(len(found), 'hard-coded path')} in {plural(len(files), 'file')}, "
            f"first at {found[0].where}",
            findings=tuple(_finding(f) for f in found[:MAX_FINDINGS]),
            fixes=(fix,),
        )
