from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path

import pytest

from reprobot.checks import load_config
from reprobot.checks.core.check import Context
from reprobot.checks.core.engine import run_checks
from reprobot.checks.core.model import CheckResult, Status
from reprobot.checks.core.snapshot import Snapshot
from reprobot.checks.families.build.checks import BLD001, BLD002
from reprobot.checks.families.build.import_failure import analyse, repository_path
from reprobot.checks.families.build.package import backend_error, wheel_top_level
from tests.helpers import make_repo
from tests.helpers import package_files as package
from tests.wheelhouse import build_wheel


@pytest.fixture(autouse=True)
def hermetic(real_index: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REPROBOT_FIND_LINKS", str(real_index))


def check(repo: Path) -> dict[str, CheckResult]:
    """Run the build checks only (other families are not this module's business)."""
    ctx = Context(Snapshot(repo), load_config(repo))
    return {r.code: r for r in run_checks(ctx, (BLD001, BLD002))}


# --- BLD001 ------------------------------------------------------------------------------


def test_scripts_and_notebooks_that_compile_pass(tmp_path: Path) -> None:
    notebook = {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {},
        "cells": [
            {
                "cell_type": "code",
                "id": "a",
                "metadata": {},
                "outputs": [],
                "execution_count": None,
                "source": "%matplotlib inline\nimport os\nprint(os.getcwd())\n",
            }
        ],
    }
    repo = make_repo(tmp_path, {"fit.py": "import os\n", "plots/fig.ipynb": json.dumps(notebook)})
    bld = check(repo)["BLD001"]
    assert bld.status is Status.PASS
    assert bld.message == "1 Python file and 1 notebook compile"


def test_syntax_error_fails_at_its_line(tmp_path: Path) -> None:
    repo = make_repo(
        tmp_path, {"ok.py": "x = 1\n", "model/fit.py": "import os\n\ndef fit(x:\n    return x\n"}
    )
    bld = check(repo)["BLD001"]
    assert bld.status is Status.FAIL
    assert bld.message.startswith("1 file does not compile (model/fit.py:3: SyntaxError: ")
    (finding,) = bld.findings
    assert (finding.path, finding.line) == ("model/fit.py", 3)


def test_python2_code_is_called_python2(tmp_path: Path) -> None:
    repo = make_repo(
        tmp_path,
        {
            "legacy/stats.py": 'import sys\n\nprint "mean:", 3\n',
            "legacy/io.py": "try:\n    import x\nexcept ImportError, e:\n    pass\n",
        },
    )
    bld = check(repo)["BLD001"]
    assert bld.status is Status.FAIL
    assert bld.message.startswith("Python 2 code in 2 files: ")
    assert "a print statement" in bld.message and "`except X, e:`" in bld.message
    assert "run `2to3` or port it to Python 3" in bld.message
    assert "does not compile" not in bld.message
    assert {(f.path, f.line) for f in bld.findings} == {("legacy/stats.py", 3), ("legacy/io.py", 3)}
    (fix,) = bld.fixes
    assert fix.commands == ("2to3 --write --nobackups legacy/io.py legacy/stats.py",)


def test_invalid_notebook_fails_with_json_line(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"a.py": "x = 1\n", "nb/broken.ipynb": '{\n "cells": [,]\n}\n'})
    bld = check(repo)["BLD001"]
    assert bld.status is Status.FAIL
    assert bld.message.startswith("1 notebook is not valid (nb/broken.ipynb:2: not valid JSON")


def test_notebook_cell_error_names_the_cell(tmp_path: Path) -> None:
    cell = {"cell_type": "code", "id": "b", "metadata": {}, "outputs": [], "execution_count": None}
    notebook = {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {},
        "cells": [{**cell, "id": "a", "source": "x = 1\n"}, {**cell, "source": "y = (\n"}],
    }
    repo = make_repo(tmp_path, {"nb.ipynb": json.dumps(notebook)})
    bld = check(repo)["BLD001"]
    assert bld.status is Status.FAIL
    (finding,) = bld.findings
    assert (finding.path, finding.line) == ("nb.ipynb", None)
    assert finding.message.startswith("cell 2, line 1: SyntaxError")


def test_no_python_is_skipped(tmp_path: Path) -> None:
    results = check(make_repo(tmp_path, {"README.md": "# data\n", "data/a.csv": "1\n"}))
    assert results["BLD001"].status is Status.SKIP
    assert results["BLD001"].message == "no Python code, notebooks or package to build"
    assert results["BLD002"].status is Status.SKIP


def test_package_builds_sdist_and_wheel(tmp_path: Path) -> None:
    results = check(make_repo(tmp_path, package()))
    bld = results["BLD001"]
    assert bld.status is Status.PASS, bld.message
    assert bld.message.startswith("built glacier-0.3.0.tar.gz and glacier-0.3.0-py3-none-any.whl")
    assert results["BLD002"].status is Status.PASS
    assert results["BLD002"].message == "`glacier` imports in the fresh environment"


def _failing_package(*failing: str) -> dict[str, str]:
    """The package `fastmelt`, whose in-tree backend runs the lines `failing` and raises."""
    body = "".join(f"    {line}\n" for line in failing)
    backend = (
        "import os\nimport sys\n\n\ndef build_sdist(directory, config_settings=None):\n"
        f"{body}\n\nbuild_wheel = build_sdist\n"
    )
    pyproject = textwrap.dedent(
        """
        [build-system]
        requires = []
        build-backend = "backend"
        backend-path = ["."]

        [project]
        name = "fastmelt"
        version = "0.1"
        """
    )
    return {"pyproject.toml": pyproject, "backend.py": backend, "fastmelt/__init__.py": ""}


def test_package_that_does_not_build_names_the_backend_error(tmp_path: Path) -> None:
    files = _failing_package(
        'print("compiling _melt.c", file=sys.stderr)',
        'raise RuntimeError("Cython is required to build fastmelt from source")',
    )
    results = check(make_repo(tmp_path, files))
    bld = results["BLD001"]
    assert bld.status is Status.FAIL
    assert bld.message == (
        "the package does not build with backend: "
        "RuntimeError: Cython is required to build fastmelt from source"
    )
    (log,) = bld.findings
    assert log.path == "pyproject.toml"
    assert "compiling _melt.c" in log.message
    assert results["BLD002"].status is Status.SKIP


# --- BLD002 ------------------------------------------------------------------------------


def test_undeclared_top_level_import_fails_naming_it(tmp_path: Path) -> None:
    files = package(io="import os\nimport yaml\n\n\ndef load(p):\n    return yaml\n")
    files["src/glacier/__init__.py"] = (
        "from glacier.melt import rate\nfrom glacier.io import load\n"
    )
    bld = check(make_repo(tmp_path, files))["BLD002"]
    assert bld.status is Status.FAIL
    assert bld.message == (
        "`import glacier` needs `yaml` (src/glacier/io.py:2), which is not declared"
    )
    (finding,) = bld.findings
    assert (finding.path, finding.line) == ("src/glacier/io.py", 2)
    (fix,) = bld.fixes
    assert fix.title == "Declare PyYAML"
    assert "Add `PyYAML` to the dependencies in pyproject.toml" in fix.description


def test_optional_extra_imported_at_top_level(tmp_path: Path) -> None:
    files = package(extras='plots = ["pyyaml"]', io="import yaml\n")
    files["src/glacier/__init__.py"] = "import glacier.io\n"
    bld = check(make_repo(tmp_path, files))["BLD002"]
    assert bld.status is Status.FAIL
    assert "declared only in the optional extra `plots`" in bld.message
    assert "Move `import yaml` into the function that needs it" in bld.fixes[0].description


def test_pkg_resources_without_setuptools(tmp_path: Path) -> None:
    files = package(version="import pkg_resources\n\nVERSION = 1\n")
    files["src/glacier/__init__.py"] = "from glacier.version import VERSION\n"
    bld = check(make_repo(tmp_path, files))["BLD002"]
    assert bld.status is Status.FAIL
    assert bld.message == (
        "`import glacier` needs `pkg_resources` (src/glacier/version.py:1): "
        "setuptools, which ships it, is not declared"
    )
    assert "setuptools<81" in bld.fixes[0].description
    assert "importlib.metadata" in bld.fixes[0].description


def test_pkg_resources_with_a_setuptools_that_dropped_it(
    tmp_path: Path, sandbox_tmp: Path, real_index: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    newer = sandbox_tmp / "newer"
    newer.mkdir(mode=0o755)
    wheel = build_wheel(newer, "setuptools", "81.0.0", files={"setuptools/__init__.py": ""})
    os.chmod(wheel, 0o644)
    monkeypatch.setenv("REPROBOT_FIND_LINKS", f"{real_index}{os.pathsep}{newer}")
    files = package(dependencies='["setuptools"]', version="import pkg_resources\n")
    files["pyproject.toml"] = files["pyproject.toml"].replace(
        'requires = ["setuptools>=61"]', 'requires = ["setuptools==75.3.0"]'
    )
    files["src/glacier/__init__.py"] = "import glacier.version\n"
    results = check(make_repo(tmp_path, files))
    assert results["BLD001"].status is Status.PASS, results["BLD001"].message
    bld = results["BLD002"]
    assert bld.status is Status.FAIL
    assert bld.message.endswith(
        "needs `pkg_resources` (src/glacier/version.py:1): "
        "setuptools 81.0.0 is installed and no longer ships it"
    )


def test_declared_dependency_imports(tmp_path: Path) -> None:
    files = package(dependencies='["pyyaml"]', io="import yaml\n")
    files["src/glacier/__init__.py"] = "import glacier.io\n"
    assert check(make_repo(tmp_path, files))["BLD002"].status is Status.PASS


def test_scripts_are_not_a_package(tmp_path: Path) -> None:
    bld = check(make_repo(tmp_path, {"run.py": "print(1)\n"}))["BLD002"]
    assert bld.status is Status.SKIP
    assert bld.message.startswith("not a package")


# --- helpers -----------------------------------------------------------------------------


def test_backend_error_prefers_the_exception_line() -> None:
    log = (
        "Building source distribution...\nTraceback (most recent call last):\n"
        "  File \"setup.py\", line 3\nModuleNotFoundError: No module named 'numpy'\n"
        "  × Failed to build `/tmp/x`\n  ╰─▶ The build backend returned an error\n"
    )
    assert backend_error(log) == "ModuleNotFoundError: No module named 'numpy'"
    assert backend_error("  × Failed\n  ├─▶ error: Multiple top-level packages\n") == (
        "error: Multiple top-level packages"
    )
    assert backend_error("") == "the build produced no output"


def test_wheel_top_level(tmp_path: Path) -> None:
    listed = build_wheel(tmp_path, "scikit-learn", "1.0", files={"sklearn/__init__.py": ""})
    assert wheel_top_level(listed) == ("sklearn",)
    (tmp_path / "bad.whl").write_bytes(b"not a zip")
    assert wheel_top_level(tmp_path / "bad.whl") == ()


def test_traceback_maps_site_packages_to_the_repository(tmp_path: Path) -> None:
    snapshot = Snapshot(tmp_path, files=("src/glacier/__init__.py", "src/glacier/io.py"))
    site = "/tmp/reprobot-x/venv/lib/python3.11/site-packages"
    assert repository_path(f"{site}/glacier/io.py", snapshot) == "src/glacier/io.py"
    assert repository_path(f"{site}/yaml/__init__.py", snapshot) is None
    assert repository_path("/tmp/ws/repository/src/glacier/io.py", snapshot, "/tmp/ws/repository")
    output = textwrap.dedent(
        f"""
        Traceback (most recent call last):
          File "<string>", line 1, in <module>
          File "{site}/glacier/__init__.py", line 1, in <module>
            import glacier.io
          File "{site}/glacier/io.py", line 4
            print "x"
            ^^^^^^^^^
        SyntaxError: Missing parentheses in call to 'print'. Did you mean print(...)?
        """
    )
    failure = analyse("glacier", output, snapshot)
    assert (failure.path, failure.line) == ("src/glacier/io.py", 4)
    assert failure.python2 is not None and "print statement" in failure.python2
    assert failure.missing is None


def test_setup_py_importing_an_undeclared_build_requirement(tmp_path: Path) -> None:
    setup = "import numpy\nfrom setuptools import setup\n\nsetup(name='icecore', version='1.0')\n"
    repo = make_repo(tmp_path, {"setup.py": setup, "icecore/__init__.py": ""})
    bld = check(repo)["BLD001"]
    assert bld.status is Status.FAIL
    assert bld.message == (
        "the package does not build with setuptools (setup.py): "
        "ModuleNotFoundError: No module named 'numpy'"
    )
    (fix,) = bld.fixes
    assert fix.title == "Declare numpy as a build requirement"


def test_syntax_error_in_code_for_a_newer_python_is_a_warning(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {".python-version": "3.99\n", "new.py": "match x:\n  case (:\n"})
    bld = check(repo)["BLD001"]
    assert bld.status is Status.WARN
    assert "reprobot compiled with Python 3." in bld.message
    assert bld.findings[0].path == "new.py"


def test_hostile_notebooks_are_findings_not_crashes(tmp_path: Path) -> None:
    deep = '{"nbformat": 4, "cells": ' + "[" * 50_000 + "]" * 50_000 + "}"
    wrong = '{"nbformat": 4, "nbformat_minor": 5, "metadata": [], "cells": {"a": 1}}'
    repo = make_repo(tmp_path, {"deep.ipynb": deep, "wrong.ipynb": wrong, "ok.py": "x = 1\n"})
    bld = check(repo)["BLD001"]
    assert bld.status is Status.FAIL
    assert bld.message.startswith("2 notebooks are not valid (")
    messages = {f.path: f.message for f in bld.findings}
    assert messages["deep.ipynb"] == "not a notebook: JSON nested too deeply"
    assert messages["wrong.ipynb"].startswith("invalid notebook")


def test_single_script_summary_reads_right(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"fit.py": "x = 1\n"})
    result = check(repo)["BLD001"]
    assert result.status is Status.PASS
    assert result.message == "1 Python file compiles"


def test_a_notebook_of_another_language_is_never_said_to_compile(tmp_path: Path) -> None:
    r_notebook = {
        "cells": [
            {
                "cell_type": "code",
                "metadata": {},
                "source": "library(dplyr)\nx <- 1",
                "outputs": [],
                "execution_count": None,
            }
        ],
        "metadata": {"kernelspec": {"name": "ir", "language": "R", "display_name": "R"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    only_r = check(make_repo(tmp_path, {"analysis.ipynb": json.dumps(r_notebook)}))["BLD001"]
    assert only_r.status is Status.SKIP
    assert "compiles" not in only_r.message
    assert "1 notebook in another language (R) is valid" in only_r.message
    mixed = check(
        make_repo(tmp_path, {"run.py": "x = 1\n", "a.ipynb": json.dumps(r_notebook)}, name="m")
    )["BLD001"]
    assert mixed.status is Status.PASS
    assert mixed.message.startswith("1 Python file compiles; 1 notebook in another language")


def test_no_message_names_a_temporary_path_of_the_clean_room(tmp_path: Path) -> None:
    files = _failing_package(
        'raise RuntimeError(f"no compiler for {os.getcwd()}/fastmelt/_melt.c")'
    )
    bld = check(make_repo(tmp_path, files))["BLD001"]
    assert bld.status is Status.FAIL
    said = " ".join([bld.message, *(f.message for f in bld.findings)])
    assert "no compiler for ./fastmelt/_melt.c" in said  # the repository's own file
    assert "/repository" not in said and "reprobot-" not in said
