"""The pins of the lock files a repository commits: the record of what worked."""

from __future__ import annotations

import json
import re

from packaging.utils import canonicalize_name

from reprobot.checks.core.check import Context
from reprobot.checks.core.toml import parse_toml
from reprobot.checks.families.dependencies.locks import committed_locks

MAX_PINS = 2000
_PIN = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?\s*==\s*([^\s;#,]+)")


def _pins_of(name: str, text: str) -> list[str]:
    found: list[tuple[str, str]] = []
    if name in ("uv.lock", "poetry.lock", "pdm.lock"):
        data, _ = parse_toml(text, name)
        for package in data.get("package", []) if isinstance(data, dict) else []:
            source = package.get("source") if isinstance(package, dict) else None
            editable = isinstance(source, dict) and ("editable" in source or "virtual" in source)
            if isinstance(package, dict) and not editable and package.get("version"):
                found.append((str(package.get("name", "")), str(package["version"])))
    elif name == "Pipfile.lock":
        try:
            data = json.loads(text)
        except ValueError:
            return []
        for name_, entry in (data.get("default") or {}).items() if isinstance(data, dict) else ():
            version = entry.get("version", "") if isinstance(entry, dict) else ""
            if version.startswith("=="):
                found.append((name_, version[2:]))
    else:
        found = [(m.group(1), m.group(2)) for line in text.splitlines() if (m := _PIN.match(line))]
    return [f"{canonicalize_name(n)}=={v}" for n, v in found if n][:MAX_PINS]


def lock_pins(ctx: Context) -> tuple[str, tuple[str, ...]] | None:
    """Fact provider: (file, pins) of the first committed lock with pins in it, or None."""
    for name in committed_locks(ctx):
        read = ctx.snapshot.read_text(name)
        if read.ok and read.text and (pins := _pins_of(name, read.text)):
            return name, tuple(pins)
    return None
