"""Citation checks: a CITATION.cff exists, is valid CFF 1.2.0, and agrees with the release."""

from __future__ import annotations

import datetime as dt

from checks.core.check import Check, Context
from checks.core.model import Finding, Fix, Outcome, failed, passed
from checks.families.citation.cff import CFF_CAP, CffFile, load_cff
from checks.families.citation.release import consistency
from checks.families.citation.settings import CitationSettings
from checks.families.citation.validation import validate
from checks.families.citation.writer import generate
from checks.repo.git import git_facts
from checks.repo.licences import LICENCE_CAP, copyright_holders, licence_files
from checks.repo.metadata import project_metadata
from checks.repo.readme import README_CAP, find_readme, headings


def citation_path(ctx: Context) -> str:
    return ctx.settings(CitationSettings).file or CitationSettings().file


def citation_file(ctx: Context) -> CffFile:
    """The citation file, read safely (no links out, 1 MB cap, UTF-8) and parsed."""
    path = citation_path(ctx)
    read = ctx.snapshot.read_text(path, cap=CFF_CAP)
    if not read.ok:
        return CffFile(path, problem=Finding(read.problem or "could not be read", path))
    return load_cff(read.text, path)


def _readme_title(ctx: Context) -> tuple[str, str] | None:
    """The README's first heading, when it reads as a title (not "Installation")."""
    path = find_readme(ctx)
    read = ctx.snapshot.read_text(path, cap=README_CAP) if path else None
    if path is None or read is None or not read.ok:
        return None
    found = headings(read.text.splitlines()[:40])
    title = found[0][1].strip() if found else ""
    if not title or len(title) > 150 or title.lower().startswith(("readme", "install", "usage")):
        return None
    return title, f"the first heading of {path}"


def _licence_holders(ctx: Context) -> tuple[tuple[str, ...], str] | None:
    for file in ctx.fact(licence_files):
        read = ctx.snapshot.read_text(file.path, cap=LICENCE_CAP)
        names = copyright_holders(read.text) if read.ok else ()
        if names:
            return names, file.path
    return None


def generated_fix(ctx: Context, path: str, *, today: dt.date | None = None) -> Fix:
    meta, git = ctx.fact(project_metadata), ctx.fact(git_facts)
    licence = next(((f.spdx, f.path) for f in ctx.fact(licence_files) if f.spdx), None)
    made = generate(
        meta,
        git,
        fallback_title=ctx.root.name,
        licence=licence,
        readme_title=_readme_title(ctx),
        holders=_licence_holders(ctx),
        today=today,
    )
    notes = "".join(f"\n- {note}" for note in made.notes)
    description = (
        f"A {path} with {'; '.join(made.sources)}. "
        "Review the authors and details before committing it." + notes
    )
    return Fix(f"Add a generated {path}", description, {path: made.text})


class CIT001(Check):
    """A CITATION.cff file is at the repository root

    A `CITATION.cff` tells people how to cite your software or data: GitHub shows a
    "Cite this repository" button for it, and Zenodo and Zotero read it. Without one,
    people cite the paper, a URL or nothing, and the exact version they used is lost.
    reprobot can write one from what the repository already says (package metadata, git
    authors, the remote URL); review the authors and add ORCIDs before committing it.
    """

    def evaluate(self, ctx: Context) -> Outcome:
        path = citation_path(ctx)
        if ctx.snapshot.exists(path):
            return passed(f"{path} found")
        folder, _, name = path.rpartition("/")
        near = [
            f
            for f in ctx.snapshot.files
            if f.rpartition("/")[2].lower() == name.lower() and f != path
        ]
        if near:
            return failed(
                f"no {path}, but {near[0]} exists: GitHub and Zenodo only read "
                f"`{name}` at the repository root, spelt exactly so",
                findings=tuple(Finding(f"move or rename this file to {path}", f) for f in near),
                fixes=(Fix(f"Rename it to {path}", commands=(f"git mv {near[0]} {path}",)),),
            )
        where = f"in {folder}/" if folder else "at the repository root"
        return failed(f"no {name} {where}", fixes=(generated_fix(ctx, path),))


class CIT002(Check):
    """CITATION.cff is valid Citation File Format 1.2.0

    A citation file that does not follow the CFF 1.2.0 schema is ignored or misread by
    GitHub, Zenodo and reference managers, so the citation people copy is wrong or missing.
    Each problem below names the line and what to write instead. Common ones: ORCIDs must
    be full `https://orcid.org/...` URLs, DOIs are written bare (`10.5281/zenodo.123`),
    dates are `YYYY-MM-DD`, and a person is `given-names` plus `family-names`.
    """

    requires = frozenset({"CIT001"})

    def evaluate(self, ctx: Context) -> Outcome:
        cff = ctx.fact(citation_file)
        if cff.problem is not None:
            return failed(cff.problem.message, findings=(cff.problem,))
        findings = validate(cff)
        if findings:
            count = f"{len(findings)} problem{'s' if len(findings) > 1 else ''}"
            first = findings[0]
            where = f", line {first.line}" if first.line else ""
            return failed(f"{count} in {cff.path}{where}: {first.message}", findings=findings)
        return passed(f"{cff.path} is valid CFF 1.2.0")


class CIT003(Check):
    """CITATION.cff agrees with the package version and the latest release tag

    People cite the version in `CITATION.cff`. When it lags behind the package version or
    the latest git tag, every citation points at the wrong release and nobody can rebuild
    the code that produced a result. Update `version` (and `date-released`) whenever you
    release; a `date-released` in the future is a mistake that archives reject.
    """

    requires = frozenset({"CIT002"})

    def evaluate(self, ctx: Context) -> Outcome:
        return consistency(ctx.fact(citation_file), ctx.fact(project_metadata), ctx.fact(git_facts))
