"""Everything that examines a repository. Knows nothing of GitHub."""

from __future__ import annotations

__version__ = "0.1.0"
