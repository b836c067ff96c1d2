"""Settings of the notebooks family (the `notebooks` section of the configuration)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from reprobot.checks.core.settings import SettingError, seconds

# Never executed, whatever `include` says: editor checkpoints, built documentation,
# virtual environments and installed packages.
ALWAYS_EXCLUDED = (
    ".ipynb_checkpoints/*",
    "*/.ipynb_checkpoints/*",
    "_build/*",
    "*/_build/*",
    "site-packages/*",
    "*/site-packages/*",
    ".venv/*",
    "*/.venv/*",
    "venv/*",
    "*/venv/*",
    ".tox/*",
    "*/.tox/*",
    "node_modules/*",
    "*/node_modules/*",
)


def _reasons(value: Any) -> Mapping[str, str]:
    if not isinstance(value, Mapping):
        raise SettingError(f"must map notebook paths to reasons, not {value!r}")
    out: dict[str, str] = {}
    for path, reason in value.items():
        if not isinstance(path, str) or not isinstance(reason, str) or not reason.strip():
            raise SettingError(f"`{path}` needs a reason, e.g. `{path}: needs the cluster's GPU`")
        out[path] = reason.strip()
    return out


def _scalar(value: Any) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, list | tuple):
        return all(_scalar(v) for v in value)
    if isinstance(value, Mapping):
        return all(isinstance(k, str) and _scalar(v) for k, v in value.items())
    return value is None or isinstance(value, str | int | bool)


def _parameters(value: Any) -> Mapping[str, Mapping[str, Any]]:
    if not isinstance(value, Mapping):
        raise SettingError(f"must map notebook paths to parameters, not {value!r}")
    out: dict[str, Mapping[str, Any]] = {}
    for path, names in value.items():
        if not isinstance(path, str) or not isinstance(names, Mapping):
            raise SettingError(f"`{path}` must map parameter names to values, e.g. `n: 10`")
        for name, item in names.items():
            if not isinstance(name, str) or not name.isidentifier():
                raise SettingError(f"`{path}`: `{name}` is not a Python name")
            if not _scalar(item):
                raise SettingError(f"`{path}.{name}`: {item!r} is not a plain value")
        out[path] = dict(names)
    return out


@dataclass(frozen=True)
class NotebookSettings:
    include: tuple[str, ...] = field(
        default=("*.ipynb",), metadata={"help": "notebooks to run (globs; `*` crosses `/`)"}
    )
    exclude: tuple[str, ...] = field(
        default=(),
        metadata={"help": "notebooks not to run (checkpoints, _build, venvs always excluded)"},
    )
    timeout: float = seconds(600.0, "seconds allowed for each notebook")
    cell_timeout: float = seconds(300.0, "seconds allowed for each cell")
    skip: Mapping[str, str] = field(
        default_factory=dict,
        metadata={"help": "notebook path -> why it is not run", "parse": _reasons},
    )
    parameters: Mapping[str, Mapping[str, Any]] = field(
        default_factory=dict,
        metadata={
            "help": "notebook path -> {name: value}, set after its `parameters` cell",
            "parse": _parameters,
        },
    )
    tolerance: float = field(
        default=1e-6,
        metadata={
            "help": "relative tolerance for numbers in outputs",
            "positive": True,
            "at_most": 1.0,
        },
    )
    reproduce: tuple[str, ...] = field(
        default=(),
        metadata={"help": "notebooks whose stored outputs must come out again (globs)"},
    )
