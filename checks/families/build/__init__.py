"""Build: the code compiles, the package builds, and it imports with what it declares."""

from __future__ import annotations

from reprobot.checks.core.check import Family
from reprobot.checks.families.build.checks import BLD001, BLD002
from reprobot.checks.families.build.settings import BuildSettings

FAMILY = Family(
    "build",
    "BLD",
    (
        BLD001,
        BLD002,
    ),
    BuildSettings,
)
