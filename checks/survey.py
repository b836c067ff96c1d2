"""The key facts of a repository that an audit tabulates beside the verdicts.

Static and cheap: the languages of its code, the manifest files and the recipe a stranger
would follow, the Python version it asks for, its notebooks, and the date of its commit.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from reprobot.checks.core import fetching, runner
from reprobot.checks.core.snapshot import Snapshot
from reprobot.checks.manifests import read_manifest
from reprobot.checks.repo.languages import detect, vendored

SKIPPED_FOLDERS = (".ipynb_checkpoints/", "_build/", "site-packages/")


def repository_facts(path: Path) -> dict[str, Any]:
    """{languages, manifests, recipe, python, notebooks, committed_at} of the repository."""
    snapshot = Snapshot(path)
    found = read_manifest(snapshot)
    notebooks = [
        p
        for p in snapshot.files
        if p.endswith(".ipynb") and not vendored(p) and not any(s in p for s in SKIPPED_FOLDERS)
    ]
    return {
        "languages": {lang.language: lang.count for lang in detect(snapshot)},
        "manifests": list(found.files),
        "recipe": found.kind,
        "python": found.python.spec if found.python else None,
        "notebooks": len(notebooks),
        "files": len(snapshot.files),
        "committed_at": fetching.commit_date(snapshot.root),
    }


def run_reprobot(
    args: tuple[str, ...],
    *,
    timeout: float,
    extra_env: Mapping[str, str],
    sandbox_uid: int | None = None,
    stop_when: Callable[[], str | None] | None = None,
) -> runner.RunOutcome:
    """Run `reprobot ARGS` as a child process of its own; secrets never reach it. With
    `sandbox_uid`, its code under test runs as that user, every process of which is killed
    when it ends or is stopped."""
    env = dict(extra_env)
    if sandbox_uid is not None and runner.drops_privileges():
        env["REPROBOT_SANDBOX_UID"] = str(sandbox_uid)
    return runner.run(
        (sys.executable, "-m", "reprobot.bot.cli", *args),
        timeout=timeout,
        extra_env=env,
        reap_user=sandbox_uid if runner.drops_privileges() else None,
        stop_when=stop_when,
        output_cap=64 * 1024,
    )
