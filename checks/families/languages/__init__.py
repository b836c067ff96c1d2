"""Languages: what the code is written in, what was examined of each, and the R and Julia
packages it needs."""

from __future__ import annotations

from reprobot.checks.core.check import Family
from reprobot.checks.families.languages.checks import LNG001, LNG002, LNG003, LNG004

FAMILY = Family("languages", "LNG", (LNG001, LNG002, LNG003, LNG004))
