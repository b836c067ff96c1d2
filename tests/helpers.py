"""Small builders shared by tests: tiny repositories on disk, and checks over plain data."""

from __future__ import annotations

import subprocess
import textwrap
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from reprobot.checks.core.check import Check, Context
from reprobot.checks.core.config import Config
from reprobot.checks.core.model import CheckResult, Outcome
from reprobot.checks.core.snapshot import Snapshot

T = TypeVar("T")

GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "Ada Lovelace",
    "GIT_AUTHOR_EMAIL": "ada@example.org",
    "GIT_COMMITTER_NAME": "Ada Lovelace",
    "GIT_COMMITTER_EMAIL": "ada@example.org",
}


def git(repo: Path, *args: str) -> str:
    """Run git in `repo` for a test's set-up; fails the test when git fails."""
    import os

    env = {**os.environ, **GIT_IDENTITY, "GIT_CONFIG_NOSYSTEM": "1"}
    done = subprocess.run(
        ["git", "-C", str(repo), *args], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout


def make_repo(
    tmp_path: Path, files: Mapping[str, str | bytes], *, git_init: bool = True, name: str = "repo"
) -> Path:
    """A repository at `tmp_path/name` holding `files` (path -> text or bytes), committed
    on branch `main` unless `git_init` is False."""
    root = tmp_path / name
    root.mkdir(parents=True, exist_ok=True)
    for rel, content in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    if git_init:
        git(root, "init", "-q", "-b", "main")
        git(root, "add", "-A")
        git(root, "commit", "-q", "--allow-empty", "-m", "initial")
    return root


class SeededContext(Context):
    """A context whose facts are all given: a fact nobody seeded is an error, so a
    plain-data test proves the check reads nothing but its facts."""

    def fact(self, provider: Callable[[Context], T]) -> T:
        if provider not in self._facts:
            raise LookupError(f"the test did not seed the fact {provider.__qualname__}")
        return self._facts[provider]  # type: ignore[no-any-return]


def evaluate(
    check: type[Check],
    facts: Mapping[Callable[..., Any], Any],
    *settings: object,
) -> Outcome:
    """`check` evaluated over plain data: `facts` maps each fact provider to its value,
    `settings` are family settings instances (defaults for the rest). No file is read."""
    config = Config(typed={type(s): s for s in settings})
    ctx = SeededContext(Snapshot(Path("/nonexistent-repository")), config, facts=facts)
    return check().evaluate(ctx)


def check_files(
    tmp_path: Path, files: Mapping[str, str], select: tuple[str, ...] = ("DEP",)
) -> dict[str, CheckResult]:
    """The checks `select` on a tiny repository of `files` (dedented), by code."""
    from reprobot.checks import check_repository

    repo = make_repo(tmp_path, {k: textwrap.dedent(v).lstrip("\n") for k, v in files.items()})
    return {r.code: r for r in check_repository(repo, select=select).checks}


def package_files(dependencies: str = "[]", extras: str = "", **modules: str) -> dict[str, str]:
    """A small setuptools package, `glacier`, with `modules` added under src/glacier/."""
    files = {
        "pyproject.toml": textwrap.dedent(
            f"""
            [build-system]
            requires = ["setuptools>=61"]
            build-backend = "setuptools.build_meta"

            [project]
            name = "glacier"
            version = "0.3.0"
            dependencies = {dependencies}
            """
        )
        + (f"\n[project.optional-dependencies]\n{extras}\n" if extras else ""),
        "src/glacier/__init__.py": "from glacier.melt import rate\n",
        "src/glacier/melt.py": "def rate(t):\n    return 0.1 * t\n",
    }
    files.update({f"src/glacier/{name}.py": text for name, text in modules.items()})
    return files
