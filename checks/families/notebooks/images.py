"""Two figures compared as a reader sees them, not byte by byte.

A figure drawn again by another version of a plotting library differs in every byte (the
PNG encoder, metadata, anti-aliasing) and yet shows the same thing. Both pictures are
scaled to the same small size in grey, blurred a little so that a line moved by one pixel
or a font drawn a shade lighter does not count, and the share of pixels whose brightness
changed by more than `PIXEL_CHANGE` is measured. Figures whose sizes differ by more than
`SIZE_SLACK` differ; so do figures with more than `CHANGED_SHARE` of their pixels changed.
"""

from __future__ import annotations

import base64
import binascii
import io
from dataclasses import dataclass

from PIL import Image, ImageChops, ImageFilter, UnidentifiedImageError

# The share of pixels that may change before two figures differ.
CHANGED_SHARE = 0.01
# How much a pixel's brightness (0-255) must change to count, after the blur.
PIXEL_CHANGE = 32
# How much a side may grow or shrink before the sizes differ (DPI rounding).
SIZE_SLACK = 0.02
# The longer side of the pictures compared.
SCALE = 256
# Larger pictures are not decoded (a hostile notebook's decompression bomb).
MAX_PIXELS = 40_000_000


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
    if image.mode in ("RGBA", "LA", "P"):
        rgba = image.convert("RGBA")
        backdrop = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(backdrop, rgba)
    grey = image.convert("L").resize(size, Image.Resampling.BILINEAR)
    return grey.filter(ImageFilter.GaussianBlur(radius=1))


def changed_share(first: Image.Image, second: Image.Image) -> float:
    """The share of pixels (0-1) that differ between two pictures scaled to one size."""
    width, height = first.size
    ratio = SCALE / max(width, height)
    size = (max(1, round(width * ratio)), max(1, round(height * ratio)))
    difference = ImageChops.difference(_grey(first, size), _grey(second, size))
    histogram = difference.histogram()
    changed = sum(histogram[PIXEL_CHANGE + 1 :])
    return changed / (size[0] * size[1])


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
