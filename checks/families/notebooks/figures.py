"""Figures that did not come out again, drawn side by side: stored | reproduced, labelled.

`side_by_side` composes the picture in memory; `write_figures` writes one PNG per figure
difference into a folder and returns the paths. The folder is made if missing and must
not be a symbolic link, and no file is written through a link (the folder may sit in a
workspace the code under test could write to).
"""

from __future__ import annotations

import io
import os
import re
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from reprobot.checks.families.notebooks.compare import Difference
from reprobot.checks.families.notebooks.images import decode

if TYPE_CHECKING:
    from PIL import Image

# Each half is scaled to fit this box, so a figure file stays small.
HALF = (480, 360)
_BAR = 28
_GAP = 12
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _fitted(data: str) -> Image.Image:
    from PIL import Image, ImageDraw  # costly; only figures that differ are drawn

    picture = decode(data)
    if picture.image is None:
        blank = Image.new("RGB", (HALF[0] // 2, HALF[1] // 3), "white")
        ImageDraw.Draw(blank).text((10, 10), "unreadable image", fill="black")
        return blank
    image = picture.image.convert("RGBA")
    backdrop = Image.new("RGBA", image.size, (255, 255, 255, 255))
    image = Image.alpha_composite(backdrop, image).convert("RGB")
    image.thumbnail(HALF)
    return image


def side_by_side(difference: Difference) -> bytes | None:
    """The two figures of an image difference as one PNG, `stored` on the left and
    `reproduced` on the right, the cell named above; None for other differences."""
    if difference.images is None:
        return None
    from PIL import Image, ImageDraw, ImageFont

    left, right = (_fitted(data) for data in difference.images)
    width = left.width + right.width + 3 * _GAP
    height = max(left.height, right.height) + _BAR + 2 * _GAP
    canvas = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(canvas)
    font = ImageFont.load_default()
    share = f", {difference.relative * 100:.1f}% changed" if difference.relative else ""
    draw.text((_GAP, 4), f"cell {difference.cell}{share}", fill="black", font=font)
    for label, image, x in (
        ("stored", left, _GAP),
        ("reproduced", right, 2 * _GAP + left.width),
    ):
        draw.text((x, _BAR - 12), label, fill=(90, 90, 90), font=font)
        canvas.paste(image, (x, _BAR + _GAP))
        draw.rectangle(
            [x - 1, _BAR + _GAP - 1, x + image.width, _BAR + _GAP + image.height],
            outline=(200, 200, 200),
        )
    buffer = io.BytesIO()
    canvas.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def figure_name(stem: str, difference: Difference, number: int) -> str:
    """`analysis-cell7-1.png`: the notebook's stem made safe, the cell, a count."""
    safe = _SAFE.sub("-", stem).strip("-.") or "notebook"
    return f"{safe}-cell{difference.cell}-{number}.png"


def _write_new(path: Path, data: bytes) -> None:
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags, 0o644)
    with os.fdopen(fd, "wb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise OSError(f"{path} is not a regular file")
        handle.write(data)


def write_figures(
    differences: Iterable[Difference], directory: Path, *, stem: str
) -> tuple[Path, ...]:
    """One side-by-side PNG per figure difference, written into `directory`; the paths.
    OSError when the folder is a link or cannot be written."""
    pictures = [(d, side_by_side(d)) for d in differences if d.images is not None]
    if not pictures:
        return ()
    if directory.is_symlink():
        raise OSError(f"{directory} is a symbolic link; figures are not written through links")
    directory.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for number, (difference, data) in enumerate(pictures, start=1):
        if data is None:
            continue
        path = directory / figure_name(stem, difference, number)
        _write_new(path, data)
        paths.append(path)
    return tuple(paths)
