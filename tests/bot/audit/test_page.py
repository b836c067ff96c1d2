"""index.html from plain reports: its numbers are the reports', it stands alone, and laid
out by headless Chromium it shows the plots and the table (a screenshot in test-artifacts/)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from reprobot.bot.audit.command import write_outputs
from tests.bot.audit.test_table import BROKEN, CRASHED, HEALTHY
from tests.bot.test_screenshot import ARTIFACTS, browser, chromium, png_size


def _audit(tmp_path: Path) -> Path:
    reports = tmp_path / "audit" / "reports"
    reports.mkdir(parents=True)
    for i in range(4):
        (reports / f"lab+healthy-{i}.json").write_text(json.dumps(HEALTHY))
    (reports / "lab+broken.json").write_text(json.dumps(BROKEN))
    (reports / "lab+hangs.json").write_text(json.dumps(CRASHED))
    write_outputs([tmp_path / "audit"], tmp_path / "audit")
    return tmp_path / "audit"


def test_the_page_s_numbers_are_the_reports_numbers(tmp_path: Path) -> None:
    out = _audit(tmp_path)
    page = (out / "index.html").read_text()
    document = json.loads((out / "audit.json").read_text())
    for question, numbers in document["headline"].items():
        share = (
            f"{100 * numbers['passed'] / numbers['examined']:.0f}%" if numbers["examined"] else "–"
        )
        card = re.search(rf'data-question="{question}">\s*<div class="share">([^<]+)</div>', page)
        assert card is not None and card.group(1) == share, question
    assert document["headline"]["installs"] == {"examined": 5, "passed": 4, "of": 6}
    assert "<strong>installs</strong>: 4 of 5 examined (1 not checked)" in page
    assert page.count('<tr>\n<td><a href="reports/') == 6


def test_the_page_in_a_browser_shows_the_plots_and_the_table(tmp_path: Path) -> None:
    binary = browser()
    out = _audit(tmp_path)
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "audit-index.png"
    url = (out / "index.html").as_uri()
    chromium(binary, tmp_path / "profile", f"--screenshot={shot}", "--window-size=1280,2600", url)
    assert png_size(shot) == (1280, 2600)
    dom = chromium(binary, tmp_path / "profile", "--dump-dom", url)
    assert dom.count("<svg") >= 5
    assert len(re.findall(r"<tr>\s*<td><a href=\"reports/", dom)) == 6
    assert 'id="plot-causes"' in dom and "undeclared dependency" in dom
