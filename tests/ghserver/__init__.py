"""A GitHub-compatible REST server for tests: the real PyGithub client talks to it over HTTP.

See ``server.py`` for the public class, ``seeding.py`` for the seeding helpers, ``routes.py``
for the routes served and ``control.py`` for the ``/_test/...`` control routes.
"""

from __future__ import annotations

from .api import ApiError
from .faults import Fault
from .process import ServerProcess
from .routes import EXTRA_OPERATIONS, OPERATIONS, Router
from .server import GitHubServer, RecordedRequest
from .state import BOT_LOGIN, GitHubState, blob_sha

STANDARD_TOKEN = "test-token"
STANDARD_REPO = "octo-org/research"


def seed_standard(server: GitHubServer) -> GitHubServer:
    """The usual test setup: write token ``test-token`` for github-actions[bot] and the
    repository ``octo-org/research`` (default branch ``main``)."""
    server.add_token(STANDARD_TOKEN, login=BOT_LOGIN, user_type="Bot", permission="write")
    server.add_repo(STANDARD_REPO, default_branch="main")
    return server


__all__ = [
    "BOT_LOGIN",
    "EXTRA_OPERATIONS",
    "OPERATIONS",
    "STANDARD_REPO",
    "STANDARD_TOKEN",
    "ApiError",
    "Fault",
    "GitHubServer",
    "GitHubState",
    "RecordedRequest",
    "Router",
    "ServerProcess",
    "blob_sha",
    "seed_standard",
]
