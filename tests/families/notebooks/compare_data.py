"""Plain nbformat 4 notebooks for the comparison tests, and outputs taken from real ones
(jakevdp/PythonDataScienceHandbook, notebook 03.01)."""

from __future__ import annotations

import base64
import io
from typing import Any

from PIL import Image, ImageDraw

DATAFRAME_PLAIN = (
    "              population    area\n"
    "California      39538223  423967\n"
    "Texas           29145505  695662\n"
    "Florida         21538187  170312\n"
    "New York        20201249  141297\n"
    "Pennsylvania    13002700  119280"
)

DATAFRAME_HTML = (
    "<div>\n"
    "<style scoped>\n"
    "    .dataframe tbody tr th:only-of-type {\n"
    "        vertical-align: middle;\n"
    "    }\n"
    "\n"
    "    .dataframe tbody tr th {\n"
    "        vertical-align: top;\n"
    "    }\n"
    "\n"
    "    .dataframe thead th {\n"
    "        text-align: right;\n"
    "    }\n"
    "</style>\n"
    '<table border="1" class="dataframe">\n'
    "  <thead>\n"
    '    <tr style="text-align: right;">\n'
    "      <th></th>\n"
    "      <th>population</th>\n"
    "      <th>area</th>\n"
    "    </tr>\n"
    "  </thead>\n"
    "  <tbody>\n"
    "    <tr>\n"
    "      <th>California</th>\n"
    "      <td>39538223</td>\n"
    "      <td>423967</td>\n"
    "    </tr>\n"
    "    <tr>\n"
    "      <th>Texas</th>\n"
    "      <td>29145505</td>\n"
    "      <td>695662</td>\n"
    "    </tr>\n"
    "    <tr>\n"
    "      <th>Florida</th>\n"
    "      <td>21538187</td>\n"
    "      <td>170312</td>\n"
    "    </tr>\n"
    "    <tr>\n"
    "      <th>New York</th>\n"
    "      <td>20201249</td>\n"
    "      <td>141297</td>\n"
    "    </tr>\n"
    "    <tr>\n"
    "      <th>Pennsylvania</th>\n"
    "      <td>13002700</td>\n"
    "      <td>119280</td>\n"
    "    </tr>\n"
    "  </tbody>\n"
    "</table>\n"
    "</div>"
)


def notebook(*cells: dict[str, Any]) -> dict[str, Any]:
    return {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {"kernelspec": {"name": "python3", "language": "python"}},
        "cells": list(cells),
    }


def code(
    source: str, *outputs: dict[str, Any], tags: list[str] | None = None, cell_id: str | None = None
) -> dict[str, Any]:
    cell: dict[str, Any] = {
        "cell_type": "code",
        "execution_count": 1 if outputs else None,
        "metadata": {"tags": tags} if tags else {},
        "source": source,
        "outputs": list(outputs),
    }
    if cell_id is not None:
        cell["id"] = cell_id
    return cell


def stream(text: str, name: str = "stdout") -> dict[str, Any]:
    return {"output_type": "stream", "name": name, "text": text}


def result(plain: str, *, html: str | None = None, kind: str = "execute_result") -> dict[str, Any]:
    data: dict[str, Any] = {"text/plain": plain}
    if html is not None:
        data["text/html"] = html
    output: dict[str, Any] = {"output_type": kind, "data": data, "metadata": {}}
    if kind == "execute_result":
        output["execution_count"] = 1
    return output


def figure(
    data: str, *, plain: str = "<Figure size 432x288 with 1 Axes>", mime: str = "image/png"
) -> dict[str, Any]:
    return {
        "output_type": "display_data",
        "data": {mime: data, "text/plain": plain},
        "metadata": {},
    }


def error(ename: str, evalue: str) -> dict[str, Any]:
    return {
        "output_type": "error",
        "ename": ename,
        "evalue": evalue,
        "traceback": [f"{ename}: {evalue}"],
    }


def png(
    *, line_at: int, size: tuple[int, int] = (100, 80), level: int = 6, fmt: str = "PNG"
) -> str:
    """A white plot with a black diagonal line starting at `line_at`, base64 as a notebook
    stores it; `level` changes the encoding, not the picture."""
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    draw.line([(0, line_at), (size[0], line_at + size[1] // 4)], fill="black", width=3)
    draw.rectangle([5, 5, size[0] - 5, size[1] - 5], outline="black")
    buffer = io.BytesIO()
    if fmt == "PNG":
        image.save(buffer, fmt, compress_level=level)
    else:
        image.save(buffer, fmt, quality=90)
    return base64.b64encode(buffer.getvalue()).decode() + "\n"
