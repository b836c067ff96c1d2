"""Whether the R code parses: R's own `parse()`, run in the clean room when R is installed.

Each R unit (a script, the R chunks of a document, an R notebook's cell) is written to a
folder of the work area and parsed by `Rscript --vanilla`, which reads no profile, site file
or `.Renviron`, so nothing of the repository runs: `parse()` only reads code. When there is
no `Rscript` on the machine the fact says so, and LNG003 skips with that reason.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from reprobot.checks.core.check import Context
from reprobot.checks.core.sandbox import give_to_sandbox, sandbox_run, workspace
from reprobot.checks.repo.languages import R, code_units

MAX_UNITS = 2000
_MARK = "REPROBOT-PARSE"
_PROGRAM = (
    "files <- sort(list.files(commandArgs(TRUE)[1], pattern = '[.]R$', full.names = TRUE));"
    "for (f in files) {"
    " msg <- tryCatch({parse(file = f, keep.source = FALSE, encoding = 'UTF-8'); ''},"
    "  error = function(e) conditionMessage(e));"
    f" if (nzchar(msg)) cat('{_MARK}\\t', basename(f), '\\t',"
    " gsub('[\\r\\n]+', ' | ', msg), '\\n', sep = '')"
    "};"
    f"cat('{_MARK}-DONE\\n')"
)
_AT = re.compile(r":(\d+):(\d+):\s*(.*)$")


@dataclass(frozen=True)
class ParseError:
    path: str
    line: int | None
    message: str
    cell: int | None = None


@dataclass(frozen=True)
class RParse:
    """What the parse found; `rscript` is None when R is not installed, `problem` says why
    the parse could not run (the machine's failure, not the repository's)."""

    units: int
    rscript: str | None
    errors: tuple[ParseError, ...] = ()
    problem: str | None = None


def read_report(stdout: str, places: dict[str, tuple[str, int | None]]) -> tuple[ParseError, ...]:
    """The parse errors in the program's output, placed back in the repository."""
    errors = []
    for line in stdout.splitlines():
        parts = line.split("\t", 2)
        if len(parts) != 3 or parts[0] != _MARK or parts[1] not in places:
            continue
        path, cell = places[parts[1]]
        found = _AT.search(parts[2].split(" | ")[0])
        message = found.group(3) if found else parts[2]
        where = int(found.group(1)) if found else None
        errors.append(ParseError(path, where, message.strip(), cell))
    return tuple(errors)


def r_parse(ctx: Context) -> RParse:
    """Fact provider: the R units that do not parse (R's `parse()`)."""
    units = list(code_units(ctx.snapshot, R))[:MAX_UNITS]
    rscript = shutil.which("Rscript")
    if not units or rscript is None:
        return RParse(len(units), rscript)
    ws = ctx.fact(workspace)
    if ws.problem is not None:
        return RParse(len(units), rscript, problem=ws.problem)
    folder = Path(tempfile.mkdtemp(prefix="rparse-", dir=ws.area))
    places: dict[str, tuple[str, int | None]] = {}
    for number, unit in enumerate(units):
        name = f"{number:05d}.R"
        (folder / name).write_text(unit.text, encoding="utf-8")
        places[name] = (unit.path, unit.cell)
    give_to_sandbox(folder)
    argv = (rscript, "--vanilla", "-e", _PROGRAM, str(folder))
    ran = sandbox_run(ctx, argv, cwd=folder, timeout=300)  # no .Rprofile of the repository
    if not ran.ok or f"{_MARK}-DONE" not in ran.stdout:
        why = "timed out" if ran.timed_out else f"failed: {ran.tail(5) or ran.returncode}"
        return RParse(len(units), rscript, problem=f"`Rscript` could not parse the files: {why}")
    return RParse(len(units), rscript, read_report(ran.stdout, places))
