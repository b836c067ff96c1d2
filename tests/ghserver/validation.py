"""Checks a request body against an operation's ``requestBody`` schema from the OpenAPI extract.

Covers what those schemas use: ``type``, ``nullable``, ``enum``, ``oneOf``, ``required``,
``properties``, ``items``, ``minItems``, ``maxItems``, ``maxLength``. Messages follow GitHub's
``Invalid request.`` answers, e.g. ``Invalid request.\\n\\n"sha" wasn't supplied.``
"""

from __future__ import annotations

import json
from typing import Any

_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "array": (list,),
    "object": (dict,),
}


def _is_type(value: Any, name: str) -> bool:
    if name in ("integer", "number") and isinstance(value, bool):
        return False
    return isinstance(value, _TYPES.get(name, (object,)))


def problem(schema: dict[str, Any], value: Any, where: str = "") -> str | None:
    """The first way ``value`` breaks ``schema``, worded like GitHub, or None."""
    if value is None:
        if schema.get("nullable") or not schema:
            return None
        return f"For '{where or 'body'}', nil is not {_article(schema)}."
    if "oneOf" in schema:
        if any(problem(option, value, where) is None for option in schema["oneOf"]):
            return None
        return f"For '{where or 'body'}', {json.dumps(value)} is not {_article(schema)}."
    kind = schema.get("type")
    if kind and not _is_type(value, kind):
        return f"For '{where or 'body'}', {json.dumps(value)} is not {_article(schema)}."
    if "enum" in schema and value not in schema["enum"]:
        allowed = ", ".join(str(v) for v in schema["enum"])
        return f"For '{where}', {json.dumps(value)} is not a member of enum [{allowed}]."
    if isinstance(value, str) and len(value) > schema.get("maxLength", len(value)):
        limit = schema["maxLength"]
        return f"For '{where}', the string is too long (maximum is {limit} characters)."
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            return f"For '{where}', at least {schema['minItems']} items are needed."
        if len(value) > schema.get("maxItems", len(value)):
            return f"No more than {schema['maxItems']} items are allowed for '{where}'."
        for index, item in enumerate(value):
            found = problem(schema.get("items", {}), item, f"{where}/{index}")
            if found:
                return found
    if isinstance(value, dict):
        for name in schema.get("required", []):
            if name not in value:
                return f'"{name}" wasn\'t supplied.'
        for name, sub in schema.get("properties", {}).items():
            if name in value:
                found = problem(sub, value[name], f"{where}/{name}".lstrip("/"))
                if found:
                    return found
    return None


def _article(schema: dict[str, Any]) -> str:
    if "oneOf" in schema:
        return " or ".join(_article(s) for s in schema["oneOf"]) or "valid"
    kind = schema.get("type", "value")
    return f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"


def check_body(operation: dict[str, Any], body: Any) -> str | None:
    """``Invalid request.`` message for a body ``operation`` would refuse, or None."""
    request = operation.get("requestBody")
    if not request:
        return None
    schema = request.get("content", {}).get("application/json", {}).get("schema", {})
    if body is None:
        if not request.get("required"):
            return None
        required = schema.get("required", [])
        return "Invalid request.\n\n" + (
            f'"{required[0]}" wasn\'t supplied.' if required else "Body is required."
        )
    found = problem(schema, body)
    return f"Invalid request.\n\n{found}" if found else None
