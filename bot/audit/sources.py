"""What an audit looks at: repository URLs, `owner/name[@ref]`, local paths, files that
list them (one a line, or a CSV with a column named like `repository`), a GitHub
organisation or user (`org:NAME`, `user:NAME` or a bare NAME), or a GitHub search
(`search:QUERY`)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

MAX_LIST_BYTES = 16 * 1024 * 1024
_LOGIN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$")
_SLUG = re.compile(
    r"^(?P<owner>[A-Za-z0-9][A-Za-z0-9-]{0,38})/(?P<name>[A-Za-z0-9._-]{1,100}?)(?:\.git)?(?:@(?P<ref>\S+))?$"
)
_URL = re.compile(
    r"^(?P<base>https?://[^/\s]+)/(?P<owner>[^/\s]+)/(?P<name>[^/\s@]+?)(?:\.git)?/?"
    r"(?:(?:/tree/|@)(?P<ref>\S+))?$"
)
_COLUMN = re.compile(r"repo|url|slug|project", re.IGNORECASE)


class SourceError(Exception):
    """A source that names no repository; the message says which and why."""


@dataclass(frozen=True)
class Target:
    """One repository to audit."""

    slug: str  # owner+name: the file name of its report
    url: str  # what git clones
    ref: str | None  # branch, tag or commit; None for the default branch
    label: str  # as the user wrote it


# Lists the repositories of an owner ("owner", name) or of a search ("search", query),
# as (full name, clone URL) pairs; given by the caller, who talks to GitHub.
Lister = Callable[[str, str], list[tuple[str, str]]]


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._+-]", "_", text).strip("._") or "repository"


def slug_of(owner: str, name: str) -> str:
    return f"{_safe(owner)}+{_safe(name)}"


def _local(path: Path, ref: str | None, label: str) -> Target:
    root = path.resolve()
    name = root.name
    slug = _safe(name) if "+" in name else slug_of("local", name)
    return Target(slug, root.as_uri(), ref, label)


def _listing(kind: str, value: str, lister: Lister | None, word: str) -> list[Target]:
    if lister is None:
        raise SourceError(f"{word}: listing repositories needs the GitHub API (set GITHUB_TOKEN)")
    found = []
    for full_name, url in lister(kind, value):
        owner, _, name = full_name.partition("/")
        found.append(Target(slug_of(owner, name), url, None, full_name))
    return found


def _from_file(path: Path, server: str, lister: Lister | None) -> list[Target]:
    try:
        data = path.read_bytes()[: MAX_LIST_BYTES + 1]
    except OSError as exc:
        raise SourceError(f"{path}: cannot read it ({exc.strerror or exc})") from None
    if len(data) > MAX_LIST_BYTES or b"\0" in data[:8192]:
        raise SourceError(f"{path}: not a list of repositories (binary or over 16 MB)")
    text = data.decode("utf-8", "replace")
    lines = text.splitlines()
    first = lines[0] if lines else ""
    words: list[tuple[int, str]]
    if "," in first and _COLUMN.search(first):
        rows = list(csv.reader(io.StringIO(text)))
        column = next(i for i, name in enumerate(rows[0]) if _COLUMN.search(name))
        words = [(n, row[column]) for n, row in enumerate(rows[1:], 2) if len(row) > column]
    else:
        words = [(n, line) for n, line in enumerate(lines, 1)]
    targets = []
    for number, raw in words:
        word = raw.split("#", 1)[0].strip()
        if not word:
            continue
        try:
            targets += _one(word, server, lister, base=path.parent)
        except SourceError as exc:
            raise SourceError(f"{path}:{number}: {exc}") from None
    return targets


def _one(word: str, server: str, lister: Lister | None, base: Path | None = None) -> list[Target]:
    path_part, _, at_ref = (
        word.partition("@") if not word.startswith(("http", "search:")) else (word, "", "")
    )
    candidate = Path(path_part) if base is None else base / path_part
    if candidate.is_dir():
        return [_local(candidate, at_ref or None, word)]
    if match := _URL.match(word):
        ref = match["ref"]
        return [
            Target(
                slug_of(match["owner"], match["name"]),
                f"{match['base']}/{match['owner']}/{match['name']}.git",
                ref,
                word,
            )
        ]
    if match := _SLUG.match(word):
        owner, name = match["owner"], match["name"]
        return [Target(slug_of(owner, name), f"{server}/{owner}/{name}.git", match["ref"], word)]
    kind, _, value = word.partition(":")
    if kind in ("org", "user") and _LOGIN.match(value):
        return _listing("owner", value, lister, word)
    if kind == "search" and value.strip():
        return _listing("search", value.strip(), lister, word)
    if _LOGIN.match(word) and not candidate.exists():
        return _listing("owner", word, lister, word)
    if candidate.is_file() and base is None:
        raise SourceError(f"{word}: a file inside a list is not read as a list")
    raise SourceError(
        f"{word}: not a repository (give a URL, owner/name[@ref], a local path, a file "
        "listing them, org:NAME, user:NAME or search:QUERY)"
    )


def targets_of(words: Iterable[str], *, server: str, lister: Lister | None) -> list[Target]:
    """Every repository the sources name, in order, each once (by slug)."""
    seen: dict[str, Target] = {}
    for word in words:
        path = Path(word)
        found = _from_file(path, server, lister) if path.is_file() else _one(word, server, lister)
        for target in found:
            seen.setdefault(target.slug, target)
    return list(seen.values())
