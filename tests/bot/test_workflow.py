"""Workflow commands, step outputs, the job summary and safe Markdown cuts."""

from __future__ import annotations

import io
import re
from pathlib import Path

from reprobot.bot import workflow
from reprobot.bot.truncate import cut_markdown, safe_boundaries, utf8_len, utf16_len
from reprobot.checks.core.model import CheckResult, Finding, Report, Status


def result(code: str, status: Status, findings: tuple[Finding, ...] = ()) -> CheckResult:
    return CheckResult(code, "citation", f"title {code}", status, f"message {code}", "", findings)


def report(*results: CheckResult) -> Report:
    return Report("0.1.0", "/repo", "a" * 40, tuple(results), "2024-01-01T00:00:00+00:00", 1.0)


def test_escaping_matches_the_runner_toolkit() -> None:
    assert workflow.escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert workflow.escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    line = workflow.command("error", "bad\nthing", {"file": "src/a,b.py", "line": 3, "title": ""})
    assert line == "::error file=src/a%2Cb.py,line=3::bad%0Athing"
    assert workflow.command("notice", "plain") == "::notice::plain"


def test_mask_escapes_the_value() -> None:
    assert workflow.mask("ghs_abc%1") == "::add-mask::ghs_abc%251"


def test_annotations_point_at_files_and_stop_at_ten_per_level() -> None:
    many = tuple(Finding(f"problem {i}", f"src/m{i}.py", i + 1) for i in range(14))
    chosen = workflow.pick_annotations(
        report(
            result("CIT001", Status.FAIL, many),
            result("LIC001", Status.WARN),
            result("DOC001", Status.PASS, (Finding("fine", "README.md", 1),)),
            result("BLD001", Status.ERROR),
        ),
        prefix="sub/dir",
    )
    errors = [a for a in chosen if a.level == "error"]
    warnings = [a for a in chosen if a.level == "warning"]
    assert len(errors) == 10
    assert len(warnings) == 1
    assert errors[0].command() == (
        "::error file=sub/dir/src/m0.py,line=1,title=CIT001 title CIT001::problem 0"
    )
    assert warnings[0].file is None
    assert warnings[0].message == "message LIC001"
    assert not any(a.title.startswith("DOC001") for a in chosen)


def test_outputs_use_a_random_delimiter_per_value(tmp_path: Path) -> None:
    out = tmp_path / "output"
    out.write_text("earlier=1\n", encoding="utf-8")
    workflow.write_outputs(out, {"score": "3/4", "notes": "line one\nline two"})
    text = out.read_text(encoding="utf-8")
    blocks = re.findall(r"^(\w+)<<(ghadelimiter_[0-9a-f]{32})\n(.*?)\n\2\n", text, re.S | re.M)
    assert [(name, value) for name, _, value in blocks] == [
        ("score", "3/4"),
        ("notes", "line one\nline two"),
    ]
    assert blocks[0][1] != blocks[1][1]
    assert text.startswith("earlier=1\n")


def test_untrusted_text_cannot_issue_commands() -> None:
    stream = io.StringIO()
    workflow.emit_untrusted("::add-mask::x\n::error::fake", stream)
    lines = stream.getvalue().splitlines()
    token = lines[0].removeprefix("::stop-commands::")
    assert re.fullmatch(r"[0-9a-f]{32}", token)
    assert lines[1:3] == ["::add-mask::x", "::error::fake"]
    assert lines[-1] == f"::{token}::"


def test_summary_stays_under_one_mebibyte(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("x" * 1000 + "\n", encoding="utf-8")
    paragraph = "é" * 999 + "\n\n"
    was_cut = workflow.append_summary(summary, paragraph * 600, "> cut here")
    data = summary.read_bytes()
    assert was_cut
    assert len(data) <= workflow.SUMMARY_LIMIT
    assert data.decode("utf-8").rstrip().endswith("> cut here")
    small = tmp_path / "small.md"
    assert not workflow.append_summary(small, "# fine\n", "> cut")
    assert small.read_text(encoding="utf-8") == "# fine\n"


def test_cuts_never_land_inside_a_fence_or_details() -> None:
    text = (
        "intro\n\n```\ncode ``` still code\n```\n<details><summary>f</summary>\n\n"
        "~~~~\nx\n~~~\ny\n~~~~\n</details>\nend\n"
    )
    boundaries = safe_boundaries(text)
    cut_points = [text[:b].splitlines()[-1] for b in boundaries]
    assert cut_points == ["intro", "", "```", "</details>", "end"]


def test_cut_markdown_counts_utf16_units_and_keeps_the_note() -> None:
    emoji = "😀" * 10  # 20 UTF-16 units, 10 code points
    assert utf16_len(emoji) == 20
    assert utf8_len(emoji) == 40
    text = "\n".join(f"{emoji} line {i}" for i in range(100))
    cut, was_cut = cut_markdown(text, 500, "> note")
    assert was_cut
    assert utf16_len(cut) <= 500
    assert cut.endswith("\n\n> note")
    assert cut.startswith(f"{emoji} line 0\n")
    same, untouched = cut_markdown("short", 500, "> note")
    assert (same, untouched) == ("short", False)
