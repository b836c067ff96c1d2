"""New requirement lines, written into the manifest the repository already uses.

requirements files get lines appended; `pyproject.toml` gets entries in `[project]
dependencies` (or Poetry's table); `environment.yml` gets `pip:` entries through a
round-trip YAML edit that keeps comments; a Pipfile gets `[packages]` entries; setup.cfg
gets `install_requires` lines. A `setup.py` is never rewritten: the lines are shown.

What only the tests, the docs, the examples or an optional feature need goes into a
group of its own (`add_to_group`): an extra of `[project.optional-dependencies]` (or a
`[dependency-groups]` group, when the file has them), a Poetry group, a setup.cfg extra,
a Pipfile's `[dev-packages]`, or a requirements file of its own (`requirements-test.txt`).
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ruamel.yaml.error import YAMLError

from reprobot.checks.core.snapshot import Snapshot
from reprobot.checks.core.yaml import loader as bounded_loader
from reprobot.checks.manifests.model import Manifest


@dataclass(frozen=True)
class Addition:
    path: str
    lines: tuple[str, ...]  # the exact lines to add, as they appear in the file
    content: str | None  # the whole new file, or None when it cannot be edited safely
    where: str  # "to requirements.txt", "to [project] dependencies in pyproject.toml"


def _text(snapshot: Snapshot, path: str, edited: Mapping[str, str] | None = None) -> str | None:
    """The file's text (`edited`: files already rewritten by an earlier addition)."""
    if edited and path in edited:
        return edited[path]
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


def dependencies_span(text: str) -> tuple[int, int] | None:
    """Where `[project] dependencies = [...]` stands in a pyproject.toml: (`[`, `]`)."""
    section = _section(text, "project")
    if section is None:
        return None
    start, end = section
    match = re.search(r"^dependencies\s*=\s*\[", text[start:end], re.MULTILINE)
    if match is None:
        return None
    opening = start + match.end() - 1
    closing = _closing_bracket(text, opening)
    return None if closing is None else (opening, closing)


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
    return _extend_list(text, start + match.end() - 1, names), lines


def _extend_list(text: str, opening: int, names: Sequence[str]) -> str | None:
    """`text` with `names` added to the TOML list whose `[` is at `opening`."""
    lines = tuple(f'    "{name}",' for name in names)
    closing = _closing_bracket(text, opening)
    if closing is None:
        return None
    inside = text[opening + 1 : closing]
    if "\n" not in inside:
        items = [i for i in [inside.strip().rstrip(","), *(f'"{n}"' for n in names)] if i]
        return text[: opening + 1] + ", ".join(items) + text[closing:]
    before = text[:closing].rstrip(" \t")
    if not before.rstrip().endswith((",", "[")):
        before = before.rstrip() + ",\n"
    return before + "".join(f"{line}\n" for line in lines) + text[closing:]


def _toml_list(text: str, header: str, key: str, names: Sequence[str]) -> str | None:
    """`text` with `names` in the list `key` of the table `[header]` (made if need be)."""
    entries = ["[", *(f'    "{name}",' for name in names), "]"]
    section = _section(text, header)
    if section is None:
        project = _section(text, "project")
        inline = header.split(".", 1)[-1]
        if project is not None and re.search(
            rf"^{re.escape(inline)}\s*=", text[project[0] : project[1]], re.MULTILINE
        ):
            return None  # declared inline in [project]: not rewritten
        return _append(text, ["", f"[{header}]", f"{key} = {entries[0]}", *entries[1:]])
    start, end = section
    match = re.search(rf'^"?{re.escape(key)}"?\s*=\s*\[', text[start:end], re.MULTILINE)
    if match is None:
        head = text[:end].rstrip("\n") + "\n"
        block = f"{key} = [\n" + "".join(f"{e}\n" for e in entries[1:])
        return head + block + ("\n" + text[end:] if text[end:] else "")
    return _extend_list(text, start + match.end() - 1, names)


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


def add_requirements(
    snapshot: Snapshot,
    found: Manifest,
    names: Sequence[str],
    *,
    edited: Mapping[str, str] | None = None,
) -> Addition:
    """Where and how to declare `names` (distribution names) in this repository;
    `edited` holds the files earlier additions of the same fix rewrote."""
    kind, path = found.kind, found.primary or "requirements.txt"
    text = _text(snapshot, path, edited)
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


# The group each place goes to, and the names an existing group may already have.
GROUPS = {
    "test": ("test", "tests", "testing", "dev"),
    "dev": ("dev", "develop", "development"),
    "docs": ("docs", "doc"),
    "examples": ("examples", "notebooks"),
    "optional": ("optional", "all"),
}


def _existing(names: Sequence[str], wanted: Sequence[str]) -> str:
    """The first of `wanted` the repository already uses (among `names`), else the first."""
    lowered = {n.lower(): n for n in names}
    return next((lowered[w] for w in wanted if w in lowered), wanted[0])


def _requirements_file(snapshot: Snapshot, place: str) -> str:
    """The requirements file for `place`: one the repository has, else a new one."""
    words = GROUPS[place]
    candidates = [
        f
        for f in snapshot.files
        if f.lower().endswith(".txt")
        and (
            ("/" not in f and "requirements" in f.lower())
            or f.lower().startswith("requirements/")
            or (place == "docs" and f.lower() in ("docs/requirements.txt", "doc/requirements.txt"))
        )
    ]
    for word in words:
        for path in sorted(candidates):
            stem = path.lower().rsplit("/", 1)[-1].removesuffix(".txt")
            if stem.endswith((f"-{word}", f"_{word}", f"/{word}")) or stem == word:
                return path
            if place == "docs" and path.lower().startswith(("docs/", "doc/")):
                return path
    return f"requirements-{words[0]}.txt"


def add_to_group(
    snapshot: Snapshot,
    found: Manifest,
    names: Sequence[str],
    place: str,
    *,
    edited: Mapping[str, str] | None = None,
) -> Addition:
    """Where and how to declare `names`, which only `place` ("test", "dev", "docs",
    "examples", "optional") needs: the package's extras or groups, else a requirements file."""
    package = found.package_file if found.package else None
    text = _text(snapshot, package, edited) if package else None
    if package == "pyproject.toml" and text is not None:
        return _pyproject_group(text, names, place, poetry=found.kind == "poetry")
    if package == "setup.cfg" and text is not None:
        extra = _existing(_cfg_extras(text), GROUPS[place])
        lines = tuple(f"    {name}" for name in names)
        content = _setup_cfg_extra(text, extra, names)
        return Addition(package, lines, content, f"to the `{extra}` extra in {package}")
    if package == "setup.py":
        extra = GROUPS[place][0]
        lines = (f'extras_require={{"{extra}": [{", ".join(repr(n) for n in names)}]}}',)
        return Addition(package, lines, None, f"to the `{extra}` extra in {package}")
    if found.kind == "pipfile" and found.primary and place == "test":
        pipfile = _text(snapshot, found.primary, edited) or ""
        content = _toml_table(pipfile, "dev-packages", _stars(names))
        where = f"to [dev-packages] in {found.primary}"
        return Addition(found.primary, _stars(names), content, where)
    if found.kind == "conda" and place != "docs":
        return add_requirements(snapshot, found, names, edited=edited)  # its one environment
    path = _requirements_file(snapshot, place)
    text = _text(snapshot, path, edited)
    content = _append(text, names) if text is not None else None
    return Addition(path, tuple(names), content, f"to {path}")


def _stars(names: Sequence[str]) -> tuple[str, ...]:
    return tuple(f'{name} = "*"' for name in names)


def _pyproject_group(text: str, names: Sequence[str], place: str, *, poetry: bool) -> Addition:
    path = "pyproject.toml"
    if poetry:
        groups = re.findall(r"^\[tool\.poetry\.group\.([\w-]+)\.dependencies\]", text, re.M)
        group = _existing(groups, GROUPS[place])
        header = f"tool.poetry.group.{group}.dependencies"
        content = _toml_table(text, header, _stars(names))
        return Addition(path, _stars(names), content, f"to the `{group}` group in {path}")
    lines = tuple(f'    "{name}",' for name in names)
    groups_section = _section(text, "dependency-groups")
    if place == "test" and groups_section is not None:
        body = text[groups_section[0] : groups_section[1]]
        group = _existing(re.findall(r'^"?([\w.-]+)"?\s*=', body, re.M), GROUPS[place])
        edited = _toml_list(text, "dependency-groups", group, names)
        return Addition(path, lines, edited, f"to the `{group}` dependency group in {path}")
    extras_section = _section(text, "project.optional-dependencies")
    body = text[extras_section[0] : extras_section[1]] if extras_section else ""
    extra = _existing(re.findall(r'^"?([\w.-]+)"?\s*=', body, re.M), GROUPS[place])
    edited = _toml_list(text, "project.optional-dependencies", extra, names)
    return Addition(path, lines, edited, f"to the `{extra}` extra in {path}")


def _cfg_extras(text: str) -> list[str]:
    section = re.search(r"^\[options\.extras_require\][^\n]*\n((?:(?!\[)[^\n]*\n?)*)", text, re.M)
    return re.findall(r"^([\w.-]+)\s*=", section.group(1), re.M) if section else []


def _setup_cfg_extra(text: str, extra: str, names: Sequence[str]) -> str | None:
    lines = "".join(f"    {name}\n" for name in names)
    section = re.search(r"^\[options\.extras_require\][^\n]*\n", text, re.M)
    if section is None:
        return _append(text, ["", "[options.extras_require]", f"{extra} ="]) + lines
    key = re.compile(rf"^{re.escape(extra)}\s*=[^\n]*\n((?:[ \t]+\S[^\n]*\n?)*)", re.M)
    match = key.search(text, section.end())
    if match is None:
        return text[: section.end()] + f"{extra} =\n" + lines + text[section.end() :]
    body = text[: match.end()]
    if not body.endswith("\n"):
        body += "\n"
    return body + lines + text[match.end() :]
