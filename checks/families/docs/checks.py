"""Documentation check: a README that says how to install and how to run the work."""

from __future__ import annotations

import re

from reprobot.checks.core.check import Check, Context
from reprobot.checks.core.model import Finding, Fix, Outcome, failed, passed
from reprobot.checks.core.templates import render
from reprobot.checks.families.docs.recipe import has_citation_file, recipe
from reprobot.checks.repo.licences import licence_files
from reprobot.checks.repo.metadata import project_metadata
from reprobot.checks.repo.readme import readme, scan


def readme_fix(ctx: Context, path: str | None, current: str, missing: set[str]) -> Fix:
    facts = ctx.fact(recipe)
    meta = ctx.fact(project_metadata)
    rst = bool(path and path.lower().endswith(".rst"))
    text = render(
        "README.md.j2",
        full=path is None,
        rst=rst,
        missing=missing,
        title=meta.name.value if meta.name else ctx.root.name,
        description=meta.description,
        install=facts.install,
        install_intro="Set up the environment from the repository's own files:",
        install_note=facts.install_note,
        usage=facts.usage,
        usage_intro="Then run:",
        notebooks=facts.notebooks,
        citation=ctx.fact(has_citation_file),
        licence=next((f.spdx for f in ctx.fact(licence_files) if f.spdx), None),
    )
    text = re.sub(r"\n{3,}", "\n\n", text).strip("\n") + "\n"
    if path is None:
        return Fix(
            "Add a README.md", "A starting README; fill in the description.", {"README.md": text}
        )
    parts = " and ".join(m for m in ("install", "usage") if m in missing)
    separator = (
        ""
        if current.endswith("\n\n") or not current
        else "\n"
        if current.endswith("\n")
        else "\n\n"
    )
    return Fix(
        f"Add {parts} instructions to {path}",
        f"Sections built from the repository's files, added at the end of {path}:\n\n{text}",
        {path: current + separator + text},
    )


class DOC001(Check):
    """The README says how to install and how to run the work

    The README is the first thing a reviewer, a student or your future self opens. If it
    does not say which environment to create and which command produces the results, every
    reader has to guess from the code, and most attempts to reproduce the work stop there.
    Give two short sections: **Installation** (the exact commands, e.g.
    `pip install -r requirements.txt` or `conda env create -f environment.yml`) and
    **Usage** (the script, notebook or `make` target to run, and in which order).
    """

    def evaluate(self, ctx: Context) -> Outcome:
        read = ctx.fact(readme)
        path = read.path
        if path is None:
            return failed(
                "no README at the repository root",
                fixes=(readme_fix(ctx, None, "", {"install", "usage"}),),
            )
        if not read.ok:
            return failed(
                read.problem or "unreadable", findings=(Finding(read.problem or "", path),)
            )
        found = scan(read.text, scripts=ctx.fact(project_metadata).scripts)
        missing = {k for k, v in (("install", found.install), ("usage", found.usage)) if v is None}
        findings = tuple(
            Finding(f"{what} instructions: {how}", path, line)
            for what, how, line in (
                ("installation", found.install_how, found.install),
                ("usage", found.usage_how, found.usage),
            )
            if line is not None
        )
        if not missing:
            return passed(f"{path} explains installing and running", findings=findings)
        words = {"install": "how to install", "usage": "how to run"}
        lacking = " or ".join(words[m] for m in ("install", "usage") if m in missing)
        return failed(
            f"{path} does not say {lacking}",
            findings=(*findings, Finding(f"no section on {lacking}", path)),
            fixes=(readme_fix(ctx, path, read.text, missing),),
        )
