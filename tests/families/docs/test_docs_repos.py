"""DOC001: the README tells a newcomer how to install and how to run the work."""

from __future__ import annotations

from pathlib import Path

import pytest

from reprobot.checks import check_repository
from reprobot.checks.core.model import CheckResult, Status
from reprobot.checks.repo.readme import scan
from tests.helpers import git, make_repo

GOOD = """\
# Ocean heat

Reanalysis of ocean heat content.

## Installation

```bash
pip install -r requirements.txt
```

## Usage

Run `python analysis.py` to make the figures.
"""


def doc(root: Path) -> CheckResult:
    (result,) = check_repository(root, select=("DOC",)).checks
    return result


def test_readme_with_install_and_usage_passes(tmp_path: Path) -> None:
    result = doc(make_repo(tmp_path, {"README.md": GOOD, "requirements.txt": "numpy\n"}))
    assert result.status is Status.PASS
    assert [(f.line, f.message) for f in result.findings] == [
        (5, "installation instructions: heading “Installation”"),
        (11, "usage instructions: heading “Usage”"),
    ]


def test_missing_readme_fails_with_a_full_readme_built_from_the_repository(
    tmp_path: Path,
) -> None:
    root = make_repo(
        tmp_path,
        {
            "environment.yml": "name: heat-env\ndependencies:\n  - numpy\n",
            "scripts/fit.py": "def main():\n    pass\n\nif __name__ == '__main__':\n    main()\n",
            "units.py": "X = 1\n",
            "notebooks/01-explore.ipynb": "{}",
            "LICENSE": "SPDX-License-Identifier: MIT\n",
        },
        name="heat-study",
    )
    git(root, "remote", "add", "origin", "https://github.com/lab/heat-study.git")
    result = doc(root)
    assert result.status is Status.FAIL
    assert result.message == "no README at the repository root"
    text = result.fixes[0].files["README.md"]
    assert text.startswith("# heat-study\n")
    for expected in (
        "git clone https://github.com/lab/heat-study\ncd heat-study\n",
        "conda env create -f environment.yml\nconda activate heat-env\n",
        "python scripts/fit.py\njupyter lab\n",
        "- `notebooks/01-explore.ipynb`",
        "MIT; see the licence file.",
    ):
        assert expected in text
    assert "python units.py" not in text  # no main guard: not an entry point
    (root / "README.md").write_text(text)
    assert doc(root).status is Status.PASS


def test_readme_without_usage_fails_naming_what_is_missing(tmp_path: Path) -> None:
    readme = "# Model\n\nInstall with `pip install .` and enjoy.\n"
    pyproject = (
        '[project]\nname = "model"\nversion = "0.1"\n[project.scripts]\nfit-model = "m:main"\n'
    )
    root = make_repo(tmp_path, {"README.md": readme, "pyproject.toml": pyproject})
    result = doc(root)
    assert result.status is Status.FAIL
    assert result.message == "README.md does not say how to run"
    assert ("README.md", 3) in [(f.path, f.line) for f in result.findings]
    fix = result.fixes[0]
    assert fix.title == "Add usage instructions to README.md"
    updated = fix.files["README.md"]
    assert updated.startswith(readme)
    assert "## Usage" in updated and "fit-model --help" in updated
    assert "## Installation" not in updated
    (root / "README.md").write_text(updated)
    assert doc(root).status is Status.PASS


def test_rst_readme_without_install_gets_an_rst_section(tmp_path: Path) -> None:
    readme = "Model\n=====\n\nQuick start\n-----------\n\n::\n\n    make figures\n"
    files = {"README.rst": readme, "requirements.txt": "scipy\n", "setup.py": ""}
    root = make_repo(tmp_path, files)
    result = doc(root)
    assert result.status is Status.FAIL
    assert result.message == "README.rst does not say how to install"
    updated = result.fixes[0].files["README.rst"]
    assert "Installation\n------------\n" in updated
    assert "   pip install -r requirements.txt\n   pip install .\n" in updated
    (root / "README.rst").write_text(updated)
    assert doc(root).status is Status.PASS


@pytest.mark.parametrize(
    ("text", "install", "usage"),
    [
        ("# X\n\n## Setup\n\n## Getting started\n", 3, 5),
        ("X\n\n    $ uv sync\n    $ uv run train\n", 3, 4),
        ("Requirements\n------------\n\nUse it:\n\n```\nmake\n```\n", 1, 7),
        ("We make figures and run things.\n", None, None),  # prose words are not commands
        ("**Installation**\n\nconda env create\n\n<h2>Examples</h2>\n", 1, 5),
        ("Open `jupyter lab` and run the notebooks.\n", None, 1),
    ],
)
def test_scan_finds_headings_and_commands(
    text: str, install: int | None, usage: int | None
) -> None:
    found = scan(text)
    assert (found.install, found.usage) == (install, usage)


def test_unreadable_readme_fails_cleanly(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {"README.md": b"\x00\x01binary"}, git_init=False)
    result = doc(root)
    assert result.status is Status.FAIL
    assert "binary" in result.message


def test_readme_in_dot_github_counts(tmp_path: Path) -> None:
    result = doc(make_repo(tmp_path, {".github/README.md": GOOD, "readme.txt": "old notes\n"}))
    assert result.status is Status.PASS
    assert result.message == ".github/README.md explains installing and running"
