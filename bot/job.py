"""`reprobot action` and `reprobot publish`: what the job does, start to end.

Whatever happens — invalid inputs, a broken event payload, GitHub refusing every request —
the job summary is written, and once the checks ran, `report.json`, the annotations and the
step outputs too. The exit code is decided by `fail_on` alone (2 for invalid inputs).
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import MutableMapping
from pathlib import Path
from typing import TextIO

from bot import badge as badges
from bot import bodies, render, secrets, workflow
from bot.bodies import Notice
from bot.event import PULL_EVENTS, load_event
from bot.exitcode import EXIT_USAGE, exit_code
from bot.github import GitHub
from bot.inputs import ActionEnv, forget_token, read_environment
from bot.publish import Publication, badge_url, plan_for, publish
from bot.reportfile import ReportFileError, load_pull, load_report
from checks import ConfigError, all_checks, check_repository, unknown_patterns
from checks.core.model import Report

REPORT_DIR = ".reprobot"


def start(environ: MutableMapping[str, str], out: TextIO) -> ActionEnv:
    """Read the environment, mask the token at once and drop it from the environment."""
    env = read_environment(environ)
    if env.token:
        workflow.emit([workflow.mask(env.token)], out)
    forget_token(environ)
    return env


def report_file(env: ActionEnv) -> Path:
    name = badges.badge_file(env.inputs.path).replace("reprobot", "report", 1)
    return env.runner.workspace / REPORT_DIR / name


def write_report(env: ActionEnv, report: Report) -> str:
    """Write report.json under the workspace (owned like the workspace, so later steps of
    the job, which run as the runner's user, can replace it); a temp folder if that fails.
    Returns the path for the `report_path` output, relative to the workspace if inside."""
    target = report_file(env)
    text = render.to_json(report)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        owner = env.runner.workspace.stat()
        if hasattr(os, "geteuid") and os.geteuid() == 0 and owner.st_uid != 0:
            for path in (target.parent, target):
                os.chown(path, owner.st_uid, owner.st_gid)
        return str(target.relative_to(env.runner.workspace))
    except OSError:
        fallback = Path(tempfile.mkdtemp(prefix="reprobot-")) / "report.json"
        fallback.write_text(text, encoding="utf-8")
        return str(fallback)


def finish(
    env: ActionEnv,
    report: Report | None,
    *,
    notices: list[Notice],
    publication: Publication | None = None,
    outputs: dict[str, str] | None = None,
    out: TextIO,
) -> None:
    """The log's annotations, the job summary and the step outputs."""
    runner = env.runner
    lines = [workflow.command(n.level, n.text) for n in notices]
    if report is not None:
        # the runner shows ten annotations per level: the notices above come first
        spare = workflow.ANNOTATIONS_PER_LEVEL - sum(n.level == "warning" for n in notices)
        prefix = "" if env.inputs.path in (".", "./") else env.inputs.path.rstrip("/")
        chosen = workflow.pick_annotations(report, prefix=prefix)
        warnings = [a for a in chosen if a.level == "warning"][: max(spare, 0)]
        lines += [a.command() for a in chosen if a.level == "error" or a in warnings]
    workflow.emit(lines, out)
    written = publication.badge_written if publication else False
    image = badge_url(report, env.inputs, runner, written=written) if report else None
    text = bodies.summary(
        report,
        run_url=runner.run_url,
        notices=notices,
        published=publication.steps if publication else (),
        badge_url=image,
        snippet=badges.readme_snippet(image, runner.workflow_url) if image else "",
    )
    if runner.summary_path is not None:
        try:
            workflow.append_summary(runner.summary_path, text, bodies.summary_note(runner.run_url))
        except OSError as exc:
            print(f"reprobot: cannot write the job summary: {exc}", file=sys.stderr)
    if runner.output_path is not None and outputs is not None:
        values = {**outputs, "badge_url": image or ""}
        try:
            workflow.write_outputs(runner.output_path, values)
        except OSError as exc:
            print(f"reprobot: cannot write the step outputs: {exc}", file=sys.stderr)


def _usage_problems(env: ActionEnv) -> list[str]:
    problems = list(env.problems)
    checks = all_checks()
    for name, codes in (("select", env.inputs.select), ("ignore", env.inputs.ignore)):
        unknown = unknown_patterns(codes, checks)
        if unknown:
            problems.append(
                f"invalid {name} '{', '.join(codes)}' (no check matches {', '.join(unknown)}; "
                "`reprobot list-checks` shows the codes)"
            )
    root = env.runner.workspace / env.inputs.path
    if not root.is_dir():
        problems.append(f"invalid path '{env.inputs.path}' ({root} is not a directory)")
    return problems


def _stop(env: ActionEnv, problems: list[str], out: TextIO) -> int:
    for problem in problems:
        print(f"reprobot: error: {problem}", file=sys.stderr)
    notices = [Notice("invalid-input", p, level="error") for p in problems]
    finish(env, None, notices=notices, out=out)
    return EXIT_USAGE


def _check(env: ActionEnv) -> Report:
    return check_repository(
        env.runner.workspace / env.inputs.path,
        select=env.inputs.select,
        ignore=env.inputs.ignore,
    )


def run_action(environ: MutableMapping[str, str], out: TextIO | None = None) -> int:
    out = out or sys.stdout
    env = start(environ, out)
    problems = _usage_problems(env)
    if problems:
        return _stop(env, problems, out)
    runner, inputs = env.runner, env.inputs
    event = load_event(runner.event_name, runner.event_path, ref=runner.ref)
    if event.problem:
        print(f"reprobot: {event.problem}", file=sys.stderr)
    try:
        report = secrets.redact(_check(env), secrets.secret_forms(env.token))
    except ConfigError as exc:
        return _stop(env, [str(exc)], out)
    except Exception as exc:  # noqa: BLE001 - the job summary must still say what happened
        return _stop(env, [f"the checks could not run: {type(exc).__name__}: {exc}"], out)
    workflow.emit_untrusted(render.to_text(report), out)
    report_path = write_report(env, report)

    plan = plan_for(event, inputs, repository=runner.repository, has_token=bool(env.token))
    publication = publish(
        plan,
        report,
        event=event,
        inputs=inputs,
        runner=runner,
        connect=lambda: GitHub(runner.api_url, env.token, runner.repository, runner.retry),
    )
    score = report.score
    finish(
        env,
        report,
        notices=publication.notices,
        publication=publication,
        outputs={
            "score": f"{score.passed}/{score.total}",
            "status": report.status.value,
            "report_path": report_path,
            "comment_id": str(publication.comment_id or ""),
            "issue_number": str(publication.issue_number or ""),
        },
        out=out,
    )
    return exit_code(report.status, inputs.fail_on)


def run_publish(
    environ: MutableMapping[str, str], report_path: Path, pull_path: Path, out: TextIO | None = None
) -> int:
    """Publish a report made by an unprivileged pull_request run (workflow_run event)."""
    out = out or sys.stdout
    env = start(environ, out)
    runner = env.runner
    try:
        report = secrets.redact(load_report(report_path), secrets.secret_forms(env.token))
        number, artifact_sha = load_pull(pull_path)
    except ReportFileError as exc:
        return _stop(env, [str(exc)], out)
    event = load_event(runner.event_name, runner.event_path, ref=runner.ref)
    notices: list[Notice] = []
    publication = Publication()
    if event.problem:
        notices.append(Notice("event", event.problem))
    elif event.name != "workflow_run":
        return _stop(env, [f"`reprobot publish` runs on workflow_run, not {event.name}"], out)
    elif event.run_event not in PULL_EVENTS:
        notices.append(Notice("not-a-pull", event.run_event, level="notice"))
    elif artifact_sha != event.head_sha:
        detail = (
            f"{pull_path} names head {artifact_sha[:12]} but the run was for {event.head_sha[:12]}"
        )
        return _stop(env, [detail + "; refusing to publish"], out)
    elif not env.token or not runner.repository:
        notices.append(Notice("no-token" if not env.token else "no-repository"))
    else:
        client = GitHub(runner.api_url, env.token, runner.repository, runner.retry)
        publication = _publish_verified(
            env,
            client=client,
            report=report,
            number=number,
            head_sha=event.head_sha,
            notices=notices,
        )
    finish(env, report, notices=notices + publication.notices, publication=publication, out=out)
    failed = any(n.kind in ("failed", "read-only") for n in publication.notices)
    return 1 if failed else 0


def _publish_verified(
    env: ActionEnv,
    *,
    client: GitHub,
    report: Report,
    number: int,
    head_sha: str,
    notices: list[Notice],
) -> Publication:
    done = Publication()

    def comment() -> None:
        actual = client.pull_head_sha(number)
        if actual != head_sha:
            notices.append(
                Notice(
                    "mismatch",
                    f"pull request #{number} is at {actual[:12]} now, not at the reported "
                    f"{head_sha[:12]} (a newer run will report on it)",
                    level="notice",
                )
            )
            return
        body = bodies.comment_body(report, run_url=env.runner.run_url)
        written = client.upsert_comment(number, body, bodies.COMMENT_MARKER)
        done.comment_id = written.number
        done.steps.append(bodies.Step("comment", written.action, written.number, written.url))

    done.attempt(f"comment on pull request #{number}", comment)
    return done
