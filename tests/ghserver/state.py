"""In-memory model of the GitHub objects the test server serves.

Plain mutable records guarded by one lock in :class:`GitHubState`; the seeding helpers live in
``seeding.py`` and the JSON shapes in ``payloads.py``.
"""

from __future__ import annotations

import hashlib
import threading
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

BOT_LOGIN = "github-actions[bot]"
BOT_ID = 41898282  # the id GitHub gives github-actions[bot]
_ID_BASES = {
    "repo": 700_000_001,
    "artifact": 1_500_000_001,
    "issue": 2_100_000_001,
    "comment": 2_500_000_001,
    "label": 6_000_000_001,
    "check_run": 20_000_000_001,
    "status": 30_000_000_001,
}


def now_iso() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def blob_sha(content: bytes) -> str:
    """The git blob id of ``content``, as ``git hash-object`` prints it."""
    return hashlib.sha1(b"blob %d\0" % len(content) + content).hexdigest()


def user_id(login: str) -> int:
    """A stable, positive id for a login (github-actions[bot] keeps its real one)."""
    if login == BOT_LOGIN:
        return BOT_ID
    return 1_000_000 + zlib.crc32(login.encode()) % 90_000_000


@dataclass
class User:
    login: str
    type: str = "User"  # "User", "Bot" or "Organization"

    @property
    def id(self) -> int:
        return user_id(self.login)


@dataclass
class Token:
    value: str
    user: User
    permission: str  # "write" or "read"


@dataclass
class Commit:
    sha: str
    message: str
    parents: list[str]
    tree: dict[str, bytes]
    author: str
    date: str


@dataclass
class Label:
    id: int
    name: str
    color: str = "ededed"
    description: str | None = None


@dataclass
class Comment:
    id: int
    issue_number: int
    body: str
    user: User
    created_at: str
    updated_at: str
    author_association: str = "NONE"


@dataclass
class PullInfo:
    head_ref: str
    head_sha: str
    base_ref: str
    head_owner: str
    fork: bool = False
    draft: bool = False
    merged: bool = False


@dataclass
class Issue:
    number: int
    id: int
    title: str
    body: str | None
    user: User
    created_at: str
    updated_at: str
    state: str = "open"
    state_reason: str | None = None
    closed_at: str | None = None
    labels: list[str] = field(default_factory=list)
    pull: PullInfo | None = None


@dataclass
class Status:
    id: int
    sha: str
    state: str
    context: str
    description: str | None
    target_url: str | None
    creator: User
    created_at: str


@dataclass
class CheckRun:
    id: int
    name: str
    head_sha: str
    status: str
    conclusion: str | None
    details_url: str | None
    external_id: str | None
    started_at: str | None
    completed_at: str | None
    output: dict[str, Any] = field(default_factory=dict)
    annotations: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Artifact:
    id: int
    run_id: int
    name: str
    data: bytes
    expired: bool
    head_sha: str
    created_at: str


@dataclass
class Repo:
    owner: str
    name: str
    id: int
    default_branch: str
    private: bool = False
    has_issues: bool = True
    actions_can_create_pull_requests: bool = True
    refs: dict[str, str] = field(default_factory=dict)  # "refs/heads/main" -> commit sha
    commits: dict[str, Commit] = field(default_factory=dict)
    labels: dict[str, Label] = field(default_factory=dict)  # lower-case name -> label
    issues: dict[int, Issue] = field(default_factory=dict)  # issues and pulls, one sequence
    comments: dict[int, Comment] = field(default_factory=dict)
    statuses: list[Status] = field(default_factory=list)
    check_runs: dict[int, CheckRun] = field(default_factory=dict)
    artifacts: dict[int, Artifact] = field(default_factory=dict)

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"

    def next_number(self) -> int:
        return max(self.issues, default=0) + 1

    def branch_sha(self, branch: str) -> str | None:
        return self.refs.get(f"refs/heads/{branch}")

    def resolve(self, ref: str | None) -> Commit | None:
        """The commit a branch name, tag name, full ref or commit sha points at."""
        if ref is None:
            ref = self.default_branch
        for candidate in (ref, f"refs/heads/{ref}", f"refs/tags/{ref}"):
            if candidate in self.refs:
                return self.commits[self.refs[candidate]]
        if ref in self.commits:
            return self.commits[ref]
        matches = [c for sha, c in self.commits.items() if len(ref) >= 7 and sha.startswith(ref)]
        return matches[0] if len(matches) == 1 else None

    def is_ancestor(self, ancestor: str, sha: str) -> bool:
        todo, seen = [sha], set()
        while todo:
            current = todo.pop()
            if current == ancestor:
                return True
            if current in seen or current not in self.commits:
                continue
            seen.add(current)
            todo.extend(self.commits[current].parents)
        return False


class GitHubState:
    """Everything the server knows; callers hold ``lock`` while reading or changing it."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.repos: dict[str, Repo] = {}  # lower-case "owner/name" -> repo
        self.tokens: dict[str, Token] = {}
        self.used: dict[str, int] = {}  # rate-limit use per token ("" for anonymous)
        self.organisations: set[str] = set()  # lower-case logins that are organisations
        self._ids: dict[str, int] = {}

    def next_id(self, kind: str) -> int:
        """Ascending ids per kind, starting at different bases so kinds never collide."""
        value = self._ids.get(kind, _ID_BASES.get(kind, 1))
        self._ids[kind] = value + 1
        return value

    def repo(self, full_name: str) -> Repo:
        try:
            return self.repos[full_name.lower()]
        except KeyError:
            raise KeyError(f"no repository {full_name!r}; seed it with add_repo()") from None

    def find_repo(self, owner: str, name: str) -> Repo | None:
        return self.repos.get(f"{owner}/{name}".lower())

    def make_commit(
        self,
        repo: Repo,
        *,
        parents: list[str],
        tree: dict[str, bytes],
        message: str,
        author: str,
        sha: str | None = None,
    ) -> Commit:
        if sha is None:
            listing = "".join(f"{p}\0{blob_sha(c)}\n" for p, c in sorted(tree.items()))
            text = f"tree {listing}\nparents {' '.join(parents)}\n{author} {now_iso()}\n"
            text += f"{message}\n{self.next_id('commit')}"
            sha = hashlib.sha1(text.encode()).hexdigest()
        commit = Commit(sha, message, list(parents), dict(tree), author, now_iso())
        repo.commits[sha] = commit
        return commit
