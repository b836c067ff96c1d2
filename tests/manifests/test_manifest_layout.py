"""The manifest formats stay independent of each other: the package reads them all."""

from __future__ import annotations

import ast
from pathlib import Path

import reprobot.checks.manifests
from reprobot.checks.core.snapshot import Snapshot
from reprobot.checks.manifests import FORMATS, read_manifest
from tests.helpers import make_repo

PACKAGE = Path(reprobot.checks.manifests.__file__).parent
SHARED = (
    "reprobot.checks.manifests.model",
    "reprobot.checks.manifests.requirement",
    "reprobot.checks.repo.pyproject",
)
# The writers (new lines, bounds on existing ones) build on the one editor of manifests.
WRITERS = {"edit.py": SHARED, "pins.py": (*SHARED, "reprobot.checks.manifests.edit")}


def _imports(path: Path) -> list[tuple[str, int, bool]]:
    """(module, line, at module level) for every `checks` import in `path`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top = {id(node) for node in tree.body}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("reprobot.checks"):
            found.append((node.module or "", node.lineno, id(node) in top))
        elif isinstance(node, ast.Import):
            found += [(a.name, node.lineno, id(node) in top) for a in node.names]
    return found


def test_a_format_imports_only_what_the_formats_share() -> None:
    wrong = [
        f"{path.name}:{line}: {module}"
        for path in sorted(PACKAGE.glob("*.py"))
        if path.name != "__init__.py"
        for module, line, _ in _imports(path)
        if module.startswith("reprobot.checks.")
        and not module.startswith("reprobot.checks.core.")
        and module not in WRITERS.get(path.name, SHARED)
    ]
    assert wrong == []


def test_no_import_hides_in_a_function() -> None:
    hidden = [
        f"{path.name}:{line}: {module}"
        for path in sorted(PACKAGE.glob("*.py"))
        for module, line, top in _imports(path)
        if not top
    ]
    assert hidden == []


def test_formats_follow_repo2dockers_precedence() -> None:
    routes = [style.route for style in FORMATS]
    assert routes == ["conda", "pipfile", "pipfile", "requirements", *["package"] * 4]


def test_poetry_reads_a_pyproject_only_without_a_project_table(tmp_path: Path) -> None:
    pyproject = (
        '[project]\nname = "x"\ndependencies = ["numpy"]\n'
        '[tool.poetry.dependencies]\npandas = "^2"\n'
        '[build-system]\nrequires = ["setuptools"]\n'
    )
    root = make_repo(tmp_path, {"pyproject.toml": pyproject}, git_init=False)
    found = read_manifest(Snapshot(root))
    assert [d.name for d in found.requirements] == ["numpy"]
    assert found.kind == "pyproject"
