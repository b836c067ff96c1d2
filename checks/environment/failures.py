"""Why uv failed, read from its output and said in plain words.

uv explains a failed resolution as a chain of sentences ("Because requests==2.31.0
depends on urllib3>=1.21.1,<3 and you require urllib3==1.20, ..."). The facts in them
are read here: which distribution does not exist, which has no matching version, no
wheel for this Python or platform, needs another Python, or which requirements conflict
(both sides), and for an install, which package failed to build and why.

Before any of that, uv's own lines (`error:`, `cause:` / `Caused by:`, `hint:`, read one by
one and never into a build's log) say whether the machine, not the repository, stopped it:
a certificate the index's TLS presented that is not trusted, a host name that does not
resolve, a refused or timed-out connection, a full disk. Those are `infrastructure`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cached_property

from packaging.utils import canonicalize_name

from reprobot.checks.core.runner import RunOutcome
from reprobot.checks.environment.network import KINDS as INFRASTRUCTURE
from reprobot.checks.environment.network import machine_failure

_NAME = r"[A-Za-z0-9][A-Za-z0-9._-]*"
_SPEC = r"[^\s,]+(?:,[<>=!~][^\s,]+)*"
_NOT_FOUND = re.compile(
    rf"\b({_NAME}) was not found in the (?:package registry|provided package locations)"
)
_NO_VERSION = re.compile(rf"there is no version of ({_NAME})({_SPEC})?")
_ONLY = re.compile(rf"only the following versions of ({_NAME}) (?:is|are) available")
_ONLY_SIMPLE = re.compile(rf"only ({_NAME})({_SPEC}) (?:is|are) available")
_NO_WHEEL = re.compile(
    rf"({_NAME})(?:==\S+)? has no (?:wheels|compatible wheels)[^.]*?(?:matching|compatible) "
    r"(Python implementation|Python ABI|Python version|platform)? ?tag"
)
_REQUIRES_PYTHON = re.compile(
    rf"({_NAME})(?:==(\S+?))? (?:requires|depends on) Python ?([<>=!~][^\s,]*(?:,[<>=!~][^\s,]*)*)"
)
_DEPENDS = re.compile(
    rf"(?:all versions of |all of:?\s*)?({_NAME})((?:[<>=!~]=?|===)[^\s,]+(?:,[<>=!~][^\s,]+)*)?"
    rf" depends? on ({_NAME})({_SPEC})?"
)
_YOU_REQUIRE = re.compile(
    r"(?<!conclude that )you require (.+?)(?:, we can conclude|\.\s|$)", re.MULTILINE
)
_BUILD = re.compile(r"Failed to (?:build|download and build|prepare distributions)[^`\n]*`([^`]+)`")
# a distribution's name (`numpy==2.1.0`, `pkg @ https://...`), never a flag a hint names
_DOWNLOAD = re.compile(
    rf"Failed to (?:download|fetch)[^`\n]*`({_NAME}(?:==[^`\s]+)?)(?: @ [^`]+)?`"
)
_HINT = re.compile(r"^hint: (.+)$", re.MULTILINE)
_BAD_METADATA = re.compile(rf"\b({_NAME})==(\S+) has invalid metadata")
_WORDS = re.compile(r"[A-Za-z]{2,}")


@dataclass(frozen=True)
class Constraint:
    """One requirement on a distribution, and who asked for it (None: the repository)."""

    name: str
    spec: str
    by: str | None = None


@dataclass(frozen=True)
class InstallFailure:
    kind: str  # missing, no-version, no-wheel, python, conflict, build, download, timeout,
    # other; or one of INFRASTRUCTURE (the machine's failure, not the repository's)
    names: tuple[str, ...]  # canonical names of the distributions involved
    summary: str  # plain words, one sentence
    constraints: tuple[Constraint, ...] = ()
    detail: str = ""  # the useful part of uv's output
    log: str = ""  # a failed install's log: the build's for a build, else the last lines

    @property
    def infrastructure(self) -> bool:
        """The machine or its network failed, not the repository: an `error`, never `fail`."""
        return self.kind in INFRASTRUCTURE


def _canonical(name: str) -> str:
    return str(canonicalize_name(name))


def _split_spec(text: str) -> tuple[str, str]:
    match = re.match(rf"({_NAME})(\[[^\]]*\])?(.*)$", text.strip())
    if match is None:
        return text.strip(), ""
    return match.group(1), match.group(3).strip()


def _explanation(output: str) -> str:
    lines = [line for line in output.splitlines() if not line.startswith(("Using ", "Resolved "))]
    return "\n".join(lines).strip()


def _you_require(text: str) -> list[Constraint]:
    found = []
    for match in _YOU_REQUIRE.finditer(text.replace("\n", " ")):
        for item in re.split(r",? and |, ", match.group(1)):
            name, spec = _split_spec(item)
            if name:
                found.append(Constraint(_canonical(name), spec))
    return found


class _Output:
    """A failed uv run's output: as printed, on one line, and its explanation."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.flat = " ".join(text.split())
        self.detail = _explanation(text)

    @cached_property
    def edges(self) -> list[Constraint]:
        """`A depends on B<spec>`: what each distribution asks of another."""
        return [
            Constraint(_canonical(m.group(3)), (m.group(4) or "").rstrip(".,"), _by(m))
            for m in _DEPENDS.finditer(self.flat)
        ]

    @cached_property
    def required(self) -> list[Constraint]:
        """`you require B<spec>`: what the repository asks for."""
        return _you_require(self.text)


def classify(outcome: RunOutcome, *, seconds: float | None = None) -> InstallFailure:
    """What went wrong in a failed `uv pip compile` or `uv pip install`."""
    output = _Output(outcome.output)
    if outcome.timed_out:
        took = f" after {seconds:.0f} seconds" if seconds else ""
        return InstallFailure("timeout", (), f"uv did not finish{took}", detail=output.detail)
    if not outcome.ran:
        summary = f"uv could not run: {output.text.strip()}"
        return InstallFailure("other", (), summary, detail=output.detail)
    machine = machine_failure(output.text)
    if machine is not None:
        return InstallFailure(machine.kind, (), machine.summary, detail=output.detail)
    for reader in _READERS:
        failure = reader(output)
        if failure is not None:
            log = build_log(outcome.output) if failure.kind == "build" else outcome.tail(20)
            return replace(failure, log=log)
    # the last line with words in it: uv ends some explanations with a caret line (^^^^)
    lines = reversed(output.detail.splitlines())
    last = next((line for line in lines if _WORDS.search(line)), "")
    summary = last.strip() or "uv failed"
    return InstallFailure("other", (), summary, detail=output.detail, log=outcome.tail(20))


def _missing(output: _Output) -> InstallFailure | None:
    missing = [_canonical(m) for m in _NOT_FOUND.findall(output.flat)]
    if not missing:
        return None
    names = tuple(dict.fromkeys(missing))
    summary = ", ".join(names) + (" does" if len(names) == 1 else " do")
    return InstallFailure(
        "missing", names, f"{summary} not exist on the package index", detail=output.detail
    )


def _needs_python(output: _Output) -> InstallFailure | None:
    python = _REQUIRES_PYTHON.search(output.flat)
    if not python:
        return None
    name = _canonical(python.group(1))
    version = f" {python.group(2)}" if python.group(2) else ""
    summary = f"{name}{version} needs Python {python.group(3).rstrip('.,')}"
    return InstallFailure("python", (name,), summary, detail=output.detail)


def _no_wheel(output: _Output) -> InstallFailure | None:
    wheel = _NO_WHEEL.search(output.flat)
    if not wheel:
        return None
    name = _canonical(wheel.group(1))
    what = "this platform" if wheel.group(2) == "platform" else "this Python"
    hints = "; ".join(_HINT.findall(output.text))
    summary = f"{name} has no wheel for {what} and no source distribution to build"
    return InstallFailure("no-wheel", (name,), summary, detail=hints or output.detail)


def _needed_version_missing(output: _Output) -> InstallFailure | None:
    """A dependency asks for versions of another that do not exist."""
    only = {_canonical(m.group(1)): m.group(2) for m in _ONLY_SIMPLE.finditer(output.flat)}
    for edge in output.edges:
        if edge.name in only and edge.by is not None:
            summary = (
                f"{_requirer(edge)} needs {edge.name}{edge.spec}, but only "
                f"{edge.name}{only[edge.name]} exists"
            )
            names = (edge.name, _requirer(edge))
            return InstallFailure("no-version", names, summary, (edge,), output.detail)
    return None


def _conflicting(output: _Output) -> InstallFailure | None:
    if not output.edges:
        return None
    return _conflict(output.edges, output.required, output.detail)


def _no_version(output: _Output) -> InstallFailure | None:
    flat = output.flat
    no_version = _NO_VERSION.search(flat) or _ONLY_SIMPLE.search(flat) or _ONLY.search(flat)
    if not no_version:
        return None
    name = _canonical(next(g for g in no_version.groups() if g))
    asked = next((c.spec for c in output.required if c.name == name), "")
    summary = f"no version of {name} matches {asked or 'the requirement'}"
    return InstallFailure("no-version", (name,), summary, tuple(output.required), output.detail)


def _build_failed(output: _Output) -> InstallFailure | None:
    build = _BUILD.search(output.text)
    if not build:
        return None
    name, spec = _split_spec(build.group(1).split(" @ ")[0])
    label = f"{_canonical(name)} {spec.lstrip('=')}".strip()
    return InstallFailure(
        "build",
        (_canonical(name),),
        f"{label} could not be built from source",
        detail=build_log(output.text),
    )


def _download_failed(output: _Output) -> InstallFailure | None:
    download = _DOWNLOAD.search(output.text)
    if not download:
        return None
    name, _ = _split_spec(download.group(1))
    summary = f"{_canonical(name)} could not be downloaded"
    return InstallFailure("download", (_canonical(name),), summary, detail=output.detail)


def _invalid_metadata(output: _Output) -> InstallFailure | None:
    bad = _BAD_METADATA.search(output.flat)
    if not bad:
        return None
    name = _canonical(bad.group(1))
    summary = (
        f"{name} {bad.group(2)} has metadata that today's tools cannot read (an old release "
        "with a version specifier no longer valid); ask for a newer release of it"
    )
    return InstallFailure("no-version", (name,), summary, detail=output.detail)


# In this order: the first reader that recognises the output names the failure.
_READERS: tuple[Callable[[_Output], InstallFailure | None], ...] = (
    _missing,
    _needs_python,
    _no_wheel,
    _needed_version_missing,
    _conflicting,
    _no_version,
    _invalid_metadata,
    _build_failed,
    _download_failed,
)


def _by(match: re.Match[str]) -> str:
    return f"{_canonical(match.group(1))}{match.group(2) or ''}"


def _conflict(edges: list[Constraint], required: list[Constraint], detail: str) -> InstallFailure:
    """Name the distribution asked for in incompatible ways, and who asks what."""
    asked: dict[str, list[Constraint]] = {}
    for constraint in [*edges, *required]:
        asked.setdefault(constraint.name, []).append(constraint)
    contested = sorted(asked, key=lambda n: (-len(asked[n]), n))[0]
    sides = asked[contested]
    words = []
    for side in sides:
        who = side.by or "the repository"
        words.append(f"{who} needs {contested}{side.spec}")
    names = tuple(dict.fromkeys([contested, *(_requirer(s) for s in sides if s.by)]))
    summary = "conflicting requirements: " + " but ".join(words)
    return InstallFailure("conflict", names, summary, tuple(sides), detail)


def _requirer(constraint: Constraint) -> str:
    by = constraint.by or ""
    return re.split(r"[<>=!~]", by, maxsplit=1)[0]


def build_log(text: str, lines: int = 25) -> str:
    """The useful tail of a failed build: the backend's own error output."""
    marker = text.rfind("[stderr]")
    if marker < 0:
        marker = text.rfind("[stdout]")
    chunk = text[marker:] if marker >= 0 else text
    kept = [line.strip() for line in chunk.splitlines() if line.strip()]
    kept = [line for line in kept if not line.startswith("hint: Build failures usually")]
    return "\n".join(kept[-lines:])
