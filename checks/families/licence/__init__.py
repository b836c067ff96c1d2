"""Licence: a recognised licence file, in agreement with the package metadata."""

from __future__ import annotations

from reprobot.checks.core.check import Family
from reprobot.checks.families.licence.checks import LIC001

FAMILY = Family("licence", "LIC", (LIC001,))
