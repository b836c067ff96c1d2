"""Checks as small documented units, the families that group them, and the context they see.

A check is a subclass of `Check`: the class name is its stable code (`CIT001`), the first
line of its docstring its title, the rest of the docstring the Markdown explanation a user
reads when it fails. `evaluate(ctx)` returns an `Outcome` and does no I/O: it reads facts
through `ctx.fact(provider)`, which computes each fact once per run, and its family's
settings through `ctx.settings(kind)`.

A family declares itself once, as a `Family`: its name (the report's family and the key of
its section in the configuration), its code prefix, its settings dataclass (the defaults are
the dataclass's) and its checks.
"""

from __future__ import annotations

import abc
import dataclasses
import inspect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from reprobot.checks.core.config import Config
from reprobot.checks.core.model import CheckResult, Outcome
from reprobot.checks.core.snapshot import Snapshot

T = TypeVar("T")
S = TypeVar("S")


@dataclass(frozen=True)
class NoSettings:
    """A family that takes no settings."""


@dataclass(frozen=True)
class Variant:
    """How a second look at the repository differs from the first: its environment
    resolved as of a date (`exclude_newer`, ISO 8601), with some distributions pinned
    (`constraints`, requirement lines), or with another Python. The default is today's."""

    exclude_newer: str | None = None
    constraints: tuple[str, ...] = ()
    python: str | None = None

    @property
    def today(self) -> bool:
        return self == Variant()


@dataclass(frozen=True)
class Rerun:
    """What checks run again in a variant gave: results by code, and the facts asked for."""

    results: Mapping[str, CheckResult]
    facts: Mapping[Callable[..., Any], Any]
    seconds: float


Rerunner = Callable[[Sequence[str], Variant, Sequence[Callable[..., Any]]], Rerun]


class Context:
    """What checks see: the snapshot, the configuration, and memoised facts.

    `results` holds the verdicts given so far in this run (a check that declares `after`
    may read those); `rerun` runs checks again in a fresh context of a `Variant` (set by
    the engine; None where there is nothing to rerun with)."""

    def __init__(
        self,
        snapshot: Snapshot,
        config: Config | None = None,
        *,
        work_dir: Path | None = None,
        facts: Mapping[Callable[..., Any], Any] | None = None,
        variant: Variant | None = None,
    ) -> None:
        self.snapshot = snapshot
        self.config = config or Config()
        self.work_dir = work_dir
        self.variant = variant or Variant()
        self._facts: dict[Callable[..., Any], Any] = dict(facts or {})
        self._closing: list[Callable[[], None]] = []
        self.timings: dict[str, float] = {}
        self.results: dict[str, CheckResult] = {}
        self.rerun: Rerunner | None = None
        self.environment: dict[str, Any] = {}  # the report's `environment`: what got installed
        # what families add to the fresh environment, installed with the declared
        # dependencies in one resolution (set by the engine from `Family.installs`)
        self.installs: tuple[Callable[[Context], Sequence[str]], ...] = ()

    def defer(self, undo: Callable[[], None]) -> None:
        """Run `undo` when the run is over (last deferred first), whatever happened."""
        self._closing.append(undo)

    def close(self) -> None:
        while self._closing:
            self._closing.pop()()

    @property
    def root(self) -> Path:
        return self.snapshot.root

    def fact(self, provider: Callable[[Context], T]) -> T:
        """The value of `provider(self)`, computed once per run (or seeded by a test)."""
        if provider not in self._facts:
            self._facts[provider] = provider(self)
        return self._facts[provider]  # type: ignore[no-any-return]

    def settings(self, kind: type[S]) -> S:
        """This run's settings of the family whose settings dataclass is `kind`."""
        return self.config.settings(kind)


class Check(abc.ABC):
    family: ClassVar[str] = ""  # set by the `Family` that lists the check
    requires: ClassVar[frozenset[str]] = frozenset()
    # run after these (when selected), whatever their verdict: for a check that reads them
    after: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def code(cls) -> str:
        return cls.__name__

    @classmethod
    def title(cls) -> str:
        doc = inspect.getdoc(cls) or ""
        return doc.strip().splitlines()[0] if doc.strip() else cls.__name__

    @classmethod
    def explanation(cls) -> str:
        doc = inspect.getdoc(cls) or ""
        return "\n".join(doc.strip().splitlines()[1:]).strip()

    @abc.abstractmethod
    def evaluate(self, ctx: Context) -> Outcome:
        """Look at the facts the context gathered and return the verdict."""


@dataclass(frozen=True)
class Family:
    """One family of checks: its config key, code prefix, settings and checks."""

    name: str
    prefix: str
    checks: tuple[type[Check], ...]
    settings: type = NoSettings
    # What the family's checks will install into the fresh environment on top of the
    # declared dependencies (the test requirements): installed with them, in one resolution.
    installs: Callable[[Context], Sequence[str]] | None = None

    def __post_init__(self) -> None:
        if not dataclasses.is_dataclass(self.settings):
            raise TypeError(f"family {self.name}: settings must be a dataclass")
        for check in self.checks:
            if not check.code().startswith(self.prefix):
                raise ValueError(f"{check.code()} does not start with {self.prefix}")
            check.family = self.name
