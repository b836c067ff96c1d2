"""Portability: no absolute paths into one person's machine."""

from __future__ import annotations

from reprobot.checks.core.check import Family
from reprobot.checks.families.portability.checks import PTH001

FAMILY = Family("portability", "PTH", (PTH001,))
