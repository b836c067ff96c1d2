"""What a README says: does it tell a newcomer how to install and how to run the work?

Headings count (Markdown `#`, setext and reStructuredText underlines, bold lines), and so
do commands. Commands that are also ordinary words (`make`, `run`) only count inside code:
fenced or indented blocks, inline backticks, `$ ` prompts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from reprobot.checks.core.check import Context

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
    """The work's title as the README gives it, and where it is."""

    title: str
    source: str  # "the first heading of README.md", "the first sentence of README.md"


# Words of section headings ("Requirements", "Citing this work"), never a work's title.
_SECTION_WORDS = frozenset(
    {
        "a",
        "about",
        "abstract",
        "acknowledgements",
        "acknowledgments",
        "an",
        "and",
        "author",
        "authors",
        "background",
        "changelog",
        "citation",
        "citations",
        "cite",
        "citing",
        "code",
        "contact",
        "contents",
        "contributing",
        "contributors",
        "copyright",
        "data",
        "dependencies",
        "description",
        "docs",
        "documentation",
        "environment",
        "example",
        "examples",
        "faq",
        "features",
        "files",
        "folder",
        "folders",
        "for",
        "getting",
        "hello",
        "how",
        "in",
        "install",
        "installation",
        "installing",
        "instructions",
        "intro",
        "introduction",
        "it",
        "its",
        "licence",
        "license",
        "me",
        "my",
        "news",
        "notes",
        "of",
        "our",
        "overview",
        "prerequisites",
        "project",
        "quick",
        "quickstart",
        "read",
        "readme",
        "references",
        "repo",
        "repository",
        "requirement",
        "requirements",
        "run",
        "running",
        "set",
        "setup",
        "start",
        "started",
        "structure",
        "summary",
        "table",
        "the",
        "this",
        "to",
        "todo",
        "up",
        "usage",
        "use",
        "using",
        "welcome",
        "work",
        "world",
        "your",
    }
)
_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)|!\[[^\]]*\]\[[^\]]*\]")
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)|\[([^\]]*)\]\[[^\]]*\]")


def plain_text(text: str) -> str:
    """Markdown or rst inline markup removed: links keep their words, images and badges go."""
    text = _MD_IMAGE.sub("", text)
    text = _MD_LINK.sub(lambda m: m[1] if m[1] is not None else m[2], text)
    text = re.sub(r"<[^>]+>", "", text)
    text = re.sub(r"\|[^|\s][^|]*\|_{0,2}", "", text)  # rst substitutions (badges)
    text = re.sub(r"`([^`<]*?)\s*<[^>]*>`_{1,2}", r"\1", text)  # rst links
    text = re.sub(r":\w+:`([^`]*)`", r"\1", text)  # rst roles
    text = re.sub(r"(\*\*|__|\*|``|`)(\S(?:.*?\S)?)\1", r"\2", text)
    text = re.sub(r"(?<!\w)_(\S(?:.*?\S)?)_(?!\w)", r"\1", text)
    return " ".join(text.split()).strip(" #:-–—")


def is_title(text: str) -> bool:
    """A work's title, not a section heading ("Installation", "Citing this work")."""
    words = re.findall(r"[^\W_]+", text.casefold())
    if not words or len(text) > 200:
        return False
    return not all(w in _SECTION_WORDS for w in words)


_QUOTED = re.compile(r'"([^"]{3,200})"|“([^”]{3,200})”|\*([^*]{3,200})\*|(?<!\w)_([^_]{3,200})_')
_NOT_PROSE = re.compile(r"^\s*(\[!\[|!\[|<|\||\.\. |[#=\-~^*+`]{3,}|```|~~~|>|-{3,})")


def first_sentence(lines: list[str]) -> tuple[int, str] | None:
    """(line, text) of the first sentence of the first paragraph of prose."""
    marked = {n for n, _ in headings(lines)}
    paragraph: list[str] = []
    start = 0
    for number, line in enumerate(lines[:200], 1):
        stripped = line.strip()
        prose = stripped and number not in marked and not _NOT_PROSE.match(line)
        if prose and not _SETEXT.match(line):
            start = start or number
            paragraph.append(stripped)
        elif paragraph:
            break
    if not paragraph:
        return None
    text = " ".join(paragraph)
    end = re.search(r"(?<!\b[A-Z])(?<!\be\.g)(?<!\bi\.e)[.!?](\s+(?=[A-Z])|$)", text)
    return start, text[: end.end()].strip() if end else text


def sentence_title(sentence: str) -> str | None:
    """The quoted or emphasised title in a sentence: `... the project "A study of X".`"""
    for match in _QUOTED.finditer(sentence):
        found = next(g for g in match.groups() if g is not None)
        title = plain_text(found).rstrip(".,;")
        if len(title.split()) >= 2 and is_title(title):
            return title
    return None


def title_of(text: str, path: str) -> ReadmeTitle | None:
    """The README's first heading when it is a title, else a title quoted in its first
    sentence; None when it gives neither."""
    lines = text.splitlines()
    first = headings(lines[:40])
    heading = plain_text(first[0][1]) if first else ""
    if heading and is_title(heading):
        return ReadmeTitle(heading, f"the first heading of {path}")
    sentence = first_sentence(lines)
    title = sentence_title(sentence[1]) if sentence else None
    return ReadmeTitle(title, f"the first sentence of {path}") if title else None


def readme_title(ctx: Context) -> ReadmeTitle | None:
    """Fact provider: the work's title as the README gives it, when it gives one."""
    found = ctx.fact(readme)
    if found.path is None or not found.ok:
        return None
    return title_of(found.text, found.path)


# DOI prefixes of archives that hold code and data (Zenodo, OSF, figshare, Dryad, Code Ocean).
ARCHIVE_PREFIXES = ("10.5281/", "10.17605/", "10.6084/", "10.5061/", "10.24433/")
_DOI_TEXT = re.compile(r"\b(10\.\d{4,9}/[^\s\"'<>()\[\]{}|,;]+)", re.I)
_BADGE = re.compile(r"zenodo\.org/badge/(?:doi|latestdoi)/(10\.\d{4,9}/[^\s)\]]+?)\.svg", re.I)


@dataclass(frozen=True)
class ReadmeDois:
    """DOIs of the work's archived copies the README names: its Zenodo badge, then others."""

    path: str | None = None
    badge: str | None = None  # the DOI of a Zenodo badge: this repository's archive
    archives: tuple[str, ...] = ()  # other archive DOIs, in the order written


def dois_of(text: str, path: str | None) -> ReadmeDois:
    """The archive DOIs in a README's text."""
    badge = next((m[1] for m in _BADGE.finditer(text)), None)
    seen: list[str] = []
    for match in _DOI_TEXT.finditer(_BADGE.sub("", text)):
        doi = match[1].rstrip(".").removesuffix(".svg")
        archive = doi.upper().startswith(tuple(p.upper() for p in ARCHIVE_PREFIXES))
        if archive and doi != badge and doi.casefold() not in (d.casefold() for d in seen):
            seen.append(doi)
    return ReadmeDois(path, badge, tuple(seen[:5]))


def readme_dois(ctx: Context) -> ReadmeDois:
    """Fact provider: the archive DOIs the README names."""
    found = ctx.fact(readme)
    if found.path is None or not found.ok:
        return ReadmeDois()
    return dois_of(found.text, found.path)
