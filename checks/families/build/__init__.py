"""Build: the code compiles, the package builds, and it imports with what it declares."""

from __future__ import annotations

from checks.core.check import Family
from checks.families.build.checks import BLD001, BLD002
from checks.families.build.settings import BuildSettings

FAMILY = Family(
    "build",
    "BLD",
    (
        BLD001,
        BLD002,
    ),
    BuildSettings,
)
