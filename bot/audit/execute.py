"""One repository of an audit: clone it, note its facts, run `reprobot check` on it in a
child process with a time and a disk limit, and write its report where the audit keeps it.

The report file appears only when the repository is done (written to a temporary name and
renamed), so an interrupted audit never takes a half-written report for a finished one.
A repository that cannot be cloned, crashes reprobot, hangs or fills the disk still gets a
report: status `error`, with what happened, so the audit's numbers count it.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reprobot.bot.audit.sources import Target
from reprobot.bot.audit_options import Limits
from reprobot.checks import __version__, fetch_repository, repository_facts, run_reprobot

REPORT_SCHEMA = "reprobot.report/1"
DISK_POLL_ENTRIES = 200_000  # a bound on one walk of the work folder


def folder_size(path: Path) -> int:
    """Bytes in use under `path` (allocated blocks, links not followed), bounded in work."""
    total, seen = 0, 0
    stack = [str(path)]
    while stack and seen < DISK_POLL_ENTRIES:
        top = stack.pop()
        with contextlib.suppress(OSError), os.scandir(top) as entries:
            for entry in entries:
                seen += 1
                with contextlib.suppress(OSError):
                    info = entry.stat(follow_symlinks=False)
                    total += info.st_blocks * 512
                    if entry.is_dir(follow_symlinks=False):
                        stack.append(entry.path)
    return total


def _disk_watch(work: Path, limit_mb: int) -> Callable[[], str | None]:
    def over() -> str | None:
        used = folder_size(work)
        if used > limit_mb * 1024 * 1024:
            return f"it used more than the {limit_mb} MB of disk allowed ({used // 2**20} MB)"
        return None

    return over


def error_report(target: Target, message: str, commit: str = "") -> dict[str, Any]:
    """A report for a repository whose checks could not run or finish."""
    return {
        "schema": REPORT_SCHEMA,
        "tool": {"name": "reprobot", "version": __version__},
        "repository": {"path": target.label, "commit": commit or None},
        "status": "error",
        "score": {"passed": 0, "failed": 0, "warned": 0, "total": 0},
        "checks": [],
        "error": message,
    }


def _read_report(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    ok = isinstance(data, dict) and data.get("schema") == REPORT_SCHEMA
    return data if ok and isinstance(data.get("checks"), list) else None


def reports_folder(out: Path) -> Path:
    """out/reports, which no repository's code may read (when reprobot runs as root)."""
    folder = out / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        folder.chmod(0o700)
    return folder


def _write_atomically(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(f".{path.name}.part")
    part.write_text(json.dumps(data, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    os.replace(part, path)


def _passage(folder: Path) -> Path:
    """A folder others may pass through to a clean room of a known random name, but not
    list: the code of one repository cannot find another's clone or clean room."""
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o711)
    return folder


@dataclass(frozen=True)
class Slot:
    """One of an audit's parallel places: its number, and the user its code runs as
    (None: reprobot's own). Each slot keeps a package cache of its own, so repositories
    checked at the same time never share one."""

    index: int
    uid: int | None


def audit_one(target: Target, out: Path, limits: Limits, slot: Slot) -> dict[str, Any]:
    """Check one repository: its report, with an `audit` section (written by the caller)."""
    work = _passage(out / "work") / target.slug
    shutil.rmtree(work, ignore_errors=True)
    _passage(_passage(work) / "tmp")
    started = time.monotonic()
    audit: dict[str, Any] = {"source": target.label, "url": target.url, "ref": target.ref}
    try:
        fetched = fetch_repository(target.url, work / "repo", target.ref, timeout=limits.timeout)
        audit.update(
            commit=fetched.commit,
            committed_at=fetched.committed_at,
            full_history=fetched.full_history,
            clone_s=round(time.monotonic() - started, 3),
        )
        with contextlib.suppress(OSError):
            (work / "repo").chmod(0o700)  # the clone is root's: other slots' code cannot read it
        if fetched.problem:
            report = error_report(
                target,
                f"could not clone it: {fetched.problem}; check the address and the ref, "
                "and that the repository is public (or the machine can reach it)",
            )
            audit["outcome"] = "clone failed"
        else:
            audit["facts"] = repository_facts(fetched.path)
            report = _check(target, work, Run(limits, slot, started, out), audit)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    audit["seconds"] = round(time.monotonic() - started, 3)
    report["audit"] = audit
    return report


def write_report(out: Path, target: Target, report: dict[str, Any]) -> None:
    _write_atomically(reports_folder(out) / f"{target.slug}.json", report)


@dataclass(frozen=True)
class Run:
    limits: Limits
    slot: Slot
    started: float
    out: Path


def _check(target: Target, work: Path, run: Run, audit: dict[str, Any]) -> dict[str, Any]:
    limits, commit = run.limits, str(audit.get("commit") or "")
    left = max(limits.timeout - (time.monotonic() - run.started), 1.0)
    written = work / "report.json"
    outcome = run_reprobot(
        ("check", str(work / "repo"), "--output", str(written), "--format", "json"),
        timeout=left,
        extra_env={
            "TMPDIR": str(work / "tmp"),
            "REPROBOT_UV_CACHE": str(_passage(run.out / "caches") / f"slot-{run.slot.index}"),
        },
        sandbox_uid=run.slot.uid,
        stop_when=_disk_watch(work, limits.disk_mb),
    )
    report = _read_report(written)
    if outcome.timed_out:
        audit["outcome"] = "timed out"
        return error_report(
            target,
            f"stopped after {limits.timeout:.0f} s: it took too long (give it more with --timeout)",
            commit,
        )
    if outcome.stopped:
        audit["outcome"] = "disk limit"
        message = f"stopped: {outcome.stopped} (give it more with --disk-mb)"
        return error_report(target, message, commit)
    if report is None:
        audit["outcome"] = "crashed"
        tail = outcome.tail(5) or "no output"
        return error_report(
            target,
            f"reprobot ended with exit code {outcome.returncode} and no report: {tail}",
            commit,
        )
    audit["outcome"] = "checked"
    return report
