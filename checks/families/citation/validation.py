"""Schema errors about a CITATION.cff, said in plain words at the line they are on.

jsonschema reports `anyOf`/`oneOf` failures as one error with every branch's complaints
inside; people need the one sentence about the branch they meant (a person author with a
misspelt key, not "is not valid under any of the given schemas").
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from reprobot.checks.core.model import Finding
from reprobot.checks.families.citation.cff import (
    CffFile,
    known_keys,
    licence_ids,
    line_of,
    validator,
)
from reprobot.checks.families.citation.credit import PLACEHOLDERS
from reprobot.checks.repo.git import normalise_remote

if TYPE_CHECKING:
    from jsonschema import ValidationError

Place = tuple[str | int, ...]
_ITEM = {
    "authors": "author",
    "contact": "contact",
    "editors": "editor",
    "references": "reference",
    "identifiers": "identifier",
    "keywords": "keyword",
    "translators": "translator",
    "recipients": "recipient",
    "senders": "sender",
}
_TYPE_WORDS = {
    "object": "a mapping of keys",
    "array": "a list",
    "string": "text",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "true or false",
}
_ADD = {
    "cff-version": "cff-version: 1.2.0",
    "message": 'message: "If you use this software, please cite it using these metadata."',
    "title": "title: <the name of the software>",
    "authors": "authors: [{given-names: Jane, family-names: Doe}]",
    "name": "name: <the name of the organisation>",
    "type": "type: <e.g. software or article>",
    "value": "value: <the identifier>",
}
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ORCID_ID = re.compile(r"(\d{4}-\d{4}-\d{4}-\d{3}[\dX])")
_DOI_IN_URL = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)(10\.\d{4,9}/\S+)$", re.I)


def _show(value: Any) -> str:
    text = str(value)
    return f"`{text[:77]}...`" if len(text) > 80 else f"`{text}`"


def _label(node: Any) -> str:
    if not isinstance(node, dict):
        return ""
    parts = [node.get(k) for k in ("given-names", "name-particle", "family-names")]
    name = " ".join(str(p) for p in parts if isinstance(p, str))
    label = name or node.get("name") or node.get("title") or node.get("value") or ""
    return f" ({str(label)[:60]})" if isinstance(label, str) and label else ""


def place(path: Place, document: Any) -> str:
    """`orcid` of author 1 (Jane Doe)` for ('authors', 0, 'orcid'); "" for the top level."""
    words: list[str] = []
    node = document
    for index, step in enumerate(path):
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            node = None
        if isinstance(step, int):
            parent = path[index - 1] if index else ""
            noun = _ITEM.get(str(parent))
            number = f"{noun} {step + 1}" if noun else f"item {step + 1} of `{parent}`"
            words.append(f"{number}{_label(node)}")
        elif index + 1 < len(path) and isinstance(path[index + 1], int):
            continue
        else:
            words.append(f"`{step}`")
    return " of ".join(reversed(words))


def _unknown(
    error: ValidationError, path: Place, document: Any
) -> Iterable[tuple[int | None, str]]:
    allowed = tuple(error.schema.get("properties", {})) if isinstance(error.schema, dict) else ()
    instance = error.instance if isinstance(error.instance, dict) else {}
    where = f" in {place(path, document)}" if path else ""
    for key in sorted(set(instance) - set(allowed)):
        close = difflib.get_close_matches(key, allowed or known_keys(), n=1, cutoff=0.6)
        hint = f"; did you mean `{close[0]}`?" if close else ""
        if key == "name" and "given-names" in allowed:
            hint = "; write a person as `given-names` and `family-names` (`name` is for groups)"
        elif not close:
            hint = f"; allowed keys here are {', '.join(allowed)}" if len(allowed) < 25 else ""
        yield line_of(document, path, key=key), f"unknown key `{key}`{where}{hint}"


def _missing(
    error: ValidationError, path: Place, document: Any
) -> Iterable[tuple[int | None, str]]:
    instance = error.instance if isinstance(error.instance, dict) else {}
    where = f"to {place(path, document)}" if path else "at the top level (no indentation)"
    required: Any = error.validator_value
    for key in required:
        if key not in instance:
            example = _ADD.get(key, f"{key}: ...")
            yield line_of(document, path), f"missing required key `{key}`: add `{example}` {where}"


def _kind(error: ValidationError) -> str:
    schema = error.schema if isinstance(error.schema, dict) else {}
    pattern = str(schema.get("pattern", ""))
    if schema.get("format") == "date":
        return "date"
    for kind, marker in (("orcid", "orcid"), ("doi", "^10\\."), ("url", "(https|http")):
        if marker in pattern:
            return kind
    if "@" in pattern:
        return "email"
    if pattern == "^1\\.2\\.0$":
        return "cff-version"
    if "enum" in schema and len(schema["enum"]) > 400:
        return "license"
    return ""


def _value_message(error: ValidationError, subject: str) -> str:
    value, kind = error.instance, _kind(error)
    if kind == "date":
        if isinstance(value, str) and _ISO_DAY.match(value):
            return f"{subject} is {value}, which is not a real date; write an existing day"
        return f"{subject} must be a date written YYYY-MM-DD (found {_show(value)})"
    if kind == "orcid":
        found = _ORCID_ID.search(str(value))
        if found:
            return f"{subject} must be a full ORCID URL: write `https://orcid.org/{found[1]}`"
        return f"{subject} must be an ORCID URL like https://orcid.org/0000-0002-1825-0097"
    if kind == "doi":
        found = _DOI_IN_URL.match(str(value).strip())
        if found:
            return f"{subject} is written as a URL; write the bare DOI `{found[1]}`"
        return f"{subject} must be a DOI like 10.5281/zenodo.1003150 (found {_show(value)})"
    if kind == "url":
        better = normalise_remote(str(value))
        suggestion = f"; write `{better}`" if better else ""
        return f"{subject} must be a full URL starting with https:// (found {_show(value)})" + (
            suggestion
        )
    if kind == "email":
        return f"{subject} is not an email address (found {_show(value)})"
    if kind == "cff-version":
        return f"{subject} must be 1.2.0, the version GitHub and Zenodo read (found {_show(value)})"
    if kind == "license":
        return _licence_message(value, subject)
    return f"{subject} does not have the expected form (found {_show(value)})"


def _licence_message(value: Any, subject: str) -> str:
    text = str(value)
    ids = licence_ids()
    exact = {i.lower(): i for i in ids}.get(text.lower())
    if exact:
        return f"{subject} is spelt `{text}`; write the SPDX identifier `{exact}`"
    parts = re.split(r"\s+(?:OR|or)\s+", text)
    if len(parts) > 1 and all(p in ids for p in parts):
        return f"{subject} lists several licences: write them as a list, [{', '.join(parts)}]"
    close = difflib.get_close_matches(text, sorted(ids), n=1, cutoff=0.6)
    hint = f"; did you mean `{close[0]}`?" if close else ""
    return f"{subject} must be an SPDX licence identifier such as MIT (found {_show(text)}){hint}"


def _message(error: ValidationError, path: Place, document: Any) -> str:
    subject = place(path, document) or "the file"
    validator_name, value = error.validator, error.instance
    expected: Any = error.validator_value
    kind = _kind(error)
    if validator_name in ("pattern", "format") or (
        validator_name in ("enum", "type") and kind in ("license", "orcid", "doi", "url", "date")
    ):
        return _value_message(error, subject)
    if validator_name == "type":
        names = [expected] if isinstance(expected, str) else list(expected)
        words = " or ".join(_TYPE_WORDS.get(n, n) for n in names)
        if path and path[-1] == "cff-version":
            return f"{subject} must be written as text: `cff-version: 1.2.0`"
        quote = names == ["string"] and isinstance(value, (int, float, bool))
        hint = f'; put it in quotes: `"{value}"`' if quote else ""
        if names == ["array"] and isinstance(value, (dict, str)):
            hint = "; start each entry on its own line with `- `"
        return f"{subject} must be {words} (found {_show(value)}){hint}"
    if validator_name == "enum":
        options = ", ".join(str(v) for v in expected[:12])
        return f"{subject} must be one of {options} (found {_show(value)})"
    if validator_name == "minItems":
        return f"{subject} is an empty list; give at least one entry"
    if validator_name == "minLength":
        return f"{subject} is empty"
    if validator_name == "uniqueItems":
        return f"{subject} lists the same entry more than once"
    return f"{subject}: {error.message[:200]}"


def _weight(errors: list[ValidationError]) -> int:
    total = 0
    for error in errors:
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            allowed = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
            total += len(set(error.instance) - set(allowed))
        else:
            total += 1
    return total


def _best_branch(error: ValidationError) -> list[ValidationError]:
    """The errors of the alternative the author most likely meant."""
    branches: dict[int, list[ValidationError]] = {}
    depth = len(error.absolute_path)
    for sub in error.context or []:
        branches.setdefault(int(sub.relative_schema_path[0]), []).append(sub)

    def mismatched(errors: list[ValidationError]) -> bool:
        for sub in errors:
            at_root = len(sub.absolute_path) == depth
            if at_root and sub.validator == "type":
                return True
            one_down = len(sub.absolute_path) == depth + 1
            if one_down and sub.validator in ("enum", "const") and sub.absolute_path[-1] == "type":
                return True
        return False

    fitting = {k: v for k, v in branches.items() if not mismatched(v)} or branches
    best = min(sorted(fitting), key=lambda k: _weight(fitting[k]))
    return fitting[best]


def describe(error: ValidationError, document: Any) -> list[tuple[int | None, str]]:
    """(line, message) pairs for one schema error; alternatives are narrowed to one."""
    path: Place = tuple(error.absolute_path)
    if error.validator in ("anyOf", "oneOf") and error.context:
        if path and path[-1] == "license" and isinstance(error.instance, str):
            subject = place(path, document)
            return [(line_of(document, path), _licence_message(error.instance, subject))]
        out: list[tuple[int | None, str]] = []
        for sub in _best_branch(error):
            out.extend(describe(sub, document))
        return out
    if error.validator == "additionalProperties":
        return list(_unknown(error, path, document))
    if error.validator == "required":
        return list(_missing(error, path, document))
    return [(line_of(document, path), _message(error, path, document))]


def validate(cff: CffFile, *, limit: int = 100) -> tuple[Finding, ...]:
    """Every schema error in plain words at its line, in file order (at most `limit`)."""
    if not cff.ok:
        return (cff.problem,) if cff.problem else ()
    found: dict[tuple[int | None, str], Finding] = {}
    try:
        for error in validator().iter_errors(cff.data):
            for line, message in describe(error, cff.document):
                found.setdefault((line, message), Finding(message, cff.path, line))
            if len(found) >= limit:
                break
    except RecursionError:
        return (Finding("nested too deeply to validate; simplify the file", cff.path),)
    return tuple(sorted(found.values(), key=lambda f: (f.line or 0, f.message)))


def placeholders(cff: CffFile) -> tuple[Finding, ...]:
    """Values reprobot wrote as placeholders (`<the title of this work>`) still unfilled."""
    data = cff.data if isinstance(cff.data, dict) else {}
    found = []
    if data.get("title") in PLACEHOLDERS:
        line = line_of(cff.document, ("title",))
        found.append(
            Finding("the title is still a placeholder: write the work's title", cff.path, line)
        )
    people = data.get("authors")
    for index, person in enumerate(people if isinstance(people, list) else []):
        if isinstance(person, dict) and person.get("name") in PLACEHOLDERS:
            line = line_of(cff.document, ("authors", index))
            message = "the authors are still a placeholder: name the people to credit"
            found.append(Finding(message, cff.path, line))
    return tuple(found)
