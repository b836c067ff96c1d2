"""LIC001: a recognised licence at the root that agrees with the metadata."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from reprobot.checks import check_repository
from reprobot.checks.core.model import CheckResult, Status
from reprobot.checks.core.templates import render
from reprobot.checks.repo.licences import base_ids, canonical, from_classifier, identify
from tests.helpers import make_repo

MIT = render("LICENSE.j2", spdx="MIT", year=2024, holders="Jane Doe")
APACHE_HEAD = """
                                 Apache License
                           Version 2.0, January 2004
                        http://www.apache.org/licenses/

   TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION
"""
GPL3_HEAD = """                    GNU GENERAL PUBLIC LICENSE
                       Version 3, 29 June 2007
 ...
  13. Use with the GNU Affero General Public License.
 If this is what you want to do, use the GNU Lesser General Public License instead.
"""


def lic(root: Path) -> CheckResult:
    report = check_repository(root, select=("LIC",))
    (result,) = report.checks
    return result


def pyproject(licence_line: str) -> str:
    return (
        '[project]\nname = "heat"\nversion = "1.0"\n'
        'authors = [{ name = "Jane Doe" }, { name = "Ravi Patel" }]\n' + licence_line + "\n"
    )


# The wording of a real package's LICENSE.txt (uncertainties): its third clause is not
# the "Neither the name of" of today's template.
OLD_BSD3 = """Copyright (c) 2010-2020, Eric O. LEBIGOT (EOL).
All rights reserved.

Redistribution and use in source and binary forms, with or without modification, are
permitted provided that the following conditions are met:

    * Redistributions of source code must retain the above copyright notice, this list of
      conditions and the following disclaimer.
    * Redistributions in binary form must reproduce the above copyright notice, this list
      of conditions and the following disclaimer in the documentation and/or other
      materials provided with the distribution.
    * The names of its contributors may not be used to endorse or promote products
      derived from this software without specific prior written permission.

THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS"
"""


@pytest.mark.parametrize(
    ("text", "spdx"),
    [
        (MIT, "MIT"),
        (render("LICENSE.j2", spdx="BSD-3-Clause", year=2024, holders="X"), "BSD-3-Clause"),
        (render("LICENSE.j2", spdx="BSD-2-Clause", year=2024, holders="X"), "BSD-2-Clause"),
        (OLD_BSD3, "BSD-3-Clause"),
        (render("LICENSE.j2", spdx="ISC", year=2024, holders="X"), "ISC"),
        (APACHE_HEAD, "Apache-2.0"),
        (GPL3_HEAD, "GPL-3.0"),
        ("GNU LESSER GENERAL PUBLIC LICENSE\n Version 3, 29 June 2007\n", "LGPL-3.0"),
        ("GNU AFFERO GENERAL PUBLIC LICENSE\nVersion 3, 19 November 2007", "AGPL-3.0"),
        ("GNU GENERAL PUBLIC LICENSE\n Version 2, June 1991", "GPL-2.0"),
        ("Mozilla Public License Version 2.0\n==================", "MPL-2.0"),
        ("Creative Commons\nAttribution 4.0 International Public License", "CC-BY-4.0"),
        ("Creative Commons Legal Code\n\nCC0 1.0 Universal", "CC0-1.0"),
        ("This is free and unencumbered software released into the public domain.", "Unlicense"),
        ("Copyright 2024 Lab\nSPDX-License-Identifier: apache-2.0\n", "Apache-2.0"),
        (
            "# MIT License\n\n*Permission* is hereby granted, free of charge, to any\nperson "
            "obtaining a copy ... The above copyright notice and this permission notice\n"
            "shall be included in all copies.",
            "MIT",
        ),
        ("All rights reserved. Ask me before using this.", None),
    ],
)
def test_identify_licence_texts(text: str, spdx: str | None) -> None:
    assert identify(text) == spdx


def test_declared_values_are_canonicalised() -> None:
    assert canonical("mit") == "MIT"
    assert canonical("Apache License, Version 2.0") == "Apache-2.0"
    assert canonical("GPLv3") == "GPL-3.0"
    assert canonical("BSD") is None
    assert from_classifier("License :: OSI Approved :: MIT License") == "MIT"
    assert from_classifier("License :: OSI Approved :: BSD License") is None
    assert from_classifier("License :: OSI Approved :: GNU General Public License v3 (GPLv3)") == (
        "GPL-3.0"
    )
    assert base_ids("GPL-3.0-or-later OR MIT") == {"GPL-3.0", "MIT"}


def test_recognised_licence_agreeing_with_pyproject_passes(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {"LICENSE": MIT, "pyproject.toml": pyproject('license = "MIT"')})
    result = lic(root)
    assert result.status is Status.PASS
    assert result.message == "LICENSE (MIT) (agrees with pyproject.toml)"


def test_spdx_identifier_line_counts(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {"COPYING.txt": "SPDX-License-Identifier: GPL-3.0-or-later\n"})
    result = lic(root)
    assert result.status is Status.PASS
    assert "COPYING.txt (GPL-3.0-or-later)" in result.message


def test_reuse_licences_folder_counts(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {"LICENSES/MIT.txt": MIT, "LICENSES/CC-BY-4.0.txt": "..."})
    result = lic(root)
    assert result.status is Status.PASS
    assert "LICENSES/MIT.txt (MIT)" in result.message


def test_missing_licence_with_mit_declared_gets_the_mit_text(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {"pyproject.toml": pyproject('license = "MIT"')})
    result = lic(root)
    assert result.status is Status.FAIL
    assert "no licence file" in result.message
    fix = result.fixes[0]
    text = fix.files["LICENSE"]
    assert "Copyright (c) " in text and "Jane Doe, Ravi Patel" in text
    assert "pyproject.toml declares `MIT`" in fix.description
    (root / "LICENSE").write_text(text)
    assert lic(root).status is Status.PASS


def test_missing_licence_with_nothing_declared_gives_guidance_only(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {"analysis.py": "print(1)\n"})
    result = lic(root)
    assert result.status is Status.FAIL
    fix = result.fixes[0]
    assert fix.files == {}
    assert "choosealicense.com" in fix.description
    assert "CC-BY-4.0" in fix.description


def test_missing_licence_with_apache_declared_points_to_the_text(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {"pyproject.toml": pyproject('license = "Apache-2.0"')})
    fix = lic(root).fixes[0]
    assert fix.files == {}
    assert "unmodified text of Apache-2.0" in fix.description


def test_licence_and_pyproject_disagreeing_fails(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path, {"LICENSE.md": APACHE_HEAD, "pyproject.toml": pyproject('license = "MIT"')}
    )
    result = lic(root)
    assert result.status is Status.FAIL
    assert result.message == (
        "the licence file and the metadata disagree: LICENSE.md (Apache-2.0), "
        "but pyproject.toml declares MIT"
    )
    assert any(f.path == "pyproject.toml" and f.line == 5 for f in result.findings)
    assert 'license = "Apache-2.0"' in result.fixes[0].description


def test_classifier_and_poetry_declarations_are_compared(tmp_path: Path) -> None:
    poetry = (
        '[tool.poetry]\nname = "heat"\nversion = "1.0"\nlicense = "GPL-3.0-or-later"\n'
        'classifiers = ["License :: OSI Approved :: MIT License"]\n'
    )
    root = make_repo(tmp_path, {"LICENSE": GPL3_HEAD, "pyproject.toml": poetry})
    result = lic(root)
    assert result.status is Status.FAIL
    assert "pyproject.toml declares MIT" in result.message
    assert "GPL-3.0-or-later" not in result.message  # the Poetry licence agrees


def test_setup_cfg_licence_agrees(tmp_path: Path) -> None:
    cfg = "[metadata]\nname = heat\nlicense = BSD-3-Clause\n"
    bsd = render("LICENSE.j2", spdx="BSD-3-Clause", year=2024, holders="Lab")
    result = lic(make_repo(tmp_path, {"LICENCE.txt": bsd, "setup.cfg": cfg}))
    assert result.status is Status.PASS
    assert "agrees with setup.cfg" in result.message


def test_unrecognised_licence_warns(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {"LICENSE": "Copyright Jane. Ask before use.\n"})
    result = lic(root)
    assert result.status is Status.WARN
    assert "SPDX-License-Identifier" in result.message


def test_vague_declaration_warns_with_the_exact_line(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {"LICENSE": MIT, "pyproject.toml": pyproject('license = "BSD"')})
    result = lic(root)
    assert result.status is Status.WARN
    assert 'write `license = "MIT"`' in result.message


def test_licence_linked_outside_leaks_nothing(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {"README.md": "x\n"}, git_init=False)
    os.symlink("/etc/passwd", root / "LICENSE")
    report = check_repository(root, select=("LIC",))
    assert "root:" not in json.dumps(report.to_dict())
    assert report.checks[0].status is Status.FAIL
    assert "outside the repository" in report.checks[0].message


R_PACKAGE = "Package: rrlite\nTitle: R Bindings\nVersion: 0.4.0\nImports:\n    redux\n"


@pytest.mark.parametrize(
    ("licence", "files", "status", "said"),
    [
        # as on ropensci/rrlite: R ships the GPL's text, so DESCRIPTION names it and no more
        ("GPL-2", {}, Status.PASS, "DESCRIPTION declares GPL-2.0 (`License: GPL-2`)"),
        ("GPL (>= 2)", {"LICENSE": GPL3_HEAD}, Status.PASS, "LICENSE (GPL-3.0)"),
        # CRAN's template: the file holds the year and the holder, DESCRIPTION the licence
        ("MIT + file LICENSE", {"LICENSE": "YEAR: 2024\nCOPYRIGHT HOLDER: Ada\n"},
         Status.PASS, "LICENSE (MIT)"),
        ("MIT + file LICENSE", {}, Status.FAIL, "no licence file"),
        ("file LICENSE", {}, Status.FAIL, "no licence file"),
        ("GPL-3", {"LICENSE": MIT}, Status.FAIL, "DESCRIPTION declares GPL-3.0"),
    ],
)  # fmt: skip
def test_an_r_package_declares_its_licence_in_description(
    tmp_path: Path, licence: str, files: dict[str, str], status: Status, said: str
) -> None:
    description = f"{R_PACKAGE}License: {licence}\n"
    result = lic(make_repo(tmp_path, {"DESCRIPTION": description, "R/a.R": "1\n", **files}))
    assert result.status is status, result.message
    assert said in result.message
