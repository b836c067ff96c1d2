"""Settings of the citation family."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class CitationSettings:
    file: str = field(default="CITATION.cff", metadata={"help": "path of the citation file"})
