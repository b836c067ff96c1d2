"""Pipfile and Pipfile.lock."""

from __future__ import annotations

from pathlib import Path

from tests.manifests.reading import read


def test_pipfile_and_its_lock(tmp_path: Path) -> None:
    found = read(
        tmp_path,
        {
            "Pipfile": """
                [packages]
                numpy = "*"
                pandas = {version = "==2.1.4", extras = ["excel"]}

                [dev-packages]
                pytest = "*"

                [requires]
                python_version = "3.10"
            """,
            "Pipfile.lock": '{"default": {"numpy": {"version": "==1.26.4"}}, "develop": {}}\n',
        },
    )
    assert found.kind == "pipfile" and found.primary == "Pipfile"
    assert found.install_lines == ("numpy==1.26.4",)
    assert found.python is not None and found.python.spec == "==3.10.*"
    pipfile = [d for d in found.requirements if d.path == "Pipfile"]
    assert [(d.name, d.line) for d in pipfile] == [("numpy", 2), ("pandas", 3), ("pytest", 6)]
