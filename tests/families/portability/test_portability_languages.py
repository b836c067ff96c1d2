"""PTH001 beyond Python: R, Julia, MATLAB, Stata and shell code, Windows drives, conda prefixes."""

from __future__ import annotations

from pathlib import Path

from reprobot.checks import check_repository
from reprobot.checks.core.model import CheckResult, Status
from tests.helpers import make_repo


def pth001(root: Path) -> CheckResult:
    (result,) = check_repository(root, select=("PTH",)).checks
    return result


def test_paths_in_every_language_are_found_and_comments_are_not(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path,
        {
            "a.R": "# setwd('/home/old/x')\nd <- read.csv(\"D:\\\\data\\\\run.csv\")\n",
            "b.jl": 'x = 1 #= "/home/ana/no" =#\ndf = CSV.read("/Users/ana/d.csv", DataFrame)\n',
            "c.m": "% cd C:\\old\ncd C:\\Users\\ana\\proj\naddpath('S:/lab/tools');\n",
            "d.do": '* cd "C:\\old"\ncd "E:\\survey\\wave2"\n',
            "e.sh": "# /home/old/x\npython run.py --data /home/ana/data\n",
            "f.qmd": "Saved under /home/ana/prose.\n\n```{r}\nx <- '/home/ana/chunk.csv'\n```\n",
            "g.py": "URL = 'https://example.org/a:/b'\nWIN = r'D:\\scratch\\x.csv'\n",
        },
        git_init=False,
    )
    result = pth001(root)
    assert result.status is Status.FAIL
    found = [(f.path, f.line) for f in result.findings]
    assert found == [
        ("g.py", 2),
        ("a.R", 2),
        ("b.jl", 2),
        ("c.m", 2),
        ("c.m", 3),
        ("d.do", 2),
        ("e.sh", 2),
        ("f.qmd", 4),
    ]


def test_the_conda_prefix_line_is_found_and_its_fix_removes_it(tmp_path: Path) -> None:
    env = (
        "name: study\nchannels:\n  - conda-forge\ndependencies:\n  - numpy\n"
        "prefix: C:\\Users\\ana\\miniconda3\\envs\\study\n"
    )
    root = make_repo(tmp_path, {"environment.yml": env, "run.py": "print(1)\n"}, git_init=False)
    result = pth001(root)
    assert result.status is Status.FAIL
    assert [(f.path, f.line) for f in result.findings] == [("environment.yml", 6)]
    (fix,) = result.fixes
    assert fix.files["environment.yml"] == env.replace(
        "prefix: C:\\Users\\ana\\miniconda3\\envs\\study\n", ""
    )
    (root / "environment.yml").write_text(fix.files["environment.yml"])
    again = pth001(root)
    assert again.status is Status.PASS
    assert again.message.endswith("(Python, conda environment files read)")


def test_r_code_alone_is_scanned_not_skipped(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {"a.R": "x <- read.csv('data/x.csv')\n"}, git_init=False)
    result = pth001(root)
    assert result.status is Status.PASS and result.message.endswith("(R read)")
