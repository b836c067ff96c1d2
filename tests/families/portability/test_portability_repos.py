from __future__ import annotations

import json
from pathlib import Path

from reprobot.checks import check_repository
from reprobot.checks.core.model import CheckResult, Status
from tests.helpers import make_repo


def pth001(tmp_path: Path, files: dict[str, str]) -> CheckResult:
    report = check_repository(make_repo(tmp_path, files, git_init=False), select=("PTH",))
    (result,) = report.checks
    return result


def notebook(*cells: str) -> str:
    return json.dumps(
        {
            "cells": [
                {
                    "cell_type": "code",
                    "metadata": {},
                    "outputs": [],
                    "execution_count": None,
                    "source": source,
                }
                for source in cells
            ],
            "metadata": {},
            "nbformat": 4,
            "nbformat_minor": 4,
        }
    )


def test_relative_paths_and_prose_pass(tmp_path: Path) -> None:
    result = pth001(
        tmp_path,
        {
            "load.py": (
                '"""Reads /home/<you>/data when you point DATA at it: see the README."""\n'
                "from pathlib import Path\n"
                "# was /home/ana/old.csv\n"
                'ROOT = Path(__file__).parent\nDATA = ROOT / "data" / "run.csv"\n'
                'TMP = "/tmp/scratch"\n'
            ),
            "fig.ipynb": notebook("import pandas as pd\n", "df = pd.read_csv('data/run.csv')\n"),
        },
    )
    assert result.status is Status.PASS, result.message


def test_home_windows_and_colab_paths_fail_at_their_lines(tmp_path: Path) -> None:
    result = pth001(
        tmp_path,
        {
            "analysis/load.py": (
                "import pandas as pd\n\n"
                "def load(path='/home/ana/data/run3.csv'):\n"
                "    return pd.read_csv(path)\n"
                "OUT = r'C:\\Users\\ana\\Desktop\\fig.png'\n"
            ),
            "colab.ipynb": notebook(
                "from google.colab import drive\n",
                "%cd /content\nframe = open('/content/drive/MyDrive/thesis/data.csv')\n",
            ),
        },
    )
    assert result.status is Status.FAIL
    assert result.message == "3 hard-coded paths in 2 files, first at analysis/load.py:3"
    places = [(f.path, f.line, f.message) for f in result.findings]
    assert places[0][:2] == ("analysis/load.py", 3) and "/home/ana/data/run3.csv" in places[0][2]
    assert places[1][:2] == ("analysis/load.py", 5) and "C:\\Users\\ana" in places[1][2]
    assert places[2][:2] == ("colab.ipynb", None)
    assert places[2][2].startswith("cell 2, line 2: `/content/drive/MyDrive/thesis/data.csv`")
    assert result.fixes and "Path(__file__).resolve().parent" in result.fixes[0].description


def test_code_that_does_not_parse_is_left_to_bld001(tmp_path: Path) -> None:
    result = pth001(tmp_path, {"old.py": "print '/home/ana/x'\n", "nb.ipynb": "{not json /home/"})
    assert result.status is Status.PASS


def test_no_code_is_skipped(tmp_path: Path) -> None:
    result = pth001(tmp_path, {"README.md": "see /home/ana\n"})
    assert result.status is Status.SKIP
