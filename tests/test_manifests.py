from __future__ import annotations

import textwrap
from pathlib import Path

from checks.core.snapshot import Snapshot
from checks.manifests import Manifest, read_manifest
from checks.manifests.edit import add_requirements
from checks.manifests.poetry import poetry_constraint
from tests.helpers import make_repo


def _read(tmp_path: Path, files: dict[str, str]) -> Manifest:
    files = {k: textwrap.dedent(v).lstrip("\n") for k, v in files.items()}
    return read_manifest(Snapshot(make_repo(tmp_path, files, git_init=False)))


def _by_name(found: Manifest) -> dict[str, tuple[str, str, int | None, bool, str]]:
    return {d.name: (d.requirement, d.path, d.line, d.pinned, d.scope) for d in found.requirements}


def test_requirements_with_includes_options_markers_and_continuations(tmp_path: Path) -> None:
    found = _read(
        tmp_path,
        {
            "requirements.txt": """
                # the study's environment
                --index-url https://mirror.example/simple
                numpy==1.26.4  # pinned
                pandas>=2 ; python_version >= "3.9"
                scipy \\
                    ==1.11.4
                requests==2.31.0 --hash=sha256:abcdef
                -r requirements/extra.txt
                -c constraints.txt
                -e .
                git+https://example.org/lab/tool.git@v1.2#egg=labtool
            """,
            "requirements/extra.txt": "matplotlib\n",
            "constraints.txt": "matplotlib==3.8.2\n",
            "setup.py": "from setuptools import setup\nsetup(name='study')\n",
        },
    )
    names = _by_name(found)
    assert names["numpy"] == ("numpy==1.26.4", "requirements.txt", 3, True, "main")
    assert names["pandas"][1:3] == ("requirements.txt", 4)
    assert names["pandas"][0] == 'pandas>=2; python_version >= "3.9"'
    assert names["pandas"][3] is False
    assert names["scipy"] == ("scipy==1.11.4", "requirements.txt", 5, True, "main")
    assert names["requests"][:3] == ("requests==2.31.0", "requirements.txt", 7)
    assert names["matplotlib"] == ("matplotlib", "requirements/extra.txt", 1, False, "main")
    assert names["labtool"][1:4] == ("requirements.txt", 11, True)
    assert found.installs_project
    assert found.kind == "requirements" and found.primary == "requirements.txt"
    assert found.install_files == ("requirements.txt", "setup.py")
    assert found.problems == ()


def test_constraints_pin_without_declaring(tmp_path: Path) -> None:
    found = _read(
        tmp_path,
        {"requirements.txt": "-c pins.txt\nnumpy\n", "pins.txt": "numpy==1.26.4\nscipy==1.0\n"},
    )
    names = _by_name(found)
    assert set(names) == {"numpy"}
    assert names["numpy"][3] is True


def test_unparsable_line_and_missing_include_are_problems(tmp_path: Path) -> None:
    found = _read(tmp_path, {"requirements.txt": "numpy\nnumpy=1.2\n-r missing.txt\n"})
    problems = {(p.path, p.line): p.message for p in found.problems}
    assert "`numpy=1.2` is not a valid requirement" in problems[("requirements.txt", 2)]
    assert "missing.txt, which is not in the repository" in problems[("requirements.txt", 3)]
    assert "numpy" in _by_name(found)


def test_include_outside_the_repository_is_refused(tmp_path: Path) -> None:
    found = _read(tmp_path, {"requirements.txt": "-r ../../etc/passwd\n"})
    assert "outside the repository" in found.problems[0].message


def test_pep621_dependencies_extras_and_requires_python(tmp_path: Path) -> None:
    found = _read(
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
    names = _by_name(found)
    assert names["numpy"] == ("numpy>=1.24", "pyproject.toml", 10, False, "main")
    assert names["pandas"][2:] == (11, True, "main")
    assert names["pytest"][1:] == ("pyproject.toml", 15, False, "extra:test")
    assert found.kind == "pyproject" and found.package and found.package_file == "pyproject.toml"
    assert found.install_files == ("pyproject.toml",)
    assert found.python is not None
    assert found.python.source == "requires-python >=3.9 in pyproject.toml"
    assert found.python.line == 8


def test_broken_pyproject_is_a_problem_with_its_line(tmp_path: Path) -> None:
    found = _read(tmp_path, {"pyproject.toml": "[project]\nname = 'x'\ndependencies = [\n"})
    assert found.problems[0].path == "pyproject.toml"
    assert "not valid TOML" in found.problems[0].message
    assert found.problems[0].line == 3


def test_poetry_caret_and_tilde_semantics() -> None:
    assert poetry_constraint("^1.2.3") == ">=1.2.3,<2.0.0"
    assert poetry_constraint("^0.2.3") == ">=0.2.3,<0.3.0"
    assert poetry_constraint("^0.0.3") == ">=0.0.3,<0.0.4"
    assert poetry_constraint("~1.2.3") == ">=1.2.3,<1.3.0"
    assert poetry_constraint("~1") == ">=1,<2"
    assert poetry_constraint("1.2.3") == "==1.2.3"
    assert poetry_constraint("*") == ""
    assert poetry_constraint(">=1.0,<2.0") == ">=1.0,<2.0"


def test_poetry_dependencies_are_converted(tmp_path: Path) -> None:
    found = _read(
        tmp_path,
        {
            "pyproject.toml": """
                [tool.poetry]
                name = "study"
                version = "0.1.0"

                [tool.poetry.dependencies]
                python = "^3.9"
                numpy = "^1.24"
                requests = { version = "~2.31", extras = ["socks"] }

                [tool.poetry.group.dev.dependencies]
                pytest = "*"

                [build-system]
                requires = ["poetry-core"]
                build-backend = "poetry.core.masonry.api"
            """
        },
    )
    names = _by_name(found)
    assert names["numpy"] == ("numpy<2.0,>=1.24", "pyproject.toml", 7, False, "main")
    assert names["requests"][0] == "requests[socks]<2.32,>=2.31"
    assert names["pytest"][4] == "dev"
    assert found.kind == "poetry"
    assert found.python is not None and found.python.spec == ">=3.9,<4.0"


def test_setup_py_is_read_without_running_it(tmp_path: Path) -> None:
    found = _read(
        tmp_path,
        {
            "setup.py": """
                import os
                from setuptools import setup
                os.system("echo this must never run")
                REQUIRES = ["numpy>=1.20", "scipy"]
                setup(
                    name="study",
                    install_requires=REQUIRES,
                    extras_require={"plots": ["matplotlib"]},
                    python_requires=">=3.8",
                )
            """
        },
    )
    names = _by_name(found)
    assert names["numpy"] == ("numpy>=1.20", "setup.py", 4, False, "main")
    assert names["matplotlib"][4] == "extra:plots"
    assert found.kind == "setuptools" and found.package_file == "setup.py"
    assert found.python is not None and found.python.spec == ">=3.8"


def test_setup_cfg_install_requires(tmp_path: Path) -> None:
    found = _read(
        tmp_path,
        {
            "setup.cfg": """
                [metadata]
                name = study

                [options]
                python_requires = >=3.9
                install_requires =
                    numpy>=1.24
                    pandas
            """,
            "setup.py": "from setuptools import setup\nsetup()\n",
        },
    )
    names = _by_name(found)
    assert names["numpy"][1:3] == ("setup.cfg", 7)
    assert names["pandas"][1:3] == ("setup.cfg", 8)
    assert found.package


def test_exported_conda_environment(tmp_path: Path) -> None:
    found = _read(
        tmp_path,
        {
            "environment.yml": """
                name: study
                channels:
                  - conda-forge
                dependencies:
                  - python=3.9.7=h12debd9_1
                  - numpy=1.21.2=py39h20f2e39_0
                  - cudatoolkit=11.3.1=h2bc3f7f_2
                  - pip
                  - pip:
                      - requests==2.31.0
                      - -r requirements-extra.txt
                prefix: /home/ada/miniconda3/envs/study
            """,
            "requirements-extra.txt": "tqdm\n",
        },
    )
    assert found.kind == "conda" and found.primary == "environment.yml"
    unverified = {d.name: (d.path, d.line) for d in found.unverified}
    assert unverified == {"numpy": ("environment.yml", 6), "cudatoolkit": ("environment.yml", 7)}
    assert {d.name for d in found.requirements} >= {"requests", "tqdm"}
    messages = " ".join(f.message for f in found.portability)
    assert "platform build string" in messages and "/home/ada/miniconda3" in messages
    lines = {f.line for f in found.portability}
    assert 12 in lines
    assert found.install_lines == ("requests==2.31.0", "-r requirements-extra.txt")
    assert found.python is not None and found.python.spec == "==3.9.7"


def test_hostile_environment_file_gives_a_problem(tmp_path: Path) -> None:
    found = _read(tmp_path, {"environment.yml": "dependencies: [numpy\n  - : :\n"})
    assert found.problems and found.problems[0].path == "environment.yml"
    assert "not valid YAML" in found.problems[0].message


def test_pipfile_and_its_lock(tmp_path: Path) -> None:
    found = _read(
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


def test_python_version_file_beats_requires_python(tmp_path: Path) -> None:
    found = _read(
        tmp_path,
        {
            ".python-version": "3.10.13\n",
            "runtime.txt": "python-3.8\n",
            "pyproject.toml": '[project]\nname = "x"\nrequires-python = ">=3.9"\n',
        },
    )
    assert found.python is not None
    assert found.python.spec == "==3.10.13" and found.python.path == ".python-version"
    only_runtime = _read(tmp_path / "b", {"runtime.txt": "python-3.8\n"})
    assert only_runtime.python is not None and only_runtime.python.wanted == "3.8"


def test_nothing_declared(tmp_path: Path) -> None:
    found = _read(tmp_path, {"analysis.py": "import numpy\n"})
    assert not found.declared and found.kind == "none" and found.requirements == ()


def test_additions_go_into_the_manifest_in_use(tmp_path: Path) -> None:
    files = {
        "requirements.txt": "numpy==1.26.4",
        "b/pyproject.toml": '[project]\nname = "x"\ndependencies = [\n    "numpy",\n]\n',
        "c/pyproject.toml": '[project]\nname = "x"\ndependencies = ["numpy"]\n',
        "d/environment.yml": "# keep me\nname: s\ndependencies:\n  - numpy\n",
        "e/Pipfile": '[packages]\nnumpy = "*"\n\n[requires]\npython_version = "3.11"\n',
    }
    root = make_repo(tmp_path, files, git_init=False)
    add = {}
    for sub in ("", "b", "c", "d", "e"):
        found = read_manifest(Snapshot(root / sub))
        add[sub] = add_requirements(Snapshot(root / sub), found, ["scikit-learn"])
    assert add[""].content == "numpy==1.26.4\nscikit-learn\n"
    assert (
        add["b"].content is not None and '    "numpy",\n    "scikit-learn",\n]' in add["b"].content
    )
    assert (
        add["c"].content is not None
        and 'dependencies = ["numpy", "scikit-learn"]' in add["c"].content
    )
    conda = add["d"].content
    assert conda is not None and conda.startswith("# keep me\n")
    assert "  - pip\n  - pip:\n      - scikit-learn\n" in conda
    assert add["d"].lines == ("    - scikit-learn",)
    pipfile = add["e"].content
    assert pipfile is not None and 'numpy = "*"\nscikit-learn = "*"\n\n[requires]' in pipfile
