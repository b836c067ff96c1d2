from __future__ import annotations

from pathlib import Path

import pytest

from reprobot.checks import ConfigError, load_config


def test_yaml_config_with_ignore_reasons_and_family_settings(tmp_path: Path) -> None:
    (tmp_path / ".reprobot.yml").write_text(
        "select: [CIT, DEP001]\n"
        "ignore:\n"
        "  TST001: data-only repository, nothing to test\n"
        "tests:\n"
        "  timeout: 60\n"
        "  command: make check\n"
    )
    config = load_config(tmp_path)
    assert config.select == ("CIT", "DEP001")
    assert config.ignore == {"TST001": "data-only repository, nothing to test"}
    assert config.family("tests") == {"timeout": 60, "command": "make check"}


def test_pyproject_tool_section(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.reprobot]\nignore = ["LIC001"]\n[tool.reprobot.tests]\ntimeout = 120\n'
    )
    config = load_config(tmp_path)
    assert "LIC001" in config.ignore
    assert config.family("tests")["timeout"] == 120


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("select: [CIT]\nselcet: [DEP]\n", 2, "unknown key `selcet`"),
        ("tests:\n  timeout: 60\n  comand: x\n", 3, "unknown key `tests.comand`"),
        ("tests:\n\ttimeout: 60\n", 2, "not valid YAML"),
        ("tests:\n  timeout: soon\n", 2, "must be a number, not 'soon'"),
        ("tests:\n  timeout: -5\n", 2, "positive number"),
        ("ignore:\n  CIT001: ''\n", 2, "needs a reason"),
        ("- just\n- a list\n", 1, "must be a mapping"),
    ],
)
def test_broken_config_names_file_and_line(
    tmp_path: Path, text: str, line: int, words: str
) -> None:
    (tmp_path / ".reprobot.yml").write_text(text)
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    assert info.value.path == ".reprobot.yml"
    assert info.value.line == line
    assert words in str(info.value)
    assert str(info.value).startswith(f".reprobot.yml:{line}: ")


def test_both_config_places_is_an_error(tmp_path: Path) -> None:
    (tmp_path / ".reprobot.yml").write_text("select: [CIT]\n")
    (tmp_path / "pyproject.toml").write_text("[tool.reprobot]\nselect = ['DEP']\n")
    with pytest.raises(ConfigError, match="keep one"):
        load_config(tmp_path)


def test_no_config_is_empty(tmp_path: Path) -> None:
    config = load_config(tmp_path)
    assert config.select == () and config.ignore == {}


def test_broken_pyproject_is_no_config_error(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.reprobot\nselect = ['DEP']\n")
    config = load_config(tmp_path)
    assert config.select == () and config.ignore == {}


def test_runs_honours_select_prefixes_and_ignores() -> None:
    from reprobot.checks.core.config import Config

    assert Config().runs("DEP002")
    assert Config(select=("DEP",)).runs("DEP002")
    assert not Config(select=("DEP005",)).runs("DEP002")
    assert not Config(ignore={"dep": "not now"}).runs("DEP002")


def test_a_config_that_is_no_regular_file_is_a_usage_error(tmp_path: Path) -> None:
    import os

    (tmp_path / "dir" / ".reprobot.yml").mkdir(parents=True)
    (tmp_path / "pipe").mkdir()
    os.mkfifo(tmp_path / "pipe" / ".reprobot.yml")  # reading it would block for ever
    for name, words in (("dir", "is a directory"), ("pipe", "is a named pipe (FIFO)")):
        with pytest.raises(ConfigError) as info:
            load_config(tmp_path / name)
        assert str(info.value).startswith(f".reprobot.yml: {words}")
        assert "must be a YAML file" in str(info.value)


def test_pyproject_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_bytes(
        b'\xef\xbb\xbf[tool.reprobot]\nignore = {TST001 = "no tests for data"}\n'
    )
    assert load_config(tmp_path).ignore == {"TST001": "no tests for data"}


def test_an_alias_bomb_in_the_config_is_refused_briefly(tmp_path: Path) -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    lines += [
        f"{n}: &{n} [{', '.join([f'*{p}'] * 9)}]" for p, n in zip("abcdef", "bcdefg", strict=True)
    ]
    (tmp_path / ".reprobot.yml").write_text("\n".join(lines) + "\n")
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    assert info.value.line == 5
    assert "YAML aliases expand to more than" in str(info.value)
    assert len(str(info.value)) < 300


def _numeric_settings() -> list[tuple[str, str]]:
    from reprobot.checks.core import settings
    from reprobot.checks.core.engine import schema
    from reprobot.checks.families import FAMILIES

    return [
        (family, name)
        for family, kind in schema(FAMILIES).items()
        for name, (kinds, _field) in settings.fields(kind).items()
        if int in kinds or float in kinds
    ]


@pytest.mark.parametrize(("family", "key"), _numeric_settings())
@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("-1", "must be a positive number"),
        ("0", "must be a positive number"),
        (".nan", "must be"),
        (".inf", "must be"),
        ("1e30", "must be"),
        ("99999999999999999999999", "must be at most"),
        ("true", "must be a number"),
        ("'10'", "must be a number"),
        ("[1]", "must be a number"),
    ],
)
def test_every_numeric_setting_refuses_out_of_range_values(
    tmp_path: Path, family: str, key: str, value: str, words: str
) -> None:
    (tmp_path / ".reprobot.yml").write_text(f"# settings\n{family}:\n  {key}: {value}\n")
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    assert str(info.value).startswith(f".reprobot.yml:3: `{family}.{key}` {words}")


def test_numeric_settings_are_all_tested() -> None:
    found = set(_numeric_settings())
    assert {("tests", "timeout"), ("limits", "memory_mb"), ("limits", "processes")} <= found


def test_a_date_as_yaml_writes_it_is_a_date_setting(tmp_path: Path) -> None:
    from reprobot.checks.environment.settings import EnvironmentSettings

    (tmp_path / ".reprobot.yml").write_text("dependencies:\n  as_of: 2021-06-01\n")
    assert load_config(tmp_path).settings(EnvironmentSettings).as_of == "2021-06-01"
    (tmp_path / ".reprobot.yml").write_text("dependencies:\n  as_of: someday\n")
    with pytest.raises(ConfigError, match=r"\.reprobot\.yml:2: `dependencies\.as_of` must be auto"):
        load_config(tmp_path)
