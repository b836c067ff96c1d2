"""The entry points a repository offers without saying so in its configuration: a run
script (`reproduce.sh`, `run_all.sh`, `run.sh`), a Makefile's default target and a
Snakefile. Read from the files, never by running them; RUN001 proposes them as the
`run.commands` of `.reprobot.yml`.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass

from reprobot.checks.core.check import Context
from reprobot.checks.core.config import CONFIG_FILE
from reprobot.checks.core.snapshot import Snapshot
from reprobot.checks.core.yaml import YamlProblem, load_yaml, loader

RUN_SCRIPTS = ("reproduce.sh", "run_all.sh", "run-all.sh", "runall.sh", "run.sh")
MAKEFILES = ("GNUmakefile", "Makefile", "makefile")
SNAKEFILES = ("Snakefile", "workflow/Snakefile", "snakefile")
# A rule line: targets, then `:` or `::` that is not an assignment (`:=`, `::=`).
_RULE = re.compile(r"^([^\s#:=][^:=#\n]*?)\s*::?(?![=:])", re.M)
# Default targets that run tools, not the work: never proposed as reproducing results.
TOOL_TARGETS = frozenset(
    {
        "help", "clean", "install", "lint", "flake8", "format", "fmt", "test", "tests",
        "check", "docs", "doc", "setup", "env", "venv", "deps", "requirements", "dist",
        "build", "upload", "release", "style", "typecheck", "mypy", "coverage",
    }
)  # fmt: skip
_ASSIGNMENT = re.compile(r"^\s*(?:export\s+|override\s+)?[\w.-]+\s*(?:[:+?!]?=|::=)", re.M)


@dataclass(frozen=True)
class EntryPoint:
    command: str
    source: str  # where it was found, for people


@dataclass(frozen=True)
class Proposal:
    """What RUN001 proposes when nothing is configured: the entry points found, and the
    configuration that runs the first (`files` for `.reprobot.yml`, or the snippet alone
    when the configuration lives in pyproject.toml)."""

    found: tuple[EntryPoint, ...] = ()
    snippet: str = ""
    files: tuple[tuple[str, str], ...] = ()
    passed_over: tuple[str, ...] = ()  # what was found but runs tools, not the work


def default_target(text: str) -> str | None:
    """The target `make` builds without arguments: the first rule's first target that is
    not special (`.PHONY`) or a pattern (`%.o`)."""
    for match in _RULE.finditer(text):
        line_start = text.rfind("\n", 0, match.start()) + 1
        if _ASSIGNMENT.match(text, line_start) and "=" in text[match.start() : match.end() + 2]:
            continue
        for target in match.group(1).split():
            if not target.startswith(".") and "%" not in target and "$" not in target:
                return target
    return None


def entry_points(snapshot: Snapshot) -> tuple[tuple[EntryPoint, ...], tuple[str, ...]]:
    """The entry points found, and the ones passed over (a Makefile whose default target
    runs a tool)."""
    found: list[EntryPoint] = []
    passed_over: list[str] = []
    for name in RUN_SCRIPTS:
        if snapshot.exists(name):
            found.append(EntryPoint(f"bash {name}", name))
    makefile = next((m for m in MAKEFILES if snapshot.exists(m)), None)
    if makefile is not None:
        read = snapshot.read_text(makefile)
        target = default_target(read.text) if read.ok else None
        if target is not None and target.lower() in TOOL_TARGETS:
            passed_over.append(f"{makefile}'s default target `{target}` runs a tool, not the work")
        elif target is not None:
            found.append(EntryPoint(f"make {target}", f"{makefile} (default target `{target}`)"))
    snakefile = next((s for s in SNAKEFILES if snapshot.exists(s)), None)
    if snakefile is not None:
        option = "" if snakefile == "Snakefile" else f" --snakefile {snakefile}"
        found.append(EntryPoint(f"snakemake -n{option}", f"{snakefile} (a dry run)"))
    return tuple(found), tuple(passed_over)


def _yaml_with_commands(text: str, commands: list[str]) -> str | None:
    """`.reprobot.yml` with `run.commands` set, comments kept; None when it does not parse."""
    yaml = loader()
    try:
        data = load_yaml(text, yaml=yaml) if text.strip() else None
    except YamlProblem:
        return None
    if data is None:
        data = yaml.load("{}")
    if not isinstance(data, dict):
        return None
    section = data.get("run")
    if not isinstance(section, dict):
        data["run"] = {"commands": commands}
    else:
        section["commands"] = commands
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def proposal(ctx: Context) -> Proposal:
    """Fact provider: the entry points found, and the configuration that would run them."""
    snapshot = ctx.snapshot
    found, passed_over = entry_points(snapshot)
    if not found:
        return Proposal(passed_over=passed_over)
    first = found[0].command
    snippet = f"run:\n  commands:\n    - {first}\n"
    if snapshot.exists(CONFIG_FILE):
        read = snapshot.read_text(CONFIG_FILE)
        text = _yaml_with_commands(read.text, [first]) if read.ok else None
        return Proposal(found, snippet, ((CONFIG_FILE, text),) if text is not None else ())
    pyproject = snapshot.read_text("pyproject.toml") if snapshot.exists("pyproject.toml") else None
    if pyproject is not None and "[tool.reprobot" in pyproject.text:
        toml = f"[tool.reprobot.run]\ncommands = [{json.dumps(first)}]\n"
        return Proposal(found, toml)
    return Proposal(found, snippet, ((CONFIG_FILE, snippet),))
