"""requirements.txt: pip's syntax, includes and constraints."""

from __future__ import annotations

from pathlib import Path

from tests.manifests.reading import by_name, read


def test_requirements_with_includes_options_markers_and_continuations(tmp_path: Path) -> None:
    found = read(
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
    names = by_name(found)
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
    found = read(
        tmp_path,
        {"requirements.txt": "-c pins.txt\nnumpy\n", "pins.txt": "numpy==1.26.4\nscipy==1.0\n"},
    )
    names = by_name(found)
    assert set(names) == {"numpy"}
    assert names["numpy"][3] is True


def test_unparsable_line_and_missing_include_are_problems(tmp_path: Path) -> None:
    found = read(tmp_path, {"requirements.txt": "numpy\nnumpy=1.2\n-r missing.txt\n"})
    problems = {(p.path, p.line): p.message for p in found.problems}
    assert "`numpy=1.2` is not a valid requirement" in problems[("requirements.txt", 2)]
    assert "missing.txt, which is not in the repository" in problems[("requirements.txt", 3)]
    assert "numpy" in by_name(found)


def test_include_outside_the_repository_is_refused(tmp_path: Path) -> None:
    found = read(tmp_path, {"requirements.txt": "-r ../../etc/passwd\n"})
    assert "outside the repository" in found.problems[0].message


def test_the_project_with_extras_is_the_project_not_a_broken_line(tmp_path: Path) -> None:
    """`.[all]`, as in a documentation build's requirements (uncertainties' doc/)."""
    found = read(
        tmp_path,
        {
            "requirements.txt": ".[all]\n",
            "setup.py": "from setuptools import setup\nsetup(name='study')\n",
        },
    )
    assert found.installs_project
    assert found.problems == ()
