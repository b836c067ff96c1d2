"""One requirement: a PEP 508 string, an entry of a TOML dependency table, its line."""

from __future__ import annotations

from reprobot.checks.core.toml import key_line
from reprobot.checks.manifests.pipfile import PIPFILE
from reprobot.checks.manifests.poetry import POETRY, to_pep508
from reprobot.checks.manifests.requirement import Requirements, table_requirement


def test_requirements_keep_what_parses_and_the_problems() -> None:
    found = Requirements("requirements.txt")
    kept = found.add("numpy==1.26.4", 3)
    assert kept is not None and kept.pinned and kept.line == 3
    assert found.add("numpy=1.2", 4) is None
    part = found.part(installs_project=True)
    assert [d.name for d in part.requirements] == ["numpy"]
    assert [f.line for f in part.problems] == [4]
    assert part.installs_project


def test_pipfile_entries_as_pep508() -> None:
    assert table_requirement("requests", "*", PIPFILE) == "requests"
    assert table_requirement("django", ">=3", PIPFILE) == "django>=3"
    git = {"git": "https://example.org/x.git", "ref": "v1", "extras": ["s"]}
    assert table_requirement("x", git, PIPFILE) == "x[s] @ git+https://example.org/x.git@v1"
    marked = {"version": "==1.0", "markers": "os_name == 'nt'"}
    assert table_requirement("m", marked, PIPFILE) == "m==1.0; os_name == 'nt'"
    assert table_requirement("here", {"path": "."}, PIPFILE) is None
    assert table_requirement("archive", {"file": "x.zip"}, PIPFILE) is None


def test_poetry_entries_as_pep508() -> None:
    assert table_requirement("numpy", "^1.2", POETRY) == "numpy>=1.2,<2.0"
    ranged = {"version": "~2.1", "python": ">=3.8,<3.12"}
    assert table_requirement("r", ranged, POETRY) == (
        "r>=2.1,<2.2; python_version >= '3.8' and python_version < '3.12'"
    )
    git = {"git": "https://example.org/x.git", "tag": "v1"}
    assert table_requirement("x", git, POETRY) == "x @ git+https://example.org/x.git@v1"
    url = {"url": "https://example.org/y-1.0.whl"}
    assert table_requirement("y", url, POETRY) == "y @ https://example.org/y-1.0.whl"
    assert table_requirement("here", {"path": "../x"}, POETRY) is None
    assert to_pep508("multi", [{"version": "1.0"}, {"version": "2.0"}]) == "multi==1.0"


def test_key_lines_after_a_table_header() -> None:
    text = '[packages]\nnumpy = "*"\n\n[dev-packages]\n"numpy" = "*"\nNumPy = "*"\n'
    assert key_line(text, "numpy") == 2
    assert key_line(text, "numpy", 4) == 5
    assert key_line(text, "NumPy", 2) == 6
    assert key_line(text, "numpy", 5) is None
    assert key_line(text, "numpy", 5, ignore_case=True) == 6
