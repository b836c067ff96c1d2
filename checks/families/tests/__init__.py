"""Tests: a test suite exists and passes in the fresh environment."""

from __future__ import annotations

from reprobot.checks.core.check import Family
from reprobot.checks.families.tests.checks import TST001, TST002
from reprobot.checks.families.tests.run import suite_installs
from reprobot.checks.families.tests.settings import TestSettings

FAMILY = Family(
    "tests",
    "TST",
    (
        TST001,
        TST002,
    ),
    TestSettings,
    installs=suite_installs,
)
