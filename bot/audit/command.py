"""`reprobot audit SOURCES... [--jobs N] [--out DIR]` and `reprobot audit merge DIR...`
(the options they take are in `bot/audit_options.py`)."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from reprobot.bot.audit.page import render_page
from reprobot.bot.audit.pool import Progress, run_audit
from reprobot.bot.audit.sources import Lister, SourceError, Target, targets_of
from reprobot.bot.audit.table import audit_document, read_reports, row_of, to_csv
from reprobot.bot.audit_options import Limits, job_bound
from reprobot.checks import __version__, all_checks

MAX_CHUNKS = 256  # jobs in one GitHub Actions matrix


class AuditError(Exception):
    """Bad input to an audit: exit 2 with the message."""


def _lister(limit: int) -> Lister:
    def lister(kind: str, value: str) -> list[tuple[str, str]]:
        from reprobot.bot.github import GitHub, GitHubError

        token = os.environ.get("GITHUB_TOKEN", "")
        if not token:
            raise SourceError(f"{kind} {value}: listing repositories needs GITHUB_TOKEN")
        api = os.environ.get("GITHUB_API_URL", "https://api.github.com")
        try:
            found, rate = GitHub(api, token, "-/-").repositories(kind, value, limit)
        except GitHubError as exc:
            raise SourceError(f"{kind} {value}: {exc}") from None
        print(f"reprobot: {kind} {value}: {len(found)} repositories; {rate}", file=sys.stderr)
        return found

    return lister


def write_outputs(folders: Sequence[Path], out: Path) -> dict[str, object]:
    """audit.json, audit.csv and index.html in `out` from the reports in `folders`."""
    reports, problems = read_reports(folders)
    rows = [row_of(slug, report) for slug, report in sorted(reports.items())]
    families = {check.code(): check.family for check in all_checks()}
    document = audit_document(rows, problems)
    out.mkdir(parents=True, exist_ok=True)
    (out / "audit.json").write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    (out / "audit.csv").write_text(to_csv(rows), encoding="utf-8")
    page = render_page(rows, problems, families, __version__)
    (out / "index.html").write_text(page, encoding="utf-8")
    return document


def _merge(folders: Sequence[str], out: Path) -> int:
    paths = [Path(f) for f in folders]
    missing = [str(p) for p in paths if not (p / "reports").is_dir()]
    if missing:
        raise AuditError(f"no reports/ folder in {', '.join(missing)}: give audit output folders")
    reports_out = out / "reports"
    reports_out.mkdir(parents=True, exist_ok=True)
    for folder in paths:
        if folder.resolve() == out.resolve():
            continue
        for report in sorted((folder / "reports").glob("*.json")):
            target = reports_out / report.name
            if not target.exists():
                target.write_bytes(report.read_bytes())
    document = write_outputs([out], out)
    print(f"reprobot: merged {document['repositories']} repositories into {out}", file=sys.stderr)
    return 0


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _targets(words: Sequence[str], limit: int) -> list[Target]:
    server = os.environ.get("GITHUB_SERVER_URL", "https://github.com")
    try:
        targets = targets_of(words, server=server, lister=_lister(limit))
    except SourceError as exc:
        raise AuditError(str(exc)) from None
    if not targets:
        raise AuditError("the sources name no repository")
    return targets


def plan_chunks(targets: Sequence[Target], size: int) -> list[dict[str, object]]:
    """The targets in chunks of about `size`, never more than MAX_CHUNKS of them (the
    jobs of one Actions matrix), each as the lines of a list file."""
    size = max(size, 1, -(-len(targets) // MAX_CHUNKS))
    lines = [f"{t.url}@{t.ref}" if t.ref else t.url for t in targets]
    return [
        {"index": n, "repositories": "\n".join(lines[i : i + size])}
        for n, i in enumerate(range(0, len(lines), size), 1)
    ]


def _plan(targets: Sequence[Target], out: Path, size: int) -> int:
    chunks = plan_chunks(targets, size)
    out.mkdir(parents=True, exist_ok=True)
    text = json.dumps(chunks)
    (out / "plan.json").write_text(text + "\n", encoding="utf-8")
    github_output = os.environ.get("GITHUB_OUTPUT")
    if github_output:
        with open(github_output, "a", encoding="utf-8") as handle:
            handle.write(f"chunks={text}\n")
    print(f"reprobot: {len(targets)} repositories in {len(chunks)} chunks", file=sys.stderr)
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    out = Path(args.out)
    if args.sources[0] == "merge":
        if len(args.sources) < 2:
            raise AuditError("audit merge: give the audit folders to merge")
        return _merge(args.sources[1:], out)
    if args.sources[0] == "plan":
        return _plan(_targets(args.sources[1:], args.limit), out, args.chunk_size)
    if args.jobs < 1:
        raise AuditError("--jobs: give 1 or more")
    jobs = min(args.jobs, job_bound())
    if jobs < args.jobs:
        print(
            f"reprobot: --jobs {args.jobs} is more than this machine can take; using {jobs}",
            file=sys.stderr,
        )
    targets = _targets(args.sources, args.limit)
    limits = Limits(timeout=args.timeout, disk_mb=args.disk_mb)
    progress = Progress(len(targets))
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        run_audit(targets, out, jobs=jobs, limits=limits, again=args.again, progress=progress)
    except KeyboardInterrupt:
        print(
            f"\nreprobot: audit interrupted after {progress.done} of {len(targets)}; "
            "run the same command again to resume",
            file=sys.stderr,
        )
        return 130
    finally:
        signal.signal(signal.SIGTERM, previous)
    document = write_outputs([out], out)
    print(
        f"reprobot: audit of {document['repositories']} repositories in {out}/index.html",
        file=sys.stderr,
    )
    return 0
