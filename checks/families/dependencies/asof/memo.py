"""The as-of-date pass remembered per declaration and date: the same declarations, failing
the same way, looked at again for the same date (the job run again, another branch, the
weekly run) reuse what the pass found instead of installing it all again.

Kept in reprobot's own cache, written by reprobot (never by the code under test), keyed by
reprobot's version (a later reprobot may judge the same run otherwise), the date, the
Python of then, what failed today, and the contents of every manifest and lock file."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from typing import Any

from reprobot.checks.core import __version__
from reprobot.checks.core.check import Context
from reprobot.checks.environment.machine import machine_settings
from reprobot.checks.environment.uv import cache_root
from reprobot.checks.families.dependencies.locks import committed_locks
from reprobot.checks.manifests import manifest

VERSION = 2
MAX_BYTES = 4 * 1024 * 1024


def memo_key(ctx: Context, date: str, python: str | None, failing: tuple[str, ...]) -> str:
    found = ctx.fact(manifest)
    digests = {}
    for path in sorted({*found.files, *found.install_files, *ctx.fact(committed_locks)}):
        data, _ = ctx.snapshot.read_bytes(path, cap=MAX_BYTES)
        digests[path] = hashlib.sha256(data).hexdigest()
    text = json.dumps([VERSION, __version__, date, python, failing, digests], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def _folder(ctx: Context) -> Any:
    folder = cache_root(ctx.fact(machine_settings)) / "as-of"
    folder.mkdir(mode=0o755, exist_ok=True)
    return folder


def load(ctx: Context, key: str) -> dict[str, Any] | None:
    """What was kept for `key`, or None."""
    try:
        data = json.loads((_folder(ctx) / f"{key}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def save(ctx: Context, key: str, data: dict[str, Any]) -> None:
    """Keep `data` for `key` (written whole or not at all; a failure keeps nothing)."""
    with contextlib.suppress(OSError, TypeError, ValueError):
        folder = _folder(ctx)
        part = folder / f".{key}.{os.getpid()}.part"
        part.write_text(json.dumps(data), encoding="utf-8")
        os.replace(part, folder / f"{key}.json")
