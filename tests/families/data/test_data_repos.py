"""DAT001 and DAT002 on tiny real repositories (real git), and their fixes applied."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest

from reprobot.checks import check_repository
from reprobot.checks.core.model import CheckResult, Status
from tests.helpers import GIT_IDENTITY, git, make_repo


def _notebook(*cells: str) -> str:
    return json.dumps(
        {
            "nbformat": 4,
            "nbformat_minor": 5,
            "metadata": {"kernelspec": {"name": "python3", "language": "python"}},
            "cells": [
                {"cell_type": "code", "id": f"c{i}", "metadata": {}, "outputs": [],
                 "execution_count": None, "source": source}
                for i, source in enumerate(cells)
            ],
        }
    )  # fmt: skip


def _check(root: Path, code: str = "DAT001") -> CheckResult:
    return {r.code: r for r in check_repository(root, select=(code,)).checks}[code]


def _files(files: dict[str, str]) -> dict[str, str]:
    return {k: textwrap.dedent(v).lstrip("\n") for k, v in files.items()}


ANALYSIS = _files(
    {
        "analysis/figures.py": """
            import pandas as pd
            from pathlib import Path

            HERE = Path(__file__).resolve().parent
            survey = pd.read_csv("data/survey.csv")
            extra = pd.read_excel(HERE / "weights.xlsx")
            survey.to_csv("results/clean.csv")
            """,
        "notebooks/plot.ipynb": _notebook(
            "import pandas as pd\n", "clean = pd.read_csv('../results/clean.csv')\n"
        ),
        "README.md": "# Survey study\n\nRun `python analysis/figures.py`.\n",
    }
)


def test_files_nobody_provides_fail_with_file_and_line(tmp_path: Path) -> None:
    result = _check(make_repo(tmp_path, ANALYSIS))
    assert result.status is Status.FAIL, result.message
    assert "2 data files" in result.message
    places = {(f.path, f.line) for f in result.findings}
    assert places == {("analysis/figures.py", 5), ("analysis/figures.py", 6)}
    assert "`analysis/weights.xlsx`" in " ".join(f.message for f in result.findings)
    fix = result.fixes[0]
    assert set(fix.files) == {"data/README.md", "download_data.py"}
    assert "`data/survey.csv`" in fix.files["data/README.md"]
    assert fix.files["data/README.md"].startswith("# Data")


def test_committed_generated_and_documented_files_pass(tmp_path: Path) -> None:
    files = {
        **ANALYSIS,
        "data/survey.csv": "a,b\n1,2\n",
        "analysis/README.md": "Weights: https://doi.org/10.5281/zenodo.1234567\n",
    }
    result = _check(make_repo(tmp_path, files))
    assert result.status is Status.PASS, result.message
    assert "1 in the repository" in result.message
    assert "1 written by the repository's code" in result.message
    assert "1 documented in a README" in result.message
    said = " ".join(f.message for f in result.findings)
    assert "`results/clean.csv` is written by analysis/figures.py" in said
    assert "analysis/README.md" in said


def test_a_readme_section_a_download_script_lfs_and_dvc_are_sources(tmp_path: Path) -> None:
    files = _files(
        {
            "run.py": """
                import numpy as np
                import pandas as pd
                a = np.load("data/a.npy")
                b = pd.read_parquet("data/b.parquet")
                c = pd.read_csv("raw/c.csv")
                d = open("big/d.bin", "rb")
                """,
            "README.md": """
                # Study

                ## Data

                `a.npy` is archived at https://zenodo.org/records/42.
                """,
            "get_data.sh": "curl -L -o raw/c.csv https://osf.io/abcd/download\n",
            ".gitattributes": "big/** filter=lfs diff=lfs merge=lfs -text\n",
            "data/b.parquet.dvc": "outs:\n- md5: 0a1b\n  path: b.parquet\n",
        }
    )
    result = _check(make_repo(tmp_path, files))
    assert result.status is Status.PASS, result.message
    said = " ".join(f.message for f in result.findings)
    assert "`data/a.npy` comes from README.md" in said
    assert "`data/b.parquet` comes from DVC (data/b.parquet.dvc" in said
    assert "`raw/c.csv` comes from the download commands in get_data.sh" in said
    assert "`big/d.bin` comes from Git LFS (`big/**`" in said


def test_r_code_is_read_too_and_a_notebook_runs_from_its_folder(tmp_path: Path) -> None:
    files = _files(
        {
            "analysis/model.R": """
                # read.csv("commented/out.csv")
                d <- read.csv("data/obs.csv")
                fit <- readRDS(here::here("models", "fit.rds"))
                saveRDS(fit, "models/fit2.rds")
                """,
            "analysis/data/obs.csv": "x\n1\n",
            "notebooks/look.ipynb": _notebook("import numpy as np\nnp.loadtxt('obs.txt')\n"),
            "obs.txt": "1\n",  # at the root, but the notebook runs in notebooks/
        }
    )
    result = _check(make_repo(tmp_path, files))
    assert result.status is Status.FAIL
    by_file = {f.path: f for f in result.findings}
    assert sorted(by_file) == ["analysis/model.R", "notebooks/look.ipynb"]
    assert "`models/fit.rds`" in by_file["analysis/model.R"].message
    assert by_file["analysis/model.R"].line == 3
    assert by_file["notebooks/look.ipynb"].message.startswith("cell 1, line 2")


def test_code_that_opens_nothing_passes_and_computed_paths_skip(tmp_path: Path) -> None:
    web = "import pandas as pd\npd.read_csv('https://example.org/obs.csv')\nprint(1)\n"
    quiet = _check(make_repo(tmp_path, {"a.py": web}, name="quiet"))
    assert quiet.status is Status.PASS
    assert quiet.message == "the code opens no data file (Python read)"
    computed = {"a.py": "import pandas as pd\nimport sys\npd.read_csv(sys.argv[1])\n"}
    unknown = _check(make_repo(tmp_path, computed, name="computed"))
    assert unknown.status is Status.SKIP
    assert "1 file read whose path the code computes" in unknown.message
    none = _check(make_repo(tmp_path, {"notes.txt": "x\n"}, name="none"))
    assert none.status is Status.SKIP


def _apply(root: Path, result: CheckResult) -> None:
    for fix in result.fixes:
        for path, content in fix.files.items():
            target = root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(content, encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Apply the fix")


@pytest.mark.parametrize("language", ["python", "r"])
def test_the_fix_documents_every_file_and_filling_it_in_passes(
    tmp_path: Path, language: str
) -> None:
    if language == "python":
        files = {"analysis/figures.py": ANALYSIS["analysis/figures.py"]}
    else:
        files = {"figures.R": 'd <- readr::read_csv("data/obs.csv")\nload("data/more.RData")\n'}
    root = make_repo(tmp_path, files)
    before = _check(root)
    assert before.status is Status.FAIL
    _apply(root, before)
    after = _check(root)
    assert after.status is Status.WARN, after.message
    assert "placeholder" in after.message
    script = "download_data.py" if language == "python" else "download_data.R"
    assert (root / script).exists()
    for name in ("data/README.md", script):
        text = (root / name).read_text(encoding="utf-8")
        (root / name).write_text(text.replace("zenodo.XXXXXXX", "zenodo.7654321"))
    git(root, "commit", "-q", "-am", "The real addresses")
    filled = _check(root)
    assert filled.status is Status.PASS, filled.message


def test_the_example_study_reads_its_data_from_one_machine(tmp_path: Path) -> None:
    example = Path(__file__).resolve().parents[3] / "examples" / "ocean-heat-study"
    root = tmp_path / "study"
    shutil.copytree(example, root)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "study")
    result = _check(root)
    assert result.status is Status.FAIL
    assert "`/home/chidi/data/argo_north_atlantic.csv`" in result.message
    assert "see PTH001" in result.findings[0].message


def test_a_large_file_outside_lfs_warns_and_lfs_pointers_pass(tmp_path: Path) -> None:
    config = ".reprobot.yml"
    files = {
        config: "data:\n  large_file_mb: 0.01\n",
        "data/big.csv": "x\n" * 10_000,  # 20 KB
        "data/small.csv": "x\n",
    }
    root = make_repo(tmp_path, files)
    result = _check(root, "DAT002")
    assert result.status is Status.WARN, result.message
    assert [f.path for f in result.findings] == ["data/big.csv"]
    fix = result.fixes[0]
    assert fix.files == {".gitattributes": "data/big.csv filter=lfs diff=lfs merge=lfs -text\n"}
    assert 'git lfs track "data/big.csv"' in fix.commands
    # committed as the pointer Git LFS writes, the file is small: nothing to warn about
    oid = "0" * 64
    pointer = f"version https://git-lfs.github.com/spec/v1\noid sha256:{oid}\nsize 20000\n"
    (root / "data/big.csv").write_text(pointer)
    (root / ".gitattributes").write_text(fix.files[".gitattributes"])
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "LFS")
    assert _check(root, "DAT002").status is Status.PASS


def test_a_file_covered_by_lfs_but_committed_whole_still_warns(tmp_path: Path) -> None:
    files = {
        ".reprobot.yml": "data:\n  large_file_mb: 0.01\n",
        ".gitattributes": "*.csv filter=lfs diff=lfs merge=lfs -text\n",
        "big.csv": "y\n" * 10_000,
    }
    result = _check(make_repo(tmp_path, files), "DAT002")
    assert result.status is Status.WARN
    assert "`*.csv` in .gitattributes covers it" in result.findings[0].message
    assert result.fixes[0].files == {}  # the line is there already


@pytest.mark.skipif(shutil.which("git-lfs") is None, reason="needs Git LFS")
def test_running_the_lfs_fix_with_real_git_lfs_passes(tmp_path: Path) -> None:
    files = {".reprobot.yml": "data:\n  large_file_mb: 0.01\n", "data/big.csv": "x\n" * 10_000}
    root = make_repo(tmp_path, files)
    before = _check(root, "DAT002")
    assert before.status is Status.WARN
    home = tmp_path / "home"  # `git lfs install` writes the user's git configuration
    home.mkdir()
    for command in before.fixes[0].commands:
        env = {**os.environ, **GIT_IDENTITY, "HOME": str(home)}
        subprocess.run(shlex.split(command), cwd=root, env=env, check=True, capture_output=True)
    assert (root / ".gitattributes").read_text() == before.fixes[0].files[".gitattributes"]
    after = _check(root, "DAT002")
    assert after.status is Status.PASS, after.message


def test_a_module_run_from_a_folder_above_and_a_link_file_in_the_folder(tmp_path: Path) -> None:
    files = _files(
        {
            "Code/Functions/plots.py": """
                import matplotlib.pyplot as plt
                img = plt.imread("../Figures/protocol.png")
                with open("STATS_TABLE", "w") as out:
                    out.write("n=3")
                with open("STATS_TABLE") as back:
                    print(back.read())
                """,
            "Figures/figures_link": "Find the figures at https://doi.org/10.5281/zenodo.18806424\n",
        }
    )
    result = _check(make_repo(tmp_path, files))
    assert result.status is Status.PASS, result.message
    said = " ".join(f.message for f in result.findings)
    assert "`Figures/protocol.png` comes from Figures/figures_link" in said
    assert "`STATS_TABLE` is written by Code/Functions/plots.py" in said


def test_a_file_a_makefile_builds_is_written_and_templates_are_not_read(tmp_path: Path) -> None:
    files = _files(
        {
            "docs/makefile": "build/tmp.html: src/a.md\n\tpandoc src/a.md -o build/tmp.html\n",
            "docs/bin/toc.py": "with open('build/tmp.html') as page:\n    print(page.read())\n",
            "inst/templates/paper.qmd": "```{r}\nd <- read.csv('data/my_file.csv')\n```\n",
        }
    )
    result = _check(make_repo(tmp_path, files))
    assert result.status is Status.PASS, result.message
    assert result.message.endswith("1 written by a Makefile or shell script")
    assert "comes from docs/makefile, which writes it" in result.findings[0].message


def test_a_file_a_class_is_handed_may_be_made_by_it(tmp_path: Path) -> None:
    """As in emcee's monitor tutorial: an HDF5 backend creates the file a later cell reads.
    A path given to a class that only names it (`Path`) is still looked for."""
    files = _files(
        {
            "docs/monitor.ipynb": _notebook(
                "import emcee\nfilename = 'tutorial.h5'\n"
                "backend = emcee.backends.HDFBackend(filename)\n",
                "import h5py\nwith h5py.File(filename, 'r') as f:\n    print(list(f))\n",
            ),
            "fit.py": """
                import pandas as pd
                from pathlib import Path

                survey = pd.read_csv(Path("data/survey.csv"))
                """,
        }
    )
    result = _check(make_repo(tmp_path / "missing", files))
    assert result.status is Status.FAIL, result.message
    assert [(f.path, f.line) for f in result.findings] == [("fit.py", 4)]
    files["data/survey.csv"] = "a,b\n1,2\n"
    result = _check(make_repo(tmp_path / "committed", files))
    assert result.status is Status.PASS, result.message
    said = " ".join(f.message for f in result.findings)
    assert "`docs/tutorial.h5` is written by docs/monitor.ipynb" in said
