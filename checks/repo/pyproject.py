"""The one reader of `pyproject.toml`: parsed once a run, with its problem and line.

Every layer that needs the file asks here (`read_pyproject(snapshot)` or the fact
`pyproject(ctx)`), so a broken file gives the same finding wherever it is met, and
callers that only want settings read `data`, which is `{}` when the file is absent or broken.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from reprobot.checks.core.check import Context
from reprobot.checks.core.model import Finding
from reprobot.checks.core.snapshot import Snapshot
from reprobot.checks.core.toml import load_toml

PYPROJECT = "pyproject.toml"


@dataclass(frozen=True)
class Pyproject:
    path: str
    present: bool = False
    data: Mapping[str, Any] = field(default_factory=dict)  # {} when absent or broken
    text: str = ""
    problem: Finding | None = None  # unreadable, or not valid TOML (with the line)

    def table(self, *keys: str) -> Mapping[str, Any]:
        """The table at `keys` (`table("tool", "pytest")`), `{}` when absent or not a table."""
        node: Any = self.data
        for key in keys:
            node = node.get(key) if isinstance(node, Mapping) else None
        return node if isinstance(node, Mapping) else {}


def _parse(snapshot: Snapshot, path: str) -> Pyproject:
    if not snapshot.exists(path):
        return Pyproject(path)
    data, text, problem = load_toml(snapshot, path)
    return Pyproject(path, True, data or {}, text, problem)


def read_pyproject(snapshot: Snapshot, path: str = PYPROJECT) -> Pyproject:
    """`path` (the root `pyproject.toml` by default) parsed once per snapshot."""
    return snapshot.parsed(path, _parse)


def pyproject(ctx: Context) -> Pyproject:
    """Fact provider: the root `pyproject.toml`."""
    return read_pyproject(ctx.snapshot)
