"""Settings of the fresh environment and of the package build that feeds it: the
`dependencies` and `build` sections of the configuration."""

from __future__ import annotations

from dataclasses import dataclass, field

from reprobot.checks.core.settings import seconds, text_matching


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
    as_of: str = text_matching(
        "auto",
        "when something fails today, try the declarations as of this date: auto (the "
        "commit's date), off, or a date (YYYY-MM-DD)",
        r"auto|off|\d{4}-\d{2}-\d{2}(T[0-9:.+Z-]+)?",
        "auto, off or a date such as 2021-06-01",
    )
    as_of_budget: float = seconds(
        900.0, "seconds the as-of-date pass and the search for the culprit may take"
    )


@dataclass(frozen=True)
class BuildSettings:
    """The `build` section: the package build runs in the environment layer, whose wheel
    the fresh environment installs."""

    timeout: float = seconds(600.0, "seconds allowed for building")
