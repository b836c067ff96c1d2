"""Running an audit's repositories side by side, in slots bounded by cores and memory.

Each slot has an unprivileged user of its own (when reprobot runs as root), so the code of
two repositories checked at the same time runs as two users and cannot see each other's
files or processes. Progress goes to the terminal as one line that is rewritten (done,
failures, ETA), and as plain lines when the output is a log.
"""

from __future__ import annotations

import os
import pwd
import queue
import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from reprobot.bot.audit.execute import (
    Slot,
    audit_one,
    error_report,
    reports_folder,
    write_report,
)
from reprobot.bot.audit.sources import Target
from reprobot.bot.audit_options import Limits
from reprobot.checks import stop_descendants, watch_descendants

FIRST_SLOT_UID = 64_000  # slot users: 64000, 64001, ... (never an existing account)


def slot_uids(count: int) -> list[int | None]:
    if os.geteuid() != 0:
        return [None] * count
    uids: list[int | None] = []
    uid = FIRST_SLOT_UID
    while len(uids) < count:
        try:
            pwd.getpwuid(uid)
        except KeyError:
            uids.append(uid)
        uid += 1
    return uids


@dataclass
class Progress:
    total: int
    stream: TextIO = field(default_factory=lambda: sys.stderr)
    done: int = 0
    failed: int = 0
    skipped: int = 0
    started: float = field(default_factory=time.monotonic)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def live(self) -> bool:
        return self.stream.isatty() and not os.environ.get("CI")

    def eta(self) -> str:
        finished = self.done - self.skipped
        if finished <= 0:
            return "ETA --"
        left = (time.monotonic() - self.started) / finished * (self.total - self.done)
        return f"ETA {int(left // 60)}m{int(left % 60):02d}s"

    def update(self, target: Target, status: str, seconds: float, *, skipped: bool = False) -> None:
        with self.lock:
            self.done += 1
            self.skipped += skipped
            self.failed += status in ("fail", "error")
            counts = f"[{self.done}/{self.total}] {self.failed} failed or errored, {self.eta()}"
            word = "already done" if skipped else f"{status} in {seconds:.0f} s"
            if self.live:
                width = 30
                filled = width * self.done // max(self.total, 1)
                bar = "#" * filled + "-" * (width - filled)
                self.stream.write(f"\r\033[K{bar} {counts} · {target.label}: {word}")
                if self.done == self.total:
                    self.stream.write("\n")
            else:
                self.stream.write(f"{counts} {target.label}: {word}\n")
            self.stream.flush()


def finished(out: Path, target: Target) -> bool:
    return (out / "reports" / f"{target.slug}.json").is_file()


def run_audit(
    targets: Sequence[Target],
    out: Path,
    *,
    jobs: int,
    limits: Limits,
    again: bool = False,
    progress: Progress | None = None,
    check: Callable[[Target, Path, Limits, Slot], dict[str, Any]] = audit_one,
) -> None:
    """Check every target not yet done (all with `again`); reports land in out/reports as
    each finishes. On KeyboardInterrupt (Ctrl-C, or SIGTERM turned into one) every process
    started is killed and no report is written for the repositories cut short."""
    progress = progress or Progress(len(targets))
    slots: queue.Queue[Slot] = queue.Queue()
    uids = slot_uids(jobs)
    for slot in enumerate(uids):
        slots.put(Slot(*slot))
    stopping = threading.Event()
    reports_folder(out)

    def one(target: Target) -> None:
        if stopping.is_set():
            return
        if not again and finished(out, target):
            progress.update(target, "done", 0.0, skipped=True)
            return
        slot = slots.get()
        started = time.monotonic()
        try:
            report = check(target, out, limits, slot)
        except Exception as exc:  # noqa: BLE001 - one repository never stops the audit
            report = error_report(target, f"reprobot failed on it: {type(exc).__name__}: {exc}")
            report["audit"] = {"source": target.label, "url": target.url, "outcome": "crashed"}
        finally:
            slots.put(slot)
        if stopping.is_set():
            return
        write_report(out, target, report)
        progress.update(target, str(report.get("status")), time.monotonic() - started)

    watch_descendants()
    pool = ThreadPoolExecutor(max_workers=jobs)
    try:
        for future in [pool.submit(one, target) for target in targets]:
            future.result()
    except KeyboardInterrupt:
        stopping.set()
        pool.shutdown(wait=False, cancel_futures=True)
        stop_descendants([uid for uid in uids if uid is not None])
        raise
    finally:
        pool.shutdown(wait=True)
        stop_descendants([uid for uid in uids if uid is not None])  # and reap the orphans
