"""Settings of the build family."""

from __future__ import annotations

from dataclasses import dataclass, field

from checks.core.runner import MAX_TIMEOUT


@dataclass(frozen=True)
class BuildSettings:
    timeout: float = field(
        default=600.0,
        metadata={
            "help": "seconds allowed for building",
            "positive": True,
            "unit": " of seconds",
            "at_most": MAX_TIMEOUT,
        },
    )
