"""The side-by-side figures of notebooks whose figures changed, named in the job summary."""

from __future__ import annotations

from pathlib import Path

from reprobot.bot import figures
from reprobot.checks.families.notebooks.compare import compare_notebooks
from reprobot.checks.families.notebooks.figures import write_figures
from tests.families.notebooks.compare_data import code, figure, notebook, png
from tests.hostile.test_hostile_bot import assert_inert

RUN = "https://github.com/o/r/actions/runs/9"


def _write_changed_figure(folder: Path) -> tuple[Path, ...]:
    stored = notebook(code("plt.plot(x)", figure(png(line_at=10))))
    new = notebook(code("plt.plot(x)", figure(png(line_at=60))))
    differences = compare_notebooks(stored, new, tolerance=0.01).differences
    return write_figures(differences, folder, stem="analysis.ipynb")


def test_the_summary_names_each_figure_and_the_artifact_holding_it(tmp_path: Path) -> None:
    written = _write_changed_figure(tmp_path / ".reprobot" / figures.FIGURES_DIR)
    text = figures.summary_addition(tmp_path / ".reprobot", run_url=RUN)
    assert "#### Figures that did not come out again" in text
    assert f"- `{written[0].name}`" in text
    assert f"[`reprobot-figures` artifact]({RUN}#artifacts)" in text
    local = figures.summary_addition(tmp_path / ".reprobot", run_url=None)
    assert "in `.reprobot/figures`:" in local


def test_no_figures_no_section(tmp_path: Path) -> None:
    assert figures.summary_addition(tmp_path, run_url=RUN) == ""


def test_only_regular_png_files_are_listed_never_through_links(tmp_path: Path) -> None:
    folder = tmp_path / "figures"
    _write_changed_figure(folder)
    (folder / "notes.txt").write_text("x")
    (folder / "planted.png").symlink_to(tmp_path / "elsewhere.png")
    assert figures.listed(folder) == ("analysis.ipynb-cell1-1.png",)
    link = tmp_path / "link"
    link.symlink_to(folder)
    assert figures.listed(link) == ()
    assert figures.listed(tmp_path / "missing") == ()


def test_a_hostile_figure_name_stays_inert_markdown() -> None:
    name = "x`](javascript:alert(1))<img src=x>.png"
    text = figures.section((name,), run_url=None, folder=".reprobot/figures")
    page = assert_inert(text, marker=None)
    assert {tag for tag, _ in page.tags} <= {"h4", "p", "ul", "li", "code"}
    run = "https://github.com/octo-org/research/actions/runs/9"
    assert_inert(figures.section(("a.png",), run_url=run, folder="f"), marker=None)
    long = figures.section(tuple(f"f{i}.png" for i in range(25)), run_url=RUN, folder="f")
    assert "- … and 5 more" in long and "`f19.png`" in long and "`f20.png`" not in long
