"""The machine's settings for the fresh environment, read from the process environment
once per run into frozen data:

- `REPROBOT_UV_CACHE`: uv's shared cache (default `<cache home>/reprobot/uv-shared`);
- `REPROBOT_FIND_LINKS`: install only from these directories of wheels and sdists
  (`--no-index --find-links`), separated like `PATH`;
- `REPROBOT_PYTHON_DOWNLOADS=never`: use local Pythons only, never a managed download;
- `REPROBOT_OFFLINE=1` (`reprobot check --offline`): no network and no fresh environment:
  the static checks run, and what needs more says it was not examined;
- `REPROBOT_FIGURES_DIR`: where the notebook comparison writes its side-by-side figures
  (none are written without it);
- `PYENV_ROOT`: where pyenv keeps its Pythons (default `~/.pyenv`);
- `XDG_CACHE_HOME`: the cache home (default `~/.cache`);
- pip's and uv's own index and certificate settings, honoured or passed on to uv.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeAlias

from reprobot.checks.core.check import Context

# pip's settings uv does not read itself, and uv's own that take precedence over them.
PIP_AND_UV = (
    "PIP_CERT",
    "SSL_CERT_FILE",
    "PIP_INDEX_URL",
    "UV_INDEX_URL",
    "UV_DEFAULT_INDEX",
    "PIP_EXTRA_INDEX_URL",
    "UV_EXTRA_INDEX_URL",
    "UV_INDEX",
    "PIP_FIND_LINKS",
    "UV_FIND_LINKS",
    "PIP_NO_INDEX",
    "UV_NO_INDEX",
)


@dataclass(frozen=True)
class MachineSettings:
    cache_home: Path
    pyenv_root: Path
    uv_cache: Path | None = None
    find_links: tuple[str, ...] | None = None  # None: the configured index, not a local one
    python_downloads: bool = True
    offline: bool = False
    figures_dir: Path | None = None  # where side-by-side figures go (None: nowhere)
    pip: Mapping[str, str] = field(default_factory=dict, hash=False)  # those of PIP_AND_UV set

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> MachineSettings:
        local = environ.get("REPROBOT_FIND_LINKS", "").strip()
        return cls(
            cache_home=Path(environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"),
            pyenv_root=Path(environ.get("PYENV_ROOT") or Path.home() / ".pyenv"),
            uv_cache=Path(environ["REPROBOT_UV_CACHE"])
            if environ.get("REPROBOT_UV_CACHE")
            else None,
            find_links=tuple(d for d in local.split(os.pathsep) if d) if local else None,
            python_downloads=environ.get("REPROBOT_PYTHON_DOWNLOADS", "automatic") != "never",
            offline=environ.get("REPROBOT_OFFLINE", "").lower() in ("1", "true", "yes", "on"),
            figures_dir=Path(environ["REPROBOT_FIGURES_DIR"])
            if environ.get("REPROBOT_FIGURES_DIR")
            else None,
            pip={name: environ[name] for name in PIP_AND_UV if name in environ},
        )


# The machine's settings as a function takes them: read already, to read from a mapping, or
# None to read the process environment at the call.
MachineLike: TypeAlias = "MachineSettings | Mapping[str, str] | None"


def machine(given: MachineLike = None) -> MachineSettings:
    """`given` itself, or the settings read from a mapping (default: the process
    environment, read now)."""
    if isinstance(given, MachineSettings):
        return given
    return MachineSettings.from_environ(os.environ if given is None else given)


def machine_settings(ctx: Context) -> MachineSettings:
    """Fact provider: this machine's settings, read once a run."""
    return MachineSettings.from_environ(os.environ)
