from __future__ import annotations

import json
from pathlib import Path

import pytest

from reprobot.checks.core.model import CheckResult, Status
from reprobot.checks.families.dependencies import conda_env
from tests.helpers import check_files

pytestmark = pytest.mark.usefixtures("local_index")


_check = check_files


def _places(result: CheckResult) -> list[tuple[str | None, int | None]]:
    return [(f.path, f.line) for f in result.findings]


def test_healthy_study_passes(tmp_path: Path) -> None:
    results = _check(
        tmp_path,
        {
            "requirements.txt": "requests==2.31.0\nnumpy==1.26.4\npandas==2.1.4\n",
            "analysis.py": "import numpy as np\nimport pandas as pd\nimport requests\n",
            "notebook.ipynb": json.dumps(
                {"cells": [{"cell_type": "code", "source": ["import pandas\n"]}]}
            ),
        },
    )
    statuses = {code: r.status for code, r in results.items()}
    # DEP007 skips: nothing failed today, so there is nothing to try as of the commit's date
    assert statuses == {**{f"DEP00{i}": Status.PASS for i in range(1, 7)}, "DEP007": Status.SKIP}, {
        c: r.message for c, r in results.items()
    }
    assert results["DEP001"].message == "declared in requirements.txt (3 requirements)"
    assert "5 distributions resolved for Python" in results["DEP002"].message
    assert "5 distributions installed in a fresh Python" in results["DEP003"].message
    assert results["DEP005"].message == "3 third-party imports, all declared"


def test_missing_distribution_is_named_with_its_line(tmp_path: Path) -> None:
    results = _check(tmp_path, {"requirements.txt": "requests==2.31.0\nnosuchthing==1.0\n"})
    dep002 = results["DEP002"]
    assert dep002.status is Status.FAIL
    assert dep002.message == (
        "nosuchthing (requirements.txt line 2) does not exist on the package index"
    )
    assert _places(dep002)[0] == ("requirements.txt", 2)
    assert "Correct or remove nosuchthing" in dep002.fixes[0].title
    assert results["DEP003"].status is Status.SKIP


def test_conflict_names_both_sides(tmp_path: Path) -> None:
    results = _check(tmp_path, {"requirements.txt": "requests==2.31.0\nurllib3==1.20\n"})
    dep002 = results["DEP002"]
    assert dep002.status is Status.FAIL
    assert dep002.message == (
        "urllib3 is asked for in incompatible ways: requests==2.31.0 (requirements.txt line 1) "
        "needs urllib3>=1.21.1,<3, but requirements.txt line 2 asks for urllib3==1.20"
    )
    assert set(_places(dep002)[:2]) == {("requirements.txt", 1), ("requirements.txt", 2)}
    assert "unsatisfiable" in dep002.findings[-1].message


def test_no_matching_version_no_wheel_and_python(tmp_path: Path) -> None:
    version = _check(tmp_path / "a", {"requirements.txt": "six\nurllib3==9.9\n"})["DEP002"]
    assert (
        version.message
        == "no version of urllib3 matches ==9.9 (asked for in requirements.txt line 2)"
    )
    wheel = _check(tmp_path / "b", {"requirements.txt": "oldonly\n"})["DEP002"]
    assert wheel.message.startswith("oldonly has no wheel for this Python")
    assert "asked for in requirements.txt line 1" in wheel.message
    python = _check(tmp_path / "c", {"requirements.txt": "futurepy\n"})["DEP002"]
    assert python.message.startswith("futurepy 1.0 needs Python >=3.99 (the environment has")
    assert python.fixes[0].title == "Name the Python version the code needs"


def test_failing_sdist_build_names_the_package_and_keeps_the_log(tmp_path: Path) -> None:
    results = _check(tmp_path, {"requirements.txt": "six\nbrokenbuild==0.1\n"})
    assert results["DEP002"].status is Status.PASS
    dep003 = results["DEP003"]
    assert dep003.status is Status.FAIL
    assert dep003.message == (
        "brokenbuild 0.1 could not be built from source (asked for in requirements.txt line 2)"
    )
    assert _places(dep003)[0] == ("requirements.txt", 2)
    log = dep003.findings[-1].message
    assert "error: command 'gcc' failed" in log and "building the C extension" in log
    assert results["DEP004"].status is Status.SKIP


def test_sdist_that_builds_installs(tmp_path: Path) -> None:
    results = _check(tmp_path, {"requirements.txt": "fromsource==1.0\nsix==1.16.0\n"})
    assert results["DEP003"].status is Status.PASS
    assert results["DEP004"].status is Status.PASS


def test_inconsistent_environment_fails_pip_check(tmp_path: Path) -> None:
    results = _check(tmp_path, {"requirements.txt": "requests==2.31.0\nliar==1.0\n"})
    assert results["DEP003"].status is Status.PASS
    dep004 = results["DEP004"]
    assert dep004.status is Status.FAIL
    assert dep004.findings[0].message == "liar requires idna<3, but 3.6 is installed"
    assert _places(dep004)[0] == ("requirements.txt", 2)


def test_undeclared_import_fails_with_the_line_and_the_distribution(tmp_path: Path) -> None:
    results = _check(
        tmp_path,
        {
            "requirements.txt": "numpy==1.26.4\n",
            "analysis.py": "import numpy\n\nfrom sklearn.linear_model import Ridge\n",
        },
    )
    dep005 = results["DEP005"]
    assert dep005.status is Status.FAIL
    assert dep005.message == "1 imported package not declared: scikit-learn"
    assert _places(dep005) == [("analysis.py", 3)]
    fix = dep005.fixes[0]
    assert fix.title == "Add scikit-learn to requirements.txt"
    assert fix.files == {"requirements.txt": "numpy==1.26.4\nscikit-learn\n"}
    assert "    scikit-learn" in fix.description


def test_undeclared_import_fix_goes_into_pyproject(tmp_path: Path) -> None:
    results = _check(
        tmp_path,
        {
            "pyproject.toml": """
                [project]
                name = "study"
                version = "0.1"
                dependencies = [
                    "numpy",
                ]
            """,
            "study/__init__.py": "import numpy\nimport yaml\n",
        },
        select=("DEP005",),
    )
    fix = results["DEP005"].fixes[0]
    assert fix.title == "Add PyYAML to [project] dependencies in pyproject.toml"
    assert '    "numpy",\n    "PyYAML",\n]' in fix.files["pyproject.toml"]


def test_optional_import_only_warns(tmp_path: Path) -> None:
    results = _check(
        tmp_path,
        {
            "requirements.txt": "six==1.16.0\n",
            "run.py": "import six\ntry:\n    import yaml\nexcept ImportError:\n    yaml = None\n",
        },
        select=("DEP005",),
    )
    assert results["DEP005"].status is Status.WARN
    assert _places(results["DEP005"]) == [("run.py", 3)]


def test_transitive_import_is_reported_with_its_provider(tmp_path: Path) -> None:
    results = _check(
        tmp_path,
        {"requirements.txt": "requests==2.31.0\n", "net.py": "import requests\nimport urllib3\n"},
    )
    dep005 = results["DEP005"]
    assert dep005.status is Status.FAIL
    assert dep005.findings[0].message == (
        "`urllib3` is imported but urllib3 is not declared "
        "(installed today only as a dependency of requests)"
    )
    assert dep005.fixes[0].files["requirements.txt"] == "requests==2.31.0\nurllib3\n"


def test_nothing_declared_but_imports_fails_with_a_requirements_file(tmp_path: Path) -> None:
    results = _check(
        tmp_path,
        {"analysis.py": "import os\nimport numpy as np\nimport cv2\nfrom PIL import Image\n"},
    )
    dep001 = results["DEP001"]
    assert dep001.status is Status.FAIL
    assert "3 third-party packages (numpy, opencv-python, Pillow)" in dep001.message
    generated = dep001.fixes[0].files["requirements.txt"]
    assert generated.splitlines()[-3:] == ["numpy", "opencv-python", "Pillow"]
    assert _places(dep001) == [("analysis.py", 2), ("analysis.py", 3), ("analysis.py", 4)]
    assert results["DEP002"].status is Status.SKIP


def test_stdlib_only_needs_no_manifest(tmp_path: Path) -> None:
    results = _check(tmp_path, {"run.py": "import json\nimport helper\n", "helper.py": "x = 1\n"})
    assert results["DEP001"].status is Status.PASS
    assert results["DEP005"].status is Status.PASS
    assert results["DEP005"].message == (
        "only the standard library and the repository's own modules are imported"
    )
    # The fresh environment is still made, so the tests can run in it.
    assert results["DEP002"].status is Status.PASS
    assert "nothing to resolve" in results["DEP002"].message
    assert results["DEP003"].status is Status.PASS
    assert results["DEP006"].status is Status.SKIP


def test_unreadable_requirement_line_fails_dep001(tmp_path: Path) -> None:
    results = _check(tmp_path, {"requirements.txt": "numpy\nscipy=1.11\n"}, select=("DEP001",))
    dep001 = results["DEP001"]
    assert dep001.status is Status.FAIL
    assert _places(dep001) == [("requirements.txt", 2)]


def test_unpinned_requirements_warn_with_a_lock_file(tmp_path: Path) -> None:
    results = _check(
        tmp_path, {"requirements.txt": "requests\nsix==1.16.0\n", "a.py": "import requests\n"}
    )
    dep006 = results["DEP006"]
    assert dep006.status is Status.WARN
    assert dep006.message == "1 of 2 requirements not pinned"
    assert _places(dep006) == [("requirements.txt", 1)]
    fix = dep006.fixes[0]
    lock = fix.files["requirements.lock"]
    assert "requests==2.31.0" in lock and "urllib3==2.0.7" in lock and "idna==3.6" in lock
    assert fix.commands == ("uv pip compile requirements.txt -o requirements.lock",)


def test_a_committed_lock_file_counts_as_pinned(tmp_path: Path) -> None:
    results = _check(
        tmp_path,
        {"requirements.txt": "requests\n", "requirements.lock": "requests==2.31.0\n"},
        select=("DEP006",),
    )
    assert results["DEP006"].status is Status.PASS
    assert results["DEP006"].message == "pinned by requirements.lock"


def test_exported_conda_environment_is_called_out(tmp_path: Path) -> None:
    results = _check(
        tmp_path,
        {
            "environment.yml": """
                name: study
                dependencies:
                  - numpy=1.21.2=py39h20f2e39_0
                  - pip
                  - pip:
                      - six==1.16.0
                prefix: /home/ada/miniconda3/envs/study
            """,
        },
    )
    dep001 = results["DEP001"]
    assert dep001.status is Status.WARN
    assert dep001.fixes[0].commands == ("conda env export --from-history > environment.yml",)
    assert _places(dep001) == [("environment.yml", 3), ("environment.yml", 7)]


def test_conda_only_packages_are_listed_as_unverified(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(conda_env, "conda_tool", lambda: None)
    results = _check(
        tmp_path,
        {
            "environment.yml": """
                name: study
                channels: [conda-forge]
                dependencies:
                  - python=3.11
                  - cudatoolkit=11.8
                  - gdal
                  - pip:
                      - six==1.16.0
            """,
            "run.py": "import six\nfrom osgeo import gdal\n",
        },
    )
    dep003 = results["DEP003"]
    assert dep003.status is Status.WARN
    assert "2 conda packages of environment.yml not verified" in dep003.message
    assert "none of them has a distribution of the same name" in dep003.message
    assert _places(dep003) == [("environment.yml", 5), ("environment.yml", 6)]
    assert results["DEP005"].status is Status.PASS  # gdal (conda) provides osgeo


def test_tool_settings_alone_declare_nothing(tmp_path: Path) -> None:
    results = _check(
        tmp_path,
        {"pyproject.toml": "[tool.black]\nline-length = 100\n", "run.py": "import numpy\n"},
        select=("DEP001",),
    )
    assert results["DEP001"].status is Status.FAIL


def test_broken_notebook_is_a_finding_of_a_passing_check(tmp_path: Path) -> None:
    results = _check(
        tmp_path,
        {"requirements.txt": "six==1.16.0\n", "run.py": "import six\n", "nb.ipynb": "{"},
        select=("DEP005",),
    )
    dep005 = results["DEP005"]
    assert dep005.status is Status.PASS
    assert _places(dep005) == [("nb.ipynb", 1)]
    assert "not a valid notebook" in dep005.findings[0].message


@pytest.mark.parametrize(
    ("output", "kind", "names", "summary"),
    [
        (
            "error: No solution found when resolving dependencies\n  cause: Because "
            "reprobot-nope was not found in the package registry and you require "
            "reprobot-nope==1.0, we can conclude that your requirements are unsatisfiable.",
            "missing",
            ("reprobot-nope",),
            "reprobot-nope does not exist on the package index",
        ),
        (
            "error: No solution found when resolving dependencies\n  cause: Because only "
            "the following versions of numpy are available:\n      numpy==1.26.3\n      "
            "numpy==1.26.4\n  and you require numpy==9.0, we can conclude that your "
            "requirements are unsatisfiable.",
            "no-version",
            ("numpy",),
            "no version of numpy matches ==9.0",
        ),
        (
            "  × Failed to build `pkg==1.0`\n  ├─▶ The build backend returned an error\n"
            "      [stderr]\n      error: Microsoft Visual C++ 14.0 is required",
            "build",
            ("pkg",),
            "pkg 1.0 could not be built from source",
        ),
    ],
)
def test_uv_messages_in_plain_words(
    output: str, kind: str, names: tuple[str, ...], summary: str
) -> None:
    from reprobot.checks.core.runner import RunOutcome
    from reprobot.checks.environment.failures import classify

    failure = classify(RunOutcome(("uv",), 1, "", output, 0.1))
    assert (failure.kind, failure.names, failure.summary) == (kind, names, summary)
