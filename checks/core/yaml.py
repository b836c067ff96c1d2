"""The one YAML loader for every YAML file reprobot reads (`.reprobot.yml`, `CITATION.cff`,
`environment.yml`): ruamel's round-trip loader, so every key keeps its line, bounded so a
hostile file cannot make reprobot build or print an unbounded structure.

YAML aliases (`*name`) reuse a node, so 300 bytes can describe a billion items; reprobot
follows them up to `ALIAS_BUDGET` nodes in all, and refuses an alias to a node that
contains it. Nesting (written, or reached through aliases) stops at `MAX_DEPTH` levels
before Python runs out of stack. Every failure is a `YamlProblem` with the line, never
another exception.
"""

from __future__ import annotations

from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.composer import Composer
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent
from ruamel.yaml.nodes import MappingNode, Node, SequenceNode

ALIAS_BUDGET = 10_000  # nodes reached through aliases, in all
MAX_DEPTH = 100  # levels of nesting, aliases followed

__all__ = ["ALIAS_BUDGET", "MAX_DEPTH", "YamlLimitError", "YamlProblem", "load_yaml", "loader"]


class YamlLimitError(MarkedYAMLError):
    """The file is valid YAML but expands beyond what reprobot follows."""


class YamlProblem(Exception):
    """Why a YAML text could not be loaded: a message for people and, when known, the line."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message, self.line = message, line


def _children(node: Node) -> list[Node]:
    if isinstance(node, SequenceNode):
        return list(node.value)
    if isinstance(node, MappingNode):
        return [part for pair in node.value for part in pair]
    return []


class BoundedComposer(Composer):
    """A composer that measures each node as it completes: how many nodes it stands for
    once aliases are followed, and how deep it goes. Each node is measured once, from its
    already measured children, so measuring costs no more than reading."""

    def compose_document(self: Any) -> Any:
        self._measure: dict[int, tuple[int, int]] = {}  # id(node) -> (size, depth) expanded
        self._open: list[str] = []  # anchors of the nodes being composed
        self._through_aliases = 0
        self._level = 0
        return super().compose_document()

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.parser.peek_event()
        if self.parser.check_event(AliasEvent):
            if event.anchor in self._open:
                raise YamlLimitError(
                    None,
                    None,
                    f"the alias *{event.anchor} refers to a node that contains it",
                    event.start_mark,
                )
            node = super().compose_node(parent, index)
            size, _depth = self._measure.get(id(node), (1, 1))
            self._through_aliases += size
            if self._through_aliases > ALIAS_BUDGET:
                raise YamlLimitError(
                    None,
                    None,
                    f"YAML aliases expand to more than {ALIAS_BUDGET:,} items; "
                    "write the values out or use fewer aliases",
                    event.start_mark,
                )
            return node
        self._level += 1
        if self._level > MAX_DEPTH:
            raise YamlLimitError(
                None, None, f"nested more than {MAX_DEPTH} levels deep", event.start_mark
            )
        if event.anchor is not None:
            self._open.append(event.anchor)
        try:
            node = super().compose_node(parent, index)
        finally:
            self._level -= 1
            if event.anchor is not None:
                self._open.pop()
        measured = [self._measure.get(id(child), (1, 1)) for child in _children(node)]
        size = 1 + sum(s for s, _ in measured)
        depth = 1 + max((d for _, d in measured), default=0)
        if depth > MAX_DEPTH:
            raise YamlLimitError(
                None,
                None,
                f"nested more than {MAX_DEPTH} levels deep once its aliases are followed",
                event.start_mark,
            )
        self._measure[id(node)] = (size, depth)
        return node


def loader(constructor: type | None = None) -> YAML:
    """A bounded round-trip loader (comments and lines kept, duplicate keys refused);
    `constructor` replaces ruamel's round-trip constructor, e.g. to keep odd dates."""
    yaml = YAML(typ="rt")
    yaml.Composer = BoundedComposer
    if constructor is not None:
        yaml.Constructor = constructor
    yaml.allow_duplicate_keys = False
    return yaml


def _mark_line(exc: MarkedYAMLError) -> int | None:
    mark = exc.problem_mark or exc.context_mark
    return mark.line + 1 if mark is not None else None


def describe(exc: MarkedYAMLError, text: str) -> str:
    """What the parser found, in the words people need (tabs are the common case)."""
    what = str(exc.problem or exc.context or "unreadable YAML")
    if "\t" in text and "'\\t'" in str(exc):
        return "a tab character is used for indentation; YAML allows only spaces"
    if exc.context and exc.context_mark is not None and exc.problem:
        return f"{exc.problem} ({exc.context} that starts on line {exc.context_mark.line + 1})"
    return what


def load_yaml(text: str, *, yaml: YAML | None = None) -> Any:
    """The document in `text`, or YamlProblem("not valid YAML: ...", line)."""
    try:
        return (yaml or loader()).load(text)
    except YamlLimitError as exc:
        raise YamlProblem(f"not read: {exc.problem}", _mark_line(exc)) from None
    except MarkedYAMLError as exc:
        raise YamlProblem(f"not valid YAML: {describe(exc, text)}", _mark_line(exc)) from None
    except RecursionError:
        raise YamlProblem(f"not read: nested more than {MAX_DEPTH} levels deep") from None
    except (YAMLError, ValueError, TypeError, OverflowError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        if "digits" in first:  # Python refuses to convert integers of thousands of digits
            first = "a number has too many digits"
        raise YamlProblem(f"not valid YAML: {first[:300]}") from None
