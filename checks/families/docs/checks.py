"""Documentation check: a README that says how to install and how to run the work."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

from checks.core.check import Check, Context
from checks.core.model import Finding, Fix, Outcome, failed, passed
from checks.core.templates import render
from checks.repo.git import git_facts
from checks.repo.licences import licence_files
from checks.repo.metadata import project_metadata
from checks.repo.readme import README_CAP, find_readme, scan

SOURCE_CAP = 256 * 1024
_MAIN_GUARD = re.compile(r"""^if\s+__name__\s*==\s*["']__main__["']\s*:""", re.M)
_MAKE_TARGET = re.compile(r"^([A-Za-z0-9][\w.-]*)\s*:(?!=)", re.M)


@dataclass(frozen=True)
class Recipe:
    """Commands this repository's own files suggest for installing and running it."""

    install: tuple[str, ...]
    install_note: str
    usage: tuple[str, ...]
    notebooks: tuple[str, ...]


def _install(ctx: Context) -> tuple[list[str], str]:
    snap = ctx.snapshot
    steps: list[str] = []
    url = ctx.fact(git_facts).repository_url
    if url:
        steps += [f"git clone {url}", f"cd {shlex.quote(url.rsplit('/', 1)[-1])}"]
    conda = snap.find_root_file("environment.yml", "environment.yaml")
    pyproject = snap.read_text("pyproject.toml").text if snap.exists("pyproject.toml") else ""
    if conda:
        found = re.search(r"^name:\s*['\"]?([\w.-]+)", snap.read_text(conda).text, re.M)
        env = found[1] if found else "<the environment name in " + conda + ">"
        return [*steps, f"conda env create -f {conda}", f"conda activate {env}"], ""
    if snap.exists("uv.lock"):
        return [*steps, "uv sync"], ""
    if snap.exists("poetry.lock") or "[tool.poetry]" in pyproject:
        return [*steps, "poetry install"], ""
    if snap.exists("Pipfile"):
        return [*steps, "pipenv install"], ""
    steps += ["python -m venv .venv", "source .venv/bin/activate"]
    note = ""
    if snap.exists("requirements.txt"):
        steps.append("pip install -r requirements.txt")
    package = pyproject or snap.exists("setup.py") or snap.exists("setup.cfg")
    if package:
        steps.append("pip install .")
    if not package and not snap.exists("requirements.txt"):
        steps.append("pip install -r requirements.txt")
        note = (
            "The repository declares no dependencies yet: list the packages (with versions) "
            "the code needs in `requirements.txt`."
        )
    return steps, note


def _usage(ctx: Context) -> tuple[list[str], list[str]]:
    snap = ctx.snapshot
    commands = [f"{name} --help" for name in ctx.fact(project_metadata).scripts[:3]]
    if snap.find_root_file("Snakefile") or snap.exists("workflow/Snakefile"):
        commands.append("snakemake --cores 1")
    if snap.exists("main.nf"):
        commands.append("nextflow run main.nf")
    if makefile := snap.find_root_file("Makefile", "makefile", "GNUmakefile"):
        targets = _MAKE_TARGET.findall(snap.read_text(makefile, cap=SOURCE_CAP).text)
        commands.append("make" if not targets or "all" in targets else f"make {targets[0]}")
    candidates = [f for f in snap.files if f.endswith(".py") and f.count("/") <= 1]
    for path in sorted(candidates, key=lambda p: (p.count("/"), p))[:30]:
        if path.endswith("__main__.py") and "/" in path:
            commands.append(f"python -m {path.split('/')[0]}")
        elif _MAIN_GUARD.search(snap.read_text(path, cap=SOURCE_CAP).text):
            commands.append(f"python {shlex.quote(path)}")
    commands += [f"Rscript {shlex.quote(f)}" for f in snap.top_level() if f.endswith(".R")][:2]
    notebooks = sorted(f for f in snap.with_suffix(".ipynb") if "checkpoint" not in f)
    if notebooks:
        commands.append("jupyter lab")
    if not commands:
        commands = ["python <the script that produces the results>"]
    return commands[:6], notebooks[:10]


def recipe(ctx: Context) -> Recipe:
    install, note = _install(ctx)
    usage, notebooks = _usage(ctx)
    return Recipe(tuple(install), note, tuple(usage), tuple(notebooks))


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
        citation=ctx.snapshot.exists("CITATION.cff"),
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
        path = find_readme(ctx)
        if path is None:
            return failed(
                "no README at the repository root",
                fixes=(readme_fix(ctx, None, "", {"install", "usage"}),),
            )
        read = ctx.snapshot.read_text(path, cap=README_CAP)
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
