"""Families, the registry and the order of running."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from reprobot.checks.core.check import Check, Context, Family
from reprobot.checks.core.config import ConfigError, load_config
from reprobot.checks.core.engine import run_checks
from reprobot.checks.core.model import Outcome, Status, failed, passed
from reprobot.checks.core.registry import all_checks, run_order
from reprobot.checks.core.snapshot import Snapshot

ORDER: list[str] = []


class AAA001(Check):
    """First family's check, which needs a later family's check"""

    requires = frozenset({"ZZZ001"})

    def evaluate(self, ctx: Context) -> Outcome:
        ORDER.append("AAA001")
        return passed()


class ZZZ001(Check):
    """Later family's check"""

    def evaluate(self, ctx: Context) -> Outcome:
        ORDER.append("ZZZ001")
        return failed("broken")


@dataclass(frozen=True)
class ZzzSettings:
    retries: int = field(default=3, metadata={"help": "how often", "positive": True})
    timeout: float = field(default=10.0, metadata={"positive": True, "at_most": 3600.0})


FIRST = Family("first", "AAA", (AAA001,))
LATER = Family("later", "ZZZ", (ZZZ001,), ZzzSettings)


def test_a_requirement_on_a_later_family_is_honoured(tmp_path: Path) -> None:
    ORDER.clear()
    checks = all_checks((FIRST, LATER))
    assert [c.code() for c in checks] == ["AAA001", "ZZZ001"]  # report order
    results = run_checks(Context(Snapshot(tmp_path)), checks)
    assert ORDER == ["ZZZ001"]  # AAA001 waited for ZZZ001, and was skipped by its failure
    assert [r.code for r in results] == ["AAA001", "ZZZ001"]
    assert results[0].status is Status.SKIP
    assert results[0].message == "skipped because ZZZ001 (fail) did not pass"
    assert results[0].family == "first" and results[1].family == "later"


def test_run_order_keeps_report_order_where_requires_allows() -> None:
    assert [c.code() for c in run_order((AAA001, ZZZ001))] == ["ZZZ001", "AAA001"]
    assert [c.code() for c in run_order((ZZZ001,))] == ["ZZZ001"]


def test_the_registry_refuses_what_cannot_run() -> None:
    class BBB001(Check):
        """Needs itself in a loop"""

        requires = frozenset({"BBB002"})

        def evaluate(self, ctx: Context) -> Outcome:
            return passed()

    class BBB002(BBB001):
        """The other half of the loop"""

        requires = frozenset({"BBB001"})

    with pytest.raises(ValueError, match="cycle: BBB001, BBB002"):
        run_order(all_checks((Family("loop", "BBB", (BBB001, BBB002)),)))
    with pytest.raises(ValueError, match="requires unknown checks: ZZZ001"):
        all_checks((FIRST,))
    with pytest.raises(ValueError, match="registered twice"):
        all_checks((LATER, Family("again", "ZZZ", (ZZZ001,))))
    with pytest.raises(ValueError, match="does not start with QQQ"):
        Family("odd", "QQQ", (ZZZ001,))


def test_a_family_settings_dataclass_is_its_configuration(tmp_path: Path) -> None:
    schema = {"later": ZzzSettings}
    (tmp_path / ".reprobot.yml").write_text("later:\n  retries: 5\n")
    assert load_config(tmp_path, schema).settings(ZzzSettings) == ZzzSettings(retries=5)
    assert load_config(tmp_path / "nowhere", schema).settings(ZzzSettings) == ZzzSettings()
    for text, words in (
        ("later:\n  retries: 0\n", "`later.retries` must be a positive number"),
        ("later:\n  retries: many\n", "`later.retries` must be a number, not 'many'"),
        ("later:\n  timeout: .inf\n", "`later.timeout` must be a finite number, not inf"),
        ("later:\n  timeout: 1e30\n", "`later.timeout` must be at most 3600.0, not 1e+30"),
        ("later:\n  colour: red\n", "unknown key `later.colour` (known keys: retries, timeout)"),
    ):
        (tmp_path / ".reprobot.yml").write_text(text)
        with pytest.raises(ConfigError) as info:
            load_config(tmp_path, schema)
        assert str(info.value) == f".reprobot.yml:2: {words}"
