"""One requirement as the formats meet it: a PEP 508 string (`declared_from`), a line of
pip's requirement syntax (`logical_lines`), or an entry of a TOML dependency table such as
Pipfile's and Poetry's (`table_requirement`). `Requirements` gathers what one file declares."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from reprobot.checks.core.model import Finding
from reprobot.checks.manifests.model import Declared, Part

_COMMENT = re.compile(r"(^|\s+)#.*$")
LOCAL = re.compile(r"^(\.{1,2}(/|\[|$)|/|[A-Za-z]:[\\/]|file:)")
BARE_URL = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
DIRECT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*(\[[^\]]*\])?\s*@\s*(\S+)")
MACHINE = re.compile(r"^(/|~|[A-Za-z]:[\\/]|\\\\)")


def outside_reference(target: str) -> str | None:
    """Why the local path or `file:` URL `target` is not the repository's own (it names
    the author's machine, or climbs out of the repository); None when it stays inside,
    or is no local reference at all (a name, an https or VCS URL)."""
    path = target.split("#", 1)[0].split(";", 1)[0].strip()
    if path.lower().startswith("file:"):
        path = re.sub(r"^file:(//[^/]*)?", "", path, flags=re.IGNORECASE) or "."
    elif BARE_URL.match(path) or not (LOCAL.match(path) or MACHINE.match(path)):
        return None
    if MACHINE.match(path):
        return (
            f"`{target}` is a path on the author's machine: it exists there only, so this "
            "line installs nowhere else (publish the package, or commit it to the repository "
            "and name it by a relative path)"
        )
    joined = posixpath.normpath(path)
    if joined == ".." or joined.startswith("../"):
        return f"`{target}` points outside the repository, which a stranger does not have"
    return None


def refusal(target: str) -> str | None:
    """Why the requirement `target` (a path, a URL or `name @ url`) is never installed:
    it is a local reference outside the repository (`outside_reference`)."""
    direct = DIRECT.match(target)
    return outside_reference(direct.group(2) if direct else target)


def included_path(parent: str, name: str) -> str:
    """The repository path of the file `name` that `parent` includes (relative to it)."""
    return posixpath.normpath(posixpath.join(posixpath.dirname(parent), name))


def outside(joined: str, name: str) -> bool:
    """Whether an included file (`joined`, from `included_path`) leaves the repository."""
    return (
        joined in ("..", ".")
        or joined.startswith(("../", "/"))
        or name.startswith(("/", "~"))
        or MACHINE.match(name) is not None
    )


def is_pinned(req: Requirement) -> bool:
    if req.url:
        parsed = urlparse(req.url.split("+", 1)[-1] if "+" in req.url.split(":")[0] else req.url)
        vcs = req.url.split(":")[0].startswith(("git+", "hg+", "svn+", "bzr+"))
        return not vcs or "@" in parsed.path
    specs = list(req.specifier)
    return any(s.operator in ("==", "===") and not s.version.endswith(".*") for s in specs)


def declared_from(
    text: str, path: str, line: int | None, scope: str = "main", *, pinned_names: frozenset[str]
) -> tuple[Declared | None, Finding | None]:
    """Parse one requirement string into a `Declared`, or a problem naming file and line."""
    try:
        req = Requirement(text)
    except InvalidRequirement as exc:
        where = f"{path} line {line}" if line else path
        return None, Finding(
            f"{where}: `{text}` is not a valid requirement ({exc}); write it as "
            "`name`, `name==1.2.3` or `name>=1.2; python_version >= '3.9'`",
            path,
            line,
        )
    name = canonicalize_name(req.name)
    pinned = is_pinned(req) or name in pinned_names
    return Declared(str(req), name, path, line, pinned, scope), None


@dataclass
class Requirements:
    """What one file declares, gathered entry by entry: the requirements and the problems."""

    path: str
    declared: list[Declared] = field(default_factory=list)
    problems: list[Finding] = field(default_factory=list)
    refused: list[Finding] = field(default_factory=list)  # also in `problems`

    def add(
        self,
        text: str,
        line: int | None,
        scope: str = "main",
        *,
        pinned_names: frozenset[str] = frozenset(),
    ) -> Declared | None:
        """Parse one requirement string: keep it, or keep the problem. Returns what was kept."""
        if (why := refusal(text.strip())) is not None:
            where = f"{self.path} line {line}" if line else self.path
            self.refuse(f"{where}: {why}", line)
            return None
        found, problem = declared_from(text, self.path, line, scope, pinned_names=pinned_names)
        if found is not None:
            self.declared.append(found)
        if problem is not None:
            self.problems.append(problem)
        return found

    def problem(self, message: str, line: int | None = None) -> None:
        self.problems.append(Finding(message, self.path, line))

    def refuse(self, message: str, line: int | None = None) -> None:
        """A line that is never installed (see `outside_reference`): a problem too."""
        finding = Finding(message, self.path, line)
        self.problems.append(finding)
        self.refused.append(finding)

    def extend(self, part: Part) -> None:
        """Take in what another file (an included requirements file) declares."""
        self.declared.extend(part.requirements)
        self.problems.extend(part.problems)
        self.refused.extend(part.refused)

    def part(self, **fields: Any) -> Part:
        """The file's `Part`: what was gathered, plus `fields` (python, package, ...)."""
        fields.setdefault("refused", tuple(self.refused))
        return Part(tuple(self.declared), problems=tuple(self.problems), **fields)


def logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """pip's lines: (first physical line number, joined line) with comments removed."""
    buffer: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = _COMMENT.sub("", raw) if not raw.lstrip().startswith("#") else ""
        if not buffer:
            start = number
        if line.endswith("\\"):
            buffer.append(line[:-1])
            continue
        buffer.append(line)
        joined = " ".join(part.strip() for part in buffer).strip()
        buffer = []
        if joined:
            yield start, joined
    if buffer and (joined := " ".join(p.strip() for p in buffer).strip()):
        yield start, joined


@dataclass(frozen=True)
class TableStyle:
    """How one TOML dependency table (Pipfile's, Poetry's) spells a requirement."""

    constraint: Callable[[str], str]  # a version constraint as a PEP 440 specifier, "" for any
    markers: Callable[[Mapping[str, Any]], list[str]]  # the environment markers of an entry
    refs: tuple[str, ...]  # keys naming a git revision; the first one set wins
    urls: bool = False  # `url = "..."` is a direct reference
    local: tuple[str, ...] = ("path",)  # keys of a local path, which has no PEP 508 form


def table_requirement(name: str, spec: Any, style: TableStyle) -> str | None:
    """`name = "1.2"` or `name = {version, extras, git, markers, ...}` as a PEP 508 string;
    None for a local path or what cannot be said."""
    if isinstance(spec, str):
        return f"{name}{style.constraint(spec)}"
    if not isinstance(spec, Mapping):
        return None
    extras = spec.get("extras") or []
    head = f"{name}[{','.join(extras)}]" if extras else name
    if "git" in spec:
        ref = next((spec[key] for key in style.refs if spec.get(key)), None)
        body = f"{head} @ git+{spec['git']}" + (f"@{ref}" if ref else "")
    elif style.urls and "url" in spec:
        body = f"{head} @ {spec['url']}"
    elif any(key in spec for key in style.local):
        return None
    else:
        body = f"{head}{style.constraint(str(spec.get('version', '*')))}"
    markers = style.markers(spec)
    return f"{body}; {' and '.join(markers)}" if markers else body
