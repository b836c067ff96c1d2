"""Hostile R, Julia and MATLAB sources: unterminated strings and comments, repeated
openers. Each lexer matches every opener once (an unterminated one runs to the end of the
file), so the scan stays linear and finishes."""

from __future__ import annotations

import pytest

from reprobot.checks.repo import julia_source, r_source
from reprobot.checks.repo.languages import JULIA, MATLAB, STATA, CodeUnit, R, blank_comments

SIZE = 400_000


@pytest.mark.parametrize(
    ("language", "opener"),
    [(R, 'r"('), (R, '"'), (JULIA, '"""'), (JULIA, "#="), (MATLAB, "%{\n"), (STATA, "/*")],
)
def test_repeated_unterminated_openers_are_read_to_the_end(language: str, opener: str) -> None:
    text = ("x " + opener) * (SIZE // (len(opener) + 2))
    blanked = blank_comments(language, text)
    assert len(blanked) == len(text)


def test_package_scans_survive_unterminated_strings() -> None:
    text = "library(dplyr)\n" + '"library(x) ' * 40_000
    found = [u.package for u in r_source.package_uses(CodeUnit("a.R", R, text))]
    assert found == ["dplyr"]
    julia = 'using CSV\nx = """' + "\nusing X " * 40_000
    assert [u.package for u in julia_source.package_uses(CodeUnit("a.jl", JULIA, julia))] == ["CSV"]
