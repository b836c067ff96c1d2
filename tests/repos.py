"""Tiny repositories that several test modules build: named, written once."""

from __future__ import annotations

import textwrap

STUDY_PYPROJECT = """
    [build-system]
    requires = []
    build-backend = "backend"
    backend-path = ["."]

    [project]
    name = "study"
    version = "0.1"
    dependencies = ["six"]
"""
# An in-tree build backend (the local index has no setuptools): a wheel of `study`.
STUDY_BACKEND = """
import base64, hashlib, os, zipfile


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    info = "study-0.1.dist-info"
    files = {
        "study/__init__.py": "",
        f"{info}/METADATA": (
            "Metadata-Version: 2.2\\nName: study\\nVersion: 0.1\\nRequires-Dist: six\\n"
        ),
        f"{info}/WHEEL": "Wheel-Version: 1.0\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n",
    }
    record = []
    for path, text in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=")
        record.append(f"{path},sha256={digest.decode()},{len(text.encode())}")
    files[f"{info}/RECORD"] = "\\n".join(record + [f"{info}/RECORD,,"]) + "\\n"
    name = "study-0.1-py3-none-any.whl"
    with zipfile.ZipFile(os.path.join(wheel_directory, name), "w") as archive:
        for path, text in files.items():
            archive.writestr(path, text)
    return name
"""


def study_package() -> dict[str, str]:
    """The package `study` 0.1, needing six, with an in-tree build backend (a local
    index has no setuptools): a pyproject.toml and backend.py."""
    return {"pyproject.toml": textwrap.dedent(STUDY_PYPROJECT), "backend.py": STUDY_BACKEND}
