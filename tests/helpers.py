"""Small builders shared by tests: tiny repositories on disk."""

from __future__ import annotations

import subprocess
from collections.abc import Mapping
from pathlib import Path

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
