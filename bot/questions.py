"""The four questions a report answers: does it build, do the tests pass, does it install
fresh, can it be cited. Every report surface (comment, summary, badge, status) leads with
these, so a reader sees the answer before the checks behind it.

A question's answer comes from the checks of its families: failed if one failed, could not
be checked if one broke (`error`) and none failed; otherwise not checked unless its headline
check (the one that answers it: the build, the test run, the fresh install, the valid
citation file) ran and passed; then warned if one warned, passed if none did. Not checked
is never counted as passed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

PASSED = "pass"
FAILED = "fail"
WARNED = "warn"
BROKEN = "error"  # a check of the question broke: nothing was learnt about the repository
UNCHECKED = "none"  # every check of the question was skipped, or none was selected

ICONS = {PASSED: "✅", FAILED: "❌", WARNED: "⚠️", BROKEN: "➖", UNCHECKED: "➖"}


@dataclass(frozen=True)
class Question:
    key: str
    label: str  # how the question reads in a report
    word: str  # how it is named in the badge ("failing: tests, citation")
    families: tuple[str, ...]
    headline: str  # the check whose message says best why the question passed


QUESTIONS: tuple[Question, ...] = (
    Question("builds", "Builds", "build", ("build",), "BLD001"),
    Question("tests", "Tests pass", "tests", ("tests",), "TST002"),
    Question("installs", "Installs fresh", "install", ("dependencies", "environment"), "DEP003"),
    Question("citable", "Citable", "citation", ("citation",), "CIT002"),
)
FAMILY_QUESTION = {family: q.key for q in QUESTIONS for family in q.families}


@dataclass(frozen=True)
class Answer:
    question: Question
    status: str  # PASSED, FAILED, WARNED, BROKEN or UNCHECKED
    code: str  # the check the reason comes from ("" when none ran)
    reason: str  # one line: why
    others: int = 0  # further checks of the question with the same status

    @property
    def icon(self) -> str:
        return ICONS[self.status]

    @property
    def answered(self) -> bool:
        """Whether the question was answered yes (passed, or passed with warnings)."""
        return self.status in (PASSED, WARNED)


def _line(text: str) -> str:
    return " ".join(str(text or "").split())


def _pick(checks: Sequence[Mapping[str, Any]], status: str) -> list[Mapping[str, Any]]:
    return [c for c in checks if c.get("status") == status]


def answer(question: Question, checks: Sequence[Mapping[str, Any]]) -> Answer:
    """The answer to `question` from the checks (report dictionaries) of its families.

    A failure or a broken check answers it whatever else ran; otherwise it is answered only
    when its headline check ran and passed (or warned): tests that exist but were not run
    do not say that they pass."""
    mine = [c for c in checks if c.get("family") in question.families]
    for status, kind in (("fail", FAILED), ("error", BROKEN)):
        chosen = _pick(mine, status)
        if chosen:
            first = chosen[0]
            return Answer(question, kind, first["code"], _line(first["message"]), len(chosen) - 1)
    head = next((c for c in mine if c["code"] == question.headline), None)
    if head is None or head.get("status") not in ("pass", "warn"):
        source = head or next((c for c in mine if c.get("status") == "skip"), None)
        if source is None or not source.get("message"):
            return Answer(question, UNCHECKED, question.headline, "")
        return Answer(question, UNCHECKED, source["code"], _line(source["message"]))
    warned = _pick(mine, "warn")
    if warned:
        first = warned[0]
        return Answer(question, WARNED, first["code"], _line(first["message"]), len(warned) - 1)
    return Answer(question, PASSED, head["code"], _line(head["message"]))


def answers(data: Mapping[str, Any]) -> tuple[Answer, ...]:
    """The four answers of a report (its `to_dict()` form), in the questions' order."""
    checks = list(data.get("checks") or ())
    return tuple(answer(q, checks) for q in QUESTIONS)


def other_checks(data: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The checks that answer none of the four questions (licence, README, paths, ...)."""
    return [c for c in data.get("checks") or () if c.get("family") not in FAMILY_QUESTION]
