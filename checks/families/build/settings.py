"""Settings of the build family: the package build lives in the environment layer, whose
wheel the fresh environment installs, so its settings are declared there."""

from __future__ import annotations

from reprobot.checks.environment.settings import BuildSettings

__all__ = ["BuildSettings"]
