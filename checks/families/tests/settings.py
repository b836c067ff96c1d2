"""Settings of the tests family."""

from __future__ import annotations

from dataclasses import dataclass, field

from reprobot.checks.core.settings import seconds


@dataclass(frozen=True)
class TestSettings:
    __test__ = False  # not a pytest test class

    command: str | None = field(
        default=None, metadata={"help": "command that runs the test suite (default: detected)"}
    )
    timeout: float = seconds(1800.0, "seconds allowed for the test suite")
