"""Several recipes in one repository: the one a stranger follows is primary, the others
are recipes of their own, and a folder's environment serves its folder."""

from __future__ import annotations

from pathlib import Path

from tests.manifests.reading import read

SETUP_PY = 'from setuptools import setup\nsetup(name="study", install_requires=["six"])\n'
BROKEN_BINDER = """
    name: binder
    dependencies:
      - python=3.11
      - pip
      - pip:
          - ..
          - numpy==
"""


def test_package_metadata_outranks_a_binder_environment(tmp_path: Path) -> None:
    found = read(tmp_path, {"setup.py": SETUP_PY, "binder/environment.yml": BROKEN_BINDER})
    assert found.kind == "setuptools" and found.primary == "setup.py"
    assert found.problems == ()  # the package's recipe reads
    assert [(f.path, f.line) for f in found.other_problems] == [("binder/environment.yml", 7)]
    roles = {r.path: r.role for r in found.recipes}
    assert roles == {"setup.py": "primary", "binder/environment.yml": "auxiliary"}
    assert found.install_files == ("setup.py",) and found.install_lines is None
    assert found.chosen_because == "it is the package's own metadata"


def test_without_a_package_repo2docker_order_holds(tmp_path: Path) -> None:
    found = read(
        tmp_path,
        {"environment.yml": "dependencies:\n  - pip:\n    - six\n", "requirements.txt": "idna\n"},
    )
    assert found.kind == "conda" and found.primary == "environment.yml"
    assert found.install_lines == ("six",)


def test_the_readme_names_the_recipe(tmp_path: Path) -> None:
    found = read(
        tmp_path,
        {
            "setup.py": SETUP_PY,
            "envs/paper.yml": "dependencies:\n  - pip:\n    - idna\n",
            "analysis/environment.yml": "dependencies:\n  - pip:\n    - idna\n",
            "README.md": (
                "# Study\n\n## Install\n\n    conda env create -f analysis/environment.yml\n"
            ),
        },
    )
    assert found.kind == "conda" and found.primary == "analysis/environment.yml"
    assert found.chosen_because == "the install instructions in README.md line 5 name it"
    assert found.install_lines == ("idna",)
    readme_pip = read(
        tmp_path / "b",
        {
            "pyproject.toml": '[project]\nname = "x"\nversion = "1"\n',
            "requirements-lock.txt": "six==1.16.0\n",
            "README.md": "Run `pip install -r requirements-lock.txt`, then `pip install .`\n",
        },
    )
    assert readme_pip.kind == "requirements" and readme_pip.primary == "requirements-lock.txt"
    assert readme_pip.install_files == ("requirements-lock.txt", "pyproject.toml")


def test_a_readme_naming_a_missing_file_changes_nothing(tmp_path: Path) -> None:
    found = read(
        tmp_path,
        {"setup.py": SETUP_PY, "README.md": "pip install -r requirements-gone.txt\n"},
    )
    assert found.primary == "setup.py"


def test_a_folder_environment_serves_its_folder(tmp_path: Path) -> None:
    found = read(
        tmp_path,
        {
            "requirements.txt": "six\n",
            "paper1/environment.yml": "dependencies:\n  - scipy\n  - pip:\n    - idna==3.6 x\n",
            "paper2/requirements.txt": "pandas\n",
        },
    )
    assert found.kind == "requirements" and found.primary == "requirements.txt"
    folders = {r.path: r.folder for r in found.folders}
    assert folders == {"paper1/environment.yml": "paper1", "paper2/requirements.txt": "paper2"}
    assert "pandas" in found.names_for("paper2/run.py")
    assert "pandas" not in found.names_for("run.py") and "scipy" in found.names_for("paper1/a.py")
    assert found.problems == ()  # the broken line is paper1's, not the repository's
    assert [f.path for f in found.other_problems] == ["paper1/environment.yml"]
    assert {d.name for d in found.requirements} == {"six"}  # folders are not installed


def test_a_folder_recipe_alone_is_the_primary_one(tmp_path: Path) -> None:
    found = read(tmp_path, {"model/requirements.txt": "numpy\n", "model/run.py": "import numpy\n"})
    assert found.primary == "model/requirements.txt"
    assert found.install_files == ("model/requirements.txt",)
    assert found.chosen_because == "it is the only recipe"


def test_dependency_groups_are_declared(tmp_path: Path) -> None:
    found = read(
        tmp_path,
        {
            "pyproject.toml": """
                [project]
                name = "x"
                version = "1"

                [dependency-groups]
                test = ["pytest>=8", {include-group = "lint"}]
                lint = ["ruff"]
            """
        },
    )
    assert {(d.name, d.scope) for d in found.requirements} == {("pytest", "dev"), ("ruff", "dev")}
