"""Settings of the build family."""

from __future__ import annotations

from dataclasses import dataclass

from checks.core.settings import seconds


@dataclass(frozen=True)
class BuildSettings:
    timeout: float = seconds(600.0, "seconds allowed for building")
