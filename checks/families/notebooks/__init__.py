"""Notebooks: they run, their stored results come out again, their cells were run in order."""

from __future__ import annotations

from reprobot.checks.core.check import Family
from reprobot.checks.families.notebooks.checks import NBK001, NBK002, NBK003
from reprobot.checks.families.notebooks.execute import kernel_installs
from reprobot.checks.families.notebooks.settings import NotebookSettings

FAMILY = Family(
    "notebooks", "NBK", (NBK001, NBK002, NBK003), NotebookSettings, installs=kernel_installs
)
