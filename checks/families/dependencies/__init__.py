"""Dependencies: declared, resolved, installed fresh, consistent, complete and pinned."""

from __future__ import annotations

from checks.core.check import Family
from checks.environment.settings import EnvironmentSettings
from checks.families.dependencies.asof.checks import DEP007
from checks.families.dependencies.checks import DEP001, DEP002, DEP003, DEP004, DEP005, DEP006

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
