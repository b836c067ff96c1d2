"""Notebooks: they run, their stored results come out again, their cells were run in order."""

from __future__ import annotations

from checks.core.check import Family
from checks.families.notebooks.checks import NBK001, NBK002, NBK003
from checks.families.notebooks.settings import NotebookSettings

FAMILY = Family("notebooks", "NBK", (NBK001, NBK002, NBK003), NotebookSettings)
