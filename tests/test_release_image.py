"""The image built from the real Dockerfile: no installer, no build tool, no build argument."""

from __future__ import annotations

import json

import pytest

from reprobot.checks.core.runner import run
from tests.integration.container import build_image, require_container

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def image() -> str:
    require_container()
    return build_image()


def inspect(image: str) -> dict[str, object]:
    outcome = run(("buildah", "inspect", "--type", "image", image), timeout=60)
    assert outcome.ok, outcome.output
    data: dict[str, object] = json.loads(outcome.stdout)
    return data


def in_image(image: str, *command: str) -> tuple[int | None, str]:
    created = run(("buildah", "from", "--quiet", image), timeout=120)
    assert created.ok, created.output
    container = created.stdout.strip()
    try:
        outcome = run(
            ("buildah", "run", "--isolation", "chroot", container, "--", *command), timeout=120
        )
        return outcome.returncode, outcome.output
    finally:
        run(("buildah", "rm", container), timeout=60)


def test_history_holds_no_build_argument(image: str) -> None:
    data = inspect(image)
    history = data.get("History") or data["OCIv1"]["history"]  # type: ignore[index]
    steps = [str(entry.get("created_by", "")) for entry in history]  # type: ignore[union-attr]
    assert any("COPY" in step for step in steps)
    for step in steps:
        for word in ("PIP_", "pip install", "requirements", "PROXY", "proxy"):
            assert word not in step, step
    env = data["OCIv1"]["config"]["Env"]  # type: ignore[index]
    assert not [e for e in env if e.startswith(("PIP_", "HTTP", "http"))]


def test_no_pip_or_setuptools_in_the_image(image: str) -> None:
    probe = (
        "import importlib.util\n"
        "for name in ('pip', 'setuptools', 'jinja2'):\n"
        "    print(name, 'present' if importlib.util.find_spec(name) else 'absent')\n"
    )
    returncode, output = in_image(image, "/opt/reprobot/bin/python", "-c", probe)
    assert returncode == 0, output
    assert output.split("\n")[:3] == ["pip absent", "setuptools absent", "jinja2 present"]
    returncode, output = in_image(image, "python3", "-c", probe)
    assert returncode == 0, output
    assert output.split("\n")[:2] == ["pip absent", "setuptools absent"]
    returncode, output = in_image(image, "reprobot", "--version")
    assert returncode == 0 and output.startswith("reprobot "), output
