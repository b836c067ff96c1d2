"""The comment and the job summary as GitHub shows them: rendered by cmark-gfm (GitHub's own
renderer) and read back as HTML, the four questions first, failures next, passes folded."""

from __future__ import annotations

import dataclasses
import html
import re
from html.parser import HTMLParser
from pathlib import Path

import cmarkgfm
from cmarkgfm.cmark import Options

from reprobot.bot import badge, bodies, render
from reprobot.bot.truncate import COMMENT_LIMIT, utf16_len
from reprobot.checks.core.model import CheckResult, Finding, Fix, Report, Status

SITE = "https://github.com/octo-org/research"
RUN = f"{SITE}/actions/runs/7"
ALL_ANSWERED = tuple(
    CheckResult(code, family, "t", Status.PASS, "fine")
    for code, family in (
        ("BLD001", "build"),
        ("TST002", "tests"),
        ("DEP003", "dependencies"),
        ("CIT002", "citation"),
    )
)
EXTENSIONS = ["table", "autolink", "strikethrough", "tagfilter", "tasklist"]


def to_html(body: str) -> str:
    return str(
        cmarkgfm.markdown_to_html_with_extensions(
            body, options=Options.CMARK_OPT_UNSAFE, extensions=EXTENSIONS
        )
    )


@dataclasses.dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Node | str] = dataclasses.field(default_factory=list)

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def all(self, tag: str) -> list[Node]:
        found: list[Node] = []
        for child in self.children:
            if isinstance(child, Node):
                if child.tag == tag:
                    found.append(child)
                found.extend(child.all(tag))
        return found


class Tree(HTMLParser):
    VOID = frozenset(("br", "hr", "img", "input", "meta", "link"))

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in self.VOID:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(body: str) -> Node:
    tree = Tree()
    tree.feed(to_html(body))
    tree.close()
    return tree.root


def top_level(root: Node) -> list[Node]:
    return [c for c in root.children if isinstance(c, Node)]


def comment(report: Report) -> str:
    return bodies.comment_body(report, run_url=RUN, repository_url=SITE)


def test_the_comment_leads_with_the_four_questions(example_report: Report) -> None:
    root = parse(comment(example_report))
    blocks = top_level(root)
    assert blocks[0].tag == "h3"
    assert blocks[0].text() == "❌ reprobot: 1 of 4 pass · failing: Citable"
    table = next(b for b in blocks if b.tag == "table")
    assert blocks.index(table) < blocks.index(next(b for b in blocks if b.tag == "h4"))
    rows = [[td.text().strip() for td in tr.all("td")] for tr in table.all("tr")[1:]]
    assert [r[1] for r in rows] == [
        "Builds",
        "Tests pass",
        "Installs fresh",
        "Citable",
        "Other checks",
    ]
    assert [r[0] for r in rows] == ["✅", "➖", "➖", "❌", "❌"]
    # one line each, why: the headline check's words, or the failing check's code and words
    assert rows[0][2] == "5 Python files and 1 notebook compile"
    assert rows[1][2] == "not checked: TST002 did not run"  # the tests exist but were not run
    assert rows[3][2] == "CIT001 no CITATION.cff at the repository root"
    assert rows[4][2] == "DOC001, PTH001 failed"


def test_failures_come_first_and_passes_and_skips_are_folded(example_report: Report) -> None:
    root = parse(comment(example_report))
    blocks = top_level(root)
    headings = [b.text() for b in blocks if b.tag in ("h1", "h2", "h3", "h4", "h5", "h6")]
    problems = [c for c in example_report.checks if c.status in (Status.FAIL, Status.ERROR)]
    warnings = [c for c in example_report.checks if c.status == Status.WARN]
    assert headings[1:] == [
        f"{'❌' if c.status == Status.FAIL else '💥'} {c.code} {c.title}" for c in problems
    ] + [f"⚠️ {c.code} {c.title}" for c in warnings]
    # the fixes' own Markdown (README sections with headings) made no heading of its own
    assert not [b for b in blocks if b.tag in ("h1", "h2")]
    folded = blocks[-2] if blocks[-1].tag == "p" else blocks[-1]
    while folded.tag != "details":
        folded = blocks[blocks.index(folded) - 1]
    settled = [c for c in example_report.checks if c.status in (Status.PASS, Status.SKIP)]
    passed = sum(c.status == Status.PASS for c in settled)
    assert folded.all("summary")[0].text() == (
        f"✅ {passed} passed · ⏭️ {len(settled) - passed} skipped"
    )
    assert "open" not in folded.attrs
    codes = [tr.all("td")[1].text().split()[0] for tr in folded.all("tr")[1:]]
    assert sorted(codes) == sorted(c.code for c in settled)
    outside = "".join(b.text() for b in blocks if b is not folded)
    for code in codes:
        assert code not in outside


def test_fences_hold_the_fixes_whole_and_each_command_once(example_report: Report) -> None:
    body = comment(example_report)
    root = parse(body)
    shown = [html.unescape(pre.text()) for pre in root.all("pre")]
    for result in example_report.checks:
        if result.status not in (Status.FAIL, Status.WARN):
            continue
        for fix in result.fixes:
            for content in fix.files.values():
                assert content.rstrip("\n") + "\n" in shown
    readme_fix = next(c for c in example_report.checks if c.code == "DOC001").fixes[0]
    assert "## Installation" in readme_fix.description
    (sections,) = [s for s in shown if s.startswith("## Installation")]
    assert "```bash\npython -m venv .venv\n" in sections  # the README's own fences, intact
    text = root.text()
    for result in example_report.checks:
        for fix in result.fixes:
            for command in fix.commands:
                assert text.count(command) == 1, command


def test_file_and_line_link_to_the_line_at_the_commit(example_report: Report) -> None:
    root = parse(comment(example_report))
    links = {a.text(): a.attrs["href"] for a in root.all("a") if "href" in a.attrs}
    files = f"{SITE}/blob/{example_report.commit}"
    assert links["analysis/heat.py:10"] == f"{files}/analysis/heat.py#L10"
    assert links["README.md"] == f"{files}/README.md"


def test_a_pull_requests_summary_offers_no_badge_of_one_run(example_report: Report) -> None:
    static = badge.static_url(badge.badge_for(example_report))
    text = bodies.summary(
        example_report, run_url=RUN, badge_url=static, snippet="[![x](y)](z)", repository_url=SITE
    )
    assert "#### Badge" not in text and static not in text
    endpoint = badge.endpoint_url("https://raw.githubusercontent.com/o/r/reprobot-badges/r.json")
    text = bodies.summary(example_report, run_url=RUN, badge_url=endpoint, snippet="[![x](y)](z)")
    assert "#### Badge" in text
    assert text.index("reprobot: 1 of 4 pass") < text.index("#### Badge")


def test_the_summary_shows_the_report_before_the_notices(example_report: Report) -> None:
    notice = bodies.Notice("fork", "forker/research", level="notice")
    text = bodies.summary(example_report, run_url=RUN, notices=[notice])
    assert text.startswith("### ❌ reprobot:")
    assert text.index("| **Citable** |") < text.index("> [!NOTE]")


def test_a_huge_report_stays_under_githubs_limit_and_renders_whole() -> None:
    files = {f"data/part{i}.md": ("## heading\n```\n" + "x" * 400 + "\n") * 40 for i in range(8)}
    huge = tuple(
        CheckResult(
            f"PTH00{i % 9 + 1}",
            "portability",
            "No absolute paths",
            Status.FAIL,
            "many paths",
            findings=tuple(Finding("`/home/a` " * 30, f"a{j}.py", j + 1) for j in range(40)),
            fixes=(Fix("Add them", "## Not a heading\n\n```sh\nrm -rf x\n```", files),),
        )
        for i in range(12)
    )
    report = Report("0.1.0", "/r", "b" * 40, huge, "2024-01-01T00:00:00+00:00", 1.0)
    body = comment(report)
    assert utf16_len(body) <= COMMENT_LIMIT
    assert "This report is longer than GitHub allows here" in body
    assert body.count("<details") == body.count("</details>")
    rendered = to_html(body)
    assert rendered.count("<pre") == rendered.count("</pre>")
    assert "<h2" not in rendered  # no fix's heading escaped its fence


def test_a_question_not_checked_is_said_so_in_words(tmp_path: Path) -> None:
    results = (
        CheckResult("BLD001", "build", "Builds", Status.PASS, "compiles"),
        CheckResult("TST002", "tests", "Tests pass", Status.ERROR, "uv could not reach the index"),
        CheckResult("CIT001", "citation", "Cite", Status.SKIP, "ignored: CIT"),
    )
    report = Report("0.1.0", "/r", None, results, "2024-01-01T00:00:00+00:00", 1.0)
    root = parse(render.to_markdown(report))
    (table, *_) = root.all("table")
    rows = {tr.all("td")[1].text(): tr.all("td") for tr in table.all("tr")[1:]}
    assert rows["Tests pass"][0].text() == "➖"
    assert (
        rows["Tests pass"][2].text() == "could not be checked: TST002 uv could not reach the index"
    )
    assert rows["Installs fresh"][2].text() == "not checked: DEP003 did not run"
    assert rows["Citable"][2].text() == "not checked: CIT001 ignored: CIT"
    assert root.all("h3")[0].text() == (  # nothing failed: a check broke, said with ⚠️
        "⚠️ reprobot: 1 of 4 pass · not checked: Tests pass, Installs fresh, Citable"
    )
    others = (CheckResult("DOC001", "docs", "README", Status.FAIL, "no install section"),)
    complete = dataclasses.replace(report, checks=ALL_ANSWERED + others)
    assert parse(render.to_markdown(complete)).all("h3")[0].text() == (
        "❌ reprobot: 4 of 4 pass · 1 other check fails"
    )
    warned = (CheckResult("DEP006", "dependencies", "Pinned", Status.WARN, "2 not pinned"),)
    complete = dataclasses.replace(report, checks=ALL_ANSWERED + warned)
    assert parse(render.to_markdown(complete)).all("h3")[0].text() == (
        "⚠️ reprobot: 4 of 4 pass, with warnings"
    )
    text = render.to_text(report)
    assert re.search(r"n/a\s+Tests pass\s+could not be checked: TST002", text)


def test_a_fixs_list_stays_a_list_of_inert_words() -> None:
    description = (
        "Review it before committing.\n- date-released is today: set it\n"
        "  to the day 4.0.0 is published\n- <img src=x> @someone\n\nThen commit it."
    )
    fix = Fix("Add a generated CITATION.cff", description, {"CITATION.cff": "cff-version: 1.2.0\n"})
    result = CheckResult("CIT001", "citation", "Cite", Status.FAIL, "no CITATION.cff", fixes=(fix,))
    report = Report("0.1.0", "/r", None, (result,), "2024-01-01T00:00:00+00:00", 1.0)
    root = parse(render.to_markdown(report))
    items = [li.text() for li in root.all("li")]
    assert items == [
        "date-released is today: set it to the day 4.0.0 is published",
        "<img src=x> @\u200bsomeone",
    ]
    assert not root.all("img")
