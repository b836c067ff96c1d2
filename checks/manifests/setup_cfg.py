"""`setup.cfg`'s `[options] install_requires` and `python_requires`, and
`[options.extras_require]`; a `[metadata] name` makes it a package."""

from __future__ import annotations

import configparser

from reprobot.checks.core.model import Finding
from reprobot.checks.core.snapshot import Snapshot
from reprobot.checks.manifests.model import Part, PythonRequest, read_file
from reprobot.checks.manifests.requirement import Requirements


def parse_setup_cfg(snapshot: Snapshot, path: str) -> Part:
    text = read_file(snapshot, path)
    if isinstance(text, Part):
        return text
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text, source=path)
    except configparser.Error as exc:
        line = getattr(exc, "lineno", None)
        return Part(problems=(Finding(f"{path} could not be read: {exc}", path, line),))
    found = Requirements(path)
    package = parser.has_section("metadata") and parser.has_option("metadata", "name")
    python = None
    if parser.has_section("options"):
        _cfg_list(found, parser.get("options", "install_requires", fallback=""), text, "main")
        requires = parser.get("options", "python_requires", fallback="").strip()
        if requires:
            python = PythonRequest(requires, f"python_requires {requires} in {path}", path, None)
    if parser.has_section("options.extras_require"):
        for extra, raw in parser.items("options.extras_require"):
            _cfg_list(found, raw, text, f"extra:{extra}")
    return found.part(python=python, package=package)


def _cfg_list(found: Requirements, raw: str, text: str, scope: str) -> None:
    """One `install_requires`-style value: a requirement a line (`;` ends one too)."""
    for item in raw.replace(";\n", "\n").splitlines():
        value = item.split(" #")[0].strip()
        if not value or value.startswith("file:"):
            continue
        line = next(
            (n for n, t in enumerate(text.splitlines(), 1) if t.strip().endswith(value)), None
        )
        found.add(value, line, scope)
