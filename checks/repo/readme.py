"""What a README says: does it tell a newcomer how to install and how to run the work?

Headings count (Markdown `#`, setext and reStructuredText underlines, bold lines), and so
do commands. Commands that are also ordinary words (`make`, `run`) only count inside code:
fenced or indented blocks, inline backticks, `$ ` prompts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from checks.core.check import Context

INSTALL_HEADING = re.compile(
    r"\b(install\w*|set ?up|setting up|requirements|dependencies|prerequisites|environment)\b",
    re.I,
)
USAGE_HEADING = re.compile(
    r"\b(usage|quick ?start|getting started|running|how to run|how to use|examples?|"
    r"tutorials?|reproduc\w*|demo|workflow|run the \w+)\b",
    re.I,
)
INSTALL_TEXT = re.compile(
    r"\binstall(ation|ing|ed)?\b|pip3? install|conda (env )?(create|install)|mamba (env )?create|"
    r"\buv (sync|pip install)|poetry install|pipenv install|pdm install|install\.packages|"
    r"renv::restore|Pkg\.instantiate|docker (build|pull)",
    re.I,
)
USAGE_ANYWHERE = re.compile(
    r"\b(python3?|ipython)\s+(-m\s+[\w.]+|[\w./-]+\.py)\b|\bjupyter[ -](notebook|lab|nbconvert|"
    r"execute)\b|\bpapermill\b|\bsnakemake\b|\bnextflow run\b|\bRscript\b",
    re.I,
)
USAGE_IN_CODE = re.compile(
    r"^\s*(\$\s*)?(make\b|bash\s+\S+\.sh|sh\s+\S+\.sh|\./\S+|uv run\b|poetry run\b|pixi run\b|"
    r"pipenv run\b|docker (run|compose)\b|hatch run\b|nox\b|tox\b|pytest\b)",
    re.I,
)
_SETEXT = re.compile(r"^\s*([=\-~^\"'`#*+]{3,})\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")


@dataclass(frozen=True)
class ReadmeScan:
    """Where (1-based line) the README first explains installing and running, if it does."""

    install: int | None
    usage: int | None
    install_how: str = ""
    usage_how: str = ""


def headings(lines: list[str]) -> list[tuple[int, str]]:
    """(line number, text) of headings in Markdown or reStructuredText."""
    found = []
    for index, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith("#") and re.match(r"^#{1,6}\s", stripped):
            found.append((index + 1, stripped.lstrip("#").strip()))
        elif re.fullmatch(r"(\*\*|__)[^*_]{2,80}(\*\*|__):?", stripped):
            found.append((index + 1, stripped.strip("*_:")))
        elif re.fullmatch(r"<h[1-6][^>]*>.*</h[1-6]>", stripped, re.I):
            found.append((index + 1, re.sub(r"<[^>]+>", "", stripped)))
        elif (
            index + 1 < len(lines)
            and stripped
            and _SETEXT.match(lines[index + 1])
            and not _SETEXT.match(line)
            and len(lines[index + 1].strip()) >= min(len(stripped), 3)
        ):
            found.append((index + 1, stripped))
    return found


def code_lines(lines: list[str]) -> list[tuple[int, str]]:
    """(line number, text) of lines that are code: fences, `::` blocks, prompts, backticks."""
    found: list[tuple[int, str]] = []
    fenced, literal = False, False
    for index, line in enumerate(lines):
        number = index + 1
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if fenced:
            found.append((number, line))
            continue
        if literal and (line.startswith(("   ", "\t")) or not line.strip()):
            found.append((number, line))
            continue
        literal = line.rstrip().endswith("::") or line.strip().startswith(".. code")
        if line.lstrip().startswith(("$ ", ">>> ")) or line.startswith("    "):
            found.append((number, line.lstrip().removeprefix("$ ").removeprefix(">>> ")))
        found.extend((number, span) for span in re.findall(r"``?([^`]+)``?", line))
    return found


def scan(text: str, *, scripts: tuple[str, ...] = ()) -> ReadmeScan:
    """Find install and usage instructions in a README's text."""
    lines = text.splitlines()
    install = usage = None
    install_how = usage_how = ""
    for number, title in headings(lines):
        if install is None and INSTALL_HEADING.search(title):
            install, install_how = number, f"heading “{title[:60]}”"
        if usage is None and USAGE_HEADING.search(title):
            usage, usage_how = number, f"heading “{title[:60]}”"
    if install is None:
        for number, line in enumerate(lines, 1):
            if found := INSTALL_TEXT.search(line):
                install, install_how = number, f"“{found[0]}”"
                break
    if usage is None:
        usage_in_code = [re.escape(s) for s in scripts]
        own = re.compile(rf"^\s*(\$\s*)?({'|'.join(usage_in_code)})\b") if scripts else None
        for number, line in code_lines(lines):
            found = USAGE_ANYWHERE.search(line) or USAGE_IN_CODE.search(line)
            if not found and own is not None:
                found = own.search(line)
            if found:
                usage, usage_how = number, f"`{found[0].strip()[:60]}`"
                break
    if usage is None:
        for number, line in enumerate(lines, 1):
            if found := USAGE_ANYWHERE.search(line):
                usage, usage_how = number, f"`{found[0].strip()[:60]}`"
                break
    return ReadmeScan(install, usage, install_how, usage_how)


README_CAP = 1024 * 1024
_README = re.compile(r"^readme(\.(md|markdown|rst|txt))?$", re.I)


def find_readme(ctx: Context) -> str | None:
    """The README GitHub shows: in `.github/`, at the root, or in `docs/`, in that order."""
    for folder in (".github/", "", "docs/"):
        names = [
            f
            for f in ctx.snapshot.files
            if f.startswith(folder)
            and "/" not in f[len(folder) :]
            and _README.match(f[len(folder) :])
        ]
        if names:
            return sorted(names, key=lambda n: (not n.lower().endswith(".md"), n))[0]
    return None


@dataclass(frozen=True)
class Readme:
    """The README GitHub shows (`find_readme`), read: its text, or why it could not be read."""

    path: str | None  # None when the repository has no README
    text: str = ""
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


def readme(ctx: Context) -> Readme:
    """Fact provider: the README, read safely (no links out, 1 MB cap, UTF-8)."""
    path = find_readme(ctx)
    if path is None:
        return Readme(None)
    read = ctx.snapshot.read_text(path, cap=README_CAP)
    return Readme(path, read.text, read.problem)


@dataclass(frozen=True)
class ReadmeTitle:
    """The README's first heading when it reads as the project's title, and where it is."""

    title: str
    source: str  # "the first heading of README.md"


def readme_title(ctx: Context) -> ReadmeTitle | None:
    """Fact provider: the README's first heading, when it reads as a title (not "Installation")."""
    found = ctx.fact(readme)
    if found.path is None or not found.ok:
        return None
    first = headings(found.text.splitlines()[:40])
    title = first[0][1].strip() if first else ""
    if not title or len(title) > 150 or title.lower().startswith(("readme", "install", "usage")):
        return None
    return ReadmeTitle(title, f"the first heading of {found.path}")
