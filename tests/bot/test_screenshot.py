"""The sticky comment as a reader sees it: cmark-gfm's HTML in GitHub's Markdown style,
laid out by headless Chromium, saved as a PNG in test-artifacts/ (look at it), and the DOM
Chromium built read back: the outline in order, the passed checks folded, fences whole."""

from __future__ import annotations

import html
import os
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from reprobot.checks.core.model import Report, Status
from tests.bot.test_render import RUN, SITE, Node, Tree, comment, to_html

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CSS = ROOT / "tests" / "fixtures" / "github-markdown-css" / "github-markdown-light.css"
PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>reprobot comment</title>
<style>{css}
body {{ margin: 0; background: #fff; }}
.markdown-body {{ box-sizing: border-box; width: {width}px; padding: 16px 24px; }}
</style></head>
<body><article class="markdown-body" id="comment">{body}</article>
<script>document.body.dataset.height = document.documentElement.scrollHeight;</script>
</body></html>
"""
WIDTH = 900  # about the width of a comment on a pull request's page


def browser() -> str:
    found = next(
        (
            shutil.which(n)
            for n in ("chromium", "chromium-browser", "google-chrome")
            if shutil.which(n)
        ),
        None,
    )
    if found is None:
        if os.environ.get("REPROBOT_REQUIRE_CONTAINER") == "1":
            pytest.fail("chromium is not installed: run scripts/ci-chromium-setup.sh")
        pytest.skip("chromium is not installed (scripts/ci-chromium-setup.sh installs it)")
    return found


def chromium(binary: str, profile: Path, *args: str) -> str:
    done = subprocess.run(
        [
            binary,
            "--headless",
            "--no-sandbox",  # as root in a container, Chromium's own sandbox cannot start
            "--disable-gpu",
            "--hide-scrollbars",
            "--no-first-run",
            "--disable-extensions",
            f"--user-data-dir={profile}",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def test_the_comment_as_github_shows_it(example_report: Report, tmp_path: Path) -> None:
    binary = browser()
    ARTIFACTS.mkdir(exist_ok=True)
    body = to_html(comment(example_report))
    page = ARTIFACTS / "comment.html"
    page.write_text(
        PAGE.format(css=CSS.read_text("utf-8"), width=WIDTH, body=body), encoding="utf-8"
    )
    dom = chromium(binary, tmp_path / "profile", "--dump-dom", page.as_uri())
    tree = Tree()
    tree.feed(dom)
    (article,) = [n for n in tree.root.all("article") if n.attrs.get("id") == "comment"]
    height = int(tree.root.all("body")[0].attrs["data-height"])

    # the outline Chromium laid out: the answer, then each problem, passes folded
    outline = [n for n in article.children if isinstance(n, Node)]
    headings = [n for n in outline if n.tag in ("h1", "h2", "h3", "h4", "h5", "h6")]
    assert [h.tag for h in headings] == ["h3"] + ["h4"] * (len(headings) - 1)
    assert headings[0].text().startswith("❌ reprobot:")
    problems = [c for c in example_report.checks if c.status in (Status.FAIL, Status.WARN)]
    assert [h.text().split()[1] for h in headings[1:]] == [c.code for c in problems]
    assert outline.index(article.all("table")[0]) < outline.index(headings[1])
    details = article.all("details")
    assert details and not [d for d in details if "open" in d.attrs]
    # every file a fix writes is in one fence, whole
    shown = [html.unescape(pre.text()) for pre in article.all("pre")]
    for result in problems:
        for fix in result.fixes:
            for content in fix.files.values():
                assert content.rstrip("\n") + "\n" in shown

    shot = ARTIFACTS / "comment.png"
    shot.unlink(missing_ok=True)
    chromium(
        binary,
        tmp_path / "profile",
        f"--screenshot={shot}",
        f"--window-size={WIDTH},{height}",
        page.as_uri(),
    )
    width, tall = png_size(shot)
    assert (width, tall) == (WIDTH, height)
    assert shot.stat().st_size > 20_000  # a picture of text, not a blank page

    # and unfolded, to look at what the folds hold
    opened = ARTIFACTS / "comment-open.html"
    opened.write_text(page.read_text("utf-8").replace("<details>", "<details open>"), "utf-8")
    dom = chromium(binary, tmp_path / "profile", "--dump-dom", opened.as_uri())
    tree = Tree()
    tree.feed(dom)
    height = int(tree.root.all("body")[0].attrs["data-height"])
    shot = ARTIFACTS / "comment-open.png"
    size = f"--window-size={WIDTH},{height}"
    chromium(binary, tmp_path / "profile", f"--screenshot={shot}", size, opened.as_uri())
    assert png_size(shot) == (WIDTH, height)
    assert RUN not in body and f"{SITE}/blob/{example_report.commit}/" in body
