"""`reprobot check` end to end on realistic studies: the clean room, the fresh environment,
the build and the test run, through the real command line, from a local package index."""

from __future__ import annotations

import json
import os
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from reprobot.checks.core import runner
from reprobot.checks.core.sandbox import remove_tree
from tests.helpers import make_repo
from tests.realwheels import real_wheelhouse
from tests.wheelhouse import build_wheel

pytestmark = pytest.mark.integration

SECRET = "ghp_e2eSecretThatMustNeverLeak000000"

STATSKIT = {
    "statskit/__init__.py": textwrap.dedent(
        """
        def mean(values):
            values = list(values)
            return sum(values) / len(values)


        def slope(xs, ys):
            mx, my = mean(xs), mean(ys)
            top = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
            return top / sum((x - mx) ** 2 for x in xs)
        """
    )
}


@pytest.fixture(scope="module")
def index() -> Iterator[Path]:
    directory = Path(f"/tmp/reprobot-e2e-index-{os.getpid()}")
    directory.mkdir(mode=0o755)
    real_wheelhouse(directory)
    build_wheel(directory, "statskit", "2.1.0", files=STATSKIT)
    os.chmod(directory / "statskit-2.1.0-py3-none-any.whl", 0o644)
    yield directory
    remove_tree(directory)


def notebook(*sources: str) -> str:
    cells = [
        {
            "cell_type": "code",
            "id": f"cell{i}",
            "metadata": {},
            "outputs": [],
            "execution_count": None,
            "source": source,
        }
        for i, source in enumerate(sources)
    ]
    meta = {"kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"}}
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": meta, "cells": cells})


HEALTHY = {
    "README.md": textwrap.dedent(
        """
        # Glacier mass balance study

        Code for "Accelerating mass loss of Alpine glaciers, 2000-2020".

        ## Install

            pip install .

        ## Run

            python scripts/make_table.py
            python -m pytest
        """
    ),
    "LICENSE": "MIT License\n\nCopyright (c) 2024 Ada Lovelace\n",
    "pyproject.toml": textwrap.dedent(
        """
        [build-system]
        requires = ["setuptools>=61"]
        build-backend = "setuptools.build_meta"

        [project]
        name = "glaciermass"
        version = "1.2.0"
        description = "Glacier mass balance trends"
        requires-python = ">=3.9"
        license = {text = "MIT"}
        authors = [{name = "Ada Lovelace", email = "ada@example.org"}]
        dependencies = ["statskit==2.1.0"]

        [project.optional-dependencies]
        test = ["pytest>=8"]
        """
    ),
    "src/glaciermass/__init__.py": (
        '"""Glacier mass balance."""\n\nfrom glaciermass.trend import decadal_trend\n'
    ),
    "src/glaciermass/trend.py": textwrap.dedent(
        """
        from statskit import slope


        def decadal_trend(years, balance):
            return 10 * slope(years, balance)
        """
    ),
    "scripts/make_table.py": textwrap.dedent(
        """
        from glaciermass import decadal_trend

        if __name__ == "__main__":
            print(decadal_trend([2000, 2010, 2020], [-0.5, -0.9, -1.3]))
        """
    ),
    "notebooks/figure2.ipynb": notebook(
        "%matplotlib inline\nfrom glaciermass import decadal_trend\n",
        "decadal_trend([2000, 2010], [0.0, -1.0])\n",
    ),
    "tests/test_trend.py": textwrap.dedent(
        """
        import os

        import pytest

        from glaciermass import decadal_trend


        def test_losing_mass():
            assert decadal_trend([2000, 2010, 2020], [-0.5, -0.9, -1.3]) == pytest.approx(-0.4)


        def test_stable():
            assert decadal_trend([2000, 2010], [1.0, 1.0]) == 0


        def test_no_token_in_environment():
            assert not any("TOKEN" in name for name in os.environ)
        """
    ),
}

BROKEN = {
    "README.md": "# Sea ice study\n",
    "requirements.txt": "statskit\n",
    "analysis/__init__.py": "",
    "analysis/extent.py": "from statskit import mean\n\n\ndef extent(a):\n    return mean(a)\n",
    "analysis/legacy.py": 'def report(x):\n    print "extent:", x\n',
    "notebooks/explore.ipynb": '{"nbformat": 4, "cells": [\n  {"cell_type": "code",,}\n]}\n',
    "tests/test_extent.py": textwrap.dedent(
        """
        from analysis.extent import extent


        def test_extent():
            assert extent([1.0, 3.0]) == 2.0


        def test_extent_wrong():
            value = extent([2.0, 2.0])
            assert value == 3.0, "extent of a constant series"
        """
    ),
}


def reprobot(repo: Path, index: Path, *args: str) -> tuple[int, dict[str, Any]]:
    cli = Path(sys.executable).with_name("reprobot")
    env = {
        "REPROBOT_FIND_LINKS": str(index),
        "GITHUB_TOKEN": SECRET,
        "PATH": os.environ.get("PATH", ""),
    }
    out = runner.run(
        (cli, "check", repo, "--format", "json", *args),
        timeout=900,
        env={**os.environ, **env},
        output_cap=16 * 1024 * 1024,
    )
    assert out.ran and not out.timed_out, out.stderr
    assert out.returncode in (0, 1), out.output
    assert SECRET not in out.output
    return out.returncode, json.loads(out.stdout)


def by_code(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["code"]: c for c in report["checks"]}


def test_healthy_study_end_to_end(tmp_path: Path, index: Path) -> None:
    code, report = reprobot(make_repo(tmp_path, HEALTHY), index)
    checks = by_code(report)
    for name in ("BLD001", "BLD002", "TST001", "TST002"):
        assert checks[name]["status"] == "pass", (name, checks[name]["message"])
    assert checks["BLD001"]["message"].startswith(
        "built glaciermass-1.2.0.tar.gz and glaciermass-1.2.0-py3-none-any.whl"
    )
    assert checks["BLD002"]["message"] == "`glaciermass` imports in the fresh environment"
    assert checks["TST002"]["message"].startswith("3 passed")
    assert code == (1 if report["status"] == "fail" else 0)
    assert report["timings"]["tests.run"] > 0


def test_broken_study_end_to_end(tmp_path: Path, index: Path) -> None:
    code, report = reprobot(make_repo(tmp_path, BROKEN), index)
    assert code == 1
    checks = by_code(report)
    bld = checks["BLD001"]
    assert bld["status"] == "fail"
    assert "Python 2 code in 1 file: a print statement" in bld["message"]
    assert "1 notebook is not valid (notebooks/explore.ipynb:2: not valid JSON" in bld["message"]
    places = {(f["path"], f["line"]) for f in bld["findings"]}
    assert ("analysis/legacy.py", 2) in places
    assert checks["BLD002"]["status"] == "skip"  # not a package
    assert checks["TST001"]["status"] == "pass"
    tst = checks["TST002"]
    assert tst["status"] == "fail"
    assert tst["message"].startswith(
        "1 passed, 1 failed; first failure: tests/test_extent.py::test_extent_wrong "
        "(tests/test_extent.py:11)"
    )
    (finding,) = tst["findings"]
    assert (finding["path"], finding["line"]) == ("tests/test_extent.py", 11)
    assert "extent of a constant series" in finding["message"]
