"""Citation: a CITATION.cff exists, is valid CFF 1.2.0 and agrees with the release."""

from __future__ import annotations

from reprobot.checks.core.check import Family
from reprobot.checks.families.citation.checks import CIT001, CIT002, CIT003
from reprobot.checks.families.citation.settings import CitationSettings

FAMILY = Family(
    "citation",
    "CIT",
    (
        CIT001,
        CIT002,
        CIT003,
    ),
    CitationSettings,
)
