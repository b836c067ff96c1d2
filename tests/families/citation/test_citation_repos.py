"""CIT001-CIT003 on tiny repositories built the way a researcher's would be."""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from reprobot.checks import check_repository
from reprobot.checks.core.config import Config
from reprobot.checks.core.model import CheckResult, Report, Status
from reprobot.checks.families.citation.settings import CitationSettings
from tests.helpers import git, make_repo

VALID = """\
# How to cite the ocean heat study
cff-version: 1.2.0
message: If you use this software, please cite it as below.
title: "Ocean heat: a reanalysis"
authors:
  - given-names: Jane
    family-names: Doe
    orcid: https://orcid.org/0000-0002-1825-0097
version: 1.2.0
date-released: 2024-03-01
"""

PYPROJECT = """\
[project]
name = "ocean-heat"
version = "{version}"
description = "Ocean heat content: a reanalysis"
license = "MIT"
authors = [{{ name = "Jane Doe", email = "jane@uni.example.org" }}, {{ name = "ACME Lab" }}]
"""


def run(root: Path, select: str = "CIT", config: Config | None = None) -> dict[str, CheckResult]:
    report = check_repository(root, select=(select,), config=config)
    return {r.code: r for r in report.checks}


def load_yaml(text: str) -> dict[str, object]:
    data = YAML(typ="safe").load(text)
    assert isinstance(data, dict)
    return data


def with_cff(tmp_path: Path, text: str, **files: str) -> Path:
    return make_repo(tmp_path, {"CITATION.cff": text, **files}, git_init=False)


def generated(result: CheckResult) -> str:
    assert result.fixes, result
    return result.fixes[0].files["CITATION.cff"]


# --- CIT001 -------------------------------------------------------------------------


def test_missing_file_fails_and_dependents_are_skipped(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {"analysis.py": "print('hi')\n"})
    results = run(root)
    assert results["CIT001"].status is Status.FAIL
    assert "no CITATION.cff at the repository root" in results["CIT001"].message
    assert results["CIT002"].status is Status.SKIP
    assert "CIT001 (fail)" in results["CIT002"].message
    assert results["CIT003"].status is Status.SKIP


def test_generated_file_names_authors_version_and_repository_and_validates(
    tmp_path: Path,
) -> None:
    root = make_repo(tmp_path, {"pyproject.toml": PYPROJECT.format(version="1.2.0")})
    git(root, "remote", "add", "origin", "git@github.com:ocean-lab/ocean-heat.git")
    git(root, "tag", "v1.2.0")
    fix = run(root)["CIT001"].fixes[0]
    data = load_yaml(fix.files["CITATION.cff"])
    assert data["title"] == "ocean-heat"
    assert data["abstract"] == "Ocean heat content: a reanalysis"
    assert data["version"] == "1.2.0"
    assert data["repository-code"] == "https://github.com/ocean-lab/ocean-heat"
    assert data["license"] == "MIT"
    assert data["authors"] == [
        {"given-names": "Jane", "family-names": "Doe", "email": "jane@uni.example.org"},
        {"name": "ACME Lab"},
    ]
    # The version is tagged, so the release date is the tag's, not today's.
    tag_day = git(root, "log", "-1", "--format=%cs").strip()
    assert data["date-released"] == tag_day
    assert fix.description.startswith(
        "A CITATION.cff with title, authors, version, licence and abstract from pyproject.toml; "
        "repository-code from the origin remote."
    )

    (root / "CITATION.cff").write_text(fix.files["CITATION.cff"])
    after = run(root)
    assert after["CIT001"].status is Status.PASS
    assert after["CIT002"].status is Status.PASS, after["CIT002"].findings
    assert after["CIT003"].status is Status.PASS, after["CIT003"].message


def test_generated_from_git_authors_when_metadata_names_none(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {"run.py": "print(1)\n"}, name="folder")
    git(root, "remote", "add", "origin", "https://github.com/ocean-lab/heat-study.git")
    for who in (
        "Grace Hopper <grace@navy.example.mil>",
        "Grace Hopper <grace@navy.example.mil>",
        "Ludwig van Beethoven <12345+lvb@users.noreply.github.com>",
        "dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>",
        "octocat <octo@cat.example.com>",
    ):
        git(root, "commit", "-q", "--allow-empty", "-m", "work", f"--author={who}")
    results = run(root)
    text = generated(results["CIT001"])
    data = load_yaml(text)
    assert data["title"] == "heat-study"  # the repository's name, not the folder's
    assert "version" not in data and "date-released" not in data  # nothing was released
    assert data["authors"] == [
        {"given-names": "Grace", "family-names": "Hopper", "email": "grace@navy.example.mil"},
        {"given-names": "Ada", "family-names": "Lovelace", "email": "ada@example.org"},
        {"given-names": "Ludwig", "name-particle": "van", "family-names": "Beethoven"},
        {"name": "octocat", "email": "octo@cat.example.com"},
    ]
    assert "authors from git history" in results["CIT001"].fixes[0].description
    (root / "CITATION.cff").write_text(text)
    assert run(root)["CIT002"].status is Status.PASS


def test_generated_from_readme_and_licence_when_nothing_else_names_them(tmp_path: Path) -> None:
    """A plain folder of scripts: the README's heading titles it, the licence's copyright
    line names the authors."""
    root = make_repo(
        tmp_path,
        {
            "README.md": "# Ocean heat content study\n\nCode for the paper.\n",
            "LICENSE": "MIT License\n\nCopyright (c) 2021-2024 Chidi Okafor, Sara Lindqvist "
            "and Jules van Moreau. All rights reserved.\n",
            "run.py": "print(1)\n",
        },
        git_init=False,
    )
    results = run(root)
    text = generated(results["CIT001"])
    data = load_yaml(text)
    assert data["title"] == "Ocean heat content study"
    assert data["authors"] == [
        {"given-names": "Chidi", "family-names": "Okafor"},
        {"given-names": "Sara", "family-names": "Lindqvist"},
        {"given-names": "Jules", "name-particle": "van", "family-names": "Moreau"},
    ]
    description = results["CIT001"].fixes[0].description
    assert "the first heading of README.md" in description
    assert "the copyright line of LICENSE" in description
    (root / "CITATION.cff").write_text(text)
    assert run(root)["CIT002"].status is Status.PASS


@pytest.mark.parametrize(
    ("line", "people"),
    [
        ("Copyright (c) 2024 Ada Lovelace", ("Ada Lovelace",)),
        ("Copyright 2019, 2020 Grace Hopper & Alan Turing", ("Grace Hopper", "Alan Turing")),
        ("© 2023 Marie Curie", ("Marie Curie",)),
        ("Copyright (c) <year> <copyright holders>", ()),
        ("Copyright (c) 2024 The heat-study authors", ()),
        ("Copyright 2024 University of Somewhere", ()),
        ("Permission is hereby granted, free of charge", ()),
    ],
)
def test_copyright_holders_are_people_only(line: str, people: tuple[str, ...]) -> None:
    from reprobot.checks.repo.licences import copyright_holders

    assert copyright_holders(f"MIT License\n\n{line}\n") == people


def test_generated_yaml_survives_hostile_metadata(tmp_path: Path) -> None:
    pyproject = (
        "[project]\n"
        'name = "yes"\n'
        'version = "2.0"\n'
        'description = "Title: with \'quotes\', \\"double\\" # not a comment\\n- no list"\n'
        'authors = [{ name = "Doe, Jane" }, { name = "Sammy Davis Jr." }, { name = "Doe, Jane" }]\n'
        'keywords = ["null", "on", "1.0"]\n'
        'license = "MIT OR Apache-2.0"\n'
    )
    root = make_repo(tmp_path, {"pyproject.toml": pyproject}, git_init=False)
    text = generated(run(root)["CIT001"])
    data = load_yaml(text)
    assert data["title"] == "yes"
    assert data["abstract"] == "Title: with 'quotes', \"double\" # not a comment\n- no list"
    assert data["keywords"] == ["null", "on", "1.0"]
    assert data["license"] == ["MIT", "Apache-2.0"]
    assert data["version"] == "2.0"
    assert data["authors"] == [
        {"given-names": "Jane", "family-names": "Doe"},
        {"given-names": "Sammy", "family-names": "Davis", "name-suffix": "Jr."},
    ]
    (root / "CITATION.cff").write_text(text)
    assert run(root)["CIT002"].status is Status.PASS


def test_misnamed_file_is_found_and_a_rename_suggested(tmp_path: Path) -> None:
    root = with_cff(tmp_path, VALID)
    (root / "CITATION.cff").rename(root / "citation.cff")
    result = run(root)["CIT001"]
    assert result.status is Status.FAIL
    assert "citation.cff exists" in result.message
    assert result.fixes[0].commands == ("git mv citation.cff CITATION.cff",)


def test_configured_file_name_is_honoured(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {"meta/CITATION.cff": VALID}, git_init=False)
    config = Config(typed={CitationSettings: CitationSettings(file="meta/CITATION.cff")})
    results = run(root, config=config)
    assert results["CIT001"].status is Status.PASS
    assert results["CIT002"].status is Status.PASS


# --- CIT002 -------------------------------------------------------------------------


def test_valid_file_with_unquoted_date_passes(tmp_path: Path) -> None:
    results = run(with_cff(tmp_path, VALID))
    assert results["CIT002"].status is Status.PASS
    assert results["CIT002"].message == "CITATION.cff is valid CFF 1.2.0"


def _only_finding(root: Path) -> tuple[int | None, str]:
    result = run(root)["CIT002"]
    assert result.status is Status.FAIL
    assert len(result.findings) == 1, result.findings
    finding = result.findings[0]
    assert finding.path == "CITATION.cff"
    return finding.line, finding.message


def test_bare_orcid_fails_at_its_line(tmp_path: Path) -> None:
    text = VALID.replace("https://orcid.org/0000-0002-1825-0097", "0000-0002-1825-0097")
    line, message = _only_finding(with_cff(tmp_path, text))
    assert line == 8
    assert "author 1 (Jane Doe)" in message
    assert "https://orcid.org/0000-0002-1825-0097" in message


def test_unknown_key_fails_at_its_line_with_a_suggestion(tmp_path: Path) -> None:
    text = VALID.replace('title: "Ocean', 'titel: "Ocean')
    result = run(with_cff(tmp_path, text))["CIT002"]
    messages = {(f.line, f.message) for f in result.findings}
    assert (4, "unknown key `titel`; did you mean `title`?") in messages
    assert any("missing required key `title`" in m for _, m in messages)


def test_impossible_date_fails_at_its_line(tmp_path: Path) -> None:
    text = VALID.replace("2024-03-01", "2023-02-30")
    line, message = _only_finding(with_cff(tmp_path, text))
    assert line == 10
    assert "2023-02-30, which is not a real date" in message


def test_tab_indented_file_fails_with_a_line_not_a_crash(tmp_path: Path) -> None:
    text = VALID.replace("    family-names", "\tfamily-names")
    result = run(with_cff(tmp_path, text))["CIT002"]
    assert result.status is Status.FAIL
    assert result.findings[0].line == 7
    assert "tab character" in result.message


def test_unclosed_quote_names_where_it_started(tmp_path: Path) -> None:
    text = VALID.replace('title: "Ocean heat: a reanalysis"', 'title: "Ocean heat')
    result = run(with_cff(tmp_path, text))["CIT002"]
    assert result.status is Status.FAIL
    assert "starts on line 4" in result.findings[0].message


@pytest.mark.parametrize(
    ("old", "new", "line", "words"),
    [
        ("\nversion: 1.2.0", "\ndoi: https://doi.org/10.5281/zenodo.1234", 9, "bare DOI `10.5"),
        ("cff-version: 1.2.0", "cff-version: 1.1.0", 2, "must be 1.2.0"),
        ("    orcid:", "    affiliaton: Uni\n    orcid:", 8, "did you mean `affiliation`"),
        ("message: If you", "massage: If you", 1, "missing required key `message`"),
        (
            "  - given-names: Jane\n    family-names: Doe\n    orcid",
            "  given-names: Jane\n  family-names: Doe\n  orcid",
            5,
            "start each",
        ),
    ],
)
def test_common_mistakes_are_said_plainly(
    tmp_path: Path, old: str, new: str, line: int, words: str
) -> None:
    result = run(with_cff(tmp_path, VALID.replace(old, new)))["CIT002"]
    assert result.status is Status.FAIL
    assert any(f.line == line and words in f.message for f in result.findings), result.findings


def test_not_a_mapping_fails(tmp_path: Path) -> None:
    result = run(with_cff(tmp_path, "- just\n- a list\n"))["CIT002"]
    assert result.status is Status.FAIL
    assert "must be a mapping" in result.message


def test_symlink_out_of_the_repository_leaks_nothing(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {"README.md": "# x\n"}, git_init=False)
    os.symlink("/etc/passwd", root / "CITATION.cff")
    report = check_repository(root)
    whole = json.dumps(report.to_dict())
    assert "root:" not in whole
    result = {r.code: r for r in report.checks}["CIT002"]
    assert result.status is Status.FAIL
    assert "points outside the repository" in result.message


def _timed(root: Path) -> tuple[Report, float]:
    started = time.monotonic()
    report = check_repository(root, select=("CIT",))
    return report, time.monotonic() - started


def test_huge_and_binary_files_give_a_finding(tmp_path: Path) -> None:
    huge = make_repo(tmp_path, {"README.md": "x\n"}, git_init=False, name="huge")
    with (huge / "CITATION.cff").open("w") as handle:
        handle.write("title: x\n" * (40 * 1024 * 1024 // 9))
    binary = make_repo(
        tmp_path, {"CITATION.cff": b"\x89PNG\r\n\x1a\n\x00\x00" * 1000}, git_init=False, name="bin"
    )
    latin_text = "title: Müller\n".encode("latin-1")
    latin = make_repo(tmp_path, {"CITATION.cff": latin_text}, git_init=False, name="latin")
    expected = {"huge": "larger than the 1.0 MB", "bin": "binary file", "latin": "not valid UTF-8"}
    for root in (huge, binary, latin):
        report, seconds = _timed(root)
        result = {r.code: r for r in report.checks}["CIT002"]
        assert result.status is Status.FAIL
        assert expected[root.name] in result.message
        assert seconds < 30  # a sanity bound only; the real figure is a few milliseconds


# --- CIT003 -------------------------------------------------------------------------


def test_version_drift_against_pyproject_fails_and_the_fix_keeps_comments(tmp_path: Path) -> None:
    text = VALID.replace("\nversion: 1.2.0", "\nversion: 1.0.0  # bump on release")
    root = with_cff(tmp_path, text, **{"pyproject.toml": PYPROJECT.format(version="1.3.0")})
    result = run(root)["CIT003"]
    assert result.status is Status.FAIL
    assert result.message == (
        "version drift: CITATION.cff says 1.0.0 (line 9), pyproject.toml says 1.3.0"
    )
    assert (result.findings[0].path, result.findings[0].line) == ("CITATION.cff", 9)
    fix = result.fixes[0]
    assert "line 9: `version: 1.0.0  # bump on release` → `version: 1.3.0" in fix.description
    assert "date-released becomes today" in fix.description
    corrected = fix.files["CITATION.cff"]
    assert "# How to cite the ocean heat study" in corrected
    assert "# bump on release" in corrected
    assert load_yaml(corrected)["version"] == "1.3.0"
    (root / "CITATION.cff").write_text(corrected)
    after = run(root)
    assert after["CIT002"].status is Status.PASS
    assert after["CIT003"].status is Status.PASS


def test_version_drift_against_the_latest_tag_fails(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {"CITATION.cff": VALID})
    git(root, "tag", "v1.1.0")
    git(root, "commit", "-q", "--allow-empty", "-m", "release")
    git(root, "tag", "v1.3.0")
    git(root, "tag", "paper-submission")  # not a version; ignored
    result = run(root)["CIT003"]
    assert result.status is Status.FAIL
    assert "CITATION.cff says 1.2.0 (line 9), latest tag v1.3.0" in result.message
    corrected = load_yaml(result.fixes[0].files["CITATION.cff"])
    assert corrected["version"] == "1.3.0"
    assert str(corrected["date-released"]) == git(root, "log", "-1", "--format=%cs").strip()


def test_a_release_not_tagged_yet_only_warns(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {"CITATION.cff": VALID})
    git(root, "tag", "v1.1.0")
    result = run(root)["CIT003"]
    assert result.status is Status.WARN
    assert "not tagged yet" in result.message


def test_matching_versions_pass(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path, {"CITATION.cff": VALID, "pyproject.toml": PYPROJECT.format(version="1.2")}
    )
    git(root, "tag", "v1.2.0")
    result = run(root)["CIT003"]
    assert result.status is Status.PASS
    assert result.message == (
        "CITATION.cff says 1.2.0 (line 9), pyproject.toml says 1.2, latest tag v1.2.0"
    )


def test_future_release_date_fails(tmp_path: Path) -> None:
    root = with_cff(tmp_path, VALID.replace("2024-03-01", "2999-01-01"))
    result = run(root)["CIT003"]
    assert result.status is Status.FAIL
    assert result.findings[0].line == 10
    assert "2999-01-01 is in the future" in result.message
    fixed = load_yaml(result.fixes[0].files["CITATION.cff"])
    assert str(fixed["date-released"]) < "2999-01-01"


def test_missing_version_warns_with_the_line_to_add(tmp_path: Path) -> None:
    text = VALID.replace("\nversion: 1.2.0\n", "\n")
    root = with_cff(tmp_path, text, **{"pyproject.toml": PYPROJECT.format(version="0.4.0")})
    result = run(root)["CIT003"]
    assert result.status is Status.WARN
    assert "add `version: 0.4.0`" in result.message
    assert load_yaml(result.fixes[0].files["CITATION.cff"])["version"] == "0.4.0"


def test_invalid_file_skips_consistency(tmp_path: Path) -> None:
    results = run(with_cff(tmp_path, VALID.replace("2024-03-01", "2023-02-30")))
    assert results["CIT002"].status is Status.FAIL
    assert results["CIT003"].status is Status.SKIP
    assert "CIT002 (fail)" in results["CIT003"].message


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        (VALID.replace("2024-03-01", '"2023-02-30"'), 10, "not a real date"),
        (VALID.replace("2024-03-01", "2024-03-01T10:00:00"), 10, "YYYY-MM-DD"),
        (VALID + "title: again\n", 11, "duplicate key"),
        (
            "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
            "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c]\n"
            "e: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n",
            5,
            "YAML aliases expand to more than",
        ),
    ],
)
def test_hostile_or_odd_files_give_findings(
    tmp_path: Path, text: str, line: int | None, words: str
) -> None:
    result = run(with_cff(tmp_path, text))["CIT002"]
    assert result.status is Status.FAIL
    assert any(f.line == line and words in f.message for f in result.findings), result.findings


def test_numeric_version_is_compared_as_written(tmp_path: Path) -> None:
    text = VALID.replace("\nversion: 1.2.0", "\nversion: 1.10")
    root = with_cff(tmp_path, text, **{"pyproject.toml": PYPROJECT.format(version="1.10")})
    result = run(root)["CIT003"]
    assert result.status is Status.PASS
    assert "says 1.10 (line 9)" in result.message


def test_fix_keeps_the_file_layout(tmp_path: Path) -> None:
    text = VALID.replace(
        "  - given-names: Jane\n    family-names: Doe\n    orcid:",
        ("- given-names: Jane\n  family-names: Doe\n  orcid:"),
    ).replace("\nversion: 1.2.0", "\nversion: '1.0'")
    root = with_cff(tmp_path, text, **{"pyproject.toml": PYPROJECT.format(version="1.3.0")})
    corrected = run(root)["CIT003"].fixes[0].files["CITATION.cff"]
    before, after = text.splitlines(), corrected.splitlines()
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert changed == [  # only the two lines, and the quoting style is kept
        ("version: '1.0'", "version: '1.3.0'"),
        ("date-released: 2024-03-01", f"date-released: {dt.date.today().isoformat()}"),
    ]
