"""A family's settings: a frozen dataclass whose defaults are the defaults, checked on load.

Each field may carry `metadata={"help": ..., "positive": True}`. A value from a
configuration file is accepted when it has the field's type (`str`, `float`, `int`, `bool`,
`tuple[str, ...]`, or any of them `| None`), and turned into it (a list becomes a tuple).
A field of any other shape (a mapping) carries `metadata={"parse": function}`: the function
takes the value as written and returns the setting, or raises SettingError.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
import types
import typing
from dataclasses import field
from typing import Any

from reprobot.checks.core.runner import MAX_TIMEOUT

TYPE_WORDS = {
    str: "text",
    int: "a number",
    float: "a number",
    tuple: "a list",
    bool: "true or false",
}


class SettingError(ValueError):
    """A value that does not fit its setting; the message reads after the key's name."""


def _kinds(hint: Any) -> tuple[type, ...]:
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        return tuple(k for arg in typing.get_args(hint) for k in _kinds(arg) if k is not type(None))
    origin = typing.get_origin(hint)
    return (origin,) if origin is not None else (hint,)


def fields(kind: type) -> dict[str, tuple[tuple[type, ...], dataclasses.Field[Any]]]:
    """Setting name -> (accepted types, the dataclass field), in declaration order."""
    hints = typing.get_type_hints(kind)
    return {f.name: (_kinds(hints[f.name]), f) for f in dataclasses.fields(kind)}


def coerce(kinds: tuple[type, ...], field: dataclasses.Field[Any], value: Any) -> Any:
    """`value` as the setting's type, or SettingError saying what was expected."""
    parse = field.metadata.get("parse")
    if parse is not None:
        return parse(value)
    accepted: tuple[type, ...] = tuple(
        k
        for kind in kinds
        for k in ((int, float) if kind is float else (list, tuple) if kind is tuple else (kind,))
    )
    if isinstance(value, dt.date) and str in kinds:  # YAML reads 2021-06-01 as a date
        value = value.isoformat()
    if (isinstance(value, bool) and bool not in kinds) or not isinstance(value, accepted):
        expected = " or ".join(dict.fromkeys(TYPE_WORDS.get(k, k.__name__) for k in kinds))
        raise SettingError(f"must be {expected}, not {value!r}")
    pattern = field.metadata.get("pattern")
    if isinstance(value, str) and pattern and not re.fullmatch(pattern, value.strip()):
        raise SettingError(f"must be {field.metadata['pattern_words']}, not {value!r}")
    if isinstance(value, list | tuple):
        if not all(isinstance(item, str) for item in value):
            raise SettingError(f"must be a list of text, not {value!r}")
        return tuple(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        if field.metadata.get("positive") and not value > 0:
            raise SettingError(f"must be a positive number{field.metadata.get('unit', '')}")
        if not math.isfinite(value):
            raise SettingError(f"must be a finite number, not {value!r}")
        limit = field.metadata.get("at_most")
        if limit is not None and value > limit:
            raise SettingError(f"must be at most {limit}, not {value!r}")
        return float(value) if float in kinds else value
    return value


def text_matching(default: str, help_text: str, pattern: str, words: str) -> Any:
    """A text setting that must match `pattern` (described to the user as `words`)."""
    return field(
        default=default, metadata={"help": help_text, "pattern": pattern, "pattern_words": words}
    )


def seconds(default: float, help_text: str) -> Any:
    """A time limit setting: a positive, finite number of seconds, at most a week."""
    return field(
        default=default,
        metadata={
            "help": help_text,
            "positive": True,
            "unit": " of seconds",
            "at_most": MAX_TIMEOUT,
        },
    )


def amount(default: int, help_text: str, *, at_most: int) -> Any:
    """A positive whole-number setting with an upper bound (megabytes, processes)."""
    return field(
        default=default, metadata={"help": help_text, "positive": True, "at_most": at_most}
    )
