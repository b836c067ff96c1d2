"""The project's own layout: the import names of its packages."""

from __future__ import annotations

from reprobot.checks.core.snapshot import Snapshot

NOT_PACKAGES = frozenset(
    {"tests", "test", "testing", "docs", "doc", "examples", "example", "scripts", "benchmarks"}
    | {"notebooks", "data", "build", "dist", "tools", "bin", "site", "conftest", "setup"}
)


def package_modules(snapshot: Snapshot) -> tuple[str, ...]:
    """Import names of the project's own packages, from the layout (src layout too)."""
    found: set[str] = set()
    for path in snapshot.with_suffix(".py"):
        parts = path.split("/")
        if parts[0] == "src" and len(parts) >= 2:
            name = parts[1][:-3] if len(parts) == 2 else parts[1]
        elif len(parts) == 2 and parts[1] == "__init__.py":
            name = parts[0]
        else:
            continue
        if name.isidentifier() and name not in NOT_PACKAGES:
            found.add(name)
    return tuple(sorted(found))
