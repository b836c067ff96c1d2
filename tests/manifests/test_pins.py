"""Bounds written into the declarations a repository has, keeping what is there."""

from __future__ import annotations

from pathlib import Path

from reprobot.checks.core.snapshot import Snapshot
from reprobot.checks.manifests import read_manifest
from reprobot.checks.manifests.pins import bound_requirements
from tests.helpers import make_repo


def _bounded(tmp_path: Path, files: dict[str, str], pins: tuple[str, ...]) -> dict[str, str]:
    snapshot = Snapshot(make_repo(tmp_path, files))
    added = bound_requirements(snapshot, read_manifest(snapshot), pins)
    assert added is not None and added.content is not None
    return {added.path: added.content}


def test_requirements_lines_keep_extras_markers_and_comments(tmp_path: Path) -> None:
    text = "numpy>=1.20  # arrays\npandas[excel] ; python_version >= '3.8'\nscipy\n"
    out = _bounded(tmp_path, {"requirements.txt": text}, ("numpy<2", "pandas<2", "xarray<2024"))
    assert out["requirements.txt"] == (
        "numpy>=1.20,<2  # arrays\npandas[excel]<2 ; python_version >= '3.8'\nscipy\nxarray<2024\n"
    )


def test_pyproject_dependencies_get_the_bound(tmp_path: Path) -> None:
    text = (
        '[project]\nname = "glacier-study"\nversion = "1.0"\n'
        'dependencies = ["numpy>=1.20", "glacier"]\n'
    )
    out = _bounded(tmp_path, {"pyproject.toml": text}, ("glacier<2",))
    assert 'dependencies = ["numpy>=1.20", "glacier<2"]' in out["pyproject.toml"]
    assert 'name = "glacier-study"' in out["pyproject.toml"]


def test_only_the_project_dependencies_get_the_bound(tmp_path: Path) -> None:
    text = (
        '[build-system]\nrequires = ["glacier-build"]\n\n'
        '[project]\nname = "study"\nversion = "1.0"\ndependencies = ["numpy"]\n\n'
        '[project.optional-dependencies]\nplots = ["glacier"]\n'
    )
    out = _bounded(tmp_path, {"pyproject.toml": text}, ("glacier<2",))["pyproject.toml"]
    assert 'plots = ["glacier"]' in out  # an extra is not where the runtime need goes
    assert 'dependencies = ["numpy", "glacier<2"]' in out
