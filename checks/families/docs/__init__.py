"""Docs: the README says how to install and how to run the work."""

from __future__ import annotations

from reprobot.checks.core.check import Family
from reprobot.checks.families.docs.checks import DOC001

FAMILY = Family("docs", "DOC", (DOC001,))
