"""Settings of the fresh environment and of the package build that feeds it: the
`dependencies` and `build` sections of the configuration."""

from __future__ import annotations

from dataclasses import dataclass, field

from checks.core.settings import seconds


@dataclass(frozen=True)
class EnvironmentSettings:
    python: str | None = field(
        default=None,
        metadata={
            "help": "Python version for the fresh environment (default: as the repository asks)"
        },
    )
    extras: tuple[str, ...] = field(
        default=(), metadata={"help": "extras to install with the package"}
    )
    timeout: float = seconds(900.0, "seconds allowed for resolving and installing")


@dataclass(frozen=True)
class BuildSettings:
    """The `build` section: the package build runs in the environment layer, whose wheel
    the fresh environment installs."""

    timeout: float = seconds(600.0, "seconds allowed for building")
