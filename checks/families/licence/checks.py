"""Licence checks: a recognised licence at the root that agrees with the package metadata."""

from __future__ import annotations

import datetime as dt

from reprobot.checks.core.check import Check, Context
from reprobot.checks.core.model import Finding, Fix, Outcome, failed, passed, warned
from reprobot.checks.core.templates import render
from reprobot.checks.repo.git import git_facts
from reprobot.checks.repo.licences import (
    DeclaredLicence,
    LicenceFile,
    base_ids,
    declared_licences,
    licence_files,
)
from reprobot.checks.repo.metadata import project_metadata

GENERATED = frozenset({"MIT", "BSD-2-Clause", "BSD-3-Clause", "ISC"})


def _holders(ctx: Context) -> str:
    names = [p.name for p in ctx.fact(project_metadata).authors]
    if not names:
        names = [p.name for p in ctx.fact(git_facts).authors[:5]]
    return ", ".join(names) or "<copyright holders>"


def _missing_fix(ctx: Context, declared: tuple[DeclaredLicence, ...]) -> Fix:
    first = next((d for d in declared if d.spdx), declared[0] if declared else None)
    spdx = first.spdx if first else None
    generated = spdx if spdx in GENERATED else None
    year, holders = dt.date.today().year, _holders(ctx)
    description = render(
        "licence-guidance.md.j2", declared=first, generated=generated, year=year, holders=holders
    )
    if generated:
        text = render("LICENSE.j2", spdx=generated, year=year, holders=holders)
        return Fix(f"Add the {generated} licence text", description, {"LICENSE": text})
    return Fix("Choose a licence and add its text as LICENSE", description)


class LIC001(Check):
    """A recognised licence file is at the repository root

    Research code without a licence cannot legally be reused, modified or redistributed,
    so nobody can build on it, not even to reproduce a result. Add the unmodified text of a
    standard licence as `LICENSE` at the root (MIT or BSD-3-Clause for most research code,
    Apache-2.0 if patents matter, GPL-3.0 for copyleft, CC-BY-4.0 for data and text), and
    declare the same licence in `pyproject.toml` and `CITATION.cff` so they agree.
    """

    def evaluate(self, ctx: Context) -> Outcome:
        files = ctx.fact(licence_files)
        declared = ctx.fact(declared_licences)
        named = next((d for d in declared if d.by_name), None)
        if not files and named is not None:
            return passed(
                f"{named.source} declares {named.spdx} (`License: {named.value[:60]}`), a "
                "licence R ships: its text needs no file of its own",
                findings=(Finding(f"declares {named.spdx}", named.source, named.line),),
            )
        if not files:
            return failed(
                "no licence file (LICENSE, LICENCE or COPYING) at the repository root",
                fixes=(_missing_fix(ctx, declared),),
            )
        findings = tuple(_file_finding(f) for f in files)
        known = tuple(f for f in files if f.spdx)
        if not known:
            return _unrecognised(files, findings)
        return _against_metadata(known, declared, findings)


def _unrecognised(files: tuple[LicenceFile, ...], findings: tuple[Finding, ...]) -> Outcome:
    """No licence file is one reprobot knows: unreadable ones fail, others only warn."""
    unreadable = [f for f in files if f.problem]
    if len(unreadable) == len(files):
        return failed(unreadable[0].problem or "unreadable licence file", findings=findings)
    return warned(
        f"{files[0].path} is not a licence reprobot recognises; use the unmodified text "
        "of a standard licence, or add an `SPDX-License-Identifier: <id>` line",
        findings=findings,
    )


def _against_metadata(
    known: tuple[LicenceFile, ...],
    declared: tuple[DeclaredLicence, ...],
    findings: tuple[Finding, ...],
) -> Outcome:
    """Known licence files against what the metadata declares: a clash fails, a value that
    is no SPDX identifier warns."""
    in_files = frozenset().union(*(base_ids(f.spdx or "") for f in known))
    names = ", ".join(f"{f.path} ({f.spdx})" for f in known)
    clashes = [d for d in declared if d.spdx and not base_ids(d.spdx) & in_files]
    if clashes:
        said = "; ".join(f"{d.source} declares {d.spdx}" for d in clashes)
        return failed(
            f"the licence file and the metadata disagree: {names}, but {said}",
            findings=findings
            + tuple(
                Finding(f"declares {d.spdx} (`{d.value[:80]}`)", d.source, d.line) for d in clashes
            ),
            fixes=(_clash_fix(known[0], clashes[0]),),
        )
    vague = [d for d in declared if d.spdx is None]
    if vague:
        return warned(
            f"{names}; but {vague[0].source} declares `{vague[0].value[:80]}`, which is not "
            f'an SPDX identifier: write `license = "{known[0].spdx}"`',
            findings=(*findings, Finding("not an SPDX licence", vague[0].source, vague[0].line)),
        )
    agree = f" (agrees with {declared[0].source})" if declared else ""
    return passed(f"{names}{agree}", findings=findings)


def _file_finding(file: LicenceFile) -> Finding:
    if file.problem:
        return Finding(file.problem, file.path)
    what = f"{file.spdx} licence" if file.spdx else "not a licence reprobot recognises"
    return Finding(what, file.path)


def _clash_fix(file: LicenceFile, declared: DeclaredLicence) -> Fix:
    return Fix(
        "Make the licence file and the metadata name the same licence",
        render("licence-clash.md.j2", file=file, declared=declared).rstrip("\n"),
    )
