"""Data checks: the files the code reads are there or documented (DAT001), and large
files are in Git LFS (DAT002)."""

from __future__ import annotations

from reprobot.checks.core.check import Check, Context
from reprobot.checks.core.model import Finding, Outcome, failed, passed, skipped, warned
from reprobot.checks.core.snapshot import size_words
from reprobot.checks.core.words import plural
from reprobot.checks.families.data.facts import DataFiles, data_files
from reprobot.checks.families.data.fixes import data_fix, lfs_fix
from reprobot.checks.families.data.large import large_files
from reprobot.checks.families.data.scan import GENERATED, PRESENT, DataRead
from reprobot.checks.families.data.sources import Source

MAX_LISTED = 50


def _missing_words(read: DataRead) -> str:
    if read.absolute:
        return (
            f"reads `{read.written}` ({read.how}), a path on one machine (see PTH001), and no "
            "README, download script, Git LFS or DVC file says where that file comes from"
        )
    if not any(read.candidates):
        return (
            f"reads `{read.written}` ({read.how}), which is outside the repository, and no "
            "README or download script says where it comes from"
        )
    return (
        f"reads `{read.written}` ({read.how}), which the repository does not contain "
        f"(looked for {', '.join(f'`{c}`' for c in read.candidates if c)}) and which no "
        "README, download script, Git LFS or DVC file provides"
    )


def _location(read: DataRead) -> Finding:
    cell = f"cell {read.cell}, line {read.line}: " if read.cell is not None else ""
    return Finding(cell, read.file, read.line if read.cell is None else None)


def _finding(read: DataRead, message: str) -> Finding:
    at = _location(read)
    return Finding(f"{at.message}{message}", at.path, at.line)


_KINDS = {
    "lfs": "in Git LFS",
    "dvc": "tracked by DVC",
    "download": "fetched by download commands",
    "built": "written by a Makefile or shell script",
    "readme": "documented in a README",
}


def _source_words(found: DataFiles) -> tuple[list[str], list[Finding]]:
    """How many reads each kind of source covers, and a finding per documented file."""
    counts: dict[str, int] = {}
    findings: list[Finding] = []
    for read in found.scan.reads:
        source = found.source(read)
        if read.status == PRESENT:
            what = "in the repository"
        elif read.status == GENERATED:
            what = "written by the repository's code"
            findings.append(_finding(read, f"`{read.path}` is written by {read.found}"))
        elif source is not None:
            what = _KINDS.get(source.kind, source.kind)
            findings.append(_finding(read, f"`{found.place(read)}` comes from {source.words}"))
        else:
            continue
        counts[what] = counts.get(what, 0) + 1
    return [f"{n} {what}" for what, n in counts.items()], findings


class DAT001(Check):
    """The data files the code opens are in the repository or documented

    A script that opens `data/survey.csv` stops at "file not found" on every machine but
    its author's unless the file is committed, or the repository says where it comes from.
    reprobot reads the Python code and notebooks (with `ast`) and the R code (scripts,
    R Markdown, R notebooks) for files opened by a literal path (`open`, pandas'
    `read_*`, `np.load`, `loadmat`, `h5py.File`, `xr.open_dataset`, `torch.load`,
    `Image.open`, R's `read.csv`, `read_csv`, `readRDS`, `load`, `fread`, `read_excel`,
    ...), looked up where the code runs: a notebook or R Markdown document from its own
    folder, a script from its folder or the repository's root. A file is accounted for
    when it is committed, written by the repository's own code (or a Makefile rule or
    shell command), covered by Git LFS or DVC, fetched by a download script that names
    it, or named next to an address or a DOI in a README (or a `README` or a link file
    in its folder gives one). Code under a `templates/` folder is not read. The fix is a
    data section in `data/README.md` and a download script to fill in with the
    archive's addresses; a placeholder address is a warning, not a source.
    """

    def evaluate(self, ctx: Context) -> Outcome:
        found = ctx.fact(data_files)
        scan = found.scan
        if not scan.sources:
            return skipped("no Python or R code or notebooks to read")
        read_in = f" ({', '.join(scan.languages)} read)"
        if not scan.reads:
            if scan.computed:
                return skipped(
                    f"no data file is opened by a literal path, and the "
                    f"{plural(scan.computed, 'file read')} whose path the code computes "
                    f"cannot be followed without running it{read_in}"
                )
            return passed(f"the code opens no data file{read_in}")
        unprovided = [r for r in scan.missing() if found.source(r) is None]
        placeholders = [
            r for r in scan.missing() if (s := found.source(r)) is not None and s.placeholder
        ]
        if unprovided:
            files = dict.fromkeys(r.path for r in unprovided)
            fix = ctx.fact(data_fix)
            return failed(
                f"{plural(len(files), 'data file')} the code opens "
                f"{'is' if len(files) == 1 else 'are'} neither in the repository nor "
                f"documented, first `{unprovided[0].path}` at {unprovided[0].where}",
                findings=tuple(_finding(r, _missing_words(r)) for r in unprovided[:MAX_LISTED]),
                fixes=(fix,) if fix is not None else (),
            )
        if placeholders:
            return warned(
                f"{plural(len(dict.fromkeys(r.path for r in placeholders)), 'data file')} "
                "documented only with a placeholder address; replace it with the real DOI "
                "or URL",
                findings=tuple(_placeholder(r, found.source(r)) for r in placeholders),
            )
        parts, findings = _source_words(found)
        pointers = sorted(found.pointers)
        if pointers:
            findings.append(
                Finding(
                    f"{plural(len(pointers), 'file')} ({', '.join(pointers[:5])}) "
                    "committed as Git LFS pointers: a checkout needs `git lfs pull` "
                    "(`lfs: true` in actions/checkout)"
                )
            )
        reads = plural(len(scan.reads), "data file read", "data file reads")
        unfollowed = (
            f" ({plural(scan.computed, 'read')} by a path the code computes not followed)"
            if scan.computed
            else ""
        )
        return passed(
            f"{reads} by a literal path: {'; '.join(parts)}{unfollowed}",
            findings=tuple(findings),
        )


def _placeholder(read: DataRead, source: Source | None) -> Finding:
    where = source.path if source is not None else "the README"
    return _finding(read, f"`{read.path}`: the address in {where} is still a placeholder")


class DAT002(Check):
    """No large files outside Git LFS

    GitHub warns about files over 50 MB and refuses files over 100 MB, and every clone
    downloads every version of a large file in the history. Files larger than
    `data.large_file_mb` (50 MB by default) belong in Git LFS, or in a data archive with a
    download script. reprobot measures the committed files (so a file Git LFS stores,
    committed as a small pointer, is not large), and names the `git lfs track` commands
    and the `.gitattributes` lines that move them.
    """

    def evaluate(self, ctx: Context) -> Outcome:
        found = ctx.fact(large_files)
        limit = size_words(found.threshold)
        if found.problem is not None:
            return skipped(f"the committed files could not be measured: {found.problem}")
        if not found.examined:
            return skipped("no files to measure")
        measured = "committed file" if found.committed else "file"
        unmeasured = (
            f"; {plural(len(found.unmeasured), 'committed file')} not measured: this clone "
            f"lacks {'its' if len(found.unmeasured) == 1 else 'their'} contents, first "
            f"{found.unmeasured[0]}"
            if found.unmeasured
            else ""
        )
        if not found.files:
            counted = plural(found.examined, measured)
            return passed(f"no {measured} is larger than {limit} ({counted} measured{unmeasured})")
        findings = []
        for file in found.files[:MAX_LISTED]:
            note = (
                f"; `{file.pattern}` in .gitattributes covers it, but it was committed before "
                "(run `git add --renormalize .`)"
                if file.pattern
                else ""
            )
            findings.append(Finding(f"{size_words(file.size)}, not in Git LFS{note}", file.path))
        first = found.files[0]
        fix = lfs_fix(found.files, found.gitattributes)
        return warned(
            f"{plural(len(found.files), measured)} larger than {limit} outside Git LFS, the "
            f"largest {first.path} ({size_words(first.size)})",
            findings=tuple(findings),
            fixes=(fix,),
        )
