"""Data: the files the code reads are there or documented; large files are in Git LFS."""

from __future__ import annotations

from reprobot.checks.core.check import Family
from reprobot.checks.families.data.checks import DAT001, DAT002
from reprobot.checks.families.data.settings import DataSettings

FAMILY = Family("data", "DAT", (DAT001, DAT002), DataSettings)
