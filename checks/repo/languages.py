"""Which languages a repository is written in, and the code of each, comments blanked.

Languages are told by file name (`.R`, `.jl`, `.m`, `.do`, `.sh`, ...), by the kernel of
each notebook (`ir` is R, `julia-1.10` is Julia), and by the chunks of R Markdown and Quarto
documents (```` ```{r} ````). Every reader of R, Julia, MATLAB, Stata or shell code in
reprobot goes through `code_units`, so a place (file, cell, line) is the same everywhere.

`blank_comments` turns a source into the same text with every comment replaced by spaces
(newlines kept, so offsets and line numbers do not move) and every string left as it is:
the scanners that look for package loads or personal paths then never mistake a comment for
code. It is a lexer per language, written as one regular expression each, not a parser.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass

from reprobot.checks.core.check import Context
from reprobot.checks.core.snapshot import Snapshot
from reprobot.checks.repo.notebooks import (
    SCRIPT_CAP,
    CodeCell,
    code_cells,
    language,
    read_notebook,
)

PYTHON, R, JULIA, MATLAB, STATA, SHELL = "Python", "R", "Julia", "MATLAB", "Stata", "Shell"

# File endings -> language. `.m` is MATLAB unless it reads as Objective-C (`_OBJC`).
_SUFFIXES: dict[str, str] = {
    ".py": PYTHON,
    ".pyw": PYTHON,
    ".pyx": "Cython",
    ".r": R,
    ".rmd": R,
    ".rmarkdown": R,
    ".rnw": R,
    ".jl": JULIA,
    ".m": MATLAB,
    ".mlx": MATLAB,
    ".do": STATA,
    ".ado": STATA,
    ".sh": SHELL,
    ".bash": SHELL,
    ".zsh": SHELL,
    ".c": "C/C++",
    ".h": "C/C++",
    ".cc": "C/C++",
    ".cpp": "C/C++",
    ".cxx": "C/C++",
    ".hpp": "C/C++",
    ".f": "Fortran",
    ".f90": "Fortran",
    ".f95": "Fortran",
    ".f03": "Fortran",
    ".for": "Fortran",
    ".sas": "SAS",
    ".wl": "Mathematica",
    ".wls": "Mathematica",
    ".nb": "Mathematica",
}
# Kernel languages (lower case) as notebooks name them -> language.
_KERNELS = {
    "python": PYTHON,
    "python3": PYTHON,
    "r": R,
    "julia": JULIA,
    "matlab": MATLAB,
    "octave": MATLAB,
    "stata": STATA,
    "bash": SHELL,
    "sh": SHELL,
}
# Chunk engines of R Markdown / Quarto -> language.
_ENGINES = {"r": R, "python": PYTHON, "julia": JULIA, "bash": SHELL, "sh": SHELL, "stata": STATA}
_OBJC = re.compile(rb"^\s*(#import|@interface|@implementation)\b", re.M)
# Folders of generated or vendored code that are nobody's analysis.
VENDORED = ("renv/", "packrat/", ".julia/", "node_modules/")

_CHUNK_OPEN = re.compile(r"^\s*(`{3,})\s*\{\s*([A-Za-z]+)[^}]*\}\s*$")
_DOCUMENTS = (".rmd", ".qmd", ".rmarkdown")


def suffix(path: str) -> str:
    name = path.rsplit("/", 1)[-1]
    return "." + name.rsplit(".", 1)[1].lower() if "." in name else ""


def vendored(path: str) -> bool:
    return path.startswith(VENDORED) or any(f"/{v}" in path for v in VENDORED)


def kernel_language(nb: object) -> str:
    """The language of a notebook's kernel (`R` for `ir`), or its own name when unknown."""
    if not isinstance(nb, dict):
        return PYTHON
    metadata = nb.get("metadata")
    spec = metadata.get("kernelspec") if isinstance(metadata, dict) else None
    name = spec.get("name") if isinstance(spec, dict) else None
    if isinstance(name, str) and name.lower() == "ir":
        return R
    said = language(nb)
    return _KERNELS.get(said, said.capitalize() if said else PYTHON)


@dataclass(frozen=True)
class CodeUnit:
    """A piece of code in one language: a whole file, one notebook cell or the chunks of one
    language in a document (other lines blank, so lines are the document's)."""

    path: str
    language: str
    text: str
    cell: int | None = None


def _chunks(text: str, path: str) -> Iterator[CodeUnit]:
    """The code chunks of an R Markdown or Quarto document, one unit per language."""
    lines = text.split("\n")
    kept: dict[str, list[str]] = {}
    fence, current = "", None
    for number, line in enumerate(lines):
        if current is None:
            match = _CHUNK_OPEN.match(line)
            if match and match.group(2).lower() in _ENGINES:
                fence, current = match.group(1), _ENGINES[match.group(2).lower()]
                kept.setdefault(current, [""] * len(lines))
            continue
        if line.strip().startswith(fence) and not line.strip().strip("`"):
            current = None
            continue
        kept[current][number] = line
    for lang, body in kept.items():
        yield CodeUnit(path, lang, "\n".join(body))


def _notebook(snapshot: Snapshot, path: str) -> tuple[str, tuple[CodeCell, ...]] | None:
    """A notebook's kernel language and code cells; None when it cannot be read as JSON
    (BLD001 reports that). Parsed once per run through `Snapshot.parsed`."""
    nb = read_notebook(snapshot, path)
    if nb is None:
        return None
    lang = kernel_language(nb)
    return lang, (() if lang == PYTHON else tuple(code_cells(nb)))


def notebook_language(snapshot: Snapshot, path: str) -> str:
    """The language of a notebook's kernel (Python when it cannot be read)."""
    found = snapshot.parsed(path, _notebook)
    return found[0] if found else PYTHON


def _document(snapshot: Snapshot, path: str) -> tuple[CodeUnit, ...]:
    read = snapshot.read_text(path, cap=SCRIPT_CAP)
    return tuple(_chunks(read.text, path)) if read.ok else ()


def code_units(snapshot: Snapshot, *languages: str) -> Iterator[CodeUnit]:
    """The code of `languages` in the repository other than Python (which is read by
    `checks.repo.imports` and the path scan): files, documents' chunks, notebooks' cells."""
    wanted = set(languages)
    for path in snapshot.files:
        if vendored(path):
            continue
        end = suffix(path)
        if end == ".ipynb":
            found = snapshot.parsed(path, _notebook)
            if found is not None and found[0] in wanted:
                yield from (CodeUnit(path, found[0], c.source, c.number) for c in found[1])
        elif end in _DOCUMENTS:
            yield from (u for u in snapshot.parsed(path, _document) if u.language in wanted)
        elif _SUFFIXES.get(end) in wanted and end not in (".mlx", ".rnw"):
            read = snapshot.read_text(path, cap=SCRIPT_CAP)
            if read.ok and not (end == ".m" and _OBJC.search(read.text.encode())):
                yield CodeUnit(path, _SUFFIXES[end], read.text)


@dataclass(frozen=True)
class LanguageFiles:
    """One language found in the repository: how many files, and the first few."""

    language: str
    count: int
    examples: tuple[str, ...]


def detect(snapshot: Snapshot) -> tuple[LanguageFiles, ...]:
    """The languages of the repository's code, most files first."""
    found: dict[str, list[str]] = {}
    for path in snapshot.files:
        if vendored(path):
            continue
        end = suffix(path)
        langs: set[str] = set()
        if end == ".ipynb":
            notebook = snapshot.parsed(path, _notebook)
            langs.add(notebook[0] if notebook else PYTHON)
        elif end in _DOCUMENTS:
            langs.update(u.language for u in snapshot.parsed(path, _document))
            if end != ".qmd" and not langs:
                langs.add(R)
        elif end == ".m":
            data, _ = snapshot.read_bytes(path, cap=SCRIPT_CAP)
            langs.add("Objective-C" if _OBJC.search(data) else MATLAB)
        elif end in _SUFFIXES:
            langs.add(_SUFFIXES[end])
        for lang in langs:
            found.setdefault(lang, []).append(path)
    ordered = sorted(found.items(), key=lambda item: (-len(item[1]), item[0]))
    return tuple(LanguageFiles(lang, len(paths), tuple(paths[:3])) for lang, paths in ordered)


def languages(ctx: Context) -> tuple[LanguageFiles, ...]:
    """Fact provider: the languages of the repository's code."""
    return detect(ctx.snapshot)


# One regular expression per language: strings (kept) and comments (blanked).
_R_RAW = r"""(?<![\w.])[rR]["'](?P<d>-*)[(\[{](?s:.*?)(?:[)\]}](?P=d)["']|\Z)"""
_LEXERS = {
    R: re.compile(
        rf"(?P<s>{_R_RAW}|\"(?:[^\"\\]|\\.)*\"?|'(?:[^'\\]|\\.)*'?|`[^`\n]*`?)|(?P<c>#[^\n]*)",
        re.S,
    ),
    JULIA: re.compile(
        r'(?P<s>"""(?:[^"\\]|\\.|"(?!""))*(?:""")?|"(?:[^"\\]|\\.)*"?|`[^`]*`?'
        r"|(?<![\w)\]}'.])'(?:[^'\\\n]|\\[^\n]{1,9}?)')|(?P<b>#=)|(?P<c>#[^\n]*)",
        re.S,
    ),
    MATLAB: re.compile(
        r"""(?P<s>(?<![\w)\]}'.])'(?:[^'\n]|'')*'?|"(?:[^"\n]|"")*"?)"""
        r"|(?P<c>^[ \t]*%\{[ \t]*\n(?s:.*?)(?:^[ \t]*%\}[ \t]*$|\Z)|%[^\n]*|\.\.\.[^\n]*)",
        re.M,
    ),
    STATA: re.compile(
        r"""(?P<s>`"(?s:.*?)"'|"[^"\n]*"?)|(?P<c>/\*(?s:.*?)(?:\*/|\Z)|//[^\n]*|^[ \t]*\*[^\n]*)""",
        re.M,
    ),
    SHELL: re.compile(
        r"""(?P<s>'[^']*'?|\$'(?:[^'\\]|\\.)*'?|"(?:[^"\\]|\\.)*"?)|(?P<c>(?<![^\s;|&(])#[^\n]*)""",
        re.S,
    ),
}


def _julia_block_end(text: str, start: int) -> int:
    """The end of the (nested) `#= ... =#` comment opened at `start`."""
    depth, at = 0, start
    while at < len(text):
        if text.startswith("#=", at):
            depth, at = depth + 1, at + 2
        elif text.startswith("=#", at):
            depth, at = depth - 1, at + 2
            if depth == 0:
                return at
        else:
            at += 1
    return len(text)


def _blank(text: str) -> str:
    return re.sub(r"[^\n]", " ", text)


def blank_comments(lang: str, text: str) -> str:
    """`text` with its comments replaced by spaces (strings and line numbers kept)."""
    lexer = _LEXERS.get(lang)
    if lexer is None:
        return text
    out: list[str] = []
    at = 0
    while (match := lexer.search(text, at)) is not None:
        out.append(text[at : match.start()])
        if match.lastgroup == "s":
            out.append(match.group())
            at = match.end()
        elif match.lastgroup == "b":
            end = _julia_block_end(text, match.start())
            out.append(_blank(text[match.start() : end]))
            at = end
        else:
            out.append(_blank(match.group()))
            at = match.end()
        if match.end() == match.start():
            at += 1
    out.append(text[at:])
    return "".join(out)


class Lines:
    """Line numbers of offsets in a text."""

    def __init__(self, text: str) -> None:
        self._starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def of(self, offset: int) -> int:
        return bisect.bisect_right(self._starts, offset)
