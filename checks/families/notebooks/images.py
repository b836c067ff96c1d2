"""Two figures compared as a reader sees them, not byte by byte.

A figure drawn again by another version of a plotting library differs in every byte (the
PNG encoder, metadata, anti-aliasing) and yet shows the same thing. Figures whose sizes
differ by more than `SIZE_SLACK` differ (a figure drawn at another size or DPI moves its
axes, labels and colour bar by more than any tolerance of shifts would forgive). Figures of
one size are compared in grey, at most `SCALE` pixels on the longer side: a pixel has
changed when its brightness lies more than `PIXEL_CHANGE` outside the range of the other
picture's pixels within `RADIUS` of it, so a line drawn a pixel away or a glyph drawn a
shade lighter does not count; the figures differ when more than `CHANGED_SHARE` of the
pixels changed, one way or the other.
"""

from __future__ import annotations

import base64
import binascii
import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import Image

# The share of pixels that may change before two figures differ.
CHANGED_SHARE = 0.005
# How far (0-255) a pixel's brightness must lie outside its neighbours' in the other picture.
PIXEL_CHANGE = 48
# How far (in pixels) a pixel may have moved and still be the same.
RADIUS = 2
# How much a side may grow or shrink before the sizes differ (DPI rounding).
SIZE_SLACK = 0.02
# The longer side of the pictures compared.
SCALE = 256
# Larger pictures are not decoded (a hostile notebook's decompression bomb).
MAX_PIXELS = 25_000_000


@dataclass(frozen=True)
class Picture:
    """A decoded figure: its size in pixels, and the image (None when unreadable)."""

    width: int
    height: int
    image: Image.Image | None

    @property
    def size(self) -> str:
        return f"{self.width}×{self.height}" if self.image is not None else "an unreadable image"


@dataclass(frozen=True)
class ImageVerdict:
    """How two figures compare: `same`, and in words and numbers why not."""

    same: bool
    stored: str
    new: str
    changed: float | None = None


def decode(data: object) -> Picture:
    """The picture in an output's base64 data (a string or nbformat's list of lines)."""
    from PIL import Image, UnidentifiedImageError  # costly; only notebooks with figures need it

    if isinstance(data, list):
        data = "".join(str(part) for part in data)
    if not isinstance(data, str):
        return Picture(0, 0, None)
    try:
        raw = base64.b64decode(data, validate=False)
        image = Image.open(io.BytesIO(raw))
        width, height = image.size
        if width * height > MAX_PIXELS or width == 0 or height == 0:
            return Picture(width, height, None)
        image.load()
    except (
        binascii.Error,
        UnidentifiedImageError,
        OSError,
        ValueError,
        Image.DecompressionBombError,
    ):
        return Picture(0, 0, None)
    return Picture(width, height, image)


def _grey(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    from PIL import Image

    if image.mode in ("RGBA", "LA", "P", "PA"):
        rgba = image.convert("RGBA")
        backdrop = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(backdrop, rgba)
    grey = image.convert("L")
    return grey if grey.size == size else grey.resize(size, Image.Resampling.LANCZOS)


def _outside(first: Image.Image, second: Image.Image) -> float:
    """The share of `second`'s pixels lying outside the range of `first` around them."""
    from PIL import ImageChops, ImageFilter

    window = 2 * RADIUS + 1
    low = first.filter(ImageFilter.MinFilter(window))
    high = first.filter(ImageFilter.MaxFilter(window))
    below, above = ImageChops.subtract(low, second), ImageChops.subtract(second, high)
    outside = ImageChops.lighter(below, above)
    histogram = outside.histogram()
    return sum(histogram[PIXEL_CHANGE + 1 :]) / (first.size[0] * first.size[1])


def changed_share(first: Image.Image, second: Image.Image) -> float:
    """The share of pixels (0-1) that changed between two pictures brought to one size
    (the first's, at most `SCALE` pixels on its longer side), the larger of both ways."""
    width, height = first.size
    ratio = min(1.0, SCALE / max(width, height))
    size = (max(1, round(width * ratio)), max(1, round(height * ratio)))
    a, b = _grey(first, size), _grey(second, size)
    return max(_outside(a, b), _outside(b, a))


def _sizes_match(stored: Picture, new: Picture) -> bool:
    return all(
        abs(a - b) <= SIZE_SLACK * max(a, b)
        for a, b in ((stored.width, new.width), (stored.height, new.height))
    )


def compare_images(stored_data: object, new_data: object) -> ImageVerdict:
    """Whether the figure in `new_data` shows what the one in `stored_data` showed."""
    if stored_data == new_data:
        return ImageVerdict(True, "", "")
    stored, new = decode(stored_data), decode(new_data)
    if stored.image is None or new.image is None:
        return ImageVerdict(False, stored.size, new.size)
    if not _sizes_match(stored, new):
        return ImageVerdict(False, stored.size, new.size)
    share = changed_share(stored.image, new.image)
    return ImageVerdict(share <= CHANGED_SHARE, stored.size, new.size, share)
