"""Text from a report, made inert for GitHub Markdown.

Whatever a report says (its checks quote the repository under test, and a report artifact
may be forged outright) is shown as text: no HTML, no links, no images, no `@mentions`, no
cross-references, no hidden comments, no headings or tables of its own. The one markup kept
is the inline code span (`like this`) on a single line: inside one nothing is rendered or
linked, and GitHub notifies nobody.

Only what reprobot builds itself becomes markup: its marker line, code fences (`fence`),
code spans (`code`), and links to the run and to files of the repository at the commit.
Those are `Safe`; the bot's templates pass every other value through `markdown_value`.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

# Placed after `@` and `#` and inside `://` so GitHub sees no mention, reference or link (a
# zero-width space after `://` is not enough: it is part of the host to cmark-gfm's autolinker
# and dropped from it by browsers).
ZWSP = "\u200b"

# Characters that hide or reorder text: C0 and C1 controls (but tab and newline), every
# format character (zero-width spaces and joiners, bidirectional overrides, soft hyphen,
# tags), line and paragraph separators, and lone surrogates, which cannot be encoded.
_HIDDEN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2"
    "\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f\ud800-\udfff]"
)
_BACKTICKS = re.compile(r"`+")
# Backslash-escaped wherever they appear: emphasis, code, links and images, tables, math.
_PUNCTUATION = re.compile(r"([\\`*~\[\]|$])")
_UNDERSCORE = re.compile(r"(?<![^\W_])_|_(?![^\W_])")  # `snake_case` stays as it is
# What a line may start with to become a heading, a list or a setext underline.
_LINE_START = re.compile(r"^(\s*)(?:([-+=#])|(\d+)([.)]))")
_WWW = re.compile(r"(?i)(?<![^\W_])(www)\.")
_REFERENCE = re.compile(r"#(?=\d)")
_SHA = re.compile(r"^[0-9a-f]{40}([0-9a-f]{24})?$")


class Safe(str):
    """Markdown that reprobot built itself; the templates output it as it is."""


def clean(text: str) -> str:
    """`text` without what hides or reorders text, with `\\n` line ends."""
    return _HIDDEN.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _inert(text: str) -> str:
    """Plain text (no code span) escaped so that GitHub renders it as it reads."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _PUNCTUATION.sub(r"\\\1", text)
    text = _UNDERSCORE.sub(r"\\_", text)
    text = text.replace("@", "@" + ZWSP).replace("://", ":" + ZWSP + "//")
    text = _REFERENCE.sub("#" + ZWSP, text)
    return _WWW.sub(lambda m: m.group(1) + ZWSP + ".", text)


def _start(match: re.Match[str]) -> str:
    indent, marker, number, dot = match.groups()
    return f"{indent}\\{marker}" if marker else f"{indent}{number}\\{dot}"


def _line(line: str, table: bool) -> str:
    """One line: code spans kept (their backticks matched as CommonMark does), the rest
    made inert, and a leading `-`, `+`, `=`, `#` or `1.` escaped. In a table cell a `|`
    inside a code span is escaped too (GitHub removes that backslash there)."""
    parts: list[str] = []
    position = 0
    plain_from = 0
    while True:
        opener = _BACKTICKS.search(line, position)
        if opener is None:
            break
        size = len(opener.group())
        closer = next(
            (m for m in _BACKTICKS.finditer(line, opener.end()) if len(m.group()) == size), None
        )
        if closer is None:
            position = opener.end()
            continue
        parts.append(_inert(line[plain_from : opener.start()]))
        span = line[opener.start() : closer.end()]
        parts.append(span.replace("|", "\\|") if table else span)
        plain_from = position = closer.end()
    parts.append(_inert(line[plain_from:]))
    text = "".join(parts)
    return _LINE_START.sub(_start, text, count=1)


def text(value: str) -> Safe:
    """Untrusted text as inert Markdown; its lines stay lines."""
    return Safe("\n".join(_line(line, False) for line in clean(value).split("\n")))


def line(value: str) -> Safe:
    """Untrusted text as one line of inert Markdown (a heading, a list item)."""
    return Safe(_line(" ".join(clean(value).split()), False))


def cell(value: str) -> Safe:
    """Untrusted text as the content of one table cell."""
    return Safe(_line(" ".join(clean(value).split()), True))


def code(value: str) -> Safe:
    """A code span holding `value` verbatim on one line, whatever backticks it contains."""
    content = " ".join(clean(value).split("\n"))
    ticks = "`"
    while ticks in content:
        ticks += "`"
    if content.startswith("`") or content.endswith("`"):
        content = f" {content} "
    return Safe(f"{ticks}{content}{ticks}")


def html_code(value: str) -> Safe:
    """`<code>value</code>` for an HTML block such as `<summary>`."""
    content = " ".join(clean(value).split("\n"))
    for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;")):
        content = content.replace(char, entity)
    return Safe(f"<code>{content}</code>")


def fence(value: str, lang: str = "") -> Safe:
    """A Markdown code fence that the text itself cannot close."""
    content = clean(value).rstrip()
    ticks = "```"
    while ticks in content:
        ticks += "`"
    return Safe(f"{ticks}{re.sub(r'[^A-Za-z0-9_+-]', '', lang)}\n{content}\n{ticks}")


def url(value: str | None) -> Safe:
    """A link target reprobot built (the run, a badge, GitHub's own answer): only http(s),
    and nothing in it that could end the link."""
    target = value or ""
    if not re.match(r"^https?://", target):
        return Safe("")
    return Safe(quote(clean(target), safe=":/?#&=%+@,;~!$*'-._"))


def blob_url(repository_url: str | None, commit: str | None) -> str | None:
    """Where the repository's files are shown at `commit` (a full sha), else None."""
    if not repository_url or not commit or not _SHA.match(commit):
        return None
    return f"{repository_url.rstrip('/')}/blob/{commit}"


def place(path: str, line_number: int | None, files_url: str | None) -> Safe:
    """`path:line` as code, linked to the file at the commit when that is known and the
    path stays inside the repository."""
    shown = code(f"{path}:{line_number}" if line_number else path)
    parts = path.split("/")
    if files_url is None or path.startswith("/") or any(p in ("", ".", "..") for p in parts):
        return shown
    target = f"{files_url}/{quote(clean(path), safe='/')}"
    if line_number:
        target += f"#L{int(line_number)}"
    return Safe(f"[{shown}]({target})")


def markdown_value(value: Any) -> Any:
    """The templates' `finalize`: every value not built by reprobot is made inert."""
    if isinstance(value, Safe):
        return value
    return text("" if value is None else str(value))
