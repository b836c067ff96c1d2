"""The check families: one package each, whose name is its configuration key.

Adding a family is one line here. The order is report order.
"""

from __future__ import annotations

from reprobot.checks.core.check import Family
from reprobot.checks.families import (
    build,
    citation,
    data,
    dependencies,
    docs,
    languages,
    licence,
    notebooks,
    portability,
    run,
    tests,
)

FAMILIES: tuple[Family, ...] = (
    citation.FAMILY,
    licence.FAMILY,
    docs.FAMILY,
    dependencies.FAMILY,
    build.FAMILY,
    tests.FAMILY,
    run.FAMILY,
    notebooks.FAMILY,
    portability.FAMILY,
    data.FAMILY,
    languages.FAMILY,
)
