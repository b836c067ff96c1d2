"""Configuration from `.reprobot.yml` and/or `[tool.reprobot]` in `pyproject.toml`.

The file is validated against the JSON Schema made from the families' settings
(`config_schema`); unknown keys, wrong types and broken files are usage errors that name
the file and the line of the first problem, in the words of the setting it breaks.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from reprobot.checks.core import settings as setting_types
from reprobot.checks.core.config_schema import config_schema
from reprobot.checks.core.model import cut
from reprobot.checks.core.snapshot import read_regular_text
from reprobot.checks.core.toml import parse_toml
from reprobot.checks.core.yaml import YamlProblem, load_yaml

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError

CONFIG_FILE = ".reprobot.yml"
MAX_CONFIG_BYTES = 1024 * 1024
S = TypeVar("S")
# Family name -> its settings dataclass: what a configuration may set, and the defaults.
Schema = Mapping[str, type]


def matches(code: str, patterns: Iterable[str]) -> str | None:
    """The first pattern that is `code` itself or a prefix of it."""
    for pattern in patterns:
        if code.upper().startswith(pattern.upper()):
            return pattern
    return None


class ConfigError(Exception):
    """A usage error in a configuration file: where it is and what to do."""

    def __init__(self, path: str, line: int | None, message: str) -> None:
        where = f"{path}:{line}" if line else path
        message = cut(message)  # a value quoted from a hostile file can be long
        super().__init__(f"{where}: {message}")
        self.path, self.line, self.message = path, line, message


@dataclass(frozen=True)
class Config:
    select: tuple[str, ...] = ()
    ignore: Mapping[str, str] = field(default_factory=dict)  # code or prefix -> reason
    families: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # as written
    sources: tuple[str, ...] = ()
    typed: Mapping[type, Any] = field(default_factory=dict)  # settings dataclass -> instance

    def settings(self, kind: type[S]) -> S:
        """The settings of the family whose dataclass is `kind`: as configured, else defaults."""
        found = self.typed.get(kind)
        return found if isinstance(found, kind) else kind()

    def runs(self, code: str) -> bool:
        """Whether the check `code` is selected and not ignored in this run."""
        selected = not self.select or matches(code, self.select) is not None
        return selected and matches(code, self.ignore) is None

    def family(self, name: str) -> Mapping[str, Any]:
        return self.families.get(name, {})

    def merged(self, select: tuple[str, ...], ignore: tuple[str, ...]) -> Config:
        """Command-line choices on top: `select` replaces, `ignore` adds."""
        ignores = dict(self.ignore)
        for code in ignore:
            ignores.setdefault(code, "ignored on the command line")
        return Config(select or self.select, ignores, self.families, self.sources, self.typed)


def _line_of(node: Any, key: str | None = None) -> int | None:
    lc = getattr(node, "lc", None)
    if lc is None:
        return None
    try:
        if key is not None:
            return int(lc.key(key)[0]) + 1
        return int(lc.line) + 1
    except (KeyError, TypeError, AttributeError):
        return None


def _codes(value: Any, path: str, line: int | None, key: str) -> tuple[str, ...]:
    if isinstance(value, str):
        items = [v for v in value.replace(",", " ").split()]
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        items = list(value)
    else:
        raise ConfigError(path, line, f"`{key}` must be a list of check codes or prefixes")
    return tuple(i.strip().upper() for i in items if i.strip())


def _ignores(value: Any, path: str, line: int | None, line_of: Any) -> dict[str, str]:
    if not isinstance(value, Mapping):
        return {
            code: "ignored in the configuration" for code in _codes(value, path, line, "ignore")
        }
    ignore = {}
    for code, reason in value.items():
        if not isinstance(reason, str) or not reason.strip():
            raise ConfigError(
                path,
                line_of(value, code),
                f"ignore `{code}` needs a reason, e.g. "
                f"`{code}: no tests for a data-only repository`",
            )
        ignore[str(code).upper()] = reason.strip()
    return ignore


def _position(data: Any, where: list[Any]) -> list[int]:
    """Where a path lies in the document: the index of each key in its mapping."""
    out, node = [], data
    for part in where:
        keys = list(node) if isinstance(node, Mapping) else list(range(len(node)))
        out.append(keys.index(part) if part in keys else len(keys))
        node = node[part] if part in keys else None
    return out


def _problem_path(error: ValidationError) -> list[Any]:
    """The path of what is wrong: for a key not allowed, the first such key itself."""
    where = list(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, Mapping):
        allowed = error.schema.get("properties", {}) if isinstance(error.schema, Mapping) else {}
        where.append(next(k for k in error.instance if k not in allowed))
    return where


def _as_json(value: Any) -> Any:
    """`value` as JSON would hold it: YAML's dates (`as_of: 2021-06-01`) as their text."""
    if isinstance(value, Mapping):
        return {key: _as_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_as_json(item) for item in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _first_problem(data: Any, path: str, line_of: Any, schema: Schema) -> ConfigError | None:
    """The first place, in the file's order, where `data` breaks the schema, said as the
    setting's own words (`tests.timeout` must be a number, ...)."""
    from jsonschema import Draft202012Validator  # costly, and only a configured run needs it

    errors = list(Draft202012Validator(config_schema(schema)).iter_errors(_as_json(data)))
    if not errors:
        return None
    paths = [(_position(data, _problem_path(e)), _problem_path(e)) for e in errors]
    _, where = min(paths, key=lambda item: item[0])
    # select and ignore: their own readers say it best (they raise)
    if where and where[0] == "select":
        _codes(data["select"], path, line_of(data, "select"), "select")
    if where and where[0] == "ignore":
        _ignores(data["ignore"], path, line_of(data, "ignore"), line_of)
    parent: Any = data
    for part in where[:-1]:
        parent = parent[part]
    line = line_of(parent, where[-1]) if where else line_of(data)
    return ConfigError(path, line, _words(data, where, schema))


def _words(data: Any, where: list[Any], schema: Schema) -> str:
    """What is wrong at `where`, in the words of the key or setting it breaks."""
    key = where[0] if where else None
    if key is None:
        return "the configuration must be a mapping of settings"
    if key not in schema:
        if key in ("select", "ignore"):
            return f"`{key}` must be a list of check codes or prefixes"
        known = ", ".join(["select", "ignore", *schema])
        return f"unknown key `{key}` (known keys: {known})"
    if len(where) == 1:
        return f"`{key}` must be a mapping of settings"
    return _setting_words(key, where[1], data[key], schema[key])


def _setting_words(family: str, name: Any, values: Mapping[str, Any], kind: type) -> str:
    allowed = setting_types.fields(kind)
    if name not in allowed:
        return f"unknown key `{family}.{name}` (known keys: {', '.join(allowed) or 'none'})"
    try:
        setting_types.coerce(*allowed[name], values[name])
    except setting_types.SettingError as exc:
        return f"`{family}.{name}` {exc}"
    return f"`{family}.{name}` is not a valid setting"


def _parse(data: Any, path: str, line_of: Any, schema: Schema) -> Config:
    if schema and (problem := _first_problem(data, path, line_of, schema)) is not None:
        raise problem
    if data is None:
        return Config(sources=(path,))
    if not isinstance(data, Mapping):
        raise ConfigError(path, line_of(data), "the configuration must be a mapping of settings")
    select: tuple[str, ...] = ()
    ignore: dict[str, str] = {}
    families: dict[str, dict[str, Any]] = {}
    typed: dict[type, Any] = {}
    for key, value in data.items():
        line = line_of(data, key)
        if key == "select":
            select = _codes(value, path, line, "select")
        elif key == "ignore":
            ignore = _ignores(value, path, line, line_of)
        elif key in schema:
            families[key], typed[schema[key]] = _family(
                key, value, path, line, line_of, kind=schema[key]
            )
        else:
            known = ", ".join(["select", "ignore", *schema])
            raise ConfigError(path, line, f"unknown key `{key}` (known keys: {known})")
    return Config(select, ignore, families, (path,), typed)


def _family(
    name: str, value: Any, path: str, line: int | None, line_of: Any, *, kind: type
) -> tuple[dict[str, Any], Any]:
    allowed = setting_types.fields(kind)
    if value is None:
        return {}, kind()
    if not isinstance(value, Mapping):
        raise ConfigError(path, line, f"`{name}` must be a mapping of settings")
    out: dict[str, Any] = {}
    for key, setting in value.items():
        at = line_of(value, key)
        if key not in allowed:
            known = ", ".join(allowed) or "none"
            raise ConfigError(path, at, f"unknown key `{name}.{key}` (known keys: {known})")
        try:
            out[key] = setting_types.coerce(*allowed[key], setting)
        except setting_types.SettingError as exc:
            raise ConfigError(path, at, f"`{name}.{key}` {exc}") from None
    raw = {k: list(v) if isinstance(v, tuple) else v for k, v in value.items()}
    return raw, kind(**out)


def _yaml_config(path: Path, display: str, schema: Schema) -> Config:
    text, problem = read_regular_text(path, MAX_CONFIG_BYTES)
    if problem is not None:
        raise ConfigError(
            display, None, f"{problem}; the configuration must be a YAML file of at most 1 MB"
        )
    try:
        data = load_yaml(text)
    except YamlProblem as exc:
        raise ConfigError(display, exc.line, exc.message) from None
    return _parse(data, display, _line_of, schema)


def _toml_config(path: Path, schema: Schema) -> Config | None:
    """`[tool.reprobot]`, or None when there is none. A pyproject.toml that cannot be read
    or parsed is a finding of the checks that read it, not a usage error."""
    text, problem = read_regular_text(path, MAX_CONFIG_BYTES)
    if problem is not None:
        return None
    data, _problem = parse_toml(text, path.name)
    if data is None:
        return None
    tool = data.get("tool")
    section = tool.get("reprobot") if isinstance(tool, dict) else None
    if section is None:
        return None
    return _parse(section, "pyproject.toml [tool.reprobot]", lambda *_: None, schema)


def load_config(root: Path, schema: Schema) -> Config:
    """`.reprobot.yml` wins over `[tool.reprobot]`; having both is an error."""
    yml = root / CONFIG_FILE
    toml = _toml_config(root / "pyproject.toml", schema)
    if os.path.lexists(yml):
        if toml is not None:
            raise ConfigError(
                CONFIG_FILE, None, "configuration also in pyproject.toml [tool.reprobot]; keep one"
            )
        return _yaml_config(yml, CONFIG_FILE, schema)
    return toml or Config()
