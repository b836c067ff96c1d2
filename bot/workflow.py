"""GitHub Actions workflow commands: masks, annotations, step outputs and the job summary.

Escaping follows the runner's toolkit (`@actions/core` command.ts) exactly; the runner shows
at most ten annotations of each level per step, so the worst ten are chosen here and the
full list goes to the job summary.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from reprobot.bot.markdown import clean
from reprobot.bot.truncate import cut_markdown, utf8_len
from reprobot.checks.core.model import Report, Status

ANNOTATIONS_PER_LEVEL = 10
SUMMARY_LIMIT = 1024 * 1024  # bytes per step; above it the runner drops the summary


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(
    name: str, message: str, properties: Mapping[str, str | int | None] | None = None
) -> str:
    props = ",".join(
        f"{key}={escape_property(str(value))}"
        for key, value in (properties or {}).items()
        if value is not None and value != ""
    )
    return f"::{name}{' ' + props if props else ''}::{escape_data(message)}"


def mask(value: str) -> str:
    """The command that hides `value` from the rest of the job's log."""
    return command("add-mask", value)


@dataclass(frozen=True)
class Annotation:
    level: str  # "error", "warning" or "notice"
    message: str
    title: str
    file: str | None = None
    line: int | None = None

    def command(self) -> str:
        return command(
            self.level,
            self.message,
            {"file": self.file, "line": self.line, "title": self.title},
        )


_LEVELS = {Status.FAIL: "error", Status.ERROR: "error", Status.WARN: "warning"}


def pick_annotations(report: Report, *, prefix: str = "") -> list[Annotation]:
    """At most ten errors (fail, error) and ten warnings, in report order.

    A result with findings that name files gets one annotation per such finding; otherwise
    one annotation for the result. `prefix` turns paths relative to the checked directory
    into paths relative to the repository root (the runner wants those).
    """
    chosen: dict[str, list[Annotation]] = {"error": [], "warning": []}
    for result in report.checks:
        level = _LEVELS.get(result.status)
        if level is None:
            continue
        title = clean(f"{result.code} {result.title}")
        placed = [f for f in result.findings if f.path]
        if not placed:
            message = clean(result.message or result.status.value)
            chosen[level].append(Annotation(level, message, title))
            continue
        for finding in placed:
            path = clean(f"{prefix.rstrip('/')}/{finding.path}" if prefix else str(finding.path))
            message = clean(finding.message)
            chosen[level].append(Annotation(level, message, title, path, finding.line))
    return chosen["error"][:ANNOTATIONS_PER_LEVEL] + chosen["warning"][:ANNOTATIONS_PER_LEVEL]


def emit(lines: Iterable[str], stream: TextIO) -> None:
    for line in lines:
        stream.write(line + "\n")
    stream.flush()


def emit_untrusted(text: str, stream: TextIO) -> None:
    """Print text that may quote the repository under test without the runner obeying any
    `::command::` inside it: command processing is stopped around it with a random token."""
    token = secrets.token_hex(16)
    stream.write(f"::stop-commands::{token}\n{text.rstrip()}\n::{token}::\n")
    stream.flush()


def write_outputs(path: Path, values: Mapping[str, str]) -> None:
    """Append `name<<DELIMITER` blocks to $GITHUB_OUTPUT, one random delimiter each."""
    parts: list[str] = []
    for name, value in values.items():
        delimiter = f"ghadelimiter_{secrets.token_hex(16)}"
        while delimiter in value or delimiter in name:
            delimiter = f"ghadelimiter_{secrets.token_hex(16)}"
        parts.append(f"{name}<<{delimiter}{os.linesep}{value}{os.linesep}{delimiter}{os.linesep}")
    with path.open("a", encoding="utf-8") as handle:
        handle.write("".join(parts))


def append_summary(path: Path, markdown: str, note: str) -> bool:
    """Append to $GITHUB_STEP_SUMMARY, keeping the whole file under 1 MiB.

    Returns whether the text had to be cut (`note` says so at the end of what is kept).
    """
    used = path.stat().st_size if path.exists() else 0
    text, was_cut = cut_markdown(markdown, SUMMARY_LIMIT - used - 1, note, measure=utf8_len)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(text if text.endswith("\n") else text + "\n")
    return was_cut
