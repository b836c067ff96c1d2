"""Checks as small documented units, and the context they evaluate.

A check is a subclass of `Check`: the class name is its stable code (`CIT001`), the first
line of its docstring its title, the rest of the docstring the Markdown explanation a user
reads when it fails. `evaluate(ctx)` returns an `Outcome`; it reads the repository only
through the context, whose facts are gathered once and shared by every check.
"""

from __future__ import annotations

import abc
import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from checks.core.config import Config
from checks.core.model import Outcome
from checks.core.snapshot import Snapshot

T = TypeVar("T")


class Context:
    """What checks see: the snapshot, the configuration, and memoised facts."""

    def __init__(
        self,
        snapshot: Snapshot,
        config: Config | None = None,
        *,
        work_dir: Path | None = None,
    ) -> None:
        self.snapshot = snapshot
        self.config = config or Config()
        self.work_dir = work_dir
        self._facts: dict[Callable[..., Any], Any] = {}
        self.timings: dict[str, float] = {}

    @property
    def root(self) -> Path:
        return self.snapshot.root

    def fact(self, provider: Callable[[Context], T]) -> T:
        """The value of `provider(self)`, computed once per run."""
        if provider not in self._facts:
            self._facts[provider] = provider(self)
        return self._facts[provider]  # type: ignore[no-any-return]


class Check(abc.ABC):
    family: ClassVar[str] = ""
    requires: ClassVar[frozenset[str]] = frozenset()

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
        """Look at what the context gathered and return the verdict."""


# Family name -> module holding its checks. Import order is report order.
FAMILY_MODULES: dict[str, str] = {
    "citation": "checks.families.citation.checks",
    "licence": "checks.families.licence.checks",
    "docs": "checks.families.docs.checks",
    "dependencies": "checks.families.dependencies.checks",
    "build": "checks.families.build.checks",
    "tests": "checks.families.tests.checks",
    "portability": "checks.families.portability.checks",
}


def all_checks() -> tuple[type[Check], ...]:
    """Every registered check, in report order (family order, then code)."""
    import importlib

    found: list[type[Check]] = []
    for family, module_name in FAMILY_MODULES.items():
        module = importlib.import_module(module_name)
        members = [
            obj
            for obj in vars(module).values()
            if isinstance(obj, type)
            and issubclass(obj, Check)
            and obj is not Check
            and obj.family == family
        ]
        found.extend(sorted(members, key=lambda c: c.code()))
    return tuple(found)
