"""Reading the JUnit XML a test run wrote: counts, failing test ids, file:line, messages.

The file is written by untrusted code, so it is read with a size cap and parsed by the
standard library's expat with every document type, entity declaration and external
reference refused (whatever the encoding: no entity expansion, no network, no file), with a
cap on nesting depth and on the number of elements, and every attribute is treated as
untrusted text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    import xml.etree.ElementTree as ET

JUNIT_CAP = 16 * 1024 * 1024
MAX_DEPTH = 64  # a JUnit file is four or five levels deep
MAX_ELEMENTS = 1_000_000
_DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
PASSED, FAILED, ERROR, SKIPPED = "passed", "failed", "error", "skipped"


class JUnitError(Exception):
    """The JUnit XML could not be read; the message says why in plain words."""


@dataclass(frozen=True)
class CaseResult:
    id: str  # pytest-style node id when the file is known: tests/test_x.py::TestA::test_b
    outcome: str  # PASSED, FAILED, ERROR or SKIPPED
    file: str | None = None
    line: int | None = None  # 1-based: the failing line when known, else the test's def
    message: str = ""  # first lines of the assertion or error
    collected: bool = True  # False for a module that failed to import at collection


@dataclass(frozen=True)
class JUnitSummary:
    cases: tuple[CaseResult, ...]

    def count(self, outcome: str) -> int:
        return sum(c.outcome == outcome for c in self.cases)

    @property
    def ran(self) -> int:
        """Tests that actually ran (errors at collection are not tests that ran)."""
        return sum(c.collected for c in self.cases)

    @property
    def collection_errors(self) -> tuple[CaseResult, ...]:
        return tuple(c for c in self.cases if not c.collected)

    @property
    def problems(self) -> tuple[CaseResult, ...]:
        return tuple(c for c in self.cases if c.outcome in (FAILED, ERROR))

    def counts_text(self) -> str:
        """`3 passed, 1 failed, 1 skipped` (only the outcomes that occurred, passed first)."""
        parts = [
            f"{self.count(o)} {'errors' if o == ERROR and self.count(o) > 1 else o}"
            for o in (PASSED, FAILED, ERROR, SKIPPED)
            if self.count(o)
        ]
        return ", ".join(parts) or "no tests"


def _first_lines(text: str, lines: int = 4) -> str:
    """The assertion pytest marks with `E`, else the first non-empty lines."""
    marked = [ln[1:].strip() for ln in text.splitlines() if ln.startswith("E ")]
    chosen = marked or [ln.strip() for ln in text.splitlines() if ln.strip()]
    return "\n".join(line[:300] for line in chosen[:lines])


def _failing_line(detail: str, file: str | None) -> int | None:
    """The first line pytest's traceback shows in the test's own file (`path:12: ...`):
    the failing assertion, or the call in the test that led to the error."""
    if not file:
        return None
    match = re.search(rf"^{re.escape(file)}:(\d+):", detail, re.M)
    return int(match.group(1)) if match else None


def _node_id(classname: str, name: str, file: str | None) -> str:
    if not file:
        return f"{classname}::{name}" if classname else name
    module = file[:-3].replace("/", ".") if file.endswith(".py") else file
    inner = classname[len(module) + 1 :] if classname.startswith(f"{module}.") else ""
    parts = [file, *inner.split("."), name] if inner else [file, name]
    return "::".join(parts)


def _case(element: ET.Element) -> CaseResult:
    classname = element.get("classname", "")
    name = element.get("name", "")
    file = element.get("file") or None
    outcome, message = PASSED, ""
    for tag, kind in (("failure", FAILED), ("error", ERROR), ("skipped", SKIPPED)):
        child = element.find(tag)
        if child is not None:
            outcome = kind
            detail = child.text or ""
            message = (child.get("message") or "")[:300]
            if kind != SKIPPED:
                message = _first_lines(detail) or message
            line = _failing_line(detail, file)
            break
    else:
        line = None
    if line is None and element.get("line", "").isdigit():
        line = int(element.get("line", "0")) + 1  # pytest writes the 0-based def line
    if not classname and outcome == ERROR:  # a module that failed to collect
        return CaseResult(file or name, ERROR, file, line, message, collected=False)
    return CaseResult(_node_id(classname, name, file), outcome, file, line, message)


def _refuse(*_args: object) -> NoReturn:
    raise JUnitError("the JUnit XML declares a document type or entities; not read")


def _safe_tree(data: bytes) -> ET.Element:
    """The element tree of `data`, built from expat's events: any document type, entity or
    external reference (which only a declaration can bring) stops the parse."""
    import xml.etree.ElementTree as ET  # imported only by a run that reads a JUnit file
    from xml.parsers import expat

    builder = ET.TreeBuilder()
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _refuse
    parser.EntityDeclHandler = _refuse
    parser.UnparsedEntityDeclHandler = _refuse
    parser.ExternalEntityRefHandler = _refuse
    parser.SkippedEntityHandler = _refuse
    parser.buffer_text = True
    depth = elements = 0

    def start(tag: str, attributes: dict[str, str]) -> None:
        nonlocal depth, elements
        depth += 1
        elements += 1
        if depth > MAX_DEPTH:
            raise JUnitError(f"the JUnit XML nests elements more than {MAX_DEPTH} deep; not read")
        if elements > MAX_ELEMENTS:
            raise JUnitError(f"the JUnit XML has more than {MAX_ELEMENTS:,} elements; not read")
        builder.start(tag, attributes)

    def end(tag: str) -> None:
        nonlocal depth
        depth -= 1
        builder.end(tag)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = builder.data
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise JUnitError(
            f"the JUnit XML is not well-formed (line {exc.lineno}): {expat.ErrorString(exc.code)}"
        ) from None
    return builder.close()


def parse_junit(data: bytes) -> JUnitSummary:
    """Parse JUnit XML safely; raise JUnitError with a plain message when it cannot be."""
    if len(data) > JUNIT_CAP:
        raise JUnitError(f"the JUnit XML is larger than {JUNIT_CAP // (1024 * 1024)} MB")
    if _DECLARATION.search(data):
        raise JUnitError("the JUnit XML declares a document type or entities; not read")
    root = _safe_tree(data)
    if root.tag not in ("testsuites", "testsuite"):
        raise JUnitError(f"not JUnit XML: the root element is <{root.tag[:50]}>")
    return JUnitSummary(tuple(_case(case) for case in root.iter("testcase")))
