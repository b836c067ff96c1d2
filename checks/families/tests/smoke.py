"""A generated smoke test for a repository without tests: the fix TST001 offers.

For a package it imports the package; for a collection of scripts and notebooks it
imports the third-party modules they use and byte-compiles the scripts. All names come
from reading the code (`ast`), never from running it.
"""

from __future__ import annotations

from dataclasses import dataclass

from reprobot.checks.core.check import Context
from reprobot.checks.core.snapshot import Snapshot
from reprobot.checks.core.templates import render
from reprobot.checks.manifests import manifest
from reprobot.checks.repo.imports import ImportScan, imports, scan_imports
from reprobot.checks.repo.layout import package_modules

SMOKE_TEST_PATH = "tests/test_smoke.py"
MAX_MODULES, MAX_SCRIPTS = 40, 200


@dataclass(frozen=True)
class SmokeTest:
    path: str
    content: str
    modules: tuple[str, ...]
    scripts: tuple[str, ...]


def _is_test(path: str) -> bool:
    parts = path.split("/")
    name = parts[-1]
    return (
        any(p in ("tests", "test", "testing") for p in parts[:-1])
        or name.startswith("test_")
        or name.endswith("_test.py")
        or name == "conftest.py"
    )


def third_party_imports(scan: ImportScan) -> tuple[str, ...]:
    """Modules the scripts and notebooks (not the tests) need, neither standard nor local;
    optional imports (inside `try/except ImportError`) left out."""
    names = {
        name
        for name, sites in scan.third_party().items()
        if any(not site.optional and not _is_test(site.path) for site in sites)
    }
    return tuple(sorted(n for n in names if n.isidentifier() and n != "__future__"))


def smoke_test(
    snapshot: Snapshot, package: tuple[str, ...] = (), scan: ImportScan | None = None
) -> SmokeTest:
    """The generated test: imports `package` when given, else the scripts' imports
    (`scan`: the repository's imports, when already known)."""
    code = tuple(p for p in snapshot.with_suffix(".py", ".ipynb") if not _is_test(p))
    notebooks = tuple(p for p in code if p.endswith(".ipynb"))
    scripts: tuple[str, ...] = ()
    if package:
        modules = package[:MAX_MODULES]
        what = "imports" if len(modules) == 1 else "packages import"
        comment = "The project's own packages: importing them runs their top-level code."
    else:
        found = scan if scan is not None else scan_imports(snapshot)
        modules = third_party_imports(found)[:MAX_MODULES]
        scripts = tuple(p for p in code if p.endswith(".py"))[:MAX_SCRIPTS]
        what = "byte-compiles and the libraries it uses import"
        comment = "Libraries the scripts and notebooks import: each must be installed."
    content = render(
        "test_smoke.py.j2",
        what=what,
        modules=modules,
        modules_comment=comment,
        scripts=scripts,
        notebooks=() if package else notebooks,
        depth=SMOKE_TEST_PATH.count("/"),
    )
    return SmokeTest(SMOKE_TEST_PATH, content, modules, scripts)


def generated_smoke_test(ctx: Context) -> SmokeTest:
    """Fact provider: the smoke test for this repository (its package's, if it is one)."""
    package = package_modules(ctx.snapshot) if ctx.fact(manifest).package else ()
    return smoke_test(ctx.snapshot, package, ctx.fact(imports))
