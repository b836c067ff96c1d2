"""RUN001 on tiny real repositories: real git, a real fresh environment (made from the
local wheelhouse), the commands run in the clean room; the proposal applied and run."""

from __future__ import annotations

import os
import shutil
import textwrap
from pathlib import Path

import pytest

from reprobot.checks import check_repository
from reprobot.checks.core.model import CheckResult, Status
from tests.helpers import git, make_repo

pytestmark = pytest.mark.usefixtures("local_index")

ANALYSIS = """
import pathlib
import sys

pathlib.Path("results").mkdir(exist_ok=True)
pathlib.Path("results/table.csv").write_text("decade,trend\\n1990,0.4\\n")
print("quick" if "--quick" in sys.argv else "full", "run done")
"""


def _run(root: Path) -> CheckResult:
    return {r.code: r for r in check_repository(root, select=("RUN",)).checks}["RUN001"]


def _repo(tmp_path: Path, config: str, **files: str) -> Path:
    contents = {".reprobot.yml": textwrap.dedent(config).lstrip("\n"), **files}
    contents.setdefault("run_analysis.py", ANALYSIS.lstrip("\n"))
    return make_repo(tmp_path, contents)


def test_the_declared_commands_run_and_leave_their_outputs(tmp_path: Path) -> None:
    root = _repo(
        tmp_path,
        """
        run:
          commands:
            - python run_analysis.py --quick
            - test -s results/table.csv && echo checked
          outputs: [results/table.csv]
        """,
    )
    result = _run(root)
    assert result.status is Status.PASS, result.message
    assert result.message.startswith("2 commands ran: `python run_analysis.py --quick`")
    assert "1 declared output present" in result.message
    assert not (root / "results").exists()  # it ran in the clean room, not the checkout


def test_a_failing_command_is_named_with_its_exit_code_and_last_lines(tmp_path: Path) -> None:
    failing = "import sys\nprint('loading data/obs.csv')\nsys.exit(3)\n"
    root = _repo(
        tmp_path,
        """
        run:
          commands: [python fit.py, python run_analysis.py]
        """,
        **{"fit.py": failing},
    )
    result = _run(root)
    assert result.status is Status.FAIL
    assert result.message == (
        "`python fit.py` exited 3; not run after it: `python run_analysis.py`"
    )
    assert "loading data/obs.csv" in result.findings[0].message


def test_a_missing_output_fails_and_a_link_out_is_not_followed(tmp_path: Path) -> None:
    linker = "import os\nos.symlink('/etc/hostname', 'figure.png')\n"
    root = _repo(
        tmp_path,
        """
        run:
          commands: [python link.py]
          outputs: [figure.png, results/none.csv]
        """,
        **{"link.py": linker},
    )
    result = _run(root)
    assert result.status is Status.FAIL
    said = " ".join(f.message for f in result.findings)
    assert "`figure.png` is a link (or is reached through one); not followed" in said
    assert "`results/none.csv` does not exist" in said


def test_a_program_the_machine_lacks_is_said_not_blamed(tmp_path: Path) -> None:
    root = _repo(tmp_path, "run:\n  commands: [reprobot-no-such-tool figures]\n")
    result = _run(root)
    assert result.status is Status.SKIP
    assert "`reprobot-no-such-tool`, which is not on the PATH here" in result.message


def test_a_command_that_runs_too_long_is_stopped(tmp_path: Path) -> None:
    sleeper = "import time\nprint('started', flush=True)\ntime.sleep(60)\n"
    root = _repo(
        tmp_path, "run:\n  commands: [python slow.py]\n  timeout: 1\n", **{"slow.py": sleeper}
    )
    result = _run(root)
    assert result.status is Status.FAIL
    assert "did not finish within 1 s (`run.timeout`)" in result.message


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_a_makefile_is_proposed_and_the_proposal_applied_runs(tmp_path: Path) -> None:
    files = {
        "Makefile": "all: figures\n\nfigures:\n\tpython run_analysis.py\n",
        "run_analysis.py": ANALYSIS.lstrip("\n"),
    }
    root = make_repo(tmp_path, files)
    before = _run(root)
    assert before.status is Status.SKIP
    assert "`make all` from Makefile (default target `all`)" in before.message
    fix = before.fixes[0]
    assert fix.files == {".reprobot.yml": "run:\n  commands:\n    - make all\n"}
    (root / ".reprobot.yml").write_text(fix.files[".reprobot.yml"])
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Declare the entry point")
    after = _run(root)
    assert after.status is Status.PASS, after.message
    assert after.message.startswith("1 command ran: `make all`")


def test_the_proposal_keeps_an_existing_configuration_and_its_comments(tmp_path: Path) -> None:
    config = "tests:\n  timeout: 900  # the suite is slow\n"
    files = {".reprobot.yml": config, "run_all.sh": "python run_analysis.py\n"}
    files["run_analysis.py"] = ANALYSIS.lstrip("\n")
    root = make_repo(tmp_path, files)
    before = _run(root)
    assert before.status is Status.SKIP
    written = before.fixes[0].files[".reprobot.yml"]
    assert written.startswith(config)
    assert "run:\n  commands:\n  - bash run_all.sh\n" in written
    (root / ".reprobot.yml").write_text(written)
    git(root, "commit", "-q", "-am", "Declare the entry point")
    assert _run(root).status is Status.PASS


def test_a_snakefile_is_proposed_as_a_dry_run(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {"Snakefile": "rule all:\n    input: 'results/a.txt'\n"})
    result = _run(root)
    assert result.status is Status.SKIP
    assert "`snakemake -n` from Snakefile (a dry run)" in result.message
    nothing = _run(make_repo(tmp_path, {"a.py": "print(1)\n"}, name="plain"))
    assert nothing.status is Status.SKIP
    assert nothing.fixes == ()
    assert os.path.exists(root / "Snakefile")
