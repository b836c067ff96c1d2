"""The side-by-side figures the notebook comparison wrote, named in the job summary.

GitHub's Markdown drops `data:` images, so a figure cannot be shown inline in a summary
or a comment; the figures are PNG files in `FIGURES_DIR` beside `report.json`, which the
example workflow uploads as the `reprobot-figures` artifact, and the summary names each
(`summary_addition`, appended to the job summary's text).
"""

from __future__ import annotations

import stat
from pathlib import Path

from reprobot.bot.render import render_template

FIGURES_DIR = "figures"
ARTIFACT = "reprobot-figures"
LIMIT = 20


def listed(folder: Path) -> tuple[str, ...]:
    """The names of the PNG files in `folder` (regular files only, never through a link),
    sorted; none when the folder is missing or is a link."""
    try:
        if folder.is_symlink() or not folder.is_dir():
            return ()
        entries = sorted(folder.iterdir())
    except OSError:
        return ()
    names: list[str] = []
    for entry in entries:
        try:
            regular = stat.S_ISREG(entry.lstat().st_mode)
        except OSError:
            continue
        if regular and entry.name.endswith(".png"):
            names.append(entry.name)
    return tuple(names)


def section(figures: tuple[str, ...], *, run_url: str | None, folder: str) -> str:
    """The job summary's list of figures (empty for none)."""
    return render_template(
        "figures.md.j2",
        figures=figures,
        run_url=run_url,
        artifact=ARTIFACT,
        folder=folder,
        limit=LIMIT,
    )


def summary_addition(report_dir: Path, *, run_url: str | None, shown_as: str = ".reprobot") -> str:
    """The section for the figures in `report_dir/figures` (empty when there are none);
    `shown_as` is how the summary names `report_dir` when there is no run to link to."""
    folder = f"{shown_as}/{FIGURES_DIR}"
    return section(listed(report_dir / FIGURES_DIR), run_url=run_url, folder=folder)
