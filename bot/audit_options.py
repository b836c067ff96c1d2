"""`reprobot audit`'s options: its command line, and the limits each repository gets.

Apart from `bot/audit/` so that building the command line (every `reprobot` command does)
never imports the audit's machinery: clones, pools of slots, the page and its plots.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass

GB = 1024**3
MEMORY_PER_JOB = 2 * GB  # what one repository's install and tests may well take


@dataclass(frozen=True)
class Limits:
    timeout: float = 1800.0  # seconds for one repository, clone and checks together
    disk_mb: int = 10_240  # its clone, clean room and temporary files together


def job_bound() -> int:
    """How many repositories this machine can check at once."""
    cores = os.cpu_count() or 1
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError):
        memory = 4 * GB
    return max(1, min(2 * cores, memory // MEMORY_PER_JOB))


def add_parser(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
) -> argparse.ArgumentParser:
    """The `audit` command's parser; the caller sets the function that runs it."""
    audit = sub.add_parser(
        "audit",
        help="check many repositories and write one report (audit.json, audit.csv, index.html)",
        description="Check many repositories, each in its own clean room, and write "
        "DIR/reports/<owner>+<name>.json as each finishes, then DIR/audit.json, "
        "DIR/audit.csv and DIR/index.html. `reprobot audit merge DIR...` joins the "
        "reports of several audits into --out; `reprobot audit plan SOURCES...` splits "
        "the repositories into chunks for a fanned-out workflow (--out/plan.json).",
        epilog="SOURCES: https://github.com/OWNER/NAME[@REF], OWNER/NAME[@REF], a local "
        "path, a file listing them (one a line, or a CSV with a column named like "
        "'repository'), org:NAME or user:NAME (their public repositories), or "
        "search:QUERY (a GitHub repository search). An audit is resumable: a rerun skips "
        "repositories whose report is there, unless --again.",
    )
    audit.add_argument("sources", nargs="+", metavar="SOURCES")
    audit.add_argument("--out", default="audit", metavar="DIR", help="where it all goes")
    audit.add_argument(
        "--jobs",
        type=int,
        default=1,
        metavar="N",
        help=f"repositories at once (at most {job_bound()} on this machine)",
    )
    audit.add_argument("--again", action="store_true", help="check finished repositories again")
    audit.add_argument(
        "--timeout",
        type=float,
        default=Limits.timeout,
        metavar="SECONDS",
        help="per repository, clone and checks together (default %(default)s)",
    )
    audit.add_argument(
        "--disk-mb",
        type=int,
        default=Limits.disk_mb,
        metavar="MB",
        help="disk one repository may use (default %(default)s)",
    )
    audit.add_argument(
        "--limit",
        type=int,
        default=1000,
        metavar="N",
        help="at most N repositories from an organisation, user or search",
    )
    audit.add_argument(
        "--chunk-size",
        type=int,
        default=20,
        metavar="N",
        help="with `plan`: repositories per chunk, at most 256 chunks (default %(default)s)",
    )
    return audit
