from __future__ import annotations

from reprobot.checks.core.toml import parse_toml


def test_a_byte_order_mark_is_legal_and_removed() -> None:
    data, problem = parse_toml('\ufeff[tool.reprobot]\nselect = ["CIT"]\n', "pyproject.toml")
    assert problem is None
    assert data == {"tool": {"reprobot": {"select": ["CIT"]}}}


def test_nesting_past_pythons_stack_is_a_finding_naming_the_file() -> None:
    text = 'name = "x"\ndependencies = ' + "[" * 100_000 + "]" * 100_000 + "\n"
    data, problem = parse_toml(text, "pyproject.toml")
    assert data is None and problem is not None
    assert problem.path == "pyproject.toml"
    assert problem.message.startswith("pyproject.toml is nested too deeply for reprobot to read")


def test_an_integer_of_thousands_of_digits_is_a_finding() -> None:
    data, problem = parse_toml("x = " + "9" * 5000 + "\n", "pyproject.toml")
    assert data is None and problem is not None
    assert problem.message == "pyproject.toml is not valid TOML: a number has too many digits"


def test_broken_toml_names_the_line() -> None:
    _data, problem = parse_toml('[project]\nname = "x"\nversion = \n', "pyproject.toml")
    assert problem is not None and problem.line == 3
