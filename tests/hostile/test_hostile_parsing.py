"""Hostile files in the repository and in what the install writes: named pipes, devices,
sockets, huge files, alias bombs, nesting past Python's stack, odd configurations. Each
case runs `reprobot check` and asserts the clear message (the file, the line where there
is one), no traceback, and a report at the end; a broken configuration is the usage error
that names it. A case that would block does not: each has a timeout.
"""

from __future__ import annotations

import json
import os
import socket
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from reprobot.bot.cli import main
from reprobot.checks.core.model import MAX_FINDINGS, MAX_MESSAGE
from reprobot.checks.environment.distributions import environment_names, read_distributions
from tests.helpers import make_repo

pytestmark = pytest.mark.timeout(120)

# Checks that read files but need neither the network nor a build.
READERS = "CIT,LIC,DOC,DEP001,DEP005,BLD001,TST001,PTH001"

BOMB = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]\n"
    for previous, name in zip("abcdef", "bcdefg", strict=True)
)


def check(repo: Path, capsys: pytest.CaptureFixture[str], select: str = READERS) -> dict[str, Any]:
    """`reprobot check --format json`: the report's checks by code (and the raw size)."""
    code = main(["check", str(repo), "--format", "json", "--select", select])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert code in (0, 1), err
    report = json.loads(out)
    assert report["schema"] == "reprobot.report/1"
    for result in report["checks"]:
        assert "the check itself failed" not in result["message"], result
        assert result["status"] != "error", result
    return {"_size": len(out), **{c["code"]: c for c in report["checks"]}}


def usage_error(repo: Path, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["check", str(repo), "--select", "CIT001"]) == 2
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return err


def messages(result: dict[str, Any]) -> dict[str | None, str]:
    return {f["path"]: f["message"] for f in result["findings"]}


@pytest.fixture
def plain(tmp_path: Path) -> Path:
    """A plain directory (no git: a walk lists named pipes and sockets, git does not)."""
    return make_repo(tmp_path, {"ok.py": "import numpy\n", "README.md": "# x\n"}, git_init=False)


@pytest.fixture
def bound_socket(plain: Path) -> Iterator[Path]:
    path = plain / "server.py"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.bind(str(path))
    try:
        yield path
    finally:
        sock.close()


# A. Nothing that is not a regular file is opened.


def test_named_pipes_as_script_notebook_and_manifests_never_block(
    plain: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("pipe.py", "nb.ipynb", "requirements.txt", "CITATION.cff"):
        os.mkfifo(plain / name)
    results = check(plain, capsys)
    fifo = "is a named pipe (FIFO), not a regular file"
    assert messages(results["CIT002"])["CITATION.cff"] == f"CITATION.cff {fifo}; not read"
    assert results["CIT002"]["status"] == "fail"
    assert messages(results["DEP001"])["requirements.txt"] == f"requirements.txt {fifo}; not read"
    assert messages(results["DEP005"])["pipe.py"] == f"pipe.py {fifo}; its imports were not checked"
    bld = results["BLD001"]
    assert bld["message"] == (
        f"1 Python file compiles; 2 files were not read, so not compiled (first: pipe.py {fifo})"
    )


def test_a_named_pipe_as_the_configuration_is_a_usage_error(
    plain: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    os.mkfifo(plain / ".reprobot.yml")
    err = usage_error(plain, capsys)
    assert err.startswith("reprobot: error: .reprobot.yml: is a named pipe (FIFO)")


def test_sockets_and_devices_are_named_not_opened(
    plain: Path, bound_socket: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    try:
        os.mknod(plain / "zero.py", 0o600 | stat.S_IFCHR, os.makedev(1, 5))
        device = True
    except PermissionError:
        device = False
    found = messages(check(plain, capsys)["DEP005"])
    assert found["server.py"].startswith("server.py is a socket, not a regular file")
    if device:
        assert found["zero.py"].startswith("zero.py is a device file, not a regular file")


def test_huge_files_are_named_with_their_size(
    plain: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with (plain / "huge.py").open("wb") as handle:
        handle.truncate(9 * 1024 * 1024)
    with (plain / "CITATION.cff").open("wb") as handle:
        handle.truncate(3 * 1024 * 1024)
    results = check(plain, capsys)
    assert messages(results["CIT002"])["CITATION.cff"] == (
        "CITATION.cff is 3.0 MB, larger than the 1.0 MB reprobot reads; not read"
    )
    bld = results["BLD001"]["message"]
    assert "huge.py is 9.0 MB, larger than the 8.0 MB reprobot reads" in bld
    assert messages(results["DEP005"])["huge.py"] == (
        "huge.py is 9.0 MB, larger than the 2.0 MB reprobot reads; its imports were not checked"
    )


def test_dist_info_files_that_are_pipes_count_as_missing(tmp_path: Path) -> None:
    site = tmp_path / "venv" / "lib" / "python3.11" / "site-packages"
    good = site / "good-1.0.dist-info"
    good.mkdir(parents=True)
    (good / "METADATA").write_text("Name: good\nVersion: 1.0\n")
    (good / "top_level.txt").write_text("good\n")
    bad = site / "bad-2.0.dist-info"
    bad.mkdir()
    for name in ("METADATA", "RECORD", "top_level.txt", "direct_url.json"):
        os.mkfifo(bad / name)
    (good / "direct_url.json").mkdir()  # a directory where a file belongs
    assert [(d.name, d.version, d.url) for d in read_distributions(tmp_path / "venv")] == [
        ("good", "1.0", None)
    ]
    assert environment_names(tmp_path / "venv") == {"good": ("good",)}


# B. Bounded parsing.


def test_an_alias_bomb_in_the_configuration_is_a_short_usage_error(
    plain: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (plain / ".reprobot.yml").write_text(BOMB.replace("g: &g", "select: &g"))
    err = usage_error(plain, capsys)
    assert err.startswith("reprobot: error: .reprobot.yml:5: not read: YAML aliases expand")
    assert len(err) < 300


def test_an_alias_bomb_in_environment_yml_gives_a_small_report(
    plain: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (plain / "environment.yml").write_text("name: x\n" + BOMB.replace("g: &g", "dependencies: &g"))
    results = check(plain, capsys)
    found = results["DEP001"]["findings"]
    assert found[0]["path"] == "environment.yml" and found[0]["line"] == 6
    assert found[0]["message"].startswith("environment.yml is not read: YAML aliases expand")
    assert results["_size"] < 100_000


DEEP = {
    # file: (its text, the check that reads it, the line named, the words)
    "CITATION.cff": ("title: " + "[" * 5000 + "]" * 5000, "CIT002", 1, "nested more than 100"),
    "environment.yml": (
        "dependencies:\n" + "".join("  " * i + "- \n" for i in range(1, 300)),
        "DEP001",
        101,
        "environment.yml is not read: nested more than 100 levels deep",
    ),
    "pyproject.toml": (
        '[project]\nname = "x"\ndependencies = ' + "[" * 50_000 + "]" * 50_000 + "\n",
        "DEP001",
        None,
        "pyproject.toml is nested too deeply for reprobot to read",
    ),
    "setup.py": (
        "from setuptools import setup\nX = " + "-" * 100_000 + "1\nsetup(name='x')\n",
        "DEP001",
        None,
        "setup.py is nested too deeply for Python to parse",
    ),
    "deep.ipynb": (
        '{"nbformat": 4, "cells": ' + "[" * 50_000 + "]" * 50_000 + "}",
        "BLD001",
        None,
        "not a notebook: JSON nested too deeply",
    ),
}


@pytest.mark.parametrize("name", sorted(DEEP))
def test_nesting_past_pythons_stack_is_a_clear_finding(
    plain: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    text, code, line, words = DEEP[name]
    (plain / name).write_text(text)
    select = "DEP001" if name in ("pyproject.toml", "setup.py") else "CIT,DEP001,BLD001"
    result = check(plain, capsys, select)[code]
    assert result["status"] == "fail"
    finding = next(f for f in result["findings"] if f["path"] == name)
    assert words in finding["message"]
    assert finding["line"] == line


def test_thousands_of_findings_and_a_huge_line_are_capped(
    plain: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = [f"bad package {i} ((" for i in range(3000)] + ["x" * 200_000 + " ((("]
    (plain / "requirements.txt").write_text("\n".join(lines) + "\n")
    result = check(plain, capsys, "DEP001")["DEP001"]
    assert result["status"] == "fail"
    findings = result["findings"]
    assert len(findings) == MAX_FINDINGS + 1
    assert findings[-1]["message"] == f"… {3001 - MAX_FINDINGS} more findings"
    assert all(len(f["message"]) <= MAX_MESSAGE + 40 for f in findings)
    assert len(result["message"]) <= MAX_MESSAGE + 40


# C. Configuration oddities.


def test_a_configuration_that_is_a_directory_is_a_usage_error(
    plain: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (plain / ".reprobot.yml").mkdir()
    err = usage_error(plain, capsys)
    assert err.startswith("reprobot: error: .reprobot.yml: is a directory, not a file")


def test_pyproject_with_a_byte_order_mark_keeps_its_configuration(
    plain: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (plain / "pyproject.toml").write_bytes(
        b'\xef\xbb\xbf[tool.reprobot]\nignore = {LIC001 = "licence chosen by the lab"}\n'
    )
    lic = check(plain, capsys, "LIC001")["LIC001"]
    assert lic["status"] == "skip"
    assert lic["message"] == "ignored: licence chosen by the lab"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("tests:\n  timeout: .inf\n", "`tests.timeout` must be a finite number, not inf"),
        ("limits:\n  memory_mb: 99999999999999999\n", "`limits.memory_mb` must be at most"),
        ("build:\n  timeout: -3\n", "`build.timeout` must be a positive number"),
    ],
)
def test_out_of_range_settings_are_usage_errors_naming_the_key(
    plain: Path, capsys: pytest.CaptureFixture[str], text: str, words: str
) -> None:
    (plain / ".reprobot.yml").write_text(text)
    err = usage_error(plain, capsys)
    assert err.startswith(f"reprobot: error: .reprobot.yml:2: {words}")


# D. What was not read is never counted as compiled.


def test_build_names_the_files_it_could_not_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = tmp_path / "outside.ipynb"
    outside.write_text("{}")
    repo = make_repo(tmp_path, {"run.py": "x = 1\n"}, git_init=False)
    (repo / "linked.ipynb").symlink_to(outside)
    bld = check(repo, capsys, "BLD001")["BLD001"]
    assert bld["status"] == "pass"
    assert bld["message"] == (
        "1 Python file compiles; 1 notebook was not read, so not compiled "
        "(linked.ipynb is a link that points outside the repository)"
    )
    assert messages(bld)["linked.ipynb"].startswith("linked.ipynb is a link that points outside")


def test_build_is_skipped_when_nothing_could_be_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path, {"README.md": "# x\n"}, git_init=False)
    (repo / "linked.ipynb").symlink_to("/etc/hostname")
    os.mkfifo(repo / "pipe.py")
    bld = check(repo, capsys, "BLD001")["BLD001"]
    assert bld["status"] == "skip"
    assert bld["message"].startswith(
        "nothing to build could be read: 2 files were not read, so not compiled (first: "
    )
