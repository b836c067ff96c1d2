"""Shared fixtures."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.ghserver import GitHubServer, seed_standard


@pytest.fixture
def github_server() -> Iterator[GitHubServer]:
    """A started GitHub-compatible server on 127.0.0.1 with write token ``test-token`` for
    ``github-actions[bot]`` and the repository ``octo-org/research`` (branch ``main``)."""
    with GitHubServer() as server:
        seed_standard(server)
        yield server
