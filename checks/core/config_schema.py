"""The JSON Schema of `.reprobot.yml`, made from the families' settings dataclasses.

Nothing is written by hand: a new family's settings appear in it, with their help text as
the description and their defaults. The configuration loader validates with it; the copy
committed for editors (`schema/reprobot.schema.json`, `python3 scripts/dev.py schema`) is
checked to be in step by the tests.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from typing import Any

from reprobot.checks.core import settings as setting_types

SCHEMA_ID = "https://json.schemastore.org/reprobot.json"
DRAFT = "https://json-schema.org/draft/2020-12/schema"
CODES = {"type": "string", "minLength": 1}

_TYPES: dict[type, dict[str, Any]] = {
    str: {"type": "string"},
    int: {"type": "integer"},
    float: {"type": "number"},
    bool: {"type": "boolean"},
    tuple: {"type": "array", "items": {"type": "string"}},
}


def _default(field: dataclasses.Field[Any]) -> Any:
    if field.default is not dataclasses.MISSING:
        value = field.default
    elif field.default_factory is not dataclasses.MISSING:
        value = field.default_factory()
    else:
        return dataclasses.MISSING
    return list(value) if isinstance(value, tuple) else value


def setting_schema(kinds: tuple[type, ...], field: dataclasses.Field[Any]) -> dict[str, Any]:
    """One setting: its type(s), description, default and bounds."""
    options = [dict(_TYPES[kind]) for kind in kinds if kind in _TYPES]
    if int in kinds and float in kinds:
        options = [o for o in options if o["type"] != "integer"]
    if not options and field.metadata.get("parse"):
        options = [{"type": "object"}]  # a mapping its family parses (notebook -> reason, ...)
    out: dict[str, Any] = options[0] if len(options) == 1 else {"anyOf": options}
    if field.metadata.get("pattern") and out.get("type") == "string":
        out["pattern"] = f"^(?:{field.metadata['pattern']})$"
    if field.metadata.get("help"):
        out["description"] = field.metadata["help"]
    default = _default(field)
    if default is not dataclasses.MISSING and default is not None:  # None: worked out
        out["default"] = default
    numeric = [o for o in options if o["type"] in ("integer", "number")]
    for option in numeric:
        if field.metadata.get("positive"):
            option["exclusiveMinimum"] = 0
        if field.metadata.get("at_most") is not None:
            option["maximum"] = field.metadata["at_most"]
    return out


def family_schema(kind: type) -> dict[str, Any]:
    paragraph = (kind.__doc__ or "").strip().split("\n\n")[0]
    doc = " ".join(paragraph.split())
    properties = {
        name: setting_schema(kinds, field)
        for name, (kinds, field) in setting_types.fields(kind).items()
    }
    out: dict[str, Any] = {"type": ["object", "null"]}
    if doc and not doc.startswith(f"{kind.__name__}("):  # not dataclass's made-up one
        out["description"] = doc
    out.update(properties=properties, additionalProperties=False)
    return out


def config_schema(families: Mapping[str, type]) -> dict[str, Any]:
    """The whole configuration: `select`, `ignore` and a section per family."""
    codes = {"anyOf": [{"type": "string"}, {"type": "array", "items": CODES}]}
    return {
        "$schema": DRAFT,
        "$id": SCHEMA_ID,
        "title": "reprobot configuration (.reprobot.yml, or [tool.reprobot] in pyproject.toml)",
        "type": ["object", "null"],
        "properties": {
            "select": {
                **codes,
                "description": "Run only these checks: codes or prefixes (e.g. [CIT, DEP001]).",
            },
            "ignore": {
                "description": "Skip these checks: codes or prefixes, each with the reason "
                "the report shows (e.g. TST001: no tests for a data-only repository).",
                "anyOf": [
                    {
                        "type": "object",
                        "propertyNames": {"minLength": 1},
                        "additionalProperties": {"type": "string", "pattern": r"\S"},
                    },
                    *codes["anyOf"],
                ],
            },
            **{name: family_schema(kind) for name, kind in families.items()},
        },
        "additionalProperties": False,
    }


def schema_text(families: Mapping[str, type]) -> str:
    """The schema as committed: sorted keys are not used, so the order is the families'."""
    return json.dumps(config_schema(families), indent=2, ensure_ascii=False) + "\n"
