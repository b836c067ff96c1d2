"""New requirements written into the manifest in use."""

from __future__ import annotations

from pathlib import Path

from reprobot.checks.core.snapshot import Snapshot
from reprobot.checks.manifests import read_manifest
from reprobot.checks.manifests.edit import add_requirements
from tests.helpers import make_repo


def test_additions_go_into_the_manifest_in_use(tmp_path: Path) -> None:
    files = {
        "requirements.txt": "numpy==1.26.4",
        "b/pyproject.toml": '[project]\nname = "x"\ndependencies = [\n    "numpy",\n]\n',
        "c/pyproject.toml": '[project]\nname = "x"\ndependencies = ["numpy"]\n',
        "d/environment.yml": "# keep me\nname: s\ndependencies:\n  - numpy\n",
        "e/Pipfile": '[packages]\nnumpy = "*"\n\n[requires]\npython_version = "3.11"\n',
    }
    root = make_repo(tmp_path, files, git_init=False)
    add = {}
    for sub in ("", "b", "c", "d", "e"):
        found = read_manifest(Snapshot(root / sub))
        add[sub] = add_requirements(Snapshot(root / sub), found, ["scikit-learn"])
    assert add[""].content == "numpy==1.26.4\nscikit-learn\n"
    assert (
        add["b"].content is not None and '    "numpy",\n    "scikit-learn",\n]' in add["b"].content
    )
    assert (
        add["c"].content is not None
        and 'dependencies = ["numpy", "scikit-learn"]' in add["c"].content
    )
    conda = add["d"].content
    assert conda is not None and conda.startswith("# keep me\n")
    assert "  - pip\n  - pip:\n      - scikit-learn\n" in conda
    assert add["d"].lines == ("    - scikit-learn",)
    pipfile = add["e"].content
    assert pipfile is not None and 'numpy = "*"\nscikit-learn = "*"\n\n[requires]' in pipfile
