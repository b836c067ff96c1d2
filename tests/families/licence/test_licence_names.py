"""Licence files under compound names are found, and the licence a name states is used."""

from __future__ import annotations

from pathlib import Path

import pytest

from reprobot.checks import check_repository
from reprobot.checks.core.model import CheckResult, Status
from reprobot.checks.core.templates import render
from reprobot.checks.repo.licences import from_name, is_licence_name
from tests.helpers import make_repo

MIT = render("LICENSE.j2", spdx="MIT", year=2024, holders="Jane Doe")
NC_SA = (
    "Attribution-NonCommercial-ShareAlike 4.0 International\n\n"
    "Creative Commons Corporation does not provide legal services.\n"
)


def lic(root: Path) -> CheckResult:
    (result,) = check_repository(root, select=("LIC",)).checks
    return result


@pytest.mark.parametrize(
    ("name", "found"),
    [
        ("LICENSE", True),
        ("LICENCE.md", True),
        ("COPYING.LESSER", True),
        ("LICENSE-CC-BY-NC-SA", True),
        ("LICENSE_MIT.txt", True),
        ("LICENSE.APACHE", True),
        ("UNLICENSE", True),
        ("license.py", False),
        ("LICENSE.pdf", False),
        ("licenses.json", False),
    ],
)
def test_licence_file_names(name: str, found: bool) -> None:
    assert is_licence_name(name) is found


def test_names_that_state_the_licence() -> None:
    assert from_name("LICENSE-CC-BY-NC-SA", NC_SA) == "CC-BY-NC-SA-4.0"
    assert from_name("LICENSE-CC-BY-NC-SA", "no version stated") is None
    assert from_name("LICENSE_MIT.txt", "") == "MIT"
    assert from_name("LICENSE.APACHE", "") == "Apache-2.0"
    assert from_name("LICENSE-CODE", "") is None
    assert from_name("COPYING.LESSER", "") is None


def test_compound_names_are_found_and_recognised(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {"LICENSE-CC-BY-NC-SA": NC_SA, "LICENCE.md": MIT})
    result = lic(root)
    assert result.status is Status.PASS, result.message
    assert "LICENCE.md (MIT)" in result.message
    assert "LICENSE-CC-BY-NC-SA (CC-BY-NC-SA-4.0)" in result.message


def test_copying_lesser_is_read(tmp_path: Path) -> None:
    text = "GNU LESSER GENERAL PUBLIC LICENSE\n Version 3, 29 June 2007\n"
    result = lic(make_repo(tmp_path, {"COPYING.LESSER": text}))
    assert result.status is Status.PASS and "COPYING.LESSER (LGPL-3.0)" in result.message
