"""Every form of constraint poetry-core reads, said as PEP 440 with the same meaning.

The inputs are poetry-core's own test cases (tests/constraints/version/
test_parse_constraint.py in python-poetry/poetry-core); each conversion is checked against
poetry-core's `allows` on versions around its bounds, so the two agree on what they allow.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet
from packaging.version import Version
from poetry.core.constraints.version import Version as PoetryVersion
from poetry.core.constraints.version import parse_constraint

from reprobot.checks.manifests.poetry import NOTHING, poetry_constraint
from tests.manifests.reading import by_name, read

# poetry-core's cases (the parse, wildcard, tilde, caret, multi, epoch, negative wildcard,
# trailing comma and precision tests), plus unions and spaces as people write them.
POETRY_CORE_CASES = [
    "*", "*.*", "v*.*", ">1.0.0", "<1.2.3", "<=1.2.3", ">=1.2.3", "=1.2.3", "1.2.3",
    "1!2.3.4", "=1.0", "1.2.3b5", "1.0.0a1.dev0",
    "v2.*", "2.*.*", "20.*", "20.*.*", "2.0.*", "0.*", "0.*.*", "2.0.post1.*", "2.0a1.*",
    "~v1", "~1.0", "~1.0.0", "~1.2", "~1.2.3", "~1.0.0a1", "~1.0.0a1.dev0", "~1.2-beta",
    "~1.2-b2", "~0.3", "~3.5", "~=3.5", "~=3.5.3", "~=3.5.3rc1",
    "^v1", "^0", "^0.0", "^1.2", "^1.2.3-beta.2", "^1.2.3", "^0.2.3", "^0.2", "^0.2.0",
    "^0.0.3", "^0.0.3-alpha.21", "^0.1.3-alpha.21", "^0.0.0-alpha.21", "^1.0.0a1",
    "^1.0.0a1.dev0",
    ">2.0,<=3.0", ">1!2,<=2!3", ">=1!2,<2!3", ">=2.7,!=3.0.*,!=3.1.*",
    "!=v2.*", "!=2.*.*", "!=2.0.*", "!=0.*", "!=0.*.*",
    ">3.7,", ">3.7 , ", ">3.7,<3.8,", ">3.7,||<3.6,", ">3.7 , || <3.6 , ",
    ">3.7, <3.8, || <3.6, >3.5",
    "1", "1.2", "!=1", "!=1.2", "!=1.2.3", "^1", "^1.0", "^1.0.0", "^1.0.0-alpha.1",
    "^0.1", "^0.0.2", "^0.1.2", "^0-alpha.1", "^0.1-alpha.1", "^0.0.2-alpha.1",
    "^0.1.2-alpha.1",
    ">=1 <2", ">= 1.2, < 1.5", "==1.2", "^1.2 || ^3.0", "<1.0 || >=2.0", "~1.2 || ~1.4",
    ">=3.8,!=3.9.*", "<1.5 || >1.5,<2", ">2 || <1", "^2.0 | ^3.0",
]  # fmt: skip


def around(constraint: str) -> list[str]:
    """Versions either side of every number the constraint names, and some pre-releases."""
    numbers = {"0", "0.0.1", "0.5", "1", "1.1", "1.4.2", "1.9", "2", "2.5", "3", "3.9.1"}
    for word in constraint.replace(",", " ").replace("|", " ").split():
        text = word.lstrip("=<>!~^v").split("-")[0].replace(".*", "").split("!")[-1]
        try:
            version = Version(text)
        except ValueError:
            continue
        release = list(version.release) + [0] * (3 - len(version.release))
        for index in range(3):
            for step in (-1, 0, 1):
                moved = release.copy()
                moved[index] = max(0, moved[index] + step)
                numbers.add(".".join(map(str, moved)))
        numbers.add(str(version))
    return sorted(numbers, key=Version)


@pytest.mark.parametrize("constraint", POETRY_CORE_CASES)
def test_the_conversion_allows_what_poetry_allows(constraint: str) -> None:
    converted = poetry_constraint(constraint)
    specifiers = SpecifierSet(converted)  # valid PEP 440, or this raises
    poetry = parse_constraint(constraint)
    for text in around(constraint):
        final = Version(text)
        if final.epoch == 0 and "!" in constraint:
            continue  # epochs: the versions around are of epoch 0 only
        ours = specifiers.contains(final, prereleases=True)
        theirs = poetry.allows(PoetryVersion.parse(text))
        assert ours == theirs, f"{constraint} -> {converted}: {text}"


@pytest.mark.parametrize(
    ("constraint", "expected"),
    [
        ("^1.2.3", ">=1.2.3,<2.0.0"),
        ("^0.2.3", ">=0.2.3,<0.3.0"),
        ("^0.0.3", ">=0.0.3,<0.0.4"),
        ("~1.2.3", ">=1.2.3,<1.3.0"),
        ("~=1.2", ">=1.2,<2.0"),
        ("1.2.*", "==1.2.*"),
        (">=1 <2", ">=1,<2"),
        ("!=1.5", "!=1.5"),
        ("==1.2", "==1.2"),
        ("1.2.3", "==1.2.3"),
        ("^1.0.0-alpha.1", ">=1.0.0a1,<2.0.0"),
        ("*", ""),
        ("^1.2 || ^3.0", ">=1.2,<4.0,!=2.*"),  # a union: its hull less the gap
        ("<1.0 || >=2.0", "!=1.*"),
        (">=2.7,!=3.0.*,!=3.1.*", ">=2.7,!=3.0.*,!=3.1.*"),
        ("<1.5 || >1.5,<2", "<2,!=1.5"),
        (">2,<1", NOTHING),
    ],
)
def test_the_words_of_the_conversion(constraint: str, expected: str) -> None:
    assert poetry_constraint(constraint) == expected


@pytest.mark.parametrize(
    ("constraint", "allowed", "between", "outside"),
    [
        ("1.2.3 || 1.2.5", ("1.2.3", "1.2.5"), "1.2.4", ("1.2.2", "1.2.6")),
        ("1.2.* || 2.*", ("1.2.1", "2.5"), "1.7", ("1.1", "3.0")),
    ],
)
def test_a_gap_no_specifier_can_say_is_left_in(
    constraint: str, allowed: tuple[str, ...], between: str, outside: tuple[str, ...]
) -> None:
    """PEP 440 cannot exclude what lies between these ranges: the hull allows it."""
    converted = SpecifierSet(poetry_constraint(constraint))
    assert all(converted.contains(v) for v in allowed)
    assert converted.contains(between)
    assert not any(converted.contains(v) for v in outside)


def test_a_constraint_poetry_cannot_read_reaches_the_manifest_reader(tmp_path: Path) -> None:
    found = read(
        tmp_path,
        {
            "pyproject.toml": """
                [tool.poetry]
                name = "study"
                version = "0.1.0"

                [tool.poetry.dependencies]
                python = "^3.9 || ^3.11"
                numpy = "^1.24 || ^2.1"
                scipy = ">=1.10 <2"
                broken = ">=one"
            """
        },
    )
    names = by_name(found)
    assert SpecifierSet(names["numpy"][0].removeprefix("numpy")) == SpecifierSet(
        ">=1.24,<3.0,!=2.0.*"
    )
    assert names["scipy"][0] == "scipy<2,>=1.10"
    assert "broken" not in names
    problems = " ".join(str(p) for p in found.problems)
    assert "broken" in problems and "pyproject.toml" in problems
    assert found.python is not None
    assert SpecifierSet(found.python.spec) == SpecifierSet(">=3.9,<4.0")
