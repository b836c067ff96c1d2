"""Helpers that put repositories, tokens, pulls, comments and artifacts into the state.

:class:`Seeder` is mixed into :class:`~tests.ghserver.server.GitHubServer`, so tests call
``server.add_repo(...)``; a separate process gets the same through ``POST /_test/seed``
(see :meth:`Seeder.seed`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .state import (
    Artifact,
    Comment,
    GitHubState,
    Issue,
    Label,
    PullInfo,
    Repo,
    Token,
    User,
    now_iso,
)

FileMap = Mapping[str, "str | bytes"]


def _as_bytes(content: str | bytes) -> bytes:
    return content if isinstance(content, bytes) else content.encode()


class Seeder:
    state: GitHubState

    def _changed(self) -> None:
        """Called after every change; the server persists its state file here."""

    def add_token(
        self,
        token: str,
        *,
        login: str = "github-actions[bot]",
        user_type: str = "Bot",
        permission: str = "write",
    ) -> Token:
        if permission not in ("write", "read"):
            raise ValueError(f"permission must be 'write' or 'read', not {permission!r}")
        with self.state.lock:
            record = Token(token, User(login, user_type), permission)
            self.state.tokens[token] = record
        self._changed()
        return record

    def add_repo(
        self,
        full_name: str,
        *,
        default_branch: str = "main",
        private: bool = False,
        files: FileMap | None = None,
        actions_can_create_pull_requests: bool = True,
        has_issues: bool = True,
    ) -> Repo:
        owner, _, name = full_name.partition("/")
        if not owner or not name or "/" in name:
            raise ValueError(f"repository must be 'owner/name', not {full_name!r}")
        with self.state.lock:
            if full_name.lower() in self.state.repos:
                raise ValueError(f"repository {full_name} already exists")
            repo = Repo(owner, name, self.state.next_id("repo"), default_branch, private)
            repo.has_issues = has_issues
            repo.actions_can_create_pull_requests = actions_can_create_pull_requests
            tree = {p: _as_bytes(c) for p, c in (files or {"README.md": f"# {name}\n"}).items()}
            first = self.state.make_commit(
                repo, parents=[], tree=tree, message="Initial commit", author=owner
            )
            repo.refs[f"refs/heads/{default_branch}"] = first.sha
            self.state.repos[full_name.lower()] = repo
        self._changed()
        return repo

    def set_repo_settings(self, full_name: str, **settings: bool) -> None:
        """Change ``private``, ``has_issues`` or ``actions_can_create_pull_requests``."""
        allowed = {"private", "has_issues", "actions_can_create_pull_requests"}
        with self.state.lock:
            repo = self.state.repo(full_name)
            for key, value in settings.items():
                if key not in allowed:
                    raise ValueError(f"unknown repository setting {key!r}; use one of {allowed}")
                setattr(repo, key, bool(value))
        self._changed()

    def add_commit(
        self,
        full_name: str,
        branch: str,
        files: FileMap,
        *,
        message: str = "Change files",
        sha: str | None = None,
        create_branch_from: str | None = None,
    ) -> str:
        """Commit ``files`` (merged into the tree) on ``branch``; returns the commit sha."""
        with self.state.lock:
            repo = self.state.repo(full_name)
            parent_sha = repo.branch_sha(branch)
            if parent_sha is None:
                start = repo.resolve(create_branch_from or repo.default_branch)
                if start is None:
                    raise ValueError(f"no branch {branch!r} and nothing to start it from")
                parent_sha = start.sha
            tree = dict(repo.commits[parent_sha].tree)
            tree.update({p: _as_bytes(c) for p, c in files.items()})
            commit = self.state.make_commit(
                repo, parents=[parent_sha], tree=tree, message=message, author=repo.owner, sha=sha
            )
            repo.refs[f"refs/heads/{branch}"] = commit.sha
        self._changed()
        return commit.sha

    def add_label(
        self, full_name: str, name: str, color: str = "ededed", description: str | None = None
    ) -> Label:
        with self.state.lock:
            label = Label(self.state.next_id("label"), name, color, description)
            self.state.repo(full_name).labels[name.lower()] = label
        self._changed()
        return label

    def add_issue(
        self,
        full_name: str,
        title: str,
        *,
        number: int | None = None,
        body: str | None = None,
        labels: Iterable[str] = (),
        login: str = "octocat",
        user_type: str = "User",
        state: str = "open",
    ) -> Issue:
        with self.state.lock:
            repo = self.state.repo(full_name)
            issue = self._new_issue(repo, number, title, body, User(login, user_type))
            for name in labels:
                if name.lower() not in repo.labels:
                    repo.labels[name.lower()] = Label(self.state.next_id("label"), name)
                issue.labels.append(repo.labels[name.lower()].name)
            if state == "closed":
                issue.state, issue.state_reason, issue.closed_at = "closed", "completed", now_iso()
        self._changed()
        return issue

    def add_pull(  # noqa: PLR0917 (positional order as the tests' callers use it)
        self,
        full_name: str,
        number: int | None,
        head_ref: str,
        head_sha: str | None = None,
        base: str = "main",
        fork: bool = False,
        *,
        title: str | None = None,
        body: str | None = "",
        login: str = "octocat",
        head_owner: str | None = None,
        state: str = "open",
        draft: bool = False,
    ) -> Issue:
        """A pull request from ``head_ref`` (of a fork when ``fork``) into ``base``.

        A same-repository head branch is created (or moved) to ``head_sha``; a commit with that
        sha is made on top of ``base`` when the sha is new.
        """
        with self.state.lock:
            repo = self.state.repo(full_name)
            base_sha = repo.branch_sha(base)
            if base_sha is None:
                raise ValueError(f"{full_name} has no base branch {base!r}")
            if head_sha is None or head_sha not in repo.commits:
                tree = dict(repo.commits[base_sha].tree)
                tree[f".pr-{head_ref}"] = head_ref.encode()
                commit = self.state.make_commit(
                    repo, parents=[base_sha], tree=tree, message=f"Work on {head_ref}",
                    author=login, sha=head_sha,
                )  # fmt: skip
                head_sha = commit.sha
            if not fork:
                repo.refs[f"refs/heads/{head_ref}"] = head_sha
            owner = head_owner or (login if fork else repo.owner)
            issue = self._new_issue(repo, number, title or f"Pull {head_ref}", body, User(login))
            issue.pull = PullInfo(head_ref, head_sha, base, owner, fork=fork, draft=draft)
            if state in ("closed", "merged"):
                issue.state, issue.closed_at = "closed", now_iso()
                issue.pull.merged = state == "merged"
        self._changed()
        return issue

    def add_comment(
        self,
        full_name: str,
        number: int,
        body: str,
        *,
        login: str = "octocat",
        user_type: str = "User",
        author_association: str = "MEMBER",
    ) -> Comment:
        """A comment by someone else (a person by default) on issue or pull ``number``."""
        with self.state.lock:
            repo = self.state.repo(full_name)
            if number not in repo.issues:
                raise ValueError(f"{full_name} has no issue or pull #{number}")
            stamp = now_iso()
            comment = Comment(
                self.state.next_id("comment"), number, body, User(login, user_type),
                stamp, stamp, author_association,
            )  # fmt: skip
            repo.comments[comment.id] = comment
        self._changed()
        return comment

    def add_artifact(
        self,
        full_name: str,
        run_id: int,
        name: str,
        data: bytes,
        *,
        expired: bool = False,
        head_sha: str | None = None,
    ) -> Artifact:
        """A workflow-run artifact; ``data`` is the zip archive the download redirects to."""
        with self.state.lock:
            repo = self.state.repo(full_name)
            sha = head_sha or repo.branch_sha(repo.default_branch) or ""
            artifact = Artifact(
                self.state.next_id("artifact"), run_id, name, data, expired, sha, now_iso()
            )
            repo.artifacts[artifact.id] = artifact
        self._changed()
        return artifact

    def seed(self, spec: Mapping[str, Any]) -> None:
        """Apply a JSON seed: lists under ``tokens``, ``repos``, ``labels``, ``commits``,
        ``issues``, ``pulls``, ``comments``, ``settings``; each item holds the keyword
        arguments of the matching ``add_*`` helper (``repo`` names the repository;
        ``artifacts`` items carry ``data_base64``)."""
        import base64
        import json

        spec = json.loads(json.dumps(spec))  # the items are consumed below
        for item in spec.get("tokens", []):
            self.add_token(**item)
        for item in spec.get("repos", []):
            self.add_repo(item.pop("full_name"), **item)
        for item in spec.get("settings", []):
            self.set_repo_settings(item.pop("repo"), **item)
        for item in spec.get("labels", []):
            self.add_label(item.pop("repo"), **item)
        for item in spec.get("commits", []):
            self.add_commit(item.pop("repo"), item.pop("branch"), item.pop("files"), **item)
        for item in spec.get("issues", []):
            self.add_issue(item.pop("repo"), item.pop("title"), **item)
        for item in spec.get("pulls", []):
            self.add_pull(item.pop("repo"), item.pop("number", None), item.pop("head_ref"), **item)
        for item in spec.get("comments", []):
            self.add_comment(item.pop("repo"), item.pop("number"), item.pop("body"), **item)
        for item in spec.get("artifacts", []):
            data = base64.b64decode(item.pop("data_base64"))
            self.add_artifact(item.pop("repo"), item.pop("run_id"), item.pop("name"), data, **item)

    def _new_issue(
        self, repo: Repo, number: int | None, title: str, body: str | None, user: User
    ) -> Issue:
        if number is None:
            number = repo.next_number()
        if number in repo.issues:
            raise ValueError(f"{repo.full_name} already has issue or pull #{number}")
        stamp = now_iso()
        issue = Issue(number, self.state.next_id("issue"), title, body, user, stamp, stamp)
        repo.issues[number] = issue
        return issue
