"""RUN001 over plain data, and how a command is split."""

from __future__ import annotations

from reprobot.checks.core.model import Status
from reprobot.checks.families.run.checks import RUN001
from reprobot.checks.families.run.detect import EntryPoint, Proposal, default_target, proposal
from reprobot.checks.families.run.entry import (
    CommandRun,
    Output,
    RunResults,
    command_argv,
    run_results,
)
from reprobot.checks.families.run.settings import RunSettings
from tests.helpers import evaluate

CONFIGURED = RunSettings(commands=("python a.py", "make figures"), outputs=("fig.png",))


def _ran(command: str, code: int = 0, output: str = "") -> CommandRun:
    argv, shell = command_argv(command)
    return CommandRun(command, argv, shell, code, output, 2.0)


def test_commands_that_ran_and_left_their_outputs_pass() -> None:
    results = RunResults((_ran("python a.py"), _ran("make figures")), (Output("fig.png", True),))
    outcome = evaluate(RUN001, {run_results: results}, CONFIGURED)
    assert outcome.status is Status.PASS
    assert outcome.message == (
        "2 commands ran: `python a.py` (2 s), `make figures` (2 s); 1 declared output present"
    )


def test_a_failure_names_the_command_its_exit_code_and_its_last_lines() -> None:
    lines = "\n".join(f"line {n}" for n in range(40))
    results = RunResults((_ran("python a.py", 2, lines),), not_run=("make figures",))
    outcome = evaluate(RUN001, {run_results: results}, CONFIGURED)
    assert outcome.status is Status.FAIL
    assert outcome.message == "`python a.py` exited 2; not run after it: `make figures`"
    assert outcome.findings[0].message.endswith("line 20\n" + "\n".join(
        f"line {n}" for n in range(21, 40)))  # fmt: skip
    assert "line 19" not in outcome.findings[0].message


def test_a_missing_output_fails_and_a_missing_program_skips() -> None:
    results = RunResults((_ran("python a.py"), _ran("make figures")), (Output("fig.png", False),))
    outcome = evaluate(RUN001, {run_results: results}, CONFIGURED)
    assert outcome.status is Status.FAIL
    assert "1 declared output is missing: `fig.png`" in outcome.message
    make = CommandRun("make figures", ("make", "figures"), False, missing_program="make")
    lacking = RunResults((_ran("python a.py"), make), not_run=())
    skipped = evaluate(RUN001, {run_results: lacking}, CONFIGURED)
    assert skipped.status is Status.SKIP
    assert "`make figures` needs `make`, which is not on the PATH here" in skipped.message
    assert "1 command ran first" in skipped.message
    broken = RunResults(environment="the declared dependencies could not be installed")
    assert evaluate(RUN001, {run_results: broken}, CONFIGURED).status is Status.SKIP


def test_without_commands_it_proposes_what_it_found_and_never_passes() -> None:
    found = Proposal(
        (EntryPoint("make all", "Makefile (default target `all`)"),),
        "run:\n  commands:\n    - make all\n",
        ((".reprobot.yml", "run:\n  commands:\n    - make all\n"),),
    )
    outcome = evaluate(RUN001, {proposal: found})
    assert outcome.status is Status.SKIP
    assert "found `make all` from Makefile (default target `all`)" in outcome.message
    assert outcome.fixes[0].files == {".reprobot.yml": "run:\n  commands:\n    - make all\n"}
    assert evaluate(RUN001, {proposal: Proposal()}).status is Status.SKIP
    lint = Proposal(passed_over=("Makefile's default target `flake8` runs a tool, not the work",))
    outcome = evaluate(RUN001, {proposal: lint})
    assert outcome.status is Status.SKIP
    assert outcome.message.endswith(
        "(Makefile's default target `flake8` runs a tool, not the work)"
    )
    assert outcome.fixes == ()


def test_commands_run_without_a_shell_unless_they_use_shell_syntax() -> None:
    assert command_argv("python run.py --quick 'two words'") == (
        ("python", "run.py", "--quick", "two words"),
        False,
    )
    for command in (
        "cd analysis && python run.py",
        "python run.py > out.txt",
        "python run.py $INPUT",
        "OMP_NUM_THREADS=1 python run.py",
        "Rscript -e 'source(\"a.R\")' | tee log",
        "python run.py 'unclosed",
    ):
        argv, shell = command_argv(command)
        assert shell, command
        assert argv == ("sh", "-c", command)
    assert command_argv("python run.py --name=x")[1] is False


def test_the_makefile_default_target_is_the_first_ordinary_rule() -> None:
    text = "PY := python3\n.PHONY: all clean\n%.o: %.c\n\tcc $<\nall: figs\nfigs:\n\t$(PY) x.py\n"
    assert default_target(text) == "all"
    assert default_target("X = 1\n# c\n") is None


def test_a_command_that_could_not_start_fails_saying_why() -> None:
    empty = CommandRun("", ("sh", "-c", ""), True, problem="the command is empty")
    outcome = evaluate(RUN001, {run_results: RunResults((empty,))}, CONFIGURED)
    assert outcome.status is Status.FAIL
    assert outcome.message == "`run.commands` holds an empty command; remove it"
    stuck = CommandRun("python a.py", ("python", "a.py"), False, problem="permission denied")
    outcome = evaluate(RUN001, {run_results: RunResults((stuck,))}, CONFIGURED)
    assert outcome.message == "`python a.py` could not start: permission denied"
