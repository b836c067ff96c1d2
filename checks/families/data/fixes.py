"""The fixes the data family offers: a README data section and a download script for
files nobody provides (DAT001), and the Git LFS commands for large files (DAT002)."""

from __future__ import annotations

from dataclasses import dataclass

from reprobot.checks.core.check import Context
from reprobot.checks.core.model import Fix
from reprobot.checks.core.templates import render
from reprobot.checks.families.data.facts import data_files
from reprobot.checks.families.data.large import LargeFile
from reprobot.checks.repo.languages import R

PLACEHOLDER = "https://doi.org/10.5281/zenodo.XXXXXXX"
DATA_README = "data/README.md"


@dataclass(frozen=True)
class _Wanted:
    path: str
    reader: str


def _readme_target(ctx: Context) -> tuple[str, str]:
    """(the README the data section goes into, its current text): `data/README.md`, so
    that the fix never competes with another fix of the main README."""
    if ctx.snapshot.exists(DATA_README):
        read = ctx.snapshot.read_text(DATA_README)
        if read.ok:
            return DATA_README, read.text
    return DATA_README, ""


def _script_name(ctx: Context, language: str) -> str | None:
    name = "download_data.R" if language == R else "download_data.py"
    for candidate in (name, f"scripts/{name}"):
        if not ctx.snapshot.exists(candidate):
            return candidate
    return None


def data_fix(ctx: Context) -> Fix | None:
    """Fact provider: the fix for the data files nothing provides, or None."""
    found = ctx.fact(data_files)
    wanted: dict[str, _Wanted] = {}
    languages = set()
    for read in found.scan.missing():
        if found.source(read) is not None:
            continue
        if read.candidates and read.candidates[0]:
            wanted.setdefault(read.path, _Wanted(read.path, read.where))
        else:  # outside the repository: where it should go once the path is relative
            name = read.written.replace("\\", "/").rsplit("/", 1)[-1]
            reader = f"{read.where} (as {read.written})"
            wanted.setdefault(f"data/{name}", _Wanted(f"data/{name}", reader))
        languages.add(R if read.file.lower().endswith((".r", ".rmd", ".qmd")) else "Python")
    if not wanted:
        return None
    files = list(wanted.values())
    language = R if languages == {R} else "Python"
    script = _script_name(ctx, language)
    command = None
    if script is not None:
        command = f"Rscript {script}" if language == R else f"python {script}"
    target, text = _readme_target(ctx)
    section = render(
        "data-section.md.j2",
        files=files,
        placeholder=PLACEHOLDER,
        script=script,
        script_command=command,
    )
    joined = f"{text.rstrip()}\n\n{section}" if text.strip() else section
    contents = {target: joined.rstrip("\n") + "\n"}
    if script is not None:
        template = "download_data.R.j2" if language == R else "download_data.py.j2"
        contents[script] = render(
            template,
            files=files,
            placeholder=PLACEHOLDER,
            script=script,
            depth=script.count("/"),
        )
    return Fix(
        "Say where the data files come from",
        render("data-missing.md.j2", readme=target, script=script).rstrip("\n"),
        files=contents,
    )


def lfs_fix(files: tuple[LargeFile, ...], gitattributes: str) -> Fix:
    """`git lfs track` for each file no LFS pattern covers yet, the `.gitattributes` lines
    that writes, and the renormalisation that stores the committed contents in LFS."""
    rows = []
    for file in files:
        if file.pattern is not None:
            continue  # tracked already, committed before it was
        pattern = _pattern(file.path)
        rows.append(
            {"quoted": f'"{pattern}"', "line": f"{pattern} filter=lfs diff=lfs merge=lfs -text"}
        )
    lines = [row["line"] for row in rows if row["line"] not in gitattributes]
    text = gitattributes.rstrip("\n")
    new = (f"{text}\n" if text else "") + "".join(f"{line}\n" for line in lines)
    include = ",".join(_pattern(f.path) for f in files)
    commands = (
        "git lfs install",
        *(f"git lfs track {row['quoted']}" for row in rows),
        *(("git add .gitattributes",) if rows else ()),
        "git add --renormalize .",
        'git commit -m "Store large files in Git LFS"',
    )
    description = render(
        "lfs-track.md.j2",
        count=len(files),
        commands=commands,
        lines=[row["line"] for row in rows],
        include=f'"{include}"',
    )
    return Fix(
        "Store the large files in Git LFS",
        description.rstrip("\n"),
        files={".gitattributes": new} if lines else {},
        commands=commands,
    )


def _pattern(path: str) -> str:
    """The file's path as a `.gitattributes` pattern: a space or a pattern character
    matches as `?` (git reads a line's first space as its end)."""
    out = "".join("?" if char in ' \t[]*?!#\\"' else char for char in path)
    return "/" + out if "/" not in out else out
