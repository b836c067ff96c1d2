"""The files a job writes into the workspace: `report.json` and the SARIF file, never
through a link the repository under test planted."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from reprobot.bot import badge as badges
from reprobot.bot import render, sarif
from reprobot.bot.bodies import Notice
from reprobot.bot.inputs import ActionEnv
from reprobot.checks.core.model import Report

__all__ = ["REPORT_DIR", "report_file", "write_report", "write_sarif"]

REPORT_DIR = ".reprobot"


def report_file(env: ActionEnv) -> Path:
    name = badges.badge_file(env.inputs.path).replace("reprobot", "report", 1)
    return env.runner.workspace / REPORT_DIR / name


def _write_inside(target: Path, text: str) -> None:
    """Write `target` without following a link: the workspace holds the repository under
    test, whose `.reprobot` may be a link (or a FIFO) planted to make us write elsewhere."""
    folder = target.parent
    if folder.is_symlink():
        raise OSError(f"{folder} is a symbolic link; links out of the repository are not followed")
    folder.mkdir(parents=True, exist_ok=True)
    if not stat.S_ISDIR(os.lstat(folder).st_mode):
        raise OSError(f"{folder} is not a directory")
    flags = os.O_WRONLY | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(target, flags, 0o644)
    except OSError as exc:
        raise OSError(
            f"{target} cannot be written ({exc.strerror or exc}): a link or not a regular file"
        ) from None
    with os.fdopen(fd, "wb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise OSError(f"{target} is not a regular file")
        handle.truncate(0)
        handle.write(text.encode("utf-8", "replace"))


def write_report(env: ActionEnv, report: Report, notices: list[Notice] | None = None) -> str:
    """Write report.json under the workspace (owned like the workspace, so later steps of
    the job, which run as the runner's user, can replace it); a temp folder if that fails
    (then a notice in `notices` says where it went). Returns the path for the
    `report_path` output, relative to the workspace if inside."""
    target = report_file(env)
    text = render.to_json(report)
    try:
        _write_inside(target, text)
        owner = env.runner.workspace.stat()
        if hasattr(os, "geteuid") and os.geteuid() == 0 and owner.st_uid != 0:
            for path in (target.parent, target):
                os.chown(path, owner.st_uid, owner.st_gid, follow_symlinks=False)
        return str(target.relative_to(env.runner.workspace))
    except OSError as exc:
        fallback = Path(tempfile.mkdtemp(prefix="reprobot-")) / "report.json"
        fallback.write_bytes(text.encode("utf-8", "replace"))
        if notices is not None:
            notices.append(Notice("invalid-input", f"{exc}; the report is at {fallback}"))
        return str(fallback)


def write_sarif(env: ActionEnv, report: Report, notices: list[Notice]) -> None:
    """The `sarif` input's file (never an empty one: that would close every alert)."""
    top, inputs = env.runner.workspace, env.inputs
    try:
        if any(p.is_symlink() for p in (top / inputs.sarif).parents if top in p.parents):
            raise OSError(f"{inputs.sarif}: a folder on the way is a link; links are not followed")
        _write_inside(top / inputs.sarif, sarif.to_text(report, prefix=inputs.path, root=top))
    except OSError as exc:
        notices.append(Notice("invalid-input", f"{exc}; no SARIF file was written"))
