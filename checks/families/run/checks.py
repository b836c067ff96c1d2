"""Run check: the entry points the repository declares reproduce its results (RUN001)."""

from __future__ import annotations

from reprobot.checks.core.check import Check, Context
from reprobot.checks.core.model import Finding, Fix, Outcome, Status, failed, passed, skipped
from reprobot.checks.core.words import plural
from reprobot.checks.families.run.detect import Proposal, proposal
from reprobot.checks.families.run.entry import CommandRun, RunResults, run_results
from reprobot.checks.families.run.settings import RunSettings

_INSTALL_HINTS = {
    "make": "install make on the machine that runs reprobot (`apt-get install make`)",
    "Rscript": "install R on the machine that runs reprobot (`r-base`, or `r-lib/actions`)",
    "R": "install R on the machine that runs reprobot (`r-base`, or `r-lib/actions`)",
    "snakemake": "declare snakemake in the dependencies so the fresh environment has it",
}


def _propose(found: Proposal) -> Outcome:
    if not found.found:
        why = f" ({'; '.join(found.passed_over)})" if found.passed_over else ""
        return skipped(
            "no entry points configured (`run.commands` in .reprobot.yml), and nothing to "
            "propose: no run script (reproduce.sh, run_all.sh, run.sh), Makefile or "
            f"Snakefile{why}"
        )
    listed = "; ".join(f"`{e.command}` from {e.source}" for e in found.found)
    fix = Fix(
        "Declare the entry points that reproduce the results",
        "List the commands that reproduce the results, in order, under `run.commands`; "
        "reprobot then runs them in the fresh environment on every push, and checks the "
        f"files listed under `run.outputs` exist afterwards:\n\n```yaml\n{found.snippet}```",
        files=dict(found.files),
    )
    return Outcome(
        Status.SKIP,
        f"no entry points configured; found {listed}: declare them in .reprobot.yml as "
        f"`run: {{commands: [{found.found[0].command}]}}` to have them run",
        fixes=(fix,),
    )


def _failure(run: CommandRun, timeout: float, results: RunResults) -> Outcome:
    how = " (through sh -c)" if run.shell else ""
    later = (
        f"; not run after it: {', '.join(f'`{c}`' for c in results.not_run)}"
        if results.not_run
        else ""
    )
    tail = (Finding(f"`{run.command}` output (last lines):\n{run.tail(20)}"),)
    if not run.command.strip():
        return failed(f"`run.commands` holds an empty command; remove it{later}")
    if run.problem is not None:
        return failed(f"`{run.command}` could not start: {run.problem}{later}")
    if run.timed_out:
        return failed(
            f"`{run.command}`{how} did not finish within {timeout:g} s (`run.timeout`); it "
            f"was stopped with every process it started{later}",
            findings=tail,
        )
    return failed(f"`{run.command}`{how} exited {run.returncode}{later}", findings=tail)


class RUN001(Check):
    """The declared entry points run

    The commands that reproduce the paper's results (`run.commands` in `.reprobot.yml`,
    e.g. `python run_analysis.py --quick` or `make figures`) run in order in the fresh
    environment (its `python` first on `PATH`), in a clean copy of the last commit, as an
    unprivileged user with an empty home, each within `run.timeout` seconds (1800 by
    default). A command is started directly, split like a shell would, and through
    `sh -c` only when it uses shell syntax (pipes, `&&`, redirections, variables, globs).
    The first command that fails stops the run; the report names it, its exit code and
    its last lines of output. The files listed under `run.outputs` must exist afterwards.
    Without configured commands reprobot proposes what it finds (a run script, a
    Makefile's default target, a Snakefile's dry run) and skips: it never passes what it
    did not run.
    """

    def evaluate(self, ctx: Context) -> Outcome:
        settings = ctx.settings(RunSettings)
        if not settings.commands:
            return _propose(ctx.fact(proposal))
        results = ctx.fact(run_results)
        if results.environment is not None:
            return skipped(results.environment)
        last = results.runs[-1]
        if last.missing_program is not None:
            hint = _INSTALL_HINTS.get(last.missing_program, "install it, or declare it")
            ran = (
                plural(len(results.runs) - 1, "command") + " ran first; "
                if len(results.runs) > 1
                else ""
            )
            return skipped(
                f"{ran}`{last.command}` needs `{last.missing_program}`, which is not on the "
                f"PATH here: {hint}"
            )
        if not last.ok:
            return _failure(last, settings.timeout, results)
        missing = [o for o in results.outputs if not o.exists]
        said = ", ".join(f"`{r.command}` ({r.seconds:.0f} s)" for r in results.runs)
        if missing:
            return failed(
                f"the commands ran ({said}) but {plural(len(missing), 'declared output')} "
                f"{'is' if len(missing) == 1 else 'are'} missing: "
                + ", ".join(f"`{o.path}`" for o in missing),
                findings=tuple(
                    Finding(f"`{o.path}` {o.problem or 'does not exist after the commands ran'}")
                    for o in missing
                ),
            )
        notes = [
            Finding(f"`{o.path}` is committed and was not rewritten by the commands", o.path)
            for o in results.outputs
            if o.committed and not o.written
        ]
        outputs = (
            f"; {plural(len(results.outputs), 'declared output')} present"
            if results.outputs
            else ""
        )
        return passed(
            f"{plural(len(results.runs), 'command')} ran: {said}{outputs}", findings=tuple(notes)
        )
