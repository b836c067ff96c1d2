"""bot.markdown: untrusted text as inert Markdown, read back with GitHub's renderer."""

from __future__ import annotations

import html
import re
import sys
import unicodedata

import cmarkgfm
import pytest
from cmarkgfm.cmark import Options

from reprobot.bot import markdown
from tests.hostile.test_hostile_bot import TRICKS, read_as_github

SITE = "https://github.com/o/r"


def _html(body: str) -> str:
    return str(
        cmarkgfm.markdown_to_html_with_extensions(
            body, options=Options.CMARK_OPT_UNSAFE, extensions=["table", "autolink"]
        )
    )


def shown(body: str) -> str:
    """Everything a reader sees, code included, with the zero-width spaces taken out."""
    assert not [t for t, _ in read_as_github(body).tags if t not in ("p", "code")]
    text = re.sub(r"<[^>]+>", "", _html(body))
    return html.unescape(text).replace(markdown.ZWSP, "").strip()


def test_every_invisible_character_is_dropped() -> None:
    invisible = [
        chr(c)
        for c in range(sys.maxunicode + 1)
        if unicodedata.category(chr(c)) in ("Cf", "Cs")
        or (unicodedata.category(chr(c)) == "Cc" and chr(c) not in "\n\t\r")
    ]
    assert markdown.clean("".join(invisible) + "a\r\nb\rc") == "a\nb\nc"
    assert markdown.clean("tab\tand ⚠️ and é") == "tab\tand ⚠️ and é"


@pytest.mark.parametrize("trick", [t for t in TRICKS if "\n" not in t])
def test_a_line_reads_as_it_was_written(trick: str) -> None:
    """Nothing is lost or hidden: the reader sees the words (code spans as code)."""
    expected = " ".join(markdown.clean(trick).split()).replace("`", "")
    assert shown(markdown.line(trick)).replace("`", "") == expected
    assert shown(markdown.cell(trick)).replace("`", "") == expected


def test_lines_stay_lines_and_start_nothing() -> None:
    body = markdown.text("# title\n- item\n1. first\n2) second\n+ plus\n===\n---\n> quote")
    rendered = _html(body)
    assert not re.search(r"<(h\d|ul|ol|li|hr|blockquote)\b", rendered)
    assert shown(body).splitlines() == [
        "# title",
        "- item",
        "1. first",
        "2) second",
        "+ plus",
        "===",
        "---",
        "> quote",
    ]


@pytest.mark.parametrize("value", ["plain", "a`b", "``x``", "`edge", "edge`", "@user <img>"])
def test_a_code_span_holds_anything(value: str) -> None:
    rendered = _html(markdown.code(value))
    (content,) = re.findall(r"<code>(.*?)</code>", rendered)
    assert html.unescape(content).strip() == value


def test_a_fence_cannot_be_closed_by_its_content() -> None:
    content = "```\n<img src=x>\n~~~\n````"
    rendered = _html("before\n\n" + markdown.fence(content, "sh; rm") + "\n\nafter")
    (block,) = re.findall(r"<pre><code[^>]*>(.*?)</code></pre>", rendered, re.S)
    assert html.unescape(block).rstrip("\n") == content
    assert 'class="language-shrm"' in rendered
    assert "<img" not in rendered


def test_links_only_to_files_inside_the_repository_at_a_full_commit() -> None:
    files = markdown.blob_url(SITE, "a" * 40)
    assert files == f"{SITE}/blob/{'a' * 40}"
    assert markdown.blob_url(SITE, "abc1234") is None
    assert markdown.blob_url(None, "a" * 40) is None
    assert markdown.place("src/a b(1).py", 3, files) == (
        f"[`src/a b(1).py:3`]({files}/src/a%20b%281%29.py#L3)"
    )
    for outside in ("../x.py", "/etc/passwd", "a/../../b", "a//b"):
        assert markdown.place(outside, None, files) == markdown.code(outside)
    assert markdown.place("x.py", None, None) == "`x.py`"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://github.com/o/r/actions/runs/1", "https://github.com/o/r/actions/runs/1"),
        ("javascript:alert(1)", ""),
        ("https://x.example/a b)(<", "https://x.example/a%20b%29%28%3C"),
        (None, ""),
    ],
)
def test_urls_cannot_end_their_link(value: str | None, expected: str) -> None:
    assert markdown.url(value) == expected


def test_the_templates_escape_every_value_but_their_own_markup() -> None:
    assert markdown.markdown_value("<b>@x</b>") == f"&lt;b&gt;@{markdown.ZWSP}x&lt;/b&gt;"
    assert markdown.markdown_value(markdown.Safe("<b>")) == "<b>"
    assert markdown.markdown_value(None) == ""
    assert markdown.markdown_value(3) == "3"
