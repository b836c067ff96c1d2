"""New requirement lines, written into the manifest the repository already uses.

requirements files get lines appended; `pyproject.toml` gets entries in `[project]
dependencies` (or Poetry's table); `environment.yml` gets `pip:` entries through a
round-trip YAML edit that keeps comments; a Pipfile gets `[packages]` entries; setup.cfg
gets `install_requires` lines. A `setup.py` is never rewritten: the lines are shown.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass

from ruamel.yaml.error import YAMLError

from checks.core.snapshot import Snapshot
from checks.core.yaml import loader as bounded_loader
from checks.manifests.model import Manifest


@dataclass(frozen=True)
class Addition:
    path: str
    lines: tuple[str, ...]  # the exact lines to add, as they appear in the file
    content: str | None  # the whole new file, or None when it cannot be edited safely
    where: str  # "to requirements.txt", "to [project] dependencies in pyproject.toml"


def _text(snapshot: Snapshot, path: str) -> str | None:
    if not snapshot.exists(path):
        return ""
    read = snapshot.read_text(path)
    return read.text if read.ok else None


def _append(text: str, lines: Sequence[str]) -> str:
    if text and not text.endswith("\n"):
        text += "\n"
    return text + "".join(f"{line}\n" for line in lines)


def _closing_bracket(text: str, start: int) -> int | None:
    """Index of the `]` matching the `[` at `start`, skipping quoted strings."""
    depth, index, quote = 0, start, ""
    while index < len(text):
        char = text[index]
        if quote:
            if char == "\\":
                index += 1
            elif char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char == "#":
            newline = text.find("\n", index)
            index = len(text) if newline < 0 else newline
            continue
        elif char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
            if depth == 0:
                return index
        index += 1
    return None


def _section(text: str, header: str) -> tuple[int, int] | None:
    match = re.search(rf"^\[{re.escape(header)}\][^\n]*\n?", text, re.MULTILINE)
    if match is None:
        return None
    following = re.search(r"^\[", text[match.end() :], re.MULTILINE)
    end = match.end() + following.start() if following else len(text)
    return match.end(), end


def _pyproject(text: str, names: Sequence[str]) -> tuple[str | None, tuple[str, ...]]:
    lines = tuple(f'    "{name}",' for name in names)
    section = _section(text, "project")
    if section is None:
        return None, lines
    start, end = section
    body = text[start:end]
    match = re.search(r"^dependencies\s*=\s*\[", body, re.MULTILINE)
    if match is None:
        if re.search(r"^dynamic\s*=.*\"dependencies\"", body, re.MULTILINE):
            return None, lines
        insert = "dependencies = [\n" + "".join(f"{line}\n" for line in lines) + "]\n"
        return text[:start] + insert + text[start:], lines
    opening = start + match.end() - 1
    closing = _closing_bracket(text, opening)
    if closing is None:
        return None, lines
    inside = text[opening + 1 : closing]
    if "\n" not in inside:
        items = [i for i in [inside.strip().rstrip(","), *(f'"{n}"' for n in names)] if i]
        return text[: opening + 1] + ", ".join(items) + text[closing:], lines
    before = text[:closing].rstrip(" \t")
    if not before.rstrip().endswith((",", "[")):
        before = before.rstrip() + ",\n"
    return before + "".join(f"{line}\n" for line in lines) + text[closing:], lines


def _toml_table(text: str, header: str, entries: Sequence[str]) -> str:
    section = _section(text, header)
    if section is None:
        return _append(text, ["", f"[{header}]", *entries])
    _, end = section
    head = text[:end].rstrip("\n") + "\n"
    return head + "".join(f"{e}\n" for e in entries) + ("\n" + text[end:] if text[end:] else "")


def _conda(text: str, names: Sequence[str]) -> str | None:
    yaml = bounded_loader()
    yaml.indent(mapping=2, sequence=4, offset=2)
    try:
        data = yaml.load(text)
    except (YAMLError, ValueError, TypeError):
        return None
    if not isinstance(data, dict):
        return None
    deps = data.setdefault("dependencies", [])
    if not isinstance(deps, list):
        return None
    pip = next((d["pip"] for d in deps if isinstance(d, dict) and "pip" in d), None)
    if pip is None:
        if not any(isinstance(d, str) and d.split("=")[0].strip() == "pip" for d in deps):
            deps.append("pip")
        deps.append({"pip": list(names)})
    elif isinstance(pip, list):
        pip.extend(names)
    else:
        return None
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def _setup_cfg(text: str, names: Sequence[str]) -> str | None:
    match = re.search(r"^install_requires\s*=[^\n]*\n((?:[ \t]+\S[^\n]*\n?)*)", text, re.M)
    if match is None:
        return None
    insert = "".join(f"    {name}\n" for name in names)
    return text[: match.end()] + insert + text[match.end() :]


def add_requirements(snapshot: Snapshot, found: Manifest, names: Sequence[str]) -> Addition:
    """Where and how to declare `names` (distribution names) in this repository."""
    kind, path = found.kind, found.primary or "requirements.txt"
    text = _text(snapshot, path)
    if kind in ("requirements", "none") or text is None:
        return Addition(
            path,
            tuple(names),
            _append(text, names) if text is not None else None,
            f"to {path}",
        )
    if kind == "pyproject":
        content, lines = _pyproject(text, names)
        return Addition(path, lines, content, f"to [project] dependencies in {path}")
    if kind == "poetry":
        entries = tuple(f'{name} = "*"' for name in names)
        content = _toml_table(text, "tool.poetry.dependencies", entries)
        return Addition(path, entries, content, f"to [tool.poetry.dependencies] in {path}")
    if kind == "conda":
        lines = tuple(f"    - {name}" for name in names)
        return Addition(path, lines, _conda(text, names), f"to the pip: list in {path}")
    if kind == "pipfile":
        entries = tuple(f'{name} = "*"' for name in names)
        content = _toml_table(text, "packages", entries)
        return Addition(path, entries, content, f"to [packages] in {path}")
    if path.endswith("setup.cfg"):
        lines = tuple(f"    {name}" for name in names)
        return Addition(path, lines, _setup_cfg(text, names), f"to install_requires in {path}")
    lines = tuple(f'"{name}",' for name in names)
    return Addition(path, lines, None, f"to install_requires in {path}")
