"""Poetry's dependency tables and version constraints."""

from __future__ import annotations

from pathlib import Path

from reprobot.checks.manifests.poetry import poetry_constraint
from tests.manifests.reading import by_name, read


def test_poetry_caret_and_tilde_semantics() -> None:
    assert poetry_constraint("^1.2.3") == ">=1.2.3,<2.0.0"
    assert poetry_constraint("^0.2.3") == ">=0.2.3,<0.3.0"
    assert poetry_constraint("^0.0.3") == ">=0.0.3,<0.0.4"
    assert poetry_constraint("~1.2.3") == ">=1.2.3,<1.3.0"
    assert poetry_constraint("~1") == ">=1,<2"
    assert poetry_constraint("1.2.3") == "==1.2.3"
    assert poetry_constraint("*") == ""
    assert poetry_constraint(">=1.0,<2.0") == ">=1.0,<2.0"


def test_poetry_dependencies_are_converted(tmp_path: Path) -> None:
    found = read(
        tmp_path,
        {
            "pyproject.toml": """
                [tool.poetry]
                name = "study"
                version = "0.1.0"

                [tool.poetry.dependencies]
                python = "^3.9"
                numpy = "^1.24"
                requests = { version = "~2.31", extras = ["socks"] }

                [tool.poetry.group.dev.dependencies]
                pytest = "*"

                [build-system]
                requires = ["poetry-core"]
                build-backend = "poetry.core.masonry.api"
            """
        },
    )
    names = by_name(found)
    assert names["numpy"] == ("numpy<2.0,>=1.24", "pyproject.toml", 7, False, "main")
    assert names["requests"][0] == "requests[socks]<2.32,>=2.31"
    assert names["pytest"][4] == "dev"
    assert found.kind == "poetry"
    assert found.python is not None and found.python.spec == ">=3.9,<4.0"
