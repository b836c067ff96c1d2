"""Everything that faces GitHub and people: CLI, rendering, the GitHub client, the action."""

from __future__ import annotations
