"""`reprobot action` and `reprobot publish`: what the job does, start to end.

Whatever happens — invalid inputs, a broken event payload, a broken configuration, checks
that could not run, GitHub refusing every request, a bug of reprobot's own — the job
summary is written; once the inputs are valid, `report.json`, the annotations and the step
outputs too (a report whose every check is `error`, with the reason, when the checks could
not run). The exit code is decided by `fail_on` (bot/exitcode.py).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import sys
from collections.abc import Callable, MutableMapping
from pathlib import Path
from typing import TextIO

from reprobot.bot import badge as badges
from reprobot.bot import bodies, figures, markdown, render, secrets, workflow
from reprobot.bot.bodies import Notice
from reprobot.bot.event import PULL_EVENTS, load_event
from reprobot.bot.exitcode import EXIT_FAILED, EXIT_USAGE, exit_code
from reprobot.bot.github import GitHub
from reprobot.bot.inconclusive import inconclusive
from reprobot.bot.inputs import ActionEnv, forget_token, read_environment
from reprobot.bot.outfiles import REPORT_DIR, report_file, write_report, write_sarif  # noqa: F401
from reprobot.bot.publish import (
    Publication,
    badge_url,
    page,
    plan_for,
    publish,
    pull_comment,
    since,
)
from reprobot.bot.reportfile import ReportFileError, load_pull, load_report
from reprobot.checks import ConfigError, __version__, all_checks, check_repository, unknown_patterns
from reprobot.checks.core.model import CheckResult, Report, Status


def say(text: str) -> None:
    """One line on stderr, which the runner reads for workflow commands too: the text may
    quote a forged file or the repository, so it cannot start a line of its own."""
    line = " ".join(markdown.clean(text).split("\n"))
    sys.stderr.write(f"reprobot: {line}\n".encode("utf-8", "replace").decode("utf-8"))


def start(environ: MutableMapping[str, str], out: TextIO) -> ActionEnv:
    """Read the environment, mask the token at once and drop it from the environment."""
    env = read_environment(environ)
    if env.token:
        workflow.emit([workflow.mask(env.token)], out)
    forget_token(environ)
    return env


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
        repository_url=page(runner),
        delta=publication.delta if publication else None,
        history_url=publication.history_url if publication else None,
        history_page=publication.history_page if publication else None,
    ) + figures.summary_addition(report_file(env).parent, run_url=runner.run_url)
    if runner.summary_path is not None:
        try:
            workflow.append_summary(runner.summary_path, text, bodies.summary_note(runner.run_url))
        except (OSError, ValueError) as exc:
            say(f"cannot write the job summary: {exc}")
    if runner.output_path is not None and outputs is not None:
        values = {**outputs, "badge_url": image or ""}
        try:
            workflow.write_outputs(runner.output_path, values)
        except (OSError, ValueError) as exc:
            say(f"cannot write the step outputs: {exc}")


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
    if not _inside_workspace(env):
        problems.append(
            f"invalid path '{env.inputs.path}' (it leads out of the workspace through a "
            "symbolic link; links out of the repository are never followed)"
        )
    elif not root.is_dir():
        problems.append(f"invalid path '{env.inputs.path}' ({root} is not a directory)")
    return problems


def _inside_workspace(env: ActionEnv) -> bool:
    try:
        workspace = env.runner.workspace.resolve()
        real = (env.runner.workspace / env.inputs.path).resolve()
    except (OSError, RuntimeError):  # a loop of links
        return False
    return real == workspace or workspace in real.parents


def _stop(env: ActionEnv, problems: list[str], out: TextIO) -> int:
    for problem in problems:
        say(f"error: {problem}")
    notices = [Notice("invalid-input", p, level="error") for p in problems]
    finish(env, None, notices=notices, out=out)
    return EXIT_USAGE


def _check(env: ActionEnv) -> Report:
    # where the notebook comparison draws the figures that did not come out again
    os.environ["REPROBOT_FIGURES_DIR"] = str(report_file(env).parent / figures.FIGURES_DIR)
    return check_repository(
        (env.runner.workspace / env.inputs.path).resolve(),
        select=env.inputs.select,
        ignore=env.inputs.ignore,
    )


def error_report(env: ActionEnv, reason: str) -> Report:
    """The report of checks that could not run: every selected check `error`, with why."""
    inputs = env.inputs
    results = []
    for check in all_checks():
        code = check.code()
        if inputs.select and not any(code.startswith(p) for p in inputs.select):
            continue
        ignored = next((p for p in inputs.ignore if code.startswith(p)), None)
        status, message = (
            (Status.SKIP, f"ignored: {ignored}") if ignored else (Status.ERROR, reason)
        )
        results.append(CheckResult(code, check.family, check.title(), status, message))
    started = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
    root = env.runner.workspace / inputs.path
    return Report(__version__, str(root), None, tuple(results), started, 0.0)


def _could_not_check(env: ActionEnv, reason: str, out: TextIO) -> int:
    """The checks did not run: an error report, its annotations, summary and outputs."""
    reason = secrets.redact(reason, secrets.secret_forms(env.token))
    say(f"error: {reason}")
    report = error_report(env, reason)
    notices = [Notice("invalid-input", reason, level="error")]
    workflow.emit_untrusted(render.to_text(report), out)
    report_path = write_report(env, report, notices)
    notices.append(Notice("not-published", level="notice"))
    finish(env, report, notices=notices, outputs=_outputs(report, report_path), out=out)
    return EXIT_USAGE


def _outputs(
    report: Report, report_path: str, publication: Publication | None = None
) -> dict[str, str]:
    score = report.score
    done = publication or Publication()
    return {
        "score": f"{score.passed}/{score.total}",
        "status": "error" if inconclusive(report) else report.status.value,
        "report_path": report_path,
        "comment_id": str(done.comment_id or ""),
        "issue_number": str(done.issue_number or ""),
    }


def _guarded(env: ActionEnv, out: TextIO, work: Callable[[], int]) -> int:
    """Run `work`; a bug of reprobot's own still ends with a job summary that says so."""
    try:
        return work()
    except Exception as exc:  # noqa: BLE001 - the job summary must still say what happened
        detail = secrets.redact(
            f"reprobot itself failed: {type(exc).__name__}: {exc}; please report this",
            secrets.secret_forms(env.token),
        )
        say(f"error: {detail}")
        try:
            finish(env, None, notices=[Notice("invalid-input", detail, level="error")], out=out)
        except Exception:  # noqa: BLE001 - the last resort: a plain line in the summary
            path = env.runner.summary_path
            if path is not None:
                with path.open("a", encoding="utf-8", errors="replace") as handle:
                    handle.write(f"\n> [!CAUTION]\n> {markdown.line(detail)}\n")
        return EXIT_FAILED


def run_action(environ: MutableMapping[str, str], out: TextIO | None = None) -> int:
    out = out or sys.stdout
    env = start(environ, out)
    return _guarded(env, out, lambda: _action(env, out))


def _action(env: ActionEnv, out: TextIO) -> int:
    problems = _usage_problems(env)
    if problems:
        return _stop(env, problems, out)
    runner, inputs = env.runner, env.inputs
    event = load_event(runner.event_name, runner.event_path, ref=runner.ref)
    if event.problem:
        say(event.problem)
    try:
        report = secrets.redact(_check(env), secrets.secret_forms(env.token))
    except ConfigError as exc:
        return _could_not_check(env, str(exc), out)
    except Exception as exc:  # noqa: BLE001 - the job summary must still say what happened
        return _could_not_check(env, f"the checks could not run: {type(exc).__name__}: {exc}", out)
    workflow.emit_untrusted(render.to_text(report), out)
    notices: list[Notice] = []
    report_path = write_report(env, report, notices)
    if inputs.sarif:
        write_sarif(env, report, notices)

    plan = plan_for(event, inputs, repository=runner.repository, has_token=bool(env.token))
    publication = publish(
        plan,
        report,
        event=event,
        inputs=inputs,
        runner=runner,
        connect=lambda: GitHub(runner.api_url, env.token, runner.repository, runner.retry),
    )
    finish(
        env,
        report,
        notices=notices + publication.notices,
        publication=publication,
        outputs=_outputs(report, report_path, publication),
        out=out,
    )
    return exit_code(report, inputs.fail_on)


def run_publish(
    environ: MutableMapping[str, str], report_path: Path, pull_path: Path, out: TextIO | None = None
) -> int:
    """Publish a report made by an unprivileged pull_request run (workflow_run event)."""
    out = out or sys.stdout
    env = start(environ, out)
    return _guarded(env, out, lambda: _publish(env, report_path, pull_path, out))


def _publish(env: ActionEnv, report_path: Path, pull_path: Path, out: TextIO) -> int:
    runner = env.runner
    if env.problems:
        return _stop(env, list(env.problems), out)
    try:
        report = secrets.redact(load_report(report_path), secrets.secret_forms(env.token))
        number, artifact_sha = load_pull(pull_path)
    except ReportFileError as exc:
        return _stop(env, [str(exc)], out)
    # The artifact's own commit is not to be believed (a link to a commit from elsewhere in
    # the fork network would show under this repository's name): the verified head instead.
    report = dataclasses.replace(report, commit=None)
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
        report = dataclasses.replace(report, commit=event.head_sha)
        publication = _publish_verified(
            env,
            connect=lambda: GitHub(runner.api_url, env.token, runner.repository, runner.retry),
            report=report,
            number=number,
            head_sha=event.head_sha,
            notices=notices,
            base=event.default_branch,
        )
    finish(env, report, notices=notices + publication.notices, publication=publication, out=out)
    failed = any(n.kind in ("failed", "read-only") for n in publication.notices)
    return 1 if failed else 0


def _publish_verified(
    env: ActionEnv,
    *,
    connect: Callable[[], GitHub],
    report: Report,
    number: int,
    head_sha: str,
    notices: list[Notice],
    base: str,
) -> Publication:
    done = Publication()

    def comment() -> None:
        client = connect()
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
        delta = since(done, client, report, env.inputs, branch=base, green=False)
        pull_comment(done, client, report, number, runner=env.runner, delta=delta)

    done.attempt(f"comment on pull request #{number}", comment)
    return done
