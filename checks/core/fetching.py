"""Bringing a repository onto this machine for an audit: a shallow clone at one ref.

The clone is shallow (one commit) unless the repository reads its version from git
(setuptools-scm, hatch-vcs, versioneer, ...), whose build needs the history and the tags.
A clone never asks for credentials, and the remote is dropped from its configuration so no
URL with a token in it stays behind.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from reprobot.checks.core import runner

# What a repository whose version comes from git names in its build files.
_FROM_GIT = re.compile(
    rb"setuptools[_-]scm|hatch[_-]vcs|versioneer|\bpbr\b|dynamic[_-]versioning|"
    rb"setuptools[_-]git[_-]versioning|dunamai|vcs-versioning",
    re.IGNORECASE,
)
_BUILD_FILES = ("pyproject.toml", "setup.py", "setup.cfg")


@dataclass(frozen=True)
class Fetched:
    """A clone made for an audit; `problem` says why it could not be made."""

    path: Path
    commit: str = ""
    committed_at: str = ""  # ISO 8601, the committer date
    full_history: bool = False
    problem: str | None = None


def _needs_history(dest: Path) -> bool:
    for name in _BUILD_FILES:
        try:
            with open(dest / name, "rb") as handle:
                if _FROM_GIT.search(handle.read(1024 * 1024)):
                    return True
        except OSError:
            continue
    return False


def _why(outcome: runner.RunOutcome, what: str) -> str:
    if outcome.timed_out:
        return f"{what} took longer than {outcome.seconds:.0f} s"
    lines = list(
        dict.fromkeys(line.strip() for line in outcome.stderr.splitlines() if line.strip())
    )
    return f"{what} failed: {' / '.join(lines[-3:]) or 'no message'}"


def fetch_repository(url: str, dest: Path, ref: str | None, *, timeout: float) -> Fetched:
    """Clone `url` at `ref` (default branch when None) into the new folder `dest`."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    env = {"GIT_TERMINAL_PROMPT": "0", "GIT_ASKPASS": "true", "GIT_LFS_SKIP_SMUDGE": "1"}

    def git(*args: str) -> runner.RunOutcome:
        return runner.run(("git", "-C", str(dest), *args), timeout=timeout, extra_env=env)

    steps = (
        ("init", "--quiet"),
        ("remote", "add", "origin", url),
        ("fetch", "--quiet", "--depth", "1", "--no-tags", "origin", ref or "HEAD"),
        ("checkout", "--quiet", "--detach", "FETCH_HEAD"),
    )
    for step in steps:
        outcome = git(*step)
        if not outcome.ok:
            return Fetched(dest, problem=_why(outcome, f"git {step[0]}"))
    full = _needs_history(dest)
    if full:
        outcome = git("fetch", "--quiet", "--unshallow", "--tags", "origin")
        if not outcome.ok:
            return Fetched(dest, problem=_why(outcome, "git fetch of the history and tags"))
    git("remote", "remove", "origin")
    shown = git("log", "-1", "--format=%H %cI")
    commit, _, when = shown.stdout.strip().partition(" ")
    return Fetched(dest, commit, when, full_history=full)


def commit_date(path: Path) -> str:
    """The committer date of HEAD (ISO 8601), or "" when `path` is not a git work tree."""
    outcome = runner.git(path, "log", "-1", "--format=%cI", timeout=30)
    return outcome.stdout.strip() if outcome.ok else ""
