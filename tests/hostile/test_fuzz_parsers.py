"""A bounded fuzzing pass over every parser of hostile input: each one either reads the
input or says what is wrong with it in its own error type, within its message caps; none
raises anything else. Inputs are built from each format's own grammar (so most of them get
past the first line) and then mutated with the characters that break parsers.

Each parser gets a fixed number of examples and no per-example deadline, so the whole pass
takes seconds; no example database is written. A longer hunt: REPROBOT_FUZZ_EXAMPLES=5000.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from reprobot.bot.event import load_event
from reprobot.bot.reportfile import ReportFileError, load_report
from reprobot.checks.core.config import ConfigError, load_config
from reprobot.checks.core.engine import schema
from reprobot.checks.core.model import MAX_MESSAGE, Finding
from reprobot.checks.core.snapshot import Snapshot
from reprobot.checks.families import FAMILIES
from reprobot.checks.families.build.compile import check_notebook
from reprobot.checks.families.citation.cff import load_cff
from reprobot.checks.families.citation.validation import validate
from reprobot.checks.families.tests.junit import JUnitError, parse_junit
from reprobot.checks.manifests import read_manifest
from reprobot.checks.repo.imports import scan_notebook

FUZZ = settings(
    max_examples=int(os.environ.get("REPROBOT_FUZZ_EXAMPLES", "120")),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Characters that end, open or escape something in one of the formats.
BREAKERS = [
    *"\t\n\r \0\ufeff\u2028\"'\\[]{}()<>&*!|:;,=#-~@%$`^?.",
    "&a ",
    "*a",
    "<<: *a",
    "---\n",
    "...\n",
    "\r\n",
    "\udcff",
    "9" * 5000,
    "[" * 3000,
    "{a=" * 1500,
    "(" * 1200,
    "-" * 60_000,
]


# Shapes random generation seldom reaches, tried first by every parser: nesting past
# Python's stack, integers Python refuses to convert, a byte-order mark, an alias bomb.
DEEP_LIST = "[" * 100_000 + "]" * 100_000
LONG_INT = "9" * 5000
ALIAS_BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{n}: &{n} [{', '.join([f'*{p}'] * 9)}]\n" for p, n in zip("abcdef", "bcdefg", strict=True)
)


def hard(*texts: str) -> Callable[[Any], Any]:
    """`@example` for each text (the first argument of a one-argument test)."""

    def mark(test: Any) -> Any:
        for text in reversed(texts):
            test = example(text)(test)
        return test

    return mark


@st.composite
def mutated(draw: st.DrawFn, base: st.SearchStrategy[str]) -> str:
    """`base`, then a few breakers inserted, spans deleted or duplicated."""
    text = draw(base)
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(("insert", "delete", "repeat")))
        if action == "insert":
            text = text[:at] + draw(st.sampled_from(BREAKERS)) + text[at:]
        elif action == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 20)) :]
        else:
            span = text[at : at + draw(st.integers(1, 30))]
            text = text[:at] + span * draw(st.integers(2, 50)) + text[at:]
    return text


def _surrogate_free(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape" if "\udcff" in text else "strict")


def as_bytes(text: str) -> bytes:
    try:
        return _surrogate_free(text)
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace")


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(["2023-02-30", "2024-03-01", "10.5281/zenodo.1", "https://orcid.org/x"]),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5), st.dictionaries(st.text(max_size=12), inner, max_size=5)
    ),
    max_leaves=30,
)


def dump_yaml(data: Any) -> str:
    out = io.StringIO()
    YAML(typ="safe", pure=True).dump(data, out)
    return out.getvalue()


def yaml_text(keys: list[str]) -> st.SearchStrategy[str]:
    """YAML documents whose top-level keys are mostly `keys`, mutated."""
    document = st.dictionaries(
        st.one_of(st.sampled_from(keys), st.text(max_size=10)), values, max_size=8
    )
    return mutated(document.map(dump_yaml))


def bounded(findings: tuple[Finding, ...] | list[Finding]) -> None:
    for finding in findings:
        assert len(finding.message) <= MAX_MESSAGE + 40


@contextmanager
def repository(files: dict[str, bytes]) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="reprobot-fuzz-") as directory:
        root = Path(directory)
        for name, data in files.items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_bytes(data)
        yield root


def manifest_of(name: str, text: str) -> None:
    with repository({name: as_bytes(text)}) as root:
        found = read_manifest(Snapshot(root, files=(name,)))
        bounded(found.problems + found.portability)


CFF_KEYS = ["cff-version", "message", "title", "authors", "date-released", "doi", "license"]


@FUZZ
@hard(DEEP_LIST, ALIAS_BOMB, "title: " + LONG_INT, "\ufeffcff-version: 1.2.0\n")
@given(yaml_text(CFF_KEYS))
def test_citation_file_loads_and_validates(text: str) -> None:
    cff = load_cff(text, "CITATION.cff")
    bounded(validate(cff))


@FUZZ
@hard(DEEP_LIST, ALIAS_BOMB, "tests:\n  timeout: " + LONG_INT, "select: [" + "[" * 500)
@given(yaml_text([*schema(FAMILIES), "select", "ignore"]))
def test_reprobot_yml(text: str) -> None:
    with repository({".reprobot.yml": as_bytes(text)}) as root:
        try:
            load_config(root, schema(FAMILIES))
        except ConfigError as exc:
            assert len(str(exc)) <= MAX_MESSAGE + 200


@FUZZ
@hard(DEEP_LIST, ALIAS_BOMB, "dependencies:\n  - pip:\n    - " + DEEP_LIST)
@given(yaml_text(["name", "channels", "dependencies", "prefix"]))
def test_environment_yml(text: str) -> None:
    manifest_of("environment.yml", text)


REQUIREMENT_LINES = st.one_of(
    st.from_regex(r"[A-Za-z][A-Za-z0-9._-]{0,10}(\[[a-z,]{0,8}\])?([<>=!~]=?[0-9.*]{1,6})?"),
    st.sampled_from(
        [
            "-r other.txt",
            "-c requirements.txt",
            "-e .",
            "--hash=sha256:abc",
            "git+https://x/y.git#egg=y",
            "numpy; python_version < '3.8'",
            "pkg @ https://x/p.whl",
            "\\",
            "--index-url https://x",
            "# comment",
        ]
    ),
    st.text(max_size=20),
)


@FUZZ
@hard("x" * 100_000, "numpy==" + LONG_INT, "\\\n" * 1000, "-r requirements.txt")
@given(mutated(st.lists(REQUIREMENT_LINES, max_size=12).map("\n".join)))
def test_requirements_txt(text: str) -> None:
    manifest_of("requirements.txt", text)


toml_values = st.one_of(
    st.from_regex(r'"[a-z<>=.0-9 ]{0,12}"', fullmatch=True),
    st.sampled_from(["[]", '["numpy>=1", "pandas"]', "{}", "1", "true", '{version = "^1"}']),
)
toml_lines = st.one_of(
    st.sampled_from(
        [
            "[project]",
            "[tool.poetry]",
            "[tool.poetry.dependencies]",
            "[project.optional-dependencies]",
            "[tool.reprobot]",
            "[build-system]",
        ]
    ),
    st.builds(
        lambda k, v: f"{k} = {v}",
        st.sampled_from(["name", "version", "dependencies", "requires-python", "dynamic", "x"]),
        toml_values,
    ),
)


@FUZZ
@hard("[project]\ndependencies = " + DEEP_LIST, "x = " + LONG_INT, "\ufeff[project]\nname='x'")
@given(mutated(st.lists(toml_lines, max_size=12).map("\n".join)))
def test_pyproject_toml(text: str) -> None:
    manifest_of("pyproject.toml", text)


python_values = st.one_of(
    st.sampled_from(["['numpy>=1', 'scipy']", "REQS", "{'dev': ['pytest']}", "'>=3.8'", "[]"]),
    st.from_regex(r"[\[\]\(\)'a-z0-9,+\-*{}: ]{0,30}", fullmatch=True),
)


@FUZZ
@given(
    mutated(
        st.builds(
            lambda binding, a, b, c: (
                f"from setuptools import setup\nREQS = {binding}\n"
                f"setup(name='x', install_requires={a}, extras_require={b}, python_requires={c})\n"
            ),
            python_values,
            python_values,
            python_values,
            python_values,
        )
    )
)
@hard("setup(install_requires=" + "-" * 100_000 + "1)", "X = " + "(" * 5000, "x = " + LONG_INT)
def test_setup_py(text: str) -> None:
    manifest_of("setup.py", text)


cells = st.fixed_dictionaries(
    {
        "cell_type": st.sampled_from(["code", "markdown", "raw", 3]),
        "source": st.one_of(
            st.text(max_size=40), st.lists(st.text(max_size=20), max_size=3), st.integers()
        ),
        "metadata": st.one_of(st.just({}), values),
    },
    optional={"outputs": st.just([]), "execution_count": st.none()},
)
notebooks = st.fixed_dictionaries(
    {
        "nbformat": st.sampled_from([4, 3, "4", None]),
        "nbformat_minor": st.integers(0, 6),
        "metadata": st.one_of(
            st.just({"kernelspec": {"language": "python", "name": "python3"}}), values
        ),
        "cells": st.one_of(st.lists(cells, max_size=4), values),
    }
)


@FUZZ
@hard(DEEP_LIST, '{"nbformat": 4, "cells": ' + LONG_INT + "}", '{"cells": [' + "{" * 100 + "]}")
@given(mutated(notebooks.map(json.dumps)))
def test_notebooks(text: str) -> None:
    data = as_bytes(text)
    for problem in check_notebook("nb.ipynb", data):
        assert len(problem.message) <= MAX_MESSAGE
    _sites, problem = scan_notebook(data, "nb.ipynb")
    bounded([problem] if problem else [])
    with repository({"nb.ipynb": data}) as root:
        from reprobot.checks.families.portability.scan import hard_coded_paths

        hard_coded_paths(Snapshot(root, files=("nb.ipynb",)))


junit = st.builds(
    lambda cases: (
        f'<?xml version="1.0"?>\n<testsuites><testsuite name="s">{cases}</testsuite></testsuites>'
    ),
    st.lists(
        st.builds(
            lambda name, inner: (
                f'<testcase classname="t.m" name="{name}" file="t.py" line="3">{inner}</testcase>'
            ),
            st.from_regex(r"[a-z_\[\]]{0,10}", fullmatch=True),
            st.sampled_from(
                ["", '<failure message="x">boom</failure>', "<error/>", "<skipped/>", "<a"]
            ),
        ),
        max_size=4,
    ).map("".join),
)


@FUZZ
@hard("<a>" * 100_000, '<!DOCTYPE x [<!ENTITY a "b">]><testsuite/>', "<testsuite>" + LONG_INT)
@given(mutated(junit))
def test_junit(text: str) -> None:
    with suppress(JUnitError):
        parse_junit(as_bytes(text))


events = st.fixed_dictionaries(
    {
        "repository": st.one_of(st.just({"full_name": "o/r", "default_branch": "main"}), values),
        "pull_request": st.one_of(
            st.just({"number": 1, "head": {"sha": "a" * 40, "repo": {"full_name": "f/r"}}}),
            values,
        ),
        "workflow_run": values,
        "ref": values,
    }
)


def _as_file(text: str) -> Callable[[Callable[[Path], Any]], Any]:
    def run(reader: Callable[[Path], Any]) -> Any:
        with tempfile.TemporaryDirectory(prefix="reprobot-fuzz-") as directory:
            path = Path(directory) / "payload.json"
            path.write_bytes(as_bytes(text))
            return reader(path)

    return run


@settings(FUZZ, report_multiple_bugs=False)
@example("push", DEEP_LIST)
@example("pull_request", '{"pull_request": {"number": ' + LONG_INT + "}}")
@given(st.sampled_from(["push", "pull_request", "workflow_run"]), mutated(events.map(json.dumps)))
def test_event_payload(name: str, text: str) -> None:
    event = _as_file(text)(lambda path: load_event(name, path))
    assert event.name == name


def _report(checks: Any) -> str:
    return json.dumps(
        {
            "schema": "reprobot.report/1",
            "tool": {"name": "reprobot", "version": "0.1.0"},
            "repository": {"path": "/r", "commit": None},
            "started_at": "2024-01-01T00:00:00+00:00",
            "duration_s": 1.0,
            "timings": {},
            "isolation": "",
            "status": "pass",
            "score": {"passed": 0, "failed": 0, "warned": 0, "total": 0},
            "checks": checks,
        }
    )


@settings(FUZZ, report_multiple_bugs=False)
@hard(
    DEEP_LIST,
    _report([]).replace('"duration_s": 1.0', f'"duration_s": {LONG_INT}'),
    _report([]).replace('"checks": []', f'"checks": {DEEP_LIST}'),
)
@given(mutated(st.one_of(st.just([]), st.lists(values, max_size=3)).map(_report)))
def test_report_artifact(text: str) -> None:
    with suppress(ReportFileError):
        _as_file(text)(load_report)


@pytest.mark.parametrize("depth", [5_000, 200_000])
def test_deep_json_payloads_are_problems(depth: int) -> None:
    """The inputs fuzzing is least likely to build by chance, given outright."""
    deep = "[" * depth + "]" * depth
    _sites, problem = scan_notebook(deep.encode(), "nb.ipynb")
    assert problem is not None
    assert check_notebook("nb.ipynb", deep.encode())[0].message.startswith("not a notebook")


def test_a_notebook_with_an_integer_of_thousands_of_digits_is_a_problem() -> None:
    data = b'{"nbformat": 4, "cells": [], "x": ' + b"9" * 5000 + b"}"
    (problem,) = check_notebook("nb.ipynb", data)
    assert problem.message == "not valid JSON: a number has too many digits"
