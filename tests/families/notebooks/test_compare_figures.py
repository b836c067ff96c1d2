"""Side-by-side figures of the figures that did not come out again."""

from __future__ import annotations

import base64
import io
from pathlib import Path

import pytest
from PIL import Image

from reprobot.checks.families.notebooks.compare import Difference, compare_notebooks
from reprobot.checks.families.notebooks.figures import figure_name, side_by_side, write_figures
from reprobot.checks.families.notebooks.images import CHANGED_SHARE, compare_images
from tests.families.notebooks.compare_data import code, figure, notebook, png, result


def _figure_differences() -> tuple[Difference, ...]:
    stored = notebook(
        code("plt.plot(x)", figure(png(line_at=10))),
        code("x", result("1")),
        code("plt.plot(y)", figure(png(line_at=10, size=(300, 200)))),
    )
    new = notebook(
        code("plt.plot(x)", figure(png(line_at=60))),
        code("x", result("2")),
        code("plt.plot(y)", figure(png(line_at=150, size=(300, 200)))),
    )
    return compare_notebooks(stored, new, tolerance=0.01).differences


def test_side_by_side_shows_both_figures_with_labels() -> None:
    image_difference = _figure_differences()[0]
    data = side_by_side(image_difference)
    assert data is not None
    picture = Image.open(io.BytesIO(data))
    assert picture.format == "PNG"
    # both 100x80 halves, gaps and the label bar
    assert picture.width == 100 + 100 + 3 * 12 and picture.height == 80 + 28 + 2 * 12
    left = picture.crop((12, 40, 112, 120)).convert("L")
    right = picture.crop((124, 40, 224, 120)).convert("L")
    assert left.tobytes() != right.tobytes()


def test_side_by_side_is_only_for_figures() -> None:
    number_difference = _figure_differences()[1]
    assert number_difference.kind == "number" and side_by_side(number_difference) is None


def test_write_figures_writes_one_png_per_figure_difference(tmp_path: Path) -> None:
    folder = tmp_path / "figures"
    paths = write_figures(_figure_differences(), folder, stem="notebooks/analysis 1.ipynb")
    assert [p.name for p in paths] == [
        "notebooks-analysis-1.ipynb-cell1-1.png",
        "notebooks-analysis-1.ipynb-cell3-2.png",
    ]
    assert all(Image.open(p).format == "PNG" for p in paths)
    assert write_figures(_figure_differences()[1:2], tmp_path / "none", stem="x") == ()
    assert not (tmp_path / "none").exists()


def test_write_figures_refuses_links(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "figures").symlink_to(elsewhere)
    with pytest.raises(OSError, match="symbolic link"):
        write_figures(_figure_differences(), tmp_path / "figures", stem="nb")
    folder = tmp_path / "real"
    folder.mkdir()
    target = tmp_path / "target.txt"
    target.write_text("keep")
    (folder / "nb-cell1-1.png").symlink_to(target)
    with pytest.raises(OSError):
        write_figures(_figure_differences(), folder, stem="nb")
    assert target.read_text() == "keep"


def test_figure_names_are_safe() -> None:
    difference = _figure_differences()[0]
    assert figure_name("../../etc/passwd", difference, 1) == "etc-passwd-cell1-1.png"
    assert figure_name("...", difference, 2) == "notebook-cell1-2.png"


# Drawn with matplotlib 3.11 (Agg, 6x4 inches at 72 dpi): `ax.plot(x, np.sin(x))` with
# x = np.linspace(0, 10, 200), titled and labelled; `noaa` without anti-aliasing, `shift`
# with np.sin(x + 0.3), `extra` with np.cos(x) drawn too.
DRAWN = Path(__file__).parent / "compare_figures"


def _drawn(name: str) -> str:
    return base64.b64encode((DRAWN / f"sine-{name}.png").read_bytes()).decode()


@pytest.mark.parametrize(("name", "same"), [("noaa", True), ("shift", False), ("extra", False)])
def test_real_plots_differ_when_their_lines_do(name: str, same: bool) -> None:
    verdict = compare_images(_drawn("base"), _drawn(name))
    assert verdict.same is same
    assert verdict.changed is not None and (verdict.changed <= CHANGED_SHARE) is same


def test_the_run_writes_the_figures_where_the_machine_says(tmp_path: Path) -> None:
    from reprobot.checks.core.check import Context
    from reprobot.checks.core.snapshot import Snapshot
    from reprobot.checks.environment.machine import MachineSettings, machine_settings
    from reprobot.checks.families.notebooks.reproduce import (
        Reproduction,
        reproductions,
        written_figures,
    )

    found = compare_notebooks(
        notebook(code("plt.plot(x)", figure(png(line_at=10)))),
        notebook(code("plt.plot(x)", figure(png(line_at=60)))),
        tolerance=0.01,
    )
    seeded = {
        reproductions: (Reproduction("analysis/fig 3.ipynb", found, required=True),),
        machine_settings: MachineSettings.from_environ(
            {"HOME": str(tmp_path), "REPROBOT_FIGURES_DIR": str(tmp_path / "figures")}
        ),
    }
    written = Context(Snapshot(tmp_path), facts=seeded).fact(written_figures)
    assert list(written) == ["analysis/fig 3.ipynb"]
    (name,) = written["analysis/fig 3.ipynb"]
    assert (tmp_path / "figures" / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    nowhere = {**seeded, machine_settings: MachineSettings.from_environ({"HOME": str(tmp_path)})}
    assert Context(Snapshot(tmp_path), facts=nowhere).fact(written_figures) == {}
