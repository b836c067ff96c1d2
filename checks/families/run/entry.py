"""Running the declared entry points: each of `run.commands`, in order, in the clean room.

Each command runs in the fresh environment (its `bin/` first on `PATH`, so `python` is the
environment's), as the unprivileged user, in the clean copy of the last commit, with the
time limit of `run.timeout`. A command is split with `shlex` and started directly; it goes
through `sh -c` only when it uses shell syntax (a pipe, `&&`, a redirection, `$VAR`, a
glob, a `NAME=value` prefix, ...). A program that is not on that `PATH` (`make`, `Rscript`,
`snakemake` not installed) is reported as missing here instead of run. The first command
that fails stops the run. The `run.outputs` are then looked for in the clean room without
following links.
"""

from __future__ import annotations

import os
import shutil
import stat
import time
from dataclasses import dataclass
from pathlib import Path

from reprobot.checks.core.check import Context
from reprobot.checks.core.sandbox import clean_room_paths, sandbox_run, workspace
from reprobot.checks.environment.fresh import FreshEnvironment, fresh_environment
from reprobot.checks.families.run.settings import RunSettings
from reprobot.checks.repo import commands as repo_commands


def command_argv(command: str) -> tuple[tuple[str, ...], bool]:
    """(argv, through the shell) for a configured command."""
    argv = repo_commands.command_argv(command)
    return argv, repo_commands.through_shell(argv, command)


@dataclass(frozen=True)
class CommandRun:
    command: str
    argv: tuple[str, ...]
    shell: bool
    returncode: int | None = None
    output: str = ""
    seconds: float = 0.0
    timed_out: bool = False
    missing_program: str | None = None  # the program is not on PATH here
    problem: str | None = None  # it could not start (the clean room could not be made)

    @property
    def ok(self) -> bool:
        return (
            self.problem is None
            and self.missing_program is None
            and not self.timed_out
            and self.returncode == 0
        )

    def tail(self, lines: int = 20) -> str:
        return "\n".join(self.output.rstrip().splitlines()[-lines:])


@dataclass(frozen=True)
class Output:
    path: str
    exists: bool
    problem: str | None = None  # why it does not count (a link, outside the clean room)
    committed: bool = False  # the repository has it too
    written: bool = False  # modified while the commands ran


@dataclass(frozen=True)
class RunResults:
    """What running the entry points gave; `runs` stops at the first failure.
    `environment` says why nothing ran when no fresh environment could be made."""

    runs: tuple[CommandRun, ...] = ()
    outputs: tuple[Output, ...] = ()
    environment: str | None = None
    not_run: tuple[str, ...] = ()  # commands after the first failure


def environment_problem(env: FreshEnvironment) -> str | None:
    if env.python is None or env.venv is None:
        return f"no fresh environment to run the commands in ({env.problem or 'see DEP003'})"
    for step, words in ((env.resolve, "resolved"), (env.install, "installed")):
        if step is not None and not step.ok:
            return f"the declared dependencies could not be {words} (see DEP003)"
    return None


def _program(argv: tuple[str, ...], shell: bool, venv: Path, cwd: Path) -> str | None:
    """The program a command starts, when it is neither on the sandbox's PATH nor a file
    of the repository; None when it can start."""
    if shell:
        return None if shutil.which("sh") else "sh"
    program = argv[0]
    if "/" in program:
        return None if (cwd / program).exists() or os.path.isabs(program) else program
    path = os.pathsep.join([str(venv / "bin"), os.environ.get("PATH", os.defpath)])
    return None if shutil.which(program, path=path) else program


def _output(root: Path, path: str, started: float, committed: bool) -> Output:
    """Whether `path` exists in the clean room, reached through no link."""
    normal = os.path.normpath(path)
    if os.path.isabs(normal) or normal == ".." or normal.startswith("../"):
        return Output(path, False, "is outside the repository; not looked at")
    current = root
    for part in Path(normal).parts:
        current = current / part
        try:
            info = os.lstat(current)
        except OSError:
            return Output(path, False, committed=committed)
        if stat.S_ISLNK(info.st_mode):
            return Output(path, False, "is a link (or is reached through one); not followed")
    written = info.st_mtime >= started - 1
    return Output(path, True, committed=committed, written=written)


def run_results(ctx: Context) -> RunResults:
    """Fact provider: the configured commands run in order, then the outputs looked for."""
    settings = ctx.settings(RunSettings)
    env = ctx.fact(fresh_environment)
    problem = environment_problem(env)
    if problem is not None or env.venv is None:
        return RunResults(environment=problem or "no fresh environment")
    ws = ctx.fact(workspace)
    rewrite = clean_room_paths(ctx)
    runs: list[CommandRun] = []
    started = time.time()
    for index, command in enumerate(settings.commands):
        argv, shell = command_argv(command)
        if not command.strip():
            runs.append(CommandRun(command, argv, shell, problem="the command is empty"))
            return RunResults(tuple(runs), not_run=settings.commands[index + 1 :])
        missing = _program(argv, shell, env.venv, ws.path)
        if missing is not None:
            runs.append(CommandRun(command, argv, shell, missing_program=missing))
            return RunResults(tuple(runs), not_run=settings.commands[index + 1 :])
        clock = time.monotonic()
        outcome = sandbox_run(ctx, argv, cwd=ws.path, timeout=settings.timeout, venv=env.venv)
        ctx.timings[f"run.command{index + 1}"] = time.monotonic() - clock
        run = CommandRun(
            command,
            argv,
            shell,
            outcome.returncode,
            rewrite(outcome.output),
            outcome.seconds,
            outcome.timed_out,
            problem=None if outcome.ran else rewrite(outcome.stderr.strip() or "did not start"),
        )
        runs.append(run)
        if not run.ok:
            return RunResults(tuple(runs), not_run=settings.commands[index + 1 :])
    outputs = tuple(
        _output(ws.path, path, started, ctx.snapshot.exists(os.path.normpath(path)))
        for path in settings.outputs
    )
    return RunResults(tuple(runs), outputs)
