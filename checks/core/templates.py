"""Generated text: the jinja2 environment over `checks/templates` and its quoting filters."""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

import jinja2

_PLAIN = re.compile(r"^[A-Za-z][A-Za-z0-9 ._/+-]*[A-Za-z0-9._/+-]$|^[A-Za-z]$")
# Words a YAML 1.1 reader (cffconvert and many others still use one) turns into booleans/null.
_SPECIAL = frozenset(
    ("y", "n", "yes", "no", "on", "off", "true", "false", "null", "~", "nan", "inf")
)
_BREAKS = frozenset("\x85\u2028\u2029\ufeff")


def yaml_str(value: Any) -> str:
    """`value` as a YAML scalar that every reader reads back as the same string.

    Simple words stay plain; anything else is double-quoted with escapes, so a title with a
    colon, a quote, a `#` or a control character cannot change the document's structure.
    """
    text = str(value)
    if _PLAIN.match(text) and text.lower() not in _SPECIAL and ": " not in text:
        return text
    out = []
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif char.isprintable() and char not in _BREAKS:
            out.append(char)
        elif ord(char) < 0x100:
            out.append(f"\\x{ord(char):02x}")
        elif ord(char) < 0x10000:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(f"\\U{ord(char):08x}")
    return '"' + "".join(out) + '"'


@cache
def template_environment(package: str) -> jinja2.Environment:
    """The jinja2 environment over `<package>/templates`, shared by every renderer."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader(package, "templates"),
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["yaml_str"] = yaml_str
    env.filters["pystr"] = json.dumps  # a JSON string is a valid Python literal
    return env


def environment() -> jinja2.Environment:
    return template_environment("reprobot.checks")


def render(name: str, **values: Any) -> str:
    """Render `checks/templates/<name>` with `values`."""
    return environment().get_template(name).render(**values)
