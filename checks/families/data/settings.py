"""Settings of the data family."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class DataSettings:
    large_file_mb: float = field(
        default=50.0,
        metadata={
            "help": "committed files larger than this many MB belong in Git LFS (DAT002)",
            "positive": True,
            "at_most": 1024 * 1024,
        },
    )
