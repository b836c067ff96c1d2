from __future__ import annotations

import sys
from pathlib import Path

import pytest

from reprobot.checks.core import runner
from reprobot.checks.core.snapshot import Snapshot
from reprobot.checks.families.tests.junit import ERROR, FAILED, SKIPPED, JUnitError, parse_junit
from reprobot.checks.families.tests.smoke import smoke_test, third_party_imports
from reprobot.checks.families.tests.suite import count_tests, detect_suite, plan
from reprobot.checks.repo.commands import command_argv
from reprobot.checks.repo.imports import scan_imports
from reprobot.checks.repo.layout import package_modules


def tree(root: Path, files: dict[str, str]) -> Snapshot:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return Snapshot(root)


PYTEST_FILE = (
    "def test_one():\n    assert 1\n\n\nclass TestMore:\n    def test_two(self):\n        pass\n"
)


def test_pytest_files_are_found_by_their_test_functions(tmp_path: Path) -> None:
    suite = detect_suite(
        tree(tmp_path, {"tests/test_model.py": PYTEST_FILE, "tests/helpers.py": "def f(): pass\n"})
    )
    assert suite.exists
    assert [(f.path, f.tests, f.style) for f in suite.files] == [
        ("tests/test_model.py", 2, "pytest")
    ]
    assert plan(suite) is not None
    assert plan(suite).kind == "pytest"  # type: ignore[union-attr]


def test_data_and_script_names_are_not_a_test_suite(tmp_path: Path) -> None:
    suite = detect_suite(
        tree(
            tmp_path,
            {
                "split_data_train_test.py": "def split(rows):\n    return rows[:8], rows[8:]\n",
                "tests/data.csv": "a,b\n1,2\n",
                "tests/expected.json": "{}\n",
                "test_data.csv": "x\n",
                "testing_notes.py": "NOTES = 'test'\n",
            },
        )
    )
    assert not suite.exists
    assert plan(suite) is None


def test_unittest_suite(tmp_path: Path) -> None:
    source = (
        "import unittest\n\nclass ModelCase(unittest.TestCase):\n"
        "    def test_fit(self):\n        self.assertTrue(True)\n"
        "    def helper(self):\n        pass\n"
    )
    suite = detect_suite(tree(tmp_path, {"tests.py": source}))
    assert [(f.path, f.tests, f.style) for f in suite.files] == [("tests.py", 1, "unittest")]


def test_unittest_case_in_a_non_test_file_is_not_collected(tmp_path: Path) -> None:
    source = "import unittest\n\nclass C(unittest.TestCase):\n    def test_x(self):\n        pass\n"
    assert not detect_suite(tree(tmp_path, {"checks_model.py": source})).exists


def test_configured_python_files_pattern(tmp_path: Path) -> None:
    snapshot = tree(
        tmp_path,
        {
            "pyproject.toml": '[tool.pytest.ini_options]\npython_files = ["check_*.py"]\n',
            "tests/check_model.py": "def test_model():\n    pass\n",
        },
    )
    suite = detect_suite(snapshot)
    assert suite.pytest_config == "pyproject.toml"
    assert [f.path for f in suite.files] == ["tests/check_model.py"]


def test_syntax_error_in_a_test_file_still_counts(tmp_path: Path) -> None:
    suite = detect_suite(tree(tmp_path, {"test_x.py": "def test_a():\n    x = (\n"}))
    assert suite.count == 1


@pytest.mark.parametrize(
    ("files", "kind", "argv"),
    [
        ({"runtests.py": "print('ok')\n"}, "command", ("python", "runtests.py")),
        ({"Makefile": "all:\n\techo\n\ntest:\n\tpython check.py\n"}, "command", ("make", "test")),
        ({"Makefile": "check: build\n\t./check.sh\n"}, "command", ("make", "check")),
        (
            {
                "tox.ini": (
                    "[tox]\nenvlist = py311\n\n[testenv]\ncommands =\n    pytest {posargs}\n"
                ),
                "tests/test_a.py": "def test_a():\n    pass\n",
            },
            "pytest",
            (),
        ),
        (
            {"tox.ini": "[testenv]\ncommands =\n    python a.py\n    python b.py\n"},
            "command",
            ("sh", "-c", "python a.py && python b.py"),
        ),
    ],
)
def test_other_runners(tmp_path: Path, files: dict[str, str], kind: str, argv: tuple[str]) -> None:
    suite = detect_suite(tree(tmp_path, files))
    assert suite.exists
    chosen = plan(suite)
    assert chosen is not None
    assert (chosen.kind, chosen.argv) == (kind, argv)


def test_makefile_without_test_target_and_flake8_tox_ini(tmp_path: Path) -> None:
    files = {"Makefile": "VAR := x\nall:\n\techo\n", "tox.ini": "[flake8]\nmax-line-length = 99\n"}
    assert not detect_suite(tree(tmp_path, files)).exists


def test_nox_session_without_one_plain_command_has_no_plan(tmp_path: Path) -> None:
    noxfile = "import nox\n\n@nox.session\ndef tests(session):\n    session.run(*ARGS)\n"
    suite = detect_suite(tree(tmp_path, {"noxfile.py": noxfile}))
    assert suite.exists
    assert plan(suite) is None


NOXFILE = """import nox


@nox.session
def lint(session):
    session.install("flake8")
    session.run("flake8", ".")


@nox.session(python=["3.11", "3.12"])
def tests(session):
    session.install("pytest", "-r", "requirements-test.txt")
    session.install("-e.[test]")
    session.run("py.test", "tests/", *session.posargs)
"""


def test_nox_test_session_runs_pytest_as_it_says(tmp_path: Path) -> None:
    suite = detect_suite(tree(tmp_path, {"noxfile.py": NOXFILE, "tests/test_a.py": PYTEST_FILE}))
    (nox,) = suite.runners
    assert (nox.source, nox.argv, nox.collector) == (
        "noxfile.py session `tests`",
        ("py.test", "tests/"),
        True,
    )
    assert nox.installs == ("pytest", "-r", "requirements-test.txt", "-e.[test]")
    chosen = plan(suite)
    assert chosen is not None
    assert (chosen.kind, chosen.argv, chosen.description) == (
        "pytest",
        ("tests/",),
        "pytest, as noxfile.py session `tests` says",
    )


@pytest.mark.parametrize(
    "files",
    [
        {"Makefile": "test:\n\tpython -m pytest -x\n", "a.py": "x = 1\n"},
        {"Makefile": "test:\n\t@$(PYTHON) -m unittest discover\n", "a.py": "x = 1\n"},
        {"tox.ini": "[testenv]\ncommands = pytest {posargs}\n", "tests/__init__.py": ""},
        {"noxfile.py": NOXFILE, "tests/conftest.py": "import pytest\n"},
        {"Makefile": "test:\n\nall:\n\techo\n"},  # an empty rule runs nothing
    ],
)
def test_runner_with_nothing_to_collect_is_not_a_suite(
    tmp_path: Path, files: dict[str, str]
) -> None:
    suite = detect_suite(tree(tmp_path, files))
    assert not suite.exists
    assert all(r.collector for r in suite.idle_runners)


def test_make_target_with_prerequisites_only_is_a_runner(tmp_path: Path) -> None:
    suite = detect_suite(tree(tmp_path, {"Makefile": "test: unit\nunit:\n\t./run.sh\n"}))
    assert suite.exists
    assert suite.runners[0].argv == ("make", "test")


def test_doctests_in_the_pytest_configuration_are_tests(tmp_path: Path) -> None:
    files = {
        "pytest.ini": "[pytest]\naddopts = --doctest-modules\n",
        "m.py": '"""\n>>> 1\n1\n"""\n',
    }
    suite = detect_suite(tree(tmp_path, files))
    assert suite.exists
    chosen = plan(suite)
    assert chosen is not None
    assert (chosen.kind, chosen.argv, chosen.paths) == ("pytest", (), ())


RUNTESTS_PYTEST = """#!/usr/bin/env pytest
import math


def test_sqrt():
    assert math.sqrt(4) == 2


def test_pi():
    assert round(math.pi, 2) == 3.14
"""


@pytest.mark.parametrize(
    "source",
    [RUNTESTS_PYTEST, RUNTESTS_PYTEST.replace("#!/usr/bin/env pytest\n", "")],
    ids=["shebang", "no-main-block"],
)
def test_pytest_style_runtests_is_a_test_file_run_through_pytest(
    tmp_path: Path, source: str
) -> None:
    suite = detect_suite(tree(tmp_path, {"runtests.py": source}))
    assert [(f.path, f.tests, f.style, f.collected) for f in suite.files] == [
        ("runtests.py", 2, "pytest", False)
    ]
    assert suite.runners == ()
    chosen = plan(suite)
    assert chosen is not None
    assert (chosen.kind, chosen.argv, chosen.paths) == ("pytest", (), ("runtests.py",))


def test_runtests_with_a_main_block_is_a_script(tmp_path: Path) -> None:
    source = RUNTESTS_PYTEST.replace("#!/usr/bin/env pytest\n", "") + (
        "\n\nif __name__ == '__main__':\n    test_sqrt()\n    test_pi()\n"
    )
    suite = detect_suite(tree(tmp_path, {"runtests.py": source}))
    assert suite.files == ()
    chosen = plan(suite)
    assert chosen is not None
    assert (chosen.kind, chosen.argv) == ("command", ("python", "runtests.py"))


def test_pytest_functions_in_tests_py_are_found(tmp_path: Path) -> None:
    suite = detect_suite(tree(tmp_path, {"tests.py": "def test_a():\n    assert 1\n"}))
    assert [(f.path, f.style, f.collected) for f in suite.files] == [("tests.py", "pytest", False)]


def test_configured_command_wins(tmp_path: Path) -> None:
    snapshot = tree(tmp_path, {"tests/test_a.py": PYTEST_FILE})
    chosen = plan(detect_suite(snapshot, "python -m pytest -x tests"))
    assert chosen is not None
    assert (chosen.kind, chosen.argv) == ("pytest", ("-x", "tests"))
    chosen = plan(detect_suite(snapshot, "python run.py --fast"))
    assert chosen is not None
    assert (chosen.kind, chosen.argv) == ("command", ("python", "run.py", "--fast"))


@pytest.mark.parametrize(
    ("command", "argv"),
    [
        ("python run.py", ("python", "run.py")),
        ("cd tests && python run.py", ("sh", "-c", "cd tests && python run.py")),
        ("python run.py > log.txt", ("sh", "-c", "python run.py > log.txt")),
        ("echo 'unbalanced", ("sh", "-c", "echo 'unbalanced")),
        ("python -c 'print(1)'", ("python", "-c", "print(1)")),
    ],
)
def test_command_argv(command: str, argv: tuple[str, ...]) -> None:
    assert command_argv(command) == argv


def test_count_tests_ignores_helpers() -> None:
    source = "def helper():\n    pass\n\nclass Thing:\n    def test_x(self):\n        pass\n"
    assert count_tests(source, pytest_style=True) == (0, "pytest")


# --- JUnit XML -------------------------------------------------------------------------

SUITE = """import pytest

def test_ok():
    assert 1

def test_fail():
    x = 2
    assert x == 3, "x should be three"

@pytest.mark.skip(reason="later")
def test_skip():
    pass

class TestK:
    @pytest.mark.parametrize("n", [1, 2])
    def test_p(self, n):
        assert n == 1
"""


def run_pytest(root: Path) -> bytes:
    out = runner.run(
        (
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-o",
            "junit_family=xunit1",
            "-o",
            "addopts=",
            "--junitxml",
            str(root / "junit.xml"),
        ),
        cwd=root,
        timeout=120,
    )
    assert out.ran
    return (root / "junit.xml").read_bytes()


def test_parse_real_pytest_junit(tmp_path: Path) -> None:
    tree(tmp_path, {"tests/test_calc.py": SUITE})
    summary = parse_junit(run_pytest(tmp_path))
    assert summary.counts_text() == "2 passed, 2 failed, 1 skipped"
    assert summary.ran == 5
    failing = {c.id: c for c in summary.problems}
    assert set(failing) == {"tests/test_calc.py::test_fail", "tests/test_calc.py::TestK::test_p[2]"}
    first = failing["tests/test_calc.py::test_fail"]
    assert (first.file, first.line, first.outcome) == ("tests/test_calc.py", 8, FAILED)
    assert first.message.splitlines()[:2] == ["AssertionError: x should be three", "assert 2 == 3"]
    assert [c.outcome for c in summary.cases].count(SKIPPED) == 1


def test_parse_real_collection_error(tmp_path: Path) -> None:
    tree(
        tmp_path, {"tests/test_broken.py": "import not_installed_mod\n\ndef test_x():\n    pass\n"}
    )
    summary = parse_junit(run_pytest(tmp_path))
    assert summary.ran == 0
    (error,) = summary.collection_errors
    assert (error.id, error.outcome) == ("tests/test_broken.py", ERROR)
    assert "No module named 'not_installed_mod'" in error.message


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><testsuite/>', "document type"),
        (b"<testsuite><!ENTITY x SYSTEM 'file:///etc/passwd'></testsuite>", "entities"),
        (b"<testsuite><testcase name='a'></testsuite>", "not well-formed (line 1)"),
        (b"<html><body/></html>", "root element is <html>"),
        (b"<testsuite>" + b" " * (17 * 1024 * 1024) + b"</testsuite>", "larger than 16 MB"),
    ],
)
def test_hostile_junit_is_refused(data: bytes, words: str) -> None:
    with pytest.raises(JUnitError, match=words.replace("(", r"\(").replace(")", r"\)")):
        parse_junit(data)


def test_junit_from_other_tools() -> None:
    data = (
        b'<testsuites><testsuite name="s"><testcase classname="pkg.Case" name="test_a"/>'
        b'<testcase classname="pkg.Case" name="test_b"><error message="boom"/></testcase>'
        b"</testsuite></testsuites>"
    )
    summary = parse_junit(data)
    assert summary.counts_text() == "1 passed, 1 error"
    (problem,) = summary.problems
    assert (problem.id, problem.message, problem.file) == ("pkg.Case::test_b", "boom", None)


# --- smoke test --------------------------------------------------------------------------


def test_package_modules_flat_and_src(tmp_path: Path) -> None:
    flat = tree(tmp_path / "flat", {"ocean/__init__.py": "", "tests/__init__.py": "", "x.py": ""})
    assert package_modules(flat) == ("ocean",)
    src = tree(tmp_path / "src", {"src/heat/__init__.py": "", "src/single.py": ""})
    assert package_modules(src) == ("heat", "single")


def test_smoke_test_for_a_package_passes(tmp_path: Path) -> None:
    snapshot = tree(tmp_path, {"ocean/__init__.py": "VALUE = 1\n", "ocean/core.py": "import os\n"})
    smoke = smoke_test(snapshot, package_modules(snapshot))
    assert smoke.path == "tests/test_smoke.py"
    assert smoke.modules == ("ocean",)
    compile(smoke.content, smoke.path, "exec")
    tree(tmp_path, {smoke.path: smoke.content})
    summary = parse_junit(run_pytest(tmp_path))
    assert summary.counts_text() == "1 passed"


def test_smoke_test_for_scripts(tmp_path: Path) -> None:
    notebook = (
        '{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "code",'
        ' "metadata": {}, "id": "a", "outputs": [], "execution_count": null,'
        ' "source": ["%matplotlib inline\\n", "import jinja2\\n"]}]}'
    )
    snapshot = tree(
        tmp_path,
        {
            "analysis.py": "import os\nimport json\nimport pytest\nfrom helpers import f\n",
            "helpers.py": "def f():\n    return 1\n",
            "it's odd.py": "x = 1\n",
            "figures.ipynb": notebook,
        },
    )
    assert third_party_imports(scan_imports(snapshot)) == ("jinja2", "pytest")
    smoke = smoke_test(snapshot)
    assert smoke.modules == ("jinja2", "pytest")
    assert smoke.scripts == ("analysis.py", "helpers.py", "it's odd.py")
    tree(tmp_path, {smoke.path: smoke.content})
    summary = parse_junit(run_pytest(tmp_path))
    assert summary.counts_text() == "6 passed"


def test_smoke_test_catches_a_broken_script(tmp_path: Path) -> None:
    snapshot = tree(tmp_path, {"run.py": "def f(:\n"})
    smoke = smoke_test(snapshot)
    tree(tmp_path, {smoke.path: smoke.content})
    summary = parse_junit(run_pytest(tmp_path))
    assert summary.counts_text() == "1 failed"


# --- test requirements -------------------------------------------------------------------


def test_test_requirements_from_extras_files_groups_tox_and_nox(tmp_path: Path) -> None:
    from reprobot.checks.families.tests.requirements import collect_test_requirements
    from reprobot.checks.manifests import read_manifest

    snapshot = tree(
        tmp_path,
        {
            "pyproject.toml": (
                '[project]\nname = "p"\nversion = "1"\n'
                '[project.optional-dependencies]\ntest = ["pytest>=8"]\ncover = ["pytest-cov"]\n'
                'docs = ["sphinx"]\n'
                '[dependency-groups]\ndev = [{include-group = "typing"}, "ruff"]\n'
                'typing = ["mypy"]\n'
            ),
            "requirements-dev.txt": "hypothesis\n",
            "tests/requirements.txt": "pyyaml\n--index-url https://evil.example\n",
            "tox.ini": "[testenv]\ndeps = six\n    -r tests/requirements.txt\nextras = cover\n"
            "commands = pytest\n",
            "noxfile.py": NOXFILE,
            "requirements-test.txt": "idna\n",
            "tests/test_a.py": PYTEST_FILE,
        },
    )
    found = collect_test_requirements(snapshot, read_manifest(snapshot), detect_suite(snapshot))
    pairs = dict(zip(found.requirements, found.sources, strict=True))
    assert pairs == {
        "pytest>=8": "extra `test`",
        "hypothesis": "requirements-dev.txt",
        "idna": "requirements-test.txt",
        "pyyaml": "tests/requirements.txt",
        "ruff": "dependency group `dev`",
        "mypy": "dependency group `dev`",
        "pytest-cov": "extra `cover`",
        "six": "tox.ini",
        "pytest": "noxfile.py session `tests`",
    }
    assert "sphinx" not in pairs


@pytest.mark.parametrize(
    ("message", "words"),
    [
        ("AttributeError: module 'numpy' has no attribute 'float'", "removed in NumPy 1.24"),
        ("AttributeError: `np.NaN` was removed in the NumPy 2.0 release.", "use `np.nan`"),
        ("AttributeError: module 'numpy' has no attribute 'product'", "use `np.prod`"),
        ("AttributeError: 'DataFrame' object has no attribute 'append'", "pd.concat"),
        ("ModuleNotFoundError: No module named 'distutils'", "removed in Python 3.12"),
        ("ModuleNotFoundError: No module named 'pkg_resources'", "importlib.metadata"),
    ],
)
def test_known_failures_get_a_hint(message: str, words: str) -> None:
    from reprobot.checks.families.tests.hints import hint

    found = hint(message)
    assert found is not None and words in found


def test_unknown_failures_get_no_hint() -> None:
    from reprobot.checks.families.tests.hints import hint

    assert hint("AssertionError: assert 2 == 3") is None
    assert hint("AttributeError: module 'numpy' has no attribute 'frobnicate'") is None
