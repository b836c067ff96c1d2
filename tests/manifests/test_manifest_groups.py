"""What only the tests, docs, examples or an optional feature need goes into a group of
its own, in the table the repository already uses."""

from __future__ import annotations

import textwrap
from pathlib import Path

from reprobot.checks.core.snapshot import Snapshot
from reprobot.checks.core.toml import loads
from reprobot.checks.manifests import read_manifest
from reprobot.checks.manifests.edit import add_to_group
from tests.helpers import make_repo


def _add(tmp_path: Path, files: dict[str, str], place: str, *names: str) -> tuple[str, str, str]:
    files = {k: textwrap.dedent(v).lstrip("\n") for k, v in files.items()}
    snapshot = Snapshot(make_repo(tmp_path, files, git_init=False))
    addition = add_to_group(snapshot, read_manifest(snapshot), list(names), place)
    assert addition.content is not None, addition
    return addition.path, addition.content, addition.where


PEP621 = """
    [project]
    name = "study"
    version = "1"
    dependencies = ["numpy"]
"""


def test_test_imports_go_into_a_new_test_extra(tmp_path: Path) -> None:
    path, content, where = _add(tmp_path, {"pyproject.toml": PEP621}, "test", "pytest-mock")
    assert (path, where) == ("pyproject.toml", "to the `test` extra in pyproject.toml")
    data = loads(content)
    assert data["project"]["optional-dependencies"] == {"test": ["pytest-mock"]}
    assert data["project"]["dependencies"] == ["numpy"]


def test_an_existing_extra_or_group_is_extended(tmp_path: Path) -> None:
    extras = (
        PEP621 + '\n    [project.optional-dependencies]\n    tests = ["pytest"]\n    doc = []\n'
    )
    _, content, _ = _add(tmp_path, {"pyproject.toml": extras}, "test", "hypothesis")
    assert loads(content)["project"]["optional-dependencies"]["tests"] == [
        "pytest",
        "hypothesis",
    ]
    _, content, where = _add(tmp_path / "d", {"pyproject.toml": extras}, "docs", "sphinx")
    assert where == "to the `doc` extra in pyproject.toml"
    assert loads(content)["project"]["optional-dependencies"]["doc"] == ["sphinx"]
    groups = PEP621 + '\n    [dependency-groups]\n    dev = [\n        "pytest",\n    ]\n'
    _, content, where = _add(tmp_path / "g", {"pyproject.toml": groups}, "test", "hypothesis")
    assert where == "to the `dev` dependency group in pyproject.toml"
    assert loads(content)["dependency-groups"]["dev"] == ["pytest", "hypothesis"]


def test_poetry_setup_cfg_and_requirements_files(tmp_path: Path) -> None:
    poetry = '[tool.poetry]\nname = "x"\n\n[tool.poetry.dependencies]\npython = "^3.10"\n'
    poetry += '\n[build-system]\nrequires = ["poetry-core"]\n'
    _, content, where = _add(tmp_path / "p", {"pyproject.toml": poetry}, "test", "pytest")
    assert where == "to the `test` group in pyproject.toml"
    data = loads(content)["tool"]["poetry"]
    assert data["group"]["test"]["dependencies"] == {"pytest": "*"}
    cfg = "[metadata]\nname = x\n\n[options]\ninstall_requires =\n    numpy\n"
    _, content, where = _add(tmp_path / "c", {"setup.cfg": cfg}, "optional", "PyYAML")
    assert where == "to the `optional` extra in setup.cfg"
    assert content.endswith("[options.extras_require]\noptional =\n    PyYAML\n")
    found = read_manifest(Snapshot(_write(tmp_path / "c2", {"setup.cfg": content})))
    assert {(d.name, d.scope) for d in found.requirements} >= {("pyyaml", "extra:optional")}
    path, content, _ = _add(tmp_path / "r", {"requirements.txt": "numpy\n"}, "test", "pytest")
    assert (path, content) == ("requirements-test.txt", "pytest\n")
    files = {"requirements.txt": "numpy\n", "requirements-dev.txt": "ruff\n"}
    path, content, _ = _add(tmp_path / "r2", files, "test", "pytest")
    assert (path, content) == ("requirements-dev.txt", "ruff\npytest\n")
    files = {"requirements.txt": "numpy\n", "docs/requirements.txt": "sphinx\n"}
    path, content, _ = _add(tmp_path / "r3", files, "docs", "furo")
    assert (path, content) == ("docs/requirements.txt", "sphinx\nfuro\n")


def _write(root: Path, files: dict[str, str]) -> Path:
    return make_repo(root.parent, files, git_init=False, name=root.name)
