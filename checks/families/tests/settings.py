"""Settings of the tests family."""

from __future__ import annotations

from dataclasses import dataclass, field

from checks.core.runner import MAX_TIMEOUT


@dataclass(frozen=True)
class TestSettings:
    __test__ = False  # not a pytest test class

    command: str | None = field(
        default=None, metadata={"help": "command that runs the test suite (default: detected)"}
    )
    timeout: float = field(
        default=1800.0,
        metadata={
            "help": "seconds allowed for the test suite",
            "positive": True,
            "unit": " of seconds",
            "at_most": MAX_TIMEOUT,
        },
    )
