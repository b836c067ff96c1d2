from __future__ import annotations

import os
import subprocess
import textwrap
import time
from pathlib import Path

import pytest

from reprobot.checks import load_config
from reprobot.checks.core.check import Check, Context
from reprobot.checks.core.engine import run_checks
from reprobot.checks.core.model import CheckResult, Status
from reprobot.checks.core.runner import drops_privileges
from reprobot.checks.core.snapshot import Snapshot
from reprobot.checks.families.build.checks import BLD001, BLD002
from reprobot.checks.families.tests.checks import TST001, TST002
from tests.helpers import git, make_repo

SECRET = "ghp_reprobotSecretValue0123456789"
INPUT_SECRET = "input-secret-value-9876543210"


@pytest.fixture(autouse=True)
def hermetic(real_index: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REPROBOT_FIND_LINKS", str(real_index))


def check(
    repo: Path, *, select: tuple[type[Check], ...] = (TST001, TST002), area: Path | None = None
) -> dict[str, CheckResult]:
    """Run the given checks only (other families are not this module's business)."""
    ctx = Context(Snapshot(repo), load_config(repo), work_dir=area)
    return {r.code: r for r in run_checks(ctx, select)}


STUDY = {
    "requirements.txt": "numpy==1.26.4\n",
    "analysis/__init__.py": "",
    "analysis/heat.py": "def anomaly(values, base):\n    return [v - base for v in values]\n",
    "run_analysis.py": (
        "import numpy\nfrom analysis.heat import anomaly\n\nprint(anomaly(numpy.ones(2), 1.0))\n"
    ),
    "tests/test_heat.py": textwrap.dedent(
        """
        import numpy
        from analysis.heat import anomaly


        def test_zero():
            assert anomaly([1.0], 1.0) == [0.0]


        def test_shift():
            assert anomaly([3.0, 4.0], 1.0) == [2.0, 3.0]


        class TestEdges:
            def test_empty(self):
                assert anomaly([], 5.0) == []
        """
    ),
}


def test_healthy_study_passes_with_three_tests(tmp_path: Path) -> None:
    results = check(make_repo(tmp_path, STUDY), select=(BLD001, TST001, TST002))
    assert results["BLD001"].status is Status.PASS
    assert results["TST001"].status is Status.PASS
    assert results["TST001"].message.startswith("3 tests (pytest) in 1 file")
    tst = results["TST002"]
    assert tst.status is Status.PASS, tst.message
    assert tst.message.startswith("3 passed")
    assert "pytest is not declared; reprobot installed it" in tst.message


SRC_PACKAGE = {
    "pyproject.toml": textwrap.dedent(
        """
        [build-system]
        requires = ["setuptools>=61"]
        build-backend = "setuptools.build_meta"

        [project]
        name = "oceanheat"
        version = "1.0.0"
        dependencies = ["numpy>=1.22"]

        [project.optional-dependencies]
        test = ["pytest>=8"]
        """
    ),
    "src/oceanheat/__init__.py": "from oceanheat.core import trend\n",
    "src/oceanheat/core.py": "import numpy\n\n\ndef trend(xs):\n    return xs[-1] - xs[0]\n",
    "tests/test_core.py": textwrap.dedent(
        """
        from oceanheat import trend


        def test_rising():
            assert trend([1, 2, 4]) == 3


        def test_flat():
            assert trend([2, 2]) == 0
        """
    ),
}


def test_src_layout_package_builds_and_its_tests_pass(tmp_path: Path) -> None:
    results = check(make_repo(tmp_path, SRC_PACKAGE), select=(BLD001, BLD002, TST001, TST002))
    assert results["BLD001"].status is Status.PASS, results["BLD001"].message
    assert "oceanheat-1.0.0-py3-none-any.whl" in results["BLD001"].message
    assert results["BLD002"].status is Status.PASS, results["BLD002"].message
    tst = results["TST002"]
    assert tst.status is Status.PASS, tst.message
    assert tst.message.startswith("2 passed")
    assert "not declared" not in tst.message  # pytest comes from the `test` extra
    assert "installed 1 declared test requirement from extra `test`: pytest>=8)" in tst.message


def test_failing_test_is_named_with_file_line_and_assertion(tmp_path: Path) -> None:
    files = dict(STUDY)
    files["tests/test_more.py"] = textwrap.dedent(
        """
        from analysis.heat import anomaly


        def test_baseline():
            result = anomaly([10.0], 2.0)
            assert result == [7.0], "baseline is subtracted"
        """
    )
    tst = check(make_repo(tmp_path, files))["TST002"]
    assert tst.status is Status.FAIL
    assert tst.message == (
        "3 passed, 1 failed; first failure: tests/test_more.py::test_baseline "
        "(tests/test_more.py:7) (pytest is not declared; reprobot installed it to run the tests)"
    )
    (finding,) = tst.findings
    assert (finding.path, finding.line) == ("tests/test_more.py", 7)
    assert finding.message.startswith("tests/test_more.py::test_baseline failed: ")
    assert "AssertionError: baseline is subtracted\nassert [8.0] == [7.0]" in finding.message


def test_collection_error_is_no_test_ran(tmp_path: Path) -> None:
    files = dict(STUDY)
    files["tests/test_heat.py"] = "import not_declared_anywhere\n\n\ndef test_x():\n    pass\n"
    tst = check(make_repo(tmp_path, files))["TST002"]
    assert tst.status is Status.FAIL
    assert tst.message.startswith("no test ran: 1 test module failed to load")
    assert "No module named 'not_declared_anywhere'" in tst.message
    assert "0 failed" not in tst.message and "passed" not in tst.message
    assert tst.findings[0].path == "tests/test_heat.py"
    assert tst.findings[0].line == 1


def test_empty_pytest_run_is_no_test_ran(tmp_path: Path) -> None:
    files = {
        "a.py": "x = 1\n",
        "tests/test_a.py": "def test_a():\n    pass\n",
        ".reprobot.yml": "tests:\n  command: pytest -k nothing_matches_this\n",
    }
    tst = check(make_repo(tmp_path, files))["TST002"]
    assert tst.status is Status.FAIL
    assert tst.message.startswith("no test ran")


def _processes_mentioning(*needles: str) -> list[str]:
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/cmdline", "rb") as handle:
                cmdline = handle.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if any(n in cmdline for n in needles):
            found.append(f"{entry.name}: {cmdline}")
    return found


def _sandbox_processes_in(area: Path) -> list[str]:
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            if os.stat(f"/proc/{entry.name}").st_uid != 65534:
                continue
            cwd = os.readlink(f"/proc/{entry.name}/cwd")
        except OSError:
            continue
        if cwd.startswith(str(area)):
            found.append(f"{entry.name}: {cwd}")
    return found


def test_hanging_suite_is_cut_at_the_timeout_and_leaves_no_process(
    tmp_path: Path, sandbox_tmp: Path
) -> None:
    hang = textwrap.dedent(
        """
        import subprocess
        import sys
        import time


        def test_hangs():
            subprocess.Popen(["sleep", "4242"], start_new_session=True)
            subprocess.Popen([sys.executable, "-c", "import time; time.sleep(4243)"])
            time.sleep(4244)
        """
    )
    files = {
        "a.py": "x = 1\n",
        "tests/test_hang.py": hang,
        ".reprobot.yml": "tests:\n  timeout: 5\n",
    }
    area = sandbox_tmp / "area"
    tst = check(make_repo(tmp_path, files), area=area)["TST002"]
    assert tst.status is Status.FAIL
    assert tst.message.startswith("the tests did not finish within 5 s (`tests.timeout`)")
    assert _processes_mentioning("sleep 4242", "time.sleep(4243)") == []
    assert _sandbox_processes_in(area) == []


def test_tests_see_no_token(
    tmp_path: Path, sandbox_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", SECRET)
    monkeypatch.setenv("INPUT_TOKEN", INPUT_SECRET)
    snoop = textwrap.dedent(
        """
        import os
        from pathlib import Path


        def test_snoop():
            seen = ["\\n".join(f"{k}={v}" for k, v in os.environ.items())]
            readable = 0
            for entry in os.scandir("/proc"):
                if entry.name.isdigit():
                    try:
                        seen.append(Path(f"/proc/{entry.name}/environ").read_bytes().decode(
                            errors="replace"))
                        readable += 1
                    except OSError:
                        pass
            Path("found.txt").write_text("\\n".join(seen))
            assert readable > 0
            print("\\n".join(seen))
        """
    )
    area = sandbox_tmp / "area"
    repo = make_repo(tmp_path, {"a.py": "x = 1\n", "tests/test_snoop.py": snoop})
    # A process of ours that holds the token in its environment, as the action's does;
    # only another user is kept out of it, so this needs the drop to the sandbox user.
    assert drops_privileges(), "these tests run as root, like the action and CI"
    holder = subprocess.Popen(
        ["sleep", "300"], env={**os.environ, "GITHUB_TOKEN": SECRET, "INPUT_TOKEN": INPUT_SECRET}
    )
    try:
        environ = Path(f"/proc/{holder.pid}/environ")
        deadline = time.monotonic() + 10
        while SECRET.encode() not in environ.read_bytes() and time.monotonic() < deadline:
            time.sleep(0.01)  # until the exec has replaced the forked environment
        assert SECRET.encode() in environ.read_bytes()
        results = check(repo, area=area)
    finally:
        holder.kill()
        holder.wait()
    tst = results["TST002"]
    assert tst.status is Status.PASS, tst.message
    found = (area / "repository" / "found.txt").read_text()
    assert "HOME=" in found  # the test really did read its environment
    assert SECRET not in found and INPUT_SECRET not in found
    assert "GITHUB_TOKEN" not in found and "INPUT_TOKEN" not in found
    report = repr([r.to_dict() for r in results.values()])
    assert SECRET not in report and INPUT_SECRET not in report


def test_no_tests_fails_with_a_generated_smoke_test_that_passes(tmp_path: Path) -> None:
    files = {k: v for k, v in STUDY.items() if not k.startswith("tests/")}
    repo = make_repo(tmp_path, files)
    tst = check(repo)
    assert tst["TST001"].status is Status.FAIL
    assert tst["TST001"].message.startswith("no tests found")
    assert tst["TST002"].status is Status.SKIP
    (fix,) = tst["TST001"].fixes
    smoke = fix.files["tests/test_smoke.py"]
    assert 'MODULES = [\n    "numpy",\n]' in smoke
    assert '"run_analysis.py"' in smoke
    (repo / "tests").mkdir()
    (repo / "tests" / "test_smoke.py").write_text(smoke)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "add the smoke test")
    again = check(repo)
    assert again["TST001"].status is Status.PASS
    assert again["TST002"].status is Status.PASS, again["TST002"].message
    assert again["TST002"].message.startswith("4 passed")


def test_data_files_and_test_named_scripts_are_not_tests(tmp_path: Path) -> None:
    files = {
        "split_data_train_test.py": "def split(rows):\n    return rows[:8], rows[8:]\n",
        "tests/data.csv": "a,b\n1,2\n",
    }
    tst001 = check(make_repo(tmp_path, files))["TST001"]
    assert tst001.status is Status.FAIL
    assert tst001.fixes[0].files["tests/test_smoke.py"]


def test_unittest_suite_runs_under_pytest(tmp_path: Path) -> None:
    suite = textwrap.dedent(
        """
        import unittest

        from analysis.heat import anomaly


        class AnomalyCase(unittest.TestCase):
            def test_zero(self):
                self.assertEqual(anomaly([1.0], 1.0), [0.0])

            def test_skipped(self):
                self.skipTest("needs the full data set")
        """
    )
    files = {k: v for k, v in STUDY.items() if not k.startswith("tests/")}
    files["tests.py"] = suite
    results = check(make_repo(tmp_path, files))
    assert results["TST001"].message.startswith("2 tests (unittest) in 1 file")
    assert results["TST002"].status is Status.PASS, results["TST002"].message
    assert results["TST002"].message.startswith("1 passed, 1 skipped")


def test_configured_command_pass_and_fail(tmp_path: Path) -> None:
    files = {
        "check.py": "import sys\nsys.exit(0 if sum([1, 2]) == 3 else 1)\n",
        ".reprobot.yml": "tests:\n  command: python check.py\n",
    }
    good = check(make_repo(tmp_path, files, name="good"))
    assert good["TST001"].status is Status.PASS
    assert good["TST002"].status is Status.PASS
    assert good["TST002"].message.startswith("`python check.py` (tests.command")
    files["check.py"] = "import sys\nprint('sum is wrong')\nsys.exit(3)\n"
    bad = check(make_repo(tmp_path, files, name="bad"))["TST002"]
    assert bad.status is Status.FAIL
    assert "exited 3" in bad.message
    assert "sum is wrong" in bad.findings[0].message


def test_results_replaced_by_a_link_are_not_read(tmp_path: Path) -> None:
    conftest = textwrap.dedent(
        """
        import os


        def pytest_unconfigure(config):
            path = config.option.xmlpath
            if path:
                os.remove(path)
                os.symlink("/etc/shadow", path)
        """
    )
    files = {**STUDY, "tests/conftest.py": conftest}
    tst = check(make_repo(tmp_path, files))["TST002"]
    assert tst.status is Status.FAIL
    assert tst.message == (
        "the test results could not be read: the JUnit XML was replaced by a link; not followed"
    )
    assert "root:" not in repr(tst.to_dict())


def test_plugin_option_without_the_plugin_is_no_test_ran(tmp_path: Path) -> None:
    files = {**STUDY, "pytest.ini": "[pytest]\naddopts = -n 2\n"}
    tst = check(make_repo(tmp_path, files))["TST002"]
    assert tst.status is Status.FAIL
    assert tst.message.startswith(
        "no test ran: pytest could not start with the project's configuration ("
    )
    assert "error: unrecognized arguments: -n" in tst.message


def test_standard_library_study_is_tested_through_the_whole_chain(tmp_path: Path) -> None:
    """Nothing declared and nothing needed: the dependency checks pass, so the tests run."""
    from reprobot.checks.families.dependencies.checks import DEP001, DEP002, DEP003

    repo = make_repo(
        tmp_path,
        {
            "stats.py": "import statistics\n\ndef mean(xs):\n    return statistics.fmean(xs)\n",
            "test_stats.py": (
                "from stats import mean\n\ndef test_mean():\n    assert mean([1, 3]) == 2\n"
            ),
        },
    )
    results = check(repo, select=(DEP001, DEP002, DEP003, TST001, TST002))
    assert results["DEP002"].status is Status.PASS, results["DEP002"].message
    assert "nothing to resolve" in results["DEP002"].message
    assert results["DEP003"].status is Status.PASS, results["DEP003"].message
    assert results["TST002"].status is Status.PASS, results["TST002"].message
    assert "1 passed" in results["TST002"].message


RUNTESTS = textwrap.dedent(
    """\
    #!/usr/bin/env pytest
    from analysis.heat import anomaly


    def test_zero():
        assert anomaly([1.0], 1.0) == [0.0]


    def test_shift():
        assert anomaly([3.0], 1.0) == [2.0]
    """
)


def test_pytest_style_runtests_runs_its_tests_through_pytest(tmp_path: Path) -> None:
    files = {k: v for k, v in STUDY.items() if not k.startswith("tests/")}
    files["runtests.py"] = RUNTESTS
    results = check(make_repo(tmp_path, files))
    assert results["TST001"].message.startswith("2 tests (pytest) in 1 file")
    tst = results["TST002"]
    assert tst.status is Status.PASS, tst.message
    # run as a script it would define two functions and exit 0 without running either
    assert tst.message.startswith("2 passed")
    files["runtests.py"] = RUNTESTS.replace("[2.0]", "[9.0]")
    broken = check(make_repo(tmp_path, files, name="broken"))["TST002"]
    assert broken.status is Status.FAIL
    assert broken.message.startswith("1 passed, 1 failed; first failure: runtests.py::test_shift")


def test_test_requirements_are_installed_from_where_the_project_declares_them(
    tmp_path: Path,
) -> None:
    """A test folder's requirements file, a dependency group and tox's deps: each installed
    for the tests (the test imports all three) and named in the report."""
    files = {
        "pyproject.toml": textwrap.dedent(
            """
            [dependency-groups]
            lint = ["oldonly"]
            test = ["six==1.16.0", {include-group = "lint-free"}]
            lint-free = ["idna==3.6"]
            """
        ),
        "tox.ini": (
            "[testenv]\ndeps =\n    pytest\n    -r tests/requirements.txt\ncommands = pytest\n"
        ),
        "tests/requirements.txt": "pyyaml==6.0.1\n",
        "stats.py": "def mean(xs):\n    return sum(xs) / len(xs)\n",
        "tests/test_stats.py": textwrap.dedent(
            """
            import idna
            import six
            import yaml

            from stats import mean


            def test_mean():
                assert mean([1, 3]) == 2
            """
        ),
    }
    tst = check(make_repo(tmp_path, files))["TST002"]
    assert tst.status is Status.PASS, tst.message
    assert tst.message.startswith("1 passed (installed 4 declared test requirements from ")
    for place in ("tests/requirements.txt", "dependency group `test`", "tox.ini"):
        assert place in tst.message
    for name in ("pyyaml==6.0.1", "six==1.16.0", "idna==3.6", "pytest"):
        assert name in tst.message
    assert "oldonly" not in tst.message  # the lint group is not for the tests
