"""Finding and killing the processes a command left behind.

Commands start in `runner`; what they leave behind (orphans re-parented to us as the
child subreaper, or every process of the unprivileged user of an audit's slot) ends here.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import threading
import time
from collections.abc import Sequence

_subreaper_set = False
# Leaders of the commands running now, in any thread: never another run's leftovers.
running: set[int] = set()
running_lock = threading.Lock()


def become_subreaper() -> bool:
    """Orphans of our children are re-parented to us, so we can find and kill them."""
    global _subreaper_set  # noqa: PLW0603 - a process-wide, set-once kernel flag
    if _subreaper_set:
        return True
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        _subreaper_set = libc.prctl(36, 1, 0, 0, 0) == 0  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        _subreaper_set = False
    return _subreaper_set


def children_of(pid: int) -> set[int]:
    found: set[int] = set()
    with contextlib.suppress(OSError):
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                with open(f"/proc/{entry.name}/stat", "rb") as handle:
                    stat = handle.read()
            except OSError:
                continue
            fields = stat[stat.rfind(b")") + 2 :].split()
            if len(fields) > 1 and int(fields[1]) == pid:
                found.add(int(entry.name))
    return found


def kill_leftovers(before: set[int]) -> int:
    """Kill and reap every child of ours that this run left behind (never the command
    another thread is running at the same time)."""
    killed = 0
    for _ in range(50):
        with running_lock:  # no command starts while the strays are told apart
            strays = children_of(os.getpid()) - before - running
            for pid in strays:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(pid, signal.SIGKILL)
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, signal.SIGKILL)
        if not strays:
            break
        for pid in strays:
            with contextlib.suppress(ChildProcessError, OSError):
                os.waitpid(pid, 0)
            killed += 1
    return killed


def kill_user(uid: int) -> int:
    """Kill every process of `uid` (never our own); how many were killed."""
    killed = 0
    for _ in range(50):
        found = []
        with contextlib.suppress(OSError):
            for entry in os.scandir("/proc"):
                with contextlib.suppress(OSError):
                    if entry.name.isdigit() and entry.stat().st_uid == uid:
                        found.append(int(entry.name))
        if not found:
            break
        for pid in found:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
                killed += 1
        time.sleep(0.05)
    return killed


def watch_descendants() -> bool:
    """Become the parent of every orphan among our descendants, so they can be stopped."""
    return become_subreaper()


def stop_descendants(users: Sequence[int] = ()) -> int:
    """Kill every process we started, their orphans, and every process of `users`."""
    killed = kill_leftovers(set())
    for uid in users:
        killed += kill_user(uid)
    return killed + kill_leftovers(set())
