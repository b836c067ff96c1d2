"""Licence: a recognised licence file, in agreement with the package metadata."""

from __future__ import annotations

from checks.core.check import Family
from checks.families.licence.checks import LIC001

FAMILY = Family("licence", "LIC", (LIC001,))
