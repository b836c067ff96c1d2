from __future__ import annotations

import pytest

from reprobot.checks.core.yaml import ALIAS_BUDGET, MAX_DEPTH, YamlProblem, load_yaml

# 9 ** 7 strings from a few hundred bytes: the classic "billion laughs" shape.
BOMB = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]\n"
    for previous, name in zip("abcdef", "bcdefg", strict=True)
)


def problem(text: str) -> YamlProblem:
    with pytest.raises(YamlProblem) as info:
        load_yaml(text)
    return info.value


def test_alias_bomb_is_refused_at_the_alias_that_crosses_the_budget() -> None:
    assert len(BOMB) < 400
    found = problem(BOMB)
    assert found.line == 5  # d: 9 aliases of 91 nodes each pass 10,000 here
    assert f"YAML aliases expand to more than {ALIAS_BUDGET:,} items" in found.message
    assert len(found.message) < 200


def test_a_few_aliases_and_merge_keys_still_load() -> None:
    text = "base: &base {channel: conda-forge, python: '3.11'}\nenv:\n  <<: *base\n  name: x\n"
    data = load_yaml(text)
    assert data["env"]["channel"] == "conda-forge" and data["env"]["name"] == "x"


def test_an_alias_to_its_own_container_is_refused() -> None:
    found = problem("a: &a [1, *a]\n")
    assert found.line == 1
    assert "refers to a node that contains it" in found.message


@pytest.mark.parametrize(
    "text",
    ["[" * 5000 + "]" * 5000, "x:\n" + "".join("  " * i + "- \n" for i in range(1, 300))],
)
def test_deep_nesting_is_a_problem_not_a_recursion_error(text: str) -> None:
    found = problem(text)
    assert f"nested more than {MAX_DEPTH} levels deep" in found.message


def test_nesting_reached_through_aliases_counts() -> None:
    # Each anchor nests the previous one a level deeper: 60 written levels, but aliases
    # stack them to far more than MAX_DEPTH.
    lines = ["l0: &l0 " + "[" * 60 + "]" * 60]
    lines += [f"l{i}: &l{i} [*l{i - 1}]" for i in range(1, 80)]
    found = problem("\n".join(lines) + "\n")
    assert "once its aliases are followed" in found.message


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("a: 1\n\tb: 2\n", 2, "a tab character is used for indentation"),
        ("a: 1\na: 2\n", 2, "duplicate key"),
        ("a: [1, 2\nb: 3\n", 2, "flow sequence that starts on line 1"),
        ("a: *missing\n", 1, "undefined alias"),
    ],
)
def test_broken_yaml_says_what_and_where(text: str, line: int, words: str) -> None:
    found = problem(text)
    assert found.line == line
    assert words in found.message


def test_an_integer_of_thousands_of_digits_is_a_problem() -> None:
    assert "too many digits" in problem("a: 1" + "0" * 5000 + "\n").message
