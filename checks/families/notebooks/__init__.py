"""Notebooks: they run top to bottom in the fresh environment, in the order they were saved."""

from __future__ import annotations

from checks.core.check import Family
from checks.families.notebooks.checks import NBK001, NBK003
from checks.families.notebooks.settings import NotebookSettings

FAMILY = Family("notebooks", "NBK", (NBK001, NBK003), NotebookSettings)
