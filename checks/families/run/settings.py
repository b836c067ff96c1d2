"""Settings of the run family: the entry points that reproduce the results."""

from __future__ import annotations

from dataclasses import dataclass, field

from reprobot.checks.core.settings import seconds


@dataclass(frozen=True)
class RunSettings:
    commands: tuple[str, ...] = field(
        default=(),
        metadata={"help": "commands that reproduce the results, run in order (RUN001)"},
    )
    timeout: float = seconds(1800.0, "seconds allowed for each command")
    outputs: tuple[str, ...] = field(
        default=(),
        metadata={"help": "files the commands must leave behind, relative to the root"},
    )
