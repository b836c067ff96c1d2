"""`reprobot` command line: one function per command, each returning an exit code."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TextIO

from reprobot.bot import render, sarif, secrets
from reprobot.bot.audit_options import add_parser as add_audit_parser
from reprobot.bot.exitcode import EXIT_OK, EXIT_USAGE, FAIL_ON, exit_code
from reprobot.checks import (
    ConfigError,
    __version__,
    all_checks,
    check_repository,
    sandbox_owned,
    unknown_patterns,
)

OFFLINE = "REPROBOT_OFFLINE"


class UsageError(Exception):
    """Bad command-line input: exit 2 with the message."""


def split_codes(values: Sequence[str] | None) -> tuple[str, ...]:
    """`--select CIT,LIC --select DEP001` -> ("CIT", "LIC", "DEP001")."""
    codes: list[str] = []
    for value in values or ():
        codes.extend(part.strip().upper() for part in value.split(",") if part.strip())
    return tuple(codes)


def validated_codes(values: Sequence[str] | None, option: str) -> tuple[str, ...]:
    codes = split_codes(values)
    unknown = unknown_patterns(codes, all_checks())
    if unknown:
        raise UsageError(
            f"{option}: no check matches {', '.join(unknown)} "
            "(run `reprobot list-checks` to see the codes)"
        )
    return codes


def write_file(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None


def colour_wanted(stream: TextIO, environ: Mapping[str, str]) -> bool:
    """Colour on a terminal; `NO_COLOR` (any value) turns it off and `FORCE_COLOR` on,
    `NO_COLOR` first, as Python itself reads them; a `dumb` terminal gets none."""
    if environ.get("NO_COLOR"):
        return False
    if environ.get("FORCE_COLOR", "") not in ("", "0", "false"):
        return True
    return environ.get("TERM") != "dumb" and stream.isatty()


@contextlib.contextmanager
def offline(*, enabled: bool) -> Iterator[None]:
    """`REPROBOT_OFFLINE=1` for the run (the machine's settings read it), as it was after."""
    before = os.environ.get(OFFLINE)
    if enabled:
        os.environ[OFFLINE] = "1"
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(OFFLINE, None)
        else:
            os.environ[OFFLINE] = before


def cmd_check(args: argparse.Namespace) -> int:
    root = Path(args.path)
    if not root.is_dir():
        raise UsageError(f"{root} is not a directory; give the path of a repository")
    with offline(enabled=args.offline):
        report = check_repository(
            root,
            select=validated_codes(args.select, "--select"),
            ignore=validated_codes(args.ignore, "--ignore"),
        )
    if args.output:
        write_file(Path(args.output), render.to_json(report))
    if args.sarif:
        write_file(Path(args.sarif), sarif.to_text(report, root=root))
    if args.format == "json":
        sys.stdout.write(render.to_json(report))
    elif args.format == "markdown":
        sys.stdout.write(render.to_markdown(report))
    elif args.format == "sarif":
        sys.stdout.write(sarif.to_text(report, root=root))
    else:
        sys.stdout.write(render.to_text(report, colour=colour_wanted(sys.stdout, os.environ)))
    return exit_code(report, args.fail_on)


def cmd_list_checks(args: argparse.Namespace) -> int:
    checks = all_checks()
    if args.format == "markdown":
        sys.stdout.write(render.checks_table(checks))
    else:
        sys.stdout.write(render.checks_list(checks))
    return EXIT_OK


def cmd_action(args: argparse.Namespace) -> int:
    from reprobot.bot.job import run_action

    return run_action(os.environ)


def cmd_publish(args: argparse.Namespace) -> int:
    from reprobot.bot.job import run_publish

    report = Path(args.report)
    pull = Path(args.pull) if args.pull else report.with_name("pull-request.json")
    return run_publish(os.environ, report, pull)


def cmd_audit(args: argparse.Namespace) -> int:
    # The audit's machinery (clones, slots, plots) is imported by `reprobot audit` alone.
    from reprobot.bot.audit import command

    try:
        return command.cmd_audit(args)
    except command.AuditError as exc:
        raise UsageError(str(exc)) from None


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="reprobot",
        description="Check that a research repository builds, passes its tests, installs "
        "in a fresh environment and can be cited.",
        epilog=render.render_template("cli-epilog.txt.j2", command=""),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    top.add_argument("--version", action="version", version=f"reprobot {__version__}")
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = sub.add_parser(
        "check",
        help="run the checks on a repository",
        description="Run the checks on a repository and report each with its fix.",
        epilog=render.render_template("cli-epilog.txt.j2", command="check"),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    check.add_argument("path", nargs="?", default=".", help="repository path (default: .)")
    check.add_argument("--format", choices=("text", "json", "markdown", "sarif"), default="text")
    check.add_argument("--output", metavar="FILE", help="also write the JSON report here")
    check.add_argument(
        "--sarif", metavar="FILE", help="also write the report as SARIF 2.1.0 (code scanning)"
    )
    check.add_argument(
        "--select",
        action="append",
        metavar="CODES",
        help="only these checks (codes or prefixes, comma-separated)",
    )
    check.add_argument(
        "--ignore",
        action="append",
        metavar="CODES",
        help="skip these checks (codes or prefixes, comma-separated)",
    )
    check.add_argument(
        "--fail-on",
        choices=FAIL_ON,
        default="fail",
        help="what makes the exit code non-zero: fail (default), warn (warnings too), "
        "error (only a check that could not run) or never",
    )
    check.add_argument(
        "--offline",
        action="store_true",
        help="use no network and make no fresh environment: for the static checks "
        "(citation, licence, docs, DEP005, PTH001); a check that needs more says so",
    )
    check.set_defaults(func=cmd_check)

    listing = sub.add_parser("list-checks", help="list every check")
    listing.add_argument("--format", choices=("text", "markdown"), default="text")
    listing.set_defaults(func=cmd_list_checks)

    action = sub.add_parser(
        "action", help="run as the GitHub Action: check, then report on GitHub (reads INPUT_*)"
    )
    action.set_defaults(func=cmd_action)

    publish = sub.add_parser(
        "publish",
        help="comment a pull request's report made by an unprivileged run (workflow_run)",
    )
    publish.add_argument("--report", required=True, metavar="FILE", help="the report.json")
    publish.add_argument(
        "--pull",
        metavar="FILE",
        help='JSON naming the pull request, {"number": N, "head_sha": "..."} '
        "(default: pull-request.json next to the report)",
    )
    publish.set_defaults(func=cmd_publish)

    add_audit_parser(sub).set_defaults(func=cmd_audit)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    secrets.take_over(os.environ)
    if argv is None:  # a program of its own: the code under test may share our user
        command = [sys.executable, "-m", "reprobot.bot.cli", *words]
        secrets.hand_over(os.environ, command, shares_user=not sandbox_owned())
    args = parser().parse_args(words)
    try:
        return int(args.func(args))
    except (UsageError, ConfigError) as exc:
        print(f"reprobot: error: {exc}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
