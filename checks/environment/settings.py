"""Settings of the fresh environment: the `dependencies` section of the configuration."""

from __future__ import annotations

from dataclasses import dataclass, field

from checks.core.runner import MAX_TIMEOUT


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
    timeout: float = field(
        default=900.0,
        metadata={
            "help": "seconds allowed for resolving and installing",
            "positive": True,
            "unit": " of seconds",
            "at_most": MAX_TIMEOUT,
        },
    )


@dataclass(frozen=True)
class BuildSettings:
    """The `build` section: the package build runs in the environment layer, whose wheel
    the fresh environment installs."""

    timeout: float = field(
        default=600.0,
        metadata={
            "help": "seconds allowed for building",
            "positive": True,
            "unit": " of seconds",
            "at_most": MAX_TIMEOUT,
        },
    )
