"""Why `import pkg` failed in the fresh environment, read from the traceback.

The traceback's frames point into the environment's site-packages (or the clean-room
copy); they are mapped back to the repository's own paths so the finding lands on the
line that imports the missing module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from reprobot.checks.core.snapshot import Snapshot
from reprobot.checks.families.build.compile import python2_construct
from reprobot.checks.repo import import_names

_FRAME = re.compile(r'^\s*File "(?P<file>[^"]+)", line (?P<line>\d+)', re.M)
_MISSING = re.compile(r"^(?:ModuleNotFoundError|ImportError): No module named '(?P<name>[\w.]+)'")
_EXCEPTION = re.compile(
    r"^(?P<type>[A-Za-z_][\w.]*(?:Error|Exception|Warning|Exit)): ?(?P<msg>.*)$"
)
_SYNTAX_AT = re.compile(r'^\s*File "(?P<file>[^"]+)", line (?P<line>\d+)\s*$', re.M)


@dataclass(frozen=True)
class ImportFailure:
    """What went wrong importing one name, in the repository's terms."""

    name: str  # the import name tried, e.g. "ocean"
    error: str  # the exception line, e.g. "ModuleNotFoundError: No module named 'yaml'"
    missing: str | None = None  # top-level module that is not installed
    path: str | None = None  # repository path of the line that failed
    line: int | None = None
    python2: str | None = None  # the Python 2 construct, for a SyntaxError that is one


def distribution_for(module: str) -> str:
    """The distribution to declare for `import module` (the usual surprises included:
    `yaml` is PyYAML, `sklearn` scikit-learn, `pkg_resources` setuptools)."""
    return import_names.distribution_for(module.split(".", maxsplit=1)[0], module)


def repository_path(frame: str, snapshot: Snapshot, workspace: str | None = None) -> str | None:
    """The repository file a traceback frame points at (installed copy or clean room)."""
    frame = frame.replace("\\", "/")
    if workspace and frame.startswith(workspace.rstrip("/") + "/"):
        rel = frame[len(workspace.rstrip("/")) + 1 :]
        return rel if snapshot.exists(rel) else None
    if "/site-packages/" not in frame:
        return None
    rel = frame.rsplit("/site-packages/", 1)[1]
    for candidate in (rel, f"src/{rel}"):
        if snapshot.exists(candidate):
            return candidate
    matches = [f for f in snapshot.files if f.endswith(f"/{rel}")]
    return matches[0] if len(matches) == 1 else None


def analyse(
    name: str, output: str, snapshot: Snapshot, workspace: str | None = None
) -> ImportFailure:
    """Read a Python traceback: the exception, the missing module, the repository line."""
    lines = [ln for ln in output.rstrip().splitlines() if ln.strip()]
    error = next(
        (ln.strip() for ln in reversed(lines) if _EXCEPTION.match(ln.strip())),
        lines[-1].strip() if lines else "the import failed without a message",
    )[:400]
    missing_match = _MISSING.match(error)
    missing = missing_match.group("name").split(".")[0] if missing_match else None
    path = line = None
    for frame in _FRAME.finditer(output):
        mapped = repository_path(frame.group("file"), snapshot, workspace)
        if mapped is not None:
            path, line = mapped, int(frame.group("line"))
    python2 = None
    if error.startswith(("SyntaxError", "TabError", "IndentationError")):
        at = list(_SYNTAX_AT.finditer(output))
        if at:
            mapped = repository_path(at[-1].group("file"), snapshot, workspace)
            if mapped is not None:
                path, line = mapped, int(at[-1].group("line"))
        _, _, message = error.partition(": ")
        fake = SyntaxError(message)
        fake.text = _source_line(output)
        python2 = python2_construct(fake)
    return ImportFailure(name, error, missing, path, line, python2)


def _source_line(output: str) -> str:
    """The source line Python prints under a SyntaxError's `File ..., line N`."""
    lines = output.splitlines()
    for index in range(len(lines) - 1, -1, -1):
        if _SYNTAX_AT.match(lines[index]) and index + 1 < len(lines):
            return lines[index + 1]
    return ""


def declared_in_extra(missing: str, extras: dict[str, set[str]]) -> str | None:
    """The optional extra that declares a distribution providing `missing`, if one does."""
    wanted = import_names.accepted(missing)
    for extra, names in sorted(extras.items()):
        if wanted & names:
            return extra
    return None
