"""The lock file read back from the fresh environment: every installed distribution
pinned, and the command the repository's authors regenerate it with."""

from __future__ import annotations

from collections.abc import Sequence

from reprobot.checks.core.templates import render
from reprobot.checks.environment.distributions import Distribution
from reprobot.checks.manifests import Manifest

LOCK_FILE = "requirements.lock"


def lock_command(found: Manifest) -> str:
    """How the repository's authors regenerate the lock after changing their manifest."""
    if found.kind in ("conda", "pipfile") or not found.install_files:
        return f"pip freeze --exclude-editable > {LOCK_FILE}"
    return f"uv pip compile {' '.join(found.install_files)} -o {LOCK_FILE}"


def lock_sources(found: Manifest) -> str:
    """The manifest files the lock is made from, as words (empty when there are none)."""
    return ", ".join(found.install_files or ((found.primary,) if found.primary else ()))


def lock_text(dists: Sequence[Distribution], found: Manifest, python: str) -> str:
    """Every installed distribution pinned (the project itself left out): the lock."""
    lines = []
    for dist in sorted(dists, key=lambda d: d.name):
        if dist.local:
            continue
        lines.append(f"{dist.name} @ {dist.url}" if dist.url else f"{dist.name}=={dist.version}")
    return render(
        "requirements.lock.j2",
        lines=lines,
        python=python,
        sources=lock_sources(found) or "the declared requirements",
        command=lock_command(found),
    )
