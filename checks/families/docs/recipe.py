"""The recipe: the commands the repository's own files suggest for installing and running it.

DOC001 offers these as the README's Installation and Usage sections. The install route
follows the files present (a conda environment, then `uv.lock`, Poetry, a Pipfile, and
otherwise a virtual environment with pip); the usage commands come from the package's
scripts, workflow files, the Makefile, scripts with a main guard, R scripts and notebooks.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

from reprobot.checks.core.check import Context
from reprobot.checks.repo.git import git_facts
from reprobot.checks.repo.metadata import project_metadata
from reprobot.checks.repo.pyproject import pyproject

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
    project = ctx.fact(pyproject)
    if conda:
        found = re.search(r"^name:\s*['\"]?([\w.-]+)", snap.read_text(conda).text, re.M)
        env = found[1] if found else "<the environment name in " + conda + ">"
        return [*steps, f"conda env create -f {conda}", f"conda activate {env}"], ""
    if snap.exists("uv.lock"):
        return [*steps, "uv sync"], ""
    if snap.exists("poetry.lock") or "poetry" in project.table("tool"):
        return [*steps, "poetry install"], ""
    if snap.exists("Pipfile"):
        return [*steps, "pipenv install"], ""
    steps += ["python -m venv .venv", "source .venv/bin/activate"]
    note = ""
    if snap.exists("requirements.txt"):
        steps.append("pip install -r requirements.txt")
    package = project.text or snap.exists("setup.py") or snap.exists("setup.cfg")
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
    """Fact provider: the install and usage commands, and the notebooks to open."""
    install, note = _install(ctx)
    usage, notebooks = _usage(ctx)
    return Recipe(tuple(install), note, tuple(usage), tuple(notebooks))


def has_citation_file(ctx: Context) -> bool:
    """Fact provider: whether a CITATION.cff is at the root (the README points to it)."""
    return ctx.snapshot.exists("CITATION.cff")
