"""Importing the installed package in the fresh environment: the facts BLD002 judges.

Each top-level name the package installs is imported on its own (`python -I -c "import
name"`) in the sandbox, from the empty home rather than the source tree, so only what was
installed can be imported. What the environment holds only for the tests (installed in
the same resolution, `FreshEnvironment.hidden`) cannot be imported either: a finder put
first on `sys.meta_path` answers for those names as if they were not installed, so the
package imports with its declared dependencies alone. A failure's traceback is read back
into the repository's terms (`import_failure.analyse`): the missing module, the line that
imports it.
"""

from __future__ import annotations

from dataclasses import dataclass

from reprobot.checks.core.check import Context
from reprobot.checks.core.sandbox import sandbox_run, workspace
from reprobot.checks.environment.fresh import fresh_environment
from reprobot.checks.families.build.import_failure import ImportFailure, analyse
from reprobot.checks.families.build.package import wheel_build, wheel_top_level
from reprobot.checks.families.build.settings import BuildSettings
from reprobot.checks.repo.layout import package_modules

IMPORT_TIMEOUT = 300.0  # the most any one import may take, whatever `build.timeout` says


@dataclass(frozen=True)
class ImportRun:
    """The imports tried (none when the package is not installed) and those that failed."""

    names: tuple[str, ...]
    failures: tuple[ImportFailure, ...] = ()


def import_names(ctx: Context) -> tuple[str, ...]:
    """Fact provider: the top-level import names of the project (wheel, else layout).
    The wheel alone: the import does not wait for the sdist."""
    build = ctx.fact(wheel_build)
    names = wheel_top_level(build.wheel) if build.wheel is not None else ()
    return names or package_modules(ctx.snapshot)


# Run before the import: the names only the tests' distributions provide are not found.
_HIDE = """import sys
class _NotDeclared:
    names = frozenset({names!r})
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in self.names:
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
        return None
for _name in [m for m in sys.modules if m.partition(".")[0] in _NotDeclared.names]:
    del sys.modules[_name]
sys.meta_path.insert(0, _NotDeclared())
"""


def import_code(name: str, hidden: frozenset[str]) -> str:
    """The `python -c` program that imports `name`, with `hidden` not importable."""
    return (_HIDE.format(names=sorted(hidden)) if hidden else "") + f"import {name}"


def _safe_name(name: str) -> bool:
    return all(part.isidentifier() for part in name.split("."))


def import_run(ctx: Context) -> ImportRun:
    """Fact provider: each import name of the installed package imported in the sandbox."""
    env = ctx.fact(fresh_environment)
    if env.python is None or not env.project_installed:
        return ImportRun(())
    names = tuple(n for n in ctx.fact(import_names) if _safe_name(n))
    if not names:
        return ImportRun(())
    ws = ctx.fact(workspace)
    timeout = min(ctx.settings(BuildSettings).timeout, IMPORT_TIMEOUT)
    failures: list[ImportFailure] = []
    for name in names:
        outcome = sandbox_run(
            ctx,
            (env.python, "-I", "-c", import_code(name, env.hidden)),
            cwd=ws.home,
            timeout=timeout,
            venv=env.venv,
        )
        if outcome.timed_out:
            failures.append(ImportFailure(name, f"importing took over {outcome.seconds:.0f} s"))
        elif not outcome.ok:
            failures.append(analyse(name, outcome.output, ctx.snapshot, str(ws.path)))
    return ImportRun(names, tuple(failures))
