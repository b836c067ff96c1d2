"""The installed distribution holds one top-level package, reprobot: no bare bot or checks."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from reprobot.checks.core.runner import run
from tests.test_release import ROOT, release

pytestmark = pytest.mark.slow


def test_uv_tool_install_puts_only_reprobot_into_site_packages(tmp_path: Path) -> None:
    wheel = next(p for p in release.build_dists(tmp_path / "dist", ROOT) if p.suffix == ".whl")
    env = {
        "UV_TOOL_DIR": str(tmp_path / "tools"),
        "UV_TOOL_BIN_DIR": str(tmp_path / "bin"),
        "UV_PYTHON_DOWNLOADS": "never",
    }
    uv = release.uv_command()
    outcome = run(
        [uv, "tool", "install", "--python", sys.executable, str(wheel)],
        cwd=tmp_path,
        timeout=600,
        extra_env=env,
    )
    assert outcome.returncode == 0, outcome.output
    (site,) = (tmp_path / "tools" / "reprobot").glob("lib/python3*/site-packages")
    top = {p.name for p in site.iterdir()}
    assert "reprobot" in top
    assert not {"bot", "checks"} & top, sorted(top)
    package = site / "reprobot"
    assert (package / "bot" / "cli.py").is_file() and (package / "checks" / "core").is_dir()
    assert not (package / "bot").is_symlink()  # real files, not the source tree's links
    assert any((package / "bot" / "templates").iterdir())
    assert (package / "checks" / "data").is_dir()
    reprobot = tmp_path / "bin" / "reprobot"
    version = run([str(reprobot), "--version"], cwd=tmp_path, timeout=120)
    assert version.returncode == 0 and version.stdout.startswith("reprobot "), version.output
    listed = run([str(reprobot), "list-checks"], cwd=tmp_path, timeout=120)
    assert listed.returncode == 0 and "CIT001" in listed.stdout, listed.output


def test_the_source_tree_links_the_package_folders() -> None:
    for name in ("bot", "checks"):
        link = ROOT / "reprobot" / name
        assert link.is_symlink() and os.readlink(link) == f"../{name}"
