"""BibTeX the repository offers for citing it: a citation `.bib` file or a README block.

The parser is small but follows BibTeX: `@type{key, field = {..} | ".." | 123 | macro}`,
values joined with `#`, nested braces, `@comment`/`@preamble`/`@string` skipped, month
macros known. LaTeX accents (`{\\"o}`, `\\'e`, `\\c{c}`) become Unicode and case-protecting
braces go. Authors are split on `and` outside braces and kept in the form written
("Last, First", "Last, Jr, First" or "First von Last"). A references file (`paper.bib`
with the paper's own bibliography) is not a citation of this work, so only citation-named
files and files holding a single entry count.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from reprobot.checks.core.check import Context
from reprobot.checks.repo.metadata import Person
from reprobot.checks.repo.readme import readme

BIB_CAP = 256 * 1024
MAX_ENTRIES = 50
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_RAW = frozenset({"url", "author", "editor"})  # split or used as written
_START = re.compile(r"@\s*([A-Za-z]+)\s*([{(])")
_FIELD = re.compile(r"\s*([A-Za-z][\w:.+-]*)\s*=\s*")
_ACCENTS = {
    '"': "\u0308",
    "'": "\u0301",
    "`": "\u0300",
    "^": "\u0302",
    "~": "\u0303",
    "=": "\u0304",
    ".": "\u0307",
    "u": "\u0306",
    "v": "\u030c",
    "H": "\u030b",
    "c": "\u0327",
    "k": "\u0328",
    "r": "\u030a",
}
_LETTERS = {
    "ss": "ß",
    "o": "ø",
    "O": "Ø",
    "aa": "å",
    "AA": "Å",
    "ae": "æ",
    "AE": "Æ",
    "oe": "œ",
    "OE": "Œ",
    "l": "ł",
    "L": "Ł",
    "i": "i",
    "j": "j",
}
_ACCENT = re.compile(
    r"\\([\"'`^~=.])\s*\{?\s*(\\?[A-Za-z])\s*\}?|\\([uvHckr])(?:\s*\{\s*(\\?[A-Za-z])\s*\}|\s+([A-Za-z]))"
)
_LETTER = re.compile(r"\\(ss|aa|AA|ae|AE|oe|OE|[oOlLij])(?![A-Za-z])\s*")


@dataclass(frozen=True)
class BibEntry:
    """One entry: its type (lower case), key, fields (lower-case names, plain text values)."""

    kind: str
    key: str
    fields: tuple[tuple[str, str], ...]
    source: str  # "CITATION.bib" or "the BibTeX block in README.md"
    line: int = 1

    def get(self, name: str) -> str | None:
        return next((v for k, v in self.fields if k == name and v), None)

    @property
    def authors(self) -> tuple[str, ...]:
        return split_authors(self.get("author") or "")

    @property
    def authors_people(self) -> tuple[Person, ...]:
        return tuple(Person(name) for name in self.authors)


def _letter(match: re.Match[str]) -> str:
    return _LETTERS[match[1]]


def _accent(match: re.Match[str]) -> str:
    mark, base = (match[1], match[2]) if match[1] else (match[3], match[4] or match[5])
    base = _LETTERS.get(base[1:], base[1:]) if base.startswith("\\") else base
    return unicodedata.normalize("NFC", base + _ACCENTS[mark])


def latex_to_text(value: str) -> str:
    """`Schr{\\"o}dinger \\& {Co}` -> `Schrödinger & Co`: accents, escapes, braces, spaces."""
    text = _ACCENT.sub(_accent, value)
    text = _LETTER.sub(_letter, text)
    text = re.sub(r"\\(textit|textbf|emph|textrm|textsc|texttt|mathrm|url|href)\s*", "", text)
    text = re.sub(r"\\([&%$#_{}])", r"\1", text).replace("~", " ").replace("--", "–")
    text = re.sub(r"\\[A-Za-z]+\s*", "", text)
    text = text.replace("{", "").replace("}", "").replace("$", "")
    return " ".join(text.split())


def _balanced(text: str, start: int, close: str) -> int:
    """Index just past the `close` that ends the group opened before `start` (or len)."""
    depth = 0
    for index in range(start, len(text)):
        char = text[index]
        if char == "{":
            depth += 1
        elif char == "}" and depth:
            depth -= 1
        elif char == close and depth == 0:
            return index + 1
    return len(text)


def _value(text: str, pos: int, close: str) -> tuple[str, int]:
    """One field value (parts joined by `#`) starting at `pos`; (raw text, end)."""
    parts: list[str] = []
    while pos < len(text):
        while pos < len(text) and text[pos].isspace():
            pos += 1
        char = text[pos : pos + 1]
        if char == "{":
            end = _balanced(text, pos + 1, "}")
            parts.append(text[pos + 1 : end - 1])
        elif char == '"':
            end, depth = pos + 1, 0
            while end < len(text) and not (text[end] == '"' and depth == 0):
                if text[end] == "{":
                    depth += 1
                elif text[end] == "}" and depth:
                    depth -= 1
                end += 1
            parts.append(text[pos + 1 : end])
            end += 1
        else:
            word = re.match(r"[^\s,#}" + re.escape(close) + r"]+", text[pos:])
            raw = word[0] if word else ""
            end = pos + len(raw)
            month = raw.lower()[:3]
            parts.append(str(_MONTHS.index(month) + 1) if month in _MONTHS else raw)
        pos = end
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if text[pos : pos + 1] != "#":
            break
        pos += 1
    return "".join(parts), pos


def _entry(text: str, start: int, close: str) -> tuple[str, list[tuple[str, str]], int]:
    key_end = start
    while key_end < len(text) and text[key_end] not in "," + close:
        key_end += 1
    key, pos, fields = text[start:key_end].strip(), key_end, []
    while pos < len(text) and text[pos] == ",":
        match = _FIELD.match(text, pos + 1)
        if match is None:
            pos += 1
            while pos < len(text) and text[pos].isspace():
                pos += 1
            break
        raw, pos = _value(text, match.end(), close)
        name = match[1].lower()
        fields.append((name, raw.strip() if name in _RAW else latex_to_text(raw)))
    if text[pos : pos + 1] == close:
        pos += 1
    return key, fields, pos


def parse_bibtex(text: str, source: str, first_line: int = 1) -> tuple[BibEntry, ...]:
    """The entries of `text`, in order; broken or unfinished entries end the scan quietly."""
    entries: list[BibEntry] = []
    pos = 0
    while len(entries) < MAX_ENTRIES and (at := text.find("@", pos)) != -1:
        match = _START.match(text, at)
        if match is None:
            pos = at + 1
            continue
        kind, close = match[1].lower(), "}" if match[2] == "{" else ")"
        if kind in ("comment", "preamble", "string"):
            pos = _balanced(text, match.end(), close)
            continue
        key, fields, pos = _entry(text, match.end(), close)
        line = first_line + text.count("\n", 0, at)
        entries.append(BibEntry(kind, key, tuple(fields), source, line))
    return tuple(entries)


def split_authors(value: str) -> tuple[str, ...]:
    """`Doe, Jane and John {van Dyke} and others` -> ("Doe, Jane", "John van Dyke")."""
    names, depth, start = [], 0, 0
    value = f" {' '.join(value.split())} "
    for index, char in enumerate(value):
        depth += 1 if char == "{" else -1 if char == "}" and depth else 0
        if depth == 0 and value[index : index + 5].lower() == " and " and index >= start:
            names.append(value[start:index])
            start = index + 5
    names.append(value[start:])
    cleaned = (" ".join(latex_to_text(n).split()).strip(" ,") for n in names)
    return tuple(n for n in cleaned if n and n.lower() not in ("others", "and"))


PAPER_KINDS = frozenset(
    {
        "article",
        "inproceedings",
        "conference",
        "incollection",
        "inbook",
        "book",
        "phdthesis",
        "mastersthesis",
        "thesis",
        "techreport",
        "report",
        "unpublished",
    }
)
SOFTWARE_KINDS = frozenset({"software", "codeunit", "manual", "misc", "online", "electronic"})


def is_software(entry: BibEntry) -> bool:
    """An entry for code: `@software`, or a `@misc`-like one with no journal or e-print."""
    if entry.kind == "software":
        return True
    published = any(entry.get(k) for k in ("journal", "booktitle", "eprint", "archiveprefix"))
    return entry.kind in SOFTWARE_KINDS and not published and bool(entry.get("title"))


def is_paper(entry: BibEntry) -> bool:
    """A publication: an article, a thesis... or a `@misc` e-print (arXiv, bioRxiv)."""
    if entry.kind in PAPER_KINDS:
        return True
    return entry.kind == "misc" and any(entry.get(k) for k in ("eprint", "archiveprefix"))


@dataclass(frozen=True)
class CitationBibtex:
    """Entries offered for citing this work, in the order found."""

    entries: tuple[BibEntry, ...] = ()

    @property
    def software(self) -> BibEntry | None:
        return next((e for e in self.entries if is_software(e) and e.get("title")), None)

    @property
    def paper(self) -> BibEntry | None:
        return next((e for e in self.entries if is_paper(e) and e.get("title")), None)


_CITATION_BIB = re.compile(r"^(citation|cite|citing|how-?to-?cite)s?\.bib(tex)?$", re.I)
_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})[ \t]*([\w+-]*)")
_RST_BLOCK = re.compile(r"^\.\.[ \t]+code(?:-block)?::[ \t]*(bibtex|bib)[ \t]*$", re.I)
_ENTRY = re.compile(r"@\s*[A-Za-z]+\s*[{(]")
_BLOCK_LANGUAGES = frozenset({"", "bibtex", "bib", "biblatex", "latex", "tex", "text"})


def _closes(line: str, marker: str) -> bool:
    stripped = line.strip()
    return len(stripped) >= len(marker) and stripped == marker[0] * len(stripped)


def _blocks(lines: list[str]) -> list[tuple[int, str]]:
    """(first line, body) of fenced blocks in BibTeX-ish languages and rst bibtex blocks."""
    found, index = [], 0
    while index < len(lines):
        fence, rst = _FENCE.match(lines[index]), _RST_BLOCK.match(lines[index])
        end = index + 1
        if fence:
            while end < len(lines) and not _closes(lines[end], fence[1]):
                end += 1
            if fence[2].lower() in _BLOCK_LANGUAGES:
                found.append((index + 2, "".join(lines[index + 1 : end])))
            end += 1  # past the closing fence
        elif rst:
            while end < len(lines) and (not lines[end].strip() or lines[end][:1] in " \t"):
                end += 1
            found.append((index + 2, "".join(lines[index + 1 : end])))
        index = end
    return found


def readme_bibtex(text: str, path: str) -> tuple[BibEntry, ...]:
    """Entries in the README's code blocks (```bibtex, or an rst `code-block:: bibtex`)."""
    found: list[BibEntry] = []
    for line, body in _blocks(text.splitlines(keepends=True)):
        if _ENTRY.search(body):
            found += parse_bibtex(body, f"the BibTeX block in {path}", line)
    return tuple(found)


def citation_bibtex(ctx: Context) -> CitationBibtex:
    """Fact provider: BibTeX from citation `.bib` files at the root and the README's blocks."""
    entries: list[BibEntry] = []
    for name in sorted(
        f for f in ctx.snapshot.files if "/" not in f and f.lower().endswith(".bib")
    ):
        read = ctx.snapshot.read_text(name, cap=BIB_CAP)
        if not read.ok:
            continue
        parsed = parse_bibtex(read.text, name)
        if _CITATION_BIB.match(name) or len(parsed) == 1:
            entries += parsed
    found = ctx.fact(readme)
    if found.path is not None and found.ok:
        entries += readme_bibtex(found.text, found.path)
    return CitationBibtex(tuple(entries[:MAX_ENTRIES]))
