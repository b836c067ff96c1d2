"""Settings of the build family (defined beside the build step they time)."""

from __future__ import annotations

from checks.environment.settings import BuildSettings

__all__ = ["BuildSettings"]
