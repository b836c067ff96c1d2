"""Run: the entry points that reproduce the results run in the fresh environment."""

from __future__ import annotations

from reprobot.checks.core.check import Family
from reprobot.checks.families.run.checks import RUN001
from reprobot.checks.families.run.settings import RunSettings

FAMILY = Family("run", "RUN", (RUN001,), RunSettings)
