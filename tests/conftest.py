"""Shared fixtures."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ghserver import GitHubServer, seed_standard


@pytest.fixture
def github_server() -> Iterator[GitHubServer]:
    """A started GitHub-compatible server on 127.0.0.1 with write token ``test-token`` for
    ``github-actions[bot]`` and the repository ``octo-org/research`` (branch ``main``)."""
    with GitHubServer() as server:
        seed_standard(server)
        yield server


@pytest.fixture(scope="session")
def wheelhouse() -> Iterator[Path]:
    """A local package index of tiny wheels and sdists (see tests/wheelhouse.py), in a
    directory the unprivileged sandbox user can read; built once per session."""
    from tests.wheelhouse import standard_wheelhouse

    directory = Path(tempfile.mkdtemp(prefix="reprobot-wheelhouse-"))
    os.chmod(directory, 0o755)
    standard_wheelhouse(directory)
    for path in directory.iterdir():
        os.chmod(path, 0o644)
    yield directory
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def local_index(wheelhouse: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Fresh environments install only from the wheelhouse (no network)."""
    monkeypatch.setenv("REPROBOT_FIND_LINKS", str(wheelhouse))
    return wheelhouse


@pytest.fixture
def sandbox_tmp() -> Iterator[Path]:
    """A temporary directory the unprivileged sandbox user can reach (pytest's own
    tmp_path lives under a private directory), removed afterwards."""
    from reprobot.checks.core.sandbox import remove_tree

    directory = Path(tempfile.mkdtemp(prefix="reprobot-test-"))
    os.chmod(directory, 0o755)
    yield directory
    remove_tree(directory)


@pytest.fixture(scope="session")
def real_index() -> Iterator[Path]:
    """A local index of real wheels (pytest and its dependencies, setuptools) plus the tiny
    ones, for clean-room tests that run a real test suite; built once per session."""
    from reprobot.checks.core.sandbox import remove_tree
    from tests.realwheels import real_wheelhouse

    directory = Path(tempfile.mkdtemp(prefix="reprobot-index-"))
    os.chmod(directory, 0o755)
    yield real_wheelhouse(directory)
    remove_tree(directory)
