"""Citation checks: a CITATION.cff exists, is valid CFF 1.2.0, and agrees with the release."""

from __future__ import annotations

from reprobot.checks.core.check import Check, Context
from reprobot.checks.core.model import Finding, Fix, Outcome, failed, passed, warned
from reprobot.checks.core.templates import render
from reprobot.checks.core.words import plural
from reprobot.checks.families.citation.cff import citation_file, citation_location
from reprobot.checks.families.citation.release import Correction, Drift, release_drift
from reprobot.checks.families.citation.validation import placeholders, validate
from reprobot.checks.families.citation.writer import generated_citation


def _generated_fix(ctx: Context, path: str) -> Fix:
    made = ctx.fact(generated_citation)
    description = render(
        "citation-generated.md.j2", path=path, sources=made.sources, notes=made.notes
    )
    return Fix(f"Add a generated {path}", description.rstrip("\n"), {path: made.text})


class CIT001(Check):
    """A CITATION.cff file is at the repository root

    A `CITATION.cff` tells people how to cite your software or data: GitHub shows a
    "Cite this repository" button for it, and Zenodo and Zotero read it. Without one,
    people cite the paper, a URL or nothing, and the exact version they used is lost.
    reprobot can write one from what the repository already says (package metadata, git
    authors, the remote URL); review the authors and add ORCIDs before committing it.
    """

    def evaluate(self, ctx: Context) -> Outcome:
        place = ctx.fact(citation_location)
        path = place.path
        if place.exists:
            return passed(f"{path} found")
        folder, _, name = path.rpartition("/")
        near = place.near
        if near:
            return failed(
                f"no {path}, but {near[0]} exists: GitHub and Zenodo only read "
                f"`{name}` at the repository root, spelt exactly so",
                findings=tuple(Finding(f"move or rename this file to {path}", f) for f in near),
                fixes=(Fix(f"Rename it to {path}", commands=(f"git mv {near[0]} {path}",)),),
            )
        where = f"in {folder}/" if folder else "at the repository root"
        return failed(f"no {name} {where}", fixes=(_generated_fix(ctx, path),))


class CIT002(Check):
    """CITATION.cff is valid Citation File Format 1.2.0

    A citation file that does not follow the CFF 1.2.0 schema is ignored or misread by
    GitHub, Zenodo and reference managers, so the citation people copy is wrong or missing.
    Each problem below names the line and what to write instead. Common ones: ORCIDs must
    be full `https://orcid.org/...` URLs, DOIs are written bare (`10.5281/zenodo.123`),
    dates are `YYYY-MM-DD`, and a person is `given-names` plus `family-names`. A title or
    author reprobot left as a placeholder (`<the title of this work>`) is a warning until
    it is filled in.
    """

    requires = frozenset({"CIT001"})

    def evaluate(self, ctx: Context) -> Outcome:
        cff = ctx.fact(citation_file)
        if cff.problem is not None:
            return failed(cff.problem.message, findings=(cff.problem,))
        findings = validate(cff)
        if findings:
            count = plural(len(findings), "problem")
            first = findings[0]
            where = f", line {first.line}" if first.line else ""
            return failed(f"{count} in {cff.path}{where}: {first.message}", findings=findings)
        unfilled = placeholders(cff)
        if unfilled:
            line = f" (line {unfilled[0].line})" if unfilled[0].line else ""
            message = f"{cff.path} is valid CFF 1.2.0, but {unfilled[0].message}{line}"
            return warned(message, findings=unfilled)
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
        drift = ctx.fact(release_drift)
        explained = _sides(drift)
        behind = _behind(drift)
        if behind or drift.future:
            problems = behind + _future(drift)
            return failed(
                f"version drift: {explained}" if behind else problems[0].message,
                findings=problems,
                fixes=_update(drift, drift.correction),
            )
        if not drift.written and drift.target:
            return warned(
                f"{explained}: add `version: {drift.target}` so citations name the release",
                findings=(Finding("no `version` key", drift.path, 1),),
                fixes=_update(drift, drift.addition, adding=True),
            )
        if drift.ahead:
            return warned(f"{explained}: the release is not tagged yet; tag it when you publish")
        shallow = " (a shallow clone has no tags: check out with fetch-depth: 0)"
        shallow = shallow if drift.shallow else ""
        if not drift.package and not drift.tag:
            return passed(f"no package version or version tag to compare with{shallow}")
        if not drift.tag and shallow:
            return passed(explained + shallow)
        return passed(explained)


def _sides(drift: Drift) -> str:
    """What each side says: the citation file, the package, the latest tag."""
    path, written = drift.path, drift.written
    sides = [f"{path} says {written} (line {drift.line})" if written else f"{path} has no version"]
    if drift.package:
        sides.append(f"{drift.package.source} says {drift.package.value}")
    if drift.tag:
        sides.append(f"latest tag {drift.tag.name}")
    return ", ".join(sides)


def _behind(drift: Drift) -> tuple[Finding, ...]:
    found = []
    if drift.behind_package and drift.package:
        said = f"{drift.package.source} says {drift.package.value}"
        found.append(Finding(f"version {drift.written}, but {said}", drift.path, drift.line))
    if drift.behind_tag and drift.tag:
        said = f"the latest tag is {drift.tag.name}"
        found.append(Finding(f"version {drift.written}, but {said}", drift.path, drift.line))
    return tuple(found)


def _future(drift: Drift) -> tuple[Finding, ...]:
    if drift.future is None:
        return ()
    message = f"date-released {drift.future} is in the future"
    return (Finding(message, drift.path, drift.future_line),)


def _update(
    drift: Drift, correction: Correction | None, *, adding: bool = False
) -> tuple[Fix, ...]:
    if correction is None:
        return ()
    description = render(
        "citation-update.md.j2",
        adding=adding,
        dated_today=drift.dated_today,
        target=drift.target,
        path=drift.path,
        changed=correction.changed,
    )
    return (Fix(f"Update {drift.path}", description.rstrip("\n"), {drift.path: correction.text}),)
