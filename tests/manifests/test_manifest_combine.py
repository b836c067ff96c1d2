"""The manifests combined: the Python asked for, and nothing declared."""

from __future__ import annotations

from pathlib import Path

from tests.manifests.reading import read


def test_python_version_file_beats_requires_python(tmp_path: Path) -> None:
    found = read(
        tmp_path,
        {
            ".python-version": "3.10.13\n",
            "runtime.txt": "python-3.8\n",
            "pyproject.toml": '[project]\nname = "x"\nrequires-python = ">=3.9"\n',
        },
    )
    assert found.python is not None
    assert found.python.spec == "==3.10.13" and found.python.path == ".python-version"
    only_runtime = read(tmp_path / "b", {"runtime.txt": "python-3.8\n"})
    assert only_runtime.python is not None and only_runtime.python.wanted == "3.8"


def test_nothing_declared(tmp_path: Path) -> None:
    found = read(tmp_path, {"analysis.py": "import numpy\n"})
    assert not found.declared and found.kind == "none" and found.requirements == ()
