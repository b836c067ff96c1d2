"""Everything that examines a repository. Knows nothing of GitHub.

This is the package's public API, the one the bot uses: the registered families bound to
the engine, the configuration loader, and the report's data types.
"""

from __future__ import annotations

__version__ = "0.1.0"

from pathlib import Path

from reprobot.checks.core import engine, registry
from reprobot.checks.core.check import Check, Context, Family
from reprobot.checks.core.config import Config, ConfigError
from reprobot.checks.core.config import load_config as _load_config
from reprobot.checks.core.config_schema import schema_text
from reprobot.checks.core.fetching import Fetched, fetch_repository
from reprobot.checks.core.model import Report
from reprobot.checks.core.reaping import stop_descendants, watch_descendants
from reprobot.checks.core.runner import RunOutcome
from reprobot.checks.core.sandbox import sandbox_owned
from reprobot.checks.core.templates import template_environment
from reprobot.checks.families import FAMILIES
from reprobot.checks.survey import repository_facts, run_reprobot

__all__ = [
    "FAMILIES",
    "Check",
    "Config",
    "ConfigError",
    "Context",
    "Family",
    "Fetched",
    "Report",
    "RunOutcome",
    "__version__",
    "all_checks",
    "check_repository",
    "configuration_schema",
    "fetch_repository",
    "load_config",
    "repository_facts",
    "run_reprobot",
    "sandbox_owned",
    "stop_descendants",
    "template_environment",
    "unknown_patterns",
    "watch_descendants",
]

unknown_patterns = engine.unknown_patterns


def all_checks() -> tuple[type[Check], ...]:
    """Every registered check, in report order (family order, then code)."""
    return registry.all_checks(FAMILIES)


def load_config(root: Path) -> Config:
    """`.reprobot.yml` or `[tool.reprobot]` of the repository at `root`, checked."""
    return _load_config(root, engine.schema(FAMILIES))


def configuration_schema() -> str:
    """The JSON Schema of `.reprobot.yml` for every registered family, as committed in
    `schema/reprobot.schema.json` (`python3 scripts/dev.py schema`)."""
    return schema_text(engine.schema(FAMILIES))


def check_repository(
    path: Path,
    *,
    select: tuple[str, ...] = (),
    ignore: tuple[str, ...] = (),
    config: Config | None = None,
) -> Report:
    """Scan, evaluate and report. Raises ConfigError for a broken configuration."""
    return engine.check_repository(path, FAMILIES, select=select, ignore=ignore, config=config)
