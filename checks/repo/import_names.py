"""Which distribution provides an import name.

From the fresh environment when there is one (the import names its installed
distributions provide, read by `checks.environment.distributions.environment_names` and
passed in as `installed`), and otherwise from a table of the usual surprises (`sklearn` is
scikit-learn, `cv2` is opencv-python, `PIL` is Pillow, ...) and of the common
distributions named as they are imported (`numpy`, `pandas`). `known_distribution` says
None beyond what these know: a name guessed from the import can install an unrelated
project. `distribution_for` falls back to the import name itself, for words only.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from functools import cache
from importlib import resources

from packaging.utils import canonicalize_name

_NAMESPACES = ("google", "azure", "backports", "jaraco", "zope", "ruamel", "sphinxcontrib")


@cache
def _table() -> Mapping[str, tuple[str, ...]]:
    """Import name -> distributions that provide it (the first is the one to suggest),
    from checks/data/import-names.tsv."""
    text = resources.files("reprobot.checks").joinpath("data/import-names.tsv").read_text("utf-8")
    rows = csv.reader((line for line in text.splitlines() if line and line[0] != "#"), "excel-tab")
    return {row[0]: tuple(r for r in row[1:] if r) for row in rows if len(row) >= 2}


def known_names() -> Mapping[str, str]:
    """Import name -> the distribution to suggest for it."""
    return {module: dists[0] for module, dists in _table().items()}


def accepted(module: str, dotted: str = "") -> frozenset[str]:
    """Canonical names of every distribution that counts as declaring `module`."""
    names = {canonicalize_name(module)}
    for key in _prefixes(dotted or module):
        names.update(canonicalize_name(d) for d in _table().get(key, ()))
    return frozenset(names)


def known_distribution(
    module: str,
    dotted: str = "",
    *,
    installed: Mapping[str, tuple[str, ...]] | None = None,
    declared: Iterable[str] = (),
) -> str | None:
    """The distribution that provides `import module`, when the fresh environment or the
    table knows it; None when it would be a guess."""
    if (installed or {}).get(module) or any(k in _table() for k in _prefixes(dotted or module)):
        return distribution_for(module, dotted, installed=installed, declared=declared)
    return None


def distribution_for(
    module: str,
    dotted: str = "",
    *,
    installed: Mapping[str, tuple[str, ...]] | None = None,
    declared: Iterable[str] = (),
) -> str:
    """The distribution to declare for `import module` (canonical name where known)."""
    declared = set(declared)
    candidates = (installed or {}).get(module, ())
    if candidates:
        chosen = [c for c in candidates if c in declared] or _by_dotted(candidates, dotted)
        return chosen[0]
    table = known_names()
    for key in _prefixes(dotted or module):
        if key in table:
            return table[key]
    if module in _NAMESPACES and dotted.count(".") >= 1:
        parts = dotted.split(".")
        return canonicalize_name("-".join(parts[:3] if parts[1] == "cloud" else parts[:2]))
    return canonicalize_name(module)


def _prefixes(dotted: str) -> list[str]:
    parts = dotted.split(".")
    return [".".join(parts[:i]) for i in range(len(parts), 0, -1)]


def _by_dotted(candidates: tuple[str, ...], dotted: str) -> list[str]:
    wanted = canonicalize_name(dotted.replace(".", "-")) if dotted else ""
    ordered = sorted(candidates, key=lambda c: (not wanted.startswith(c), -len(c), c))
    return ordered
