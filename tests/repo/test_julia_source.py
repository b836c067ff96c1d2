"""Julia code as reprobot reads it: using/import, Project.toml and Manifest.toml."""

from __future__ import annotations

from pathlib import Path

from reprobot.checks.core.snapshot import Snapshot
from reprobot.checks.repo.julia_source import local_modules, package_uses, projects
from reprobot.checks.repo.languages import JULIA, CodeUnit
from tests.helpers import make_repo


def test_using_and_import_forms() -> None:
    code = (
        "using DataFrames, CSV\n"
        "import Plots: plot, scatter\n"
        "using .Local\n"
        "import StatsBase as SB\n"
        "using LinearAlgebra,\n    Optim\n"
        '# using Commented\ns = "using Quoted"\n'
        "#= using Block =#\n"
        "@everywhere using Distributed\n"
    )
    found = [(u.package, u.line) for u in package_uses(CodeUnit("a.jl", JULIA, code))]
    assert found == [
        ("DataFrames", 1),
        ("CSV", 1),
        ("Plots", 2),
        ("StatsBase", 4),
        ("LinearAlgebra", 5),
        ("Optim", 6),
        ("Distributed", 10),
    ]


def test_modules_defined_in_the_repository_are_local() -> None:
    unit = CodeUnit("src/M.jl", JULIA, "module Helpers\nend\n")
    assert local_modules([unit]) == {"Helpers"}


def test_projects_and_both_manifest_formats(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path,
        {
            "Project.toml": '[deps]\nCSV = "336ed68f-0bac-5ca0-87d4-7b16caf5d00b"\n',
            "Manifest.toml": 'manifest_format = "2.0"\n\n[[deps.CSV]]\nversion = "0.10.0"\n',
            "old/Project.toml": (
                'name = "Old"\nuuid = "1"\n[deps]\nJSON = "x"\n[extras]\nTest = "y"\n'
            ),
            "old/Manifest.toml": '[[JSON]]\nversion = "0.21.0"\n',
            "bad/Project.toml": "[deps\n",
        },
        git_init=False,
    )
    found = {p.path: p for p in projects(Snapshot(root))}
    assert found["Project.toml"].deps == {"CSV"} and found["Project.toml"].manifest_names == {"CSV"}
    old = found["old/Project.toml"]
    assert (old.name, old.is_package, old.extras, old.manifest_names) == (
        "Old",
        True,
        {"Test"},
        {"JSON"},
    )
    assert (
        found["bad/Project.toml"].problem and "not valid TOML" in found["bad/Project.toml"].problem
    )
