"""Lock files a repository commits: any of them pins its environment (DEP006)."""

from __future__ import annotations

from reprobot.checks.core.check import Context

LOCK_NAMES = (
    "requirements.lock",
    "requirements-lock.txt",
    "requirements.lock.txt",
    "poetry.lock",
    "pdm.lock",
    "uv.lock",
    "pixi.lock",
    "conda-lock.yml",
    "Pipfile.lock",
)


def committed_locks(ctx: Context) -> tuple[str, ...]:
    """Fact provider: the lock files at the repository's root, in `LOCK_NAMES` order."""
    return tuple(name for name in LOCK_NAMES if ctx.snapshot.exists(name))
