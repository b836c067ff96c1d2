"""Manifests of tiny repositories written from a dict of file texts."""

from __future__ import annotations

import textwrap
from pathlib import Path

from reprobot.checks.core.snapshot import Snapshot
from reprobot.checks.manifests import Manifest, read_manifest
from tests.helpers import make_repo


def read(tmp_path: Path, files: dict[str, str]) -> Manifest:
    """`files` (dedented) written under `tmp_path` and read as a repository's manifests."""
    files = {k: textwrap.dedent(v).lstrip("\n") for k, v in files.items()}
    return read_manifest(Snapshot(make_repo(tmp_path, files, git_init=False)))


def by_name(found: Manifest) -> dict[str, tuple[str, str, int | None, bool, str]]:
    """(requirement, path, line, pinned, scope) by distribution name."""
    return {d.name: (d.requirement, d.path, d.line, d.pinned, d.scope) for d in found.requirements}
