"""The languages checks over plain facts: no repository on disk, no file read."""

from __future__ import annotations

from reprobot.checks.core.model import Status
from reprobot.checks.families.languages.checks import LNG001, LNG002, LNG003, LNG004
from reprobot.checks.families.languages.facts import (
    JuliaDependencies,
    JuliaUndeclared,
    RDependencies,
    RUndeclared,
    julia_dependencies,
    r_dependencies,
)
from reprobot.checks.families.languages.rparse import ParseError, RParse, r_parse
from reprobot.checks.repo.julia_source import JuliaProject, JuliaUse
from reprobot.checks.repo.languages import LanguageFiles, languages
from reprobot.checks.repo.r_source import PackageUse, RDeclaration, dcf_fields, package_list
from tests.helpers import evaluate

NO_R = RDependencies(0, 0, (), ())


def test_lng001_passes_when_every_language_is_examined() -> None:
    found = (LanguageFiles("R", 3, ("a.R",)), LanguageFiles("Python", 1, ("b.py",)))
    outcome = evaluate(LNG001, {languages: found})
    assert outcome.status is Status.PASS
    assert outcome.message.startswith("R (3 files): packages (LNG002), parsing (LNG003)")


def test_lng001_warns_about_code_nothing_examined() -> None:
    found = (LanguageFiles("R", 120, ("a.R",)), LanguageFiles("C/C++", 3, ("x.cpp",)))
    outcome = evaluate(LNG001, {languages: found})
    assert outcome.status is Status.WARN
    assert outcome.message.startswith("not examined: C/C++ (3 files); examined: R (120 files)")
    assert ("x.cpp", "C/C++ (3 files): not examined") in [
        (f.path, f.message) for f in outcome.findings
    ]
    assert "C/C++ (3 files)" in outcome.fixes[0].description


def test_lng001_skips_a_repository_without_code() -> None:
    assert evaluate(LNG001, {languages: ()}).status is Status.SKIP


def _undeclared_deps() -> RDependencies:
    sites = (PackageUse("dplyr", "a.R", 3, "library"), PackageUse("dplyr", "b.R", 1, "::"))
    return RDependencies(
        2,
        2,
        ("dplyr", "here"),
        (),
        (
            RUndeclared("dplyr", sites, None),
            RUndeclared("here", (PackageUse("here", "nb.ipynb", 2, "library", 4),), None),
        ),
    )


def test_lng002_fails_naming_each_package_at_its_first_use() -> None:
    outcome = evaluate(LNG002, {r_dependencies: _undeclared_deps()})
    assert outcome.status is Status.FAIL
    assert outcome.message == (
        "2 R packages used but not declared (no DESCRIPTION, renv.lock or install.R): dplyr, here"
    )
    places = [(f.path, f.line, f.message) for f in outcome.findings]
    assert places[0] == (
        "a.R",
        3,
        "`dplyr` is used through `library()` but not declared (and 1 more place)",
    )
    assert places[1][:2] == ("nb.ipynb", None) and places[1][2].startswith("cell 4, line 2:")
    fix = outcome.fixes[0]
    assert "renv::init()" in " ".join(fix.commands)
    fields, bad = dcf_fields(fix.files["DESCRIPTION"])
    assert bad is None
    imports = next(f for f in fields if f.name == "Imports")
    assert package_list(imports.value) == ["dplyr", "here"]


def test_lng002_edits_the_description_that_covers_the_code() -> None:
    text = "Package: study\nVersion: 0.1\nImports:\n    ggplot2\nSuggests: testthat\n"
    deps = RDependencies(
        1,
        1,
        ("dplyr",),
        (RDeclaration("DESCRIPTION", "DESCRIPTION", frozenset({"ggplot2"})),),
        (RUndeclared("dplyr", (PackageUse("dplyr", "R/a.R", 1, "::"),), "DESCRIPTION"),),
        texts=(("DESCRIPTION", text),),
    )
    outcome = evaluate(LNG002, {r_dependencies: deps})
    assert outcome.status is Status.FAIL
    edited = outcome.fixes[0].files["DESCRIPTION"]
    fields, bad = dcf_fields(edited)
    assert bad is None
    values = {f.name: package_list(f.value) for f in fields}
    assert values["Imports"] == ["ggplot2", "dplyr"] and values["Suggests"] == ["testthat"]


def test_lng002_gives_renv_steps_for_a_lock_file() -> None:
    deps = RDependencies(
        1,
        1,
        ("sf",),
        (RDeclaration("renv.lock", "renv.lock", frozenset({"here"})),),
        (RUndeclared("sf", (PackageUse("sf", "a.R", 1, "library"),), "renv.lock"),),
    )
    fix = evaluate(LNG002, {r_dependencies: deps}).fixes[0]
    assert fix.commands == ("cd . && Rscript -e 'renv::install(c(\"sf\"))' -e 'renv::snapshot()'",)
    assert not fix.files


def test_lng002_fails_a_broken_declaration_at_its_line() -> None:
    broken = RDeclaration("renv.lock", "renv.lock", frozenset(), "renv.lock is not valid JSON", 4)
    outcome = evaluate(LNG002, {r_dependencies: RDependencies(1, 1, (), (broken,))})
    assert outcome.status is Status.FAIL
    assert [(f.path, f.line) for f in outcome.findings] == [("renv.lock", 4)]


def test_lng002_passes_declared_or_base_only_code_and_warns_on_loads_by_variable() -> None:
    lock = RDeclaration("renv.lock", "renv.lock", frozenset({"dplyr"}))
    declared = RDependencies(1, 1, ("dplyr",), (lock,))
    assert evaluate(LNG002, {r_dependencies: declared}).message == (
        "1 R package used, all declared in renv.lock (1 R file read)"
    )
    base = evaluate(LNG002, {r_dependencies: RDependencies(1, 1, (), ())})
    assert base.status is Status.PASS and "only base R" in base.message
    dynamic = RDependencies(1, 1, (), (), dynamic=(PackageUse("", "a.R", 7, "library"),))
    outcome = evaluate(LNG002, {r_dependencies: dynamic})
    assert outcome.status is Status.WARN and "(a.R:7)" in outcome.message
    assert evaluate(LNG002, {r_dependencies: NO_R}).status is Status.SKIP


def test_lng003_never_passes_what_it_did_not_parse() -> None:
    deps = RDependencies(2, 2, (), ())
    missing = evaluate(LNG003, {r_dependencies: deps, r_parse: RParse(2, None)})
    assert missing.status is Status.SKIP
    assert missing.message == "R is not installed here: the R files were not parsed"
    broken = evaluate(LNG003, {r_dependencies: deps, r_parse: RParse(2, "/r", problem="crashed")})
    assert broken.status is Status.ERROR
    assert evaluate(LNG003, {r_dependencies: NO_R}).status is Status.SKIP


def test_lng003_fails_each_unit_that_does_not_parse_and_passes_the_rest() -> None:
    deps = RDependencies(2, 2, (), ())
    errors = (ParseError("a.R", 3, "unexpected symbol"), ParseError("n.ipynb", 1, "bad", 2))
    outcome = evaluate(
        LNG003, {r_dependencies: deps, r_parse: RParse(2, "/usr/bin/Rscript", errors)}
    )
    assert outcome.status is Status.FAIL
    assert outcome.message == "2 R units do not parse, first at a.R:3: unexpected symbol"
    assert [(f.path, f.line) for f in outcome.findings] == [("a.R", 3), ("n.ipynb", None)]
    fine = evaluate(LNG003, {r_dependencies: deps, r_parse: RParse(2, "/usr/bin/Rscript")})
    assert fine.status is Status.PASS


def _project(**changes: object) -> JuliaProject:
    values: dict[str, object] = {
        "path": "Project.toml",
        "name": None,
        "deps": frozenset({"CSV"}),
        "extras": frozenset(),
        "is_package": False,
        "manifest": "Manifest.toml",
        "manifest_names": frozenset({"CSV"}),
    }
    values.update(changes)
    return JuliaProject(**values)  # type: ignore[arg-type]


def test_lng004_fails_undeclared_packages_with_the_pkg_command() -> None:
    missing = JuliaUndeclared("Plots", (JuliaUse("Plots", "a.jl", 2),), "Project.toml")
    deps = JuliaDependencies(1, ("CSV", "Plots"), (_project(),), (missing,))
    outcome = evaluate(LNG004, {julia_dependencies: deps})
    assert outcome.status is Status.FAIL
    assert outcome.message == "1 Julia package loaded but not declared: Plots"
    assert outcome.findings[0].message == "`using Plots` but Project.toml does not declare it"
    assert outcome.fixes[0].commands == ("julia --project=. -e 'using Pkg; Pkg.add([\"Plots\"])'",)


def test_lng004_fails_a_stale_manifest_and_warns_without_one() -> None:
    stale = JuliaDependencies(1, ("CSV",), (_project(manifest_names=frozenset()),))
    outcome = evaluate(LNG004, {julia_dependencies: stale})
    assert outcome.status is Status.FAIL and "lacks CSV" in outcome.message
    unpinned = JuliaDependencies(
        1, ("CSV",), (_project(manifest=None, manifest_names=frozenset()),)
    )
    assert evaluate(LNG004, {julia_dependencies: unpinned}).status is Status.WARN
    package = JuliaDependencies(1, ("CSV",), (_project(manifest=None, is_package=True),))
    assert evaluate(LNG004, {julia_dependencies: package}).status is Status.PASS
    assert (
        evaluate(LNG004, {julia_dependencies: JuliaDependencies(0, (), ())}).status is Status.SKIP
    )
