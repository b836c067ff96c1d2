"""Dependencies: declared, resolved, installed fresh, consistent, complete and pinned."""

from __future__ import annotations

from reprobot.checks.core.check import Family
from reprobot.checks.environment.settings import EnvironmentSettings
from reprobot.checks.families.dependencies.asof.checks import DEP007
from reprobot.checks.families.dependencies.checks import (
    DEP001,
    DEP002,
    DEP003,
    DEP004,
    DEP005,
    DEP006,
)

FAMILY = Family(
    "dependencies",
    "DEP",
    (
        DEP001,
        DEP002,
        DEP003,
        DEP004,
        DEP005,
        DEP006,
        DEP007,
    ),
    EnvironmentSettings,
)
