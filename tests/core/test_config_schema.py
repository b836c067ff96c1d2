"""The JSON Schema of `.reprobot.yml`: made from the settings, committed in step, and the
one the loader validates with (its problems still said as `file:line: message`)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

import reprobot.checks
from reprobot.checks import FAMILIES, ConfigError, configuration_schema, load_config
from reprobot.checks.core import engine
from reprobot.checks.core.config import load_config as load_with
from reprobot.checks.core.config_schema import config_schema
from reprobot.checks.core.yaml import load_yaml

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "schema" / "reprobot.schema.json"


def test_the_committed_schema_is_in_step_with_the_settings() -> None:
    assert COMMITTED.read_text(encoding="utf-8") == configuration_schema(), (
        "schema/reprobot.schema.json is out of date: run `python3 scripts/dev.py schema`"
    )


def test_the_schema_is_a_valid_draft_2020_12_schema_with_every_family() -> None:
    schema = json.loads(configuration_schema())
    Draft202012Validator.check_schema(schema)
    assert set(schema["properties"]) == {"select", "ignore", *engine.schema(FAMILIES)}
    timeout = schema["properties"]["tests"]["properties"]["timeout"]
    assert timeout["type"] == "number" and timeout["exclusiveMinimum"] == 0
    assert timeout["description"] and "default" in timeout


@dataclass(frozen=True)
class SurveySettings:
    """The `survey` section: how a made-up family is configured."""

    sample: int = field(default=10, metadata={"help": "how many to sample", "positive": True})
    kinds: tuple[str, ...] = field(default=("a",), metadata={"help": "which kinds"})


def test_a_new_family_s_settings_appear_without_writing_any_schema(tmp_path: Path) -> None:
    schema = {**engine.schema(FAMILIES), "survey": SurveySettings}
    survey = config_schema(schema)["properties"]["survey"]
    assert survey["description"] == "The `survey` section: how a made-up family is configured."
    assert survey["properties"]["sample"] == {
        "type": "integer",
        "description": "how many to sample",
        "default": 10,
        "exclusiveMinimum": 0,
    }
    assert survey["properties"]["kinds"]["default"] == ["a"]
    (tmp_path / ".reprobot.yml").write_text("survey:\n  kinds: [b]\n  sample: 0\n")
    with pytest.raises(ConfigError) as info:
        load_with(tmp_path, schema)
    assert str(info.value) == ".reprobot.yml:3: `survey.sample` must be a positive number"


GOOD = """\
select: [CIT, DEP]
ignore:
  TST001: data-only repository
dependencies:
  python: "3.11"
  extras: [plot]
  timeout: 600
tests:
  command: make check
limits:
"""


def test_a_good_configuration_passes_the_committed_schema_and_the_loader(tmp_path: Path) -> None:
    schema = json.loads(COMMITTED.read_text(encoding="utf-8"))
    data = load_yaml(GOOD)
    assert list(Draft202012Validator(schema).iter_errors(data)) == []
    (tmp_path / ".reprobot.yml").write_text(GOOD)
    config = load_config(tmp_path)
    assert config.select == ("CIT", "DEP") and config.family("tests") == {"command": "make check"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        # the first problem in the file's order, whichever the schema met first
        (
            "tests:\n  timeout: soon\nselcet: [DEP]\n",
            ".reprobot.yml:2: `tests.timeout` must be a number, not 'soon'",
        ),
        ("tests:\n  timeout: .inf\n", ".reprobot.yml:2: `tests.timeout` must be a finite number"),
        ("tests:\n  timeout: true\n", ".reprobot.yml:2: `tests.timeout` must be a number, not"),
        (
            "dependencies:\n  extras: [plot, 3]\n",
            ".reprobot.yml:2: `dependencies.extras` must be a list of text",
        ),
        ("licence:\n  strict: yes\n", ".reprobot.yml:2: unknown key `licence.strict` (known"),
        ("tests: [a]\n", ".reprobot.yml:1: `tests` must be a mapping of settings"),
        ("select: 5\n", ".reprobot.yml:1: `select` must be a list of check codes or prefixes"),
        ("ignore:\n  CIT001: 7\n", ".reprobot.yml:2: ignore `CIT001` needs a reason"),
        ("42\n", ".reprobot.yml: the configuration must be a mapping of settings"),
    ],
)  # fmt: skip
def test_schema_problems_keep_the_file_line_and_remedy(
    tmp_path: Path, text: str, message: str
) -> None:
    (tmp_path / ".reprobot.yml").write_text(text)
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    assert str(info.value).startswith(message)


def test_pyproject_problems_name_the_section(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.reprobot.tests]\ntimeout = 'soon'\n")
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    assert str(info.value) == (
        "pyproject.toml [tool.reprobot]: `tests.timeout` must be a number, not 'soon'"
    )


def test_the_public_api_offers_the_schema() -> None:
    assert "configuration_schema" in reprobot.checks.__all__
