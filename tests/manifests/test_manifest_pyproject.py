"""pyproject.toml's PEP 621 [project] table."""

from __future__ import annotations

from pathlib import Path

from tests.manifests.reading import by_name, read


def test_pep621_dependencies_extras_and_requires_python(tmp_path: Path) -> None:
    found = read(
        tmp_path,
        {
            "pyproject.toml": """
                [build-system]
                requires = ["setuptools>=69"]
                build-backend = "setuptools.build_meta"

                [project]
                name = "study"
                version = "1.0"
                requires-python = ">=3.9"
                dependencies = [
                    "numpy>=1.24",
                    "pandas==2.1.4",
                ]

                [project.optional-dependencies]
                test = ["pytest>=8"]
            """
        },
    )
    names = by_name(found)
    assert names["numpy"] == ("numpy>=1.24", "pyproject.toml", 10, False, "main")
    assert names["pandas"][2:] == (11, True, "main")
    assert names["pytest"][1:] == ("pyproject.toml", 15, False, "extra:test")
    assert found.kind == "pyproject" and found.package and found.package_file == "pyproject.toml"
    assert found.install_files == ("pyproject.toml",)
    assert found.python is not None
    assert found.python.source == "requires-python >=3.9 in pyproject.toml"
    assert found.python.line == 8


def test_broken_pyproject_is_a_problem_with_its_line(tmp_path: Path) -> None:
    found = read(tmp_path, {"pyproject.toml": "[project]\nname = 'x'\ndependencies = [\n"})
    assert found.problems[0].path == "pyproject.toml"
    assert "not valid TOML" in found.problems[0].message
    assert found.problems[0].line == 3
