"""JSON shapes of pulls, commits, refs, branches and contents."""

from __future__ import annotations

import base64
import hashlib
from urllib.parse import quote

from .payloads import Json, Urls, association, issue_json, node_id, repo_json, user_json
from .state import BOT_LOGIN, Commit, Issue, Repo, User, blob_sha


def tree_sha(tree: dict[str, bytes], prefix: str = "") -> str:
    listing = "".join(
        f"{p}\0{blob_sha(c)}\n" for p, c in sorted(tree.items()) if p.startswith(prefix)
    )
    return hashlib.sha1(f"tree {prefix}\n{listing}".encode()).hexdigest()


def _person(commit: Commit) -> Json:
    login = commit.author
    return {"name": login, "email": f"{login}@users.noreply.github.com", "date": commit.date}


def _verification() -> Json:
    return {
        "verified": False,
        "reason": "unsigned",
        "signature": None,
        "payload": None,
        "verified_at": None,
    }


def git_commit_json(repo: Repo, commit: Commit, urls: Urls) -> Json:
    """The ``git-commit`` shape (inside a ``file-commit`` answer)."""
    api = urls.repo(repo)
    return {
        "sha": commit.sha,
        "node_id": node_id("Commit", int(commit.sha[:8], 16)),
        "url": f"{api}/git/commits/{commit.sha}",
        "html_url": f"{urls.web}/{repo.full_name}/commit/{commit.sha}",
        "author": _person(commit),
        "committer": _person(commit),
        "message": commit.message,
        "tree": {"sha": tree_sha(commit.tree), "url": f"{api}/git/trees/{tree_sha(commit.tree)}"},
        "parents": [
            {
                "sha": p,
                "url": f"{api}/git/commits/{p}",
                "html_url": f"{urls.web}/{repo.full_name}/commit/{p}",
            }
            for p in commit.parents
        ],
        "verification": _verification(),
    }


def commit_json(repo: Repo, commit: Commit, urls: Urls) -> Json:
    """The ``commit`` shape of ``GET /repos/{o}/{r}/commits/{ref}``."""
    api = urls.repo(repo)
    git = git_commit_json(repo, commit, urls)
    user = user_json(User(commit.author, "Bot" if commit.author == BOT_LOGIN else "User"), urls)
    return {
        "sha": commit.sha,
        "node_id": git["node_id"],
        "url": f"{api}/commits/{commit.sha}",
        "html_url": git["html_url"],
        "comments_url": f"{api}/commits/{commit.sha}/comments",
        "commit": {
            "url": git["url"],
            "author": git["author"],
            "committer": git["committer"],
            "message": commit.message,
            "tree": git["tree"],
            "comment_count": 0,
            "verification": _verification(),
        },
        "author": user,
        "committer": user,
        "parents": [{**p, "url": f"{api}/commits/{p['sha']}"} for p in git["parents"]],
        "stats": {"total": 0, "additions": 0, "deletions": 0},
        "files": [],
    }


def ref_json(repo: Repo, ref: str, sha: str, urls: Urls) -> Json:
    api = urls.repo(repo)
    return {
        "ref": ref,
        "node_id": node_id("Ref", int(hashlib.sha1(ref.encode()).hexdigest()[:8], 16)),
        "url": f"{api}/git/{quote(ref)}",
        "object": {"sha": sha, "type": "commit", "url": f"{api}/git/commits/{sha}"},
    }


def branch_json(repo: Repo, name: str, commit: Commit, urls: Urls) -> Json:
    api = urls.repo(repo)
    return {
        "name": name,
        "commit": commit_json(repo, commit, urls),
        "_links": {
            "self": f"{api}/branches/{quote(name)}",
            "html": f"{urls.web}/{repo.full_name}/tree/{quote(name)}",
        },
        "protected": False,
        "protection": {"enabled": False, "required_status_checks": {"enforcement_level": "off"}},
        "protection_url": f"{api}/branches/{quote(name)}/protection",
    }


def content_json(
    repo: Repo, path: str, ref: str, urls: Urls, *, data: bytes | None, full: bool = True
) -> Json:
    """A ``content-file`` entry; ``data`` None means a directory entry."""
    api = urls.repo(repo)
    sha = blob_sha(data) if data is not None else tree_sha({}, path)
    url = f"{api}/contents/{quote(path)}?ref={quote(ref, safe='')}"
    git_url = f"{api}/git/{'blobs' if data is not None else 'trees'}/{sha}"
    html_url = f"{urls.web}/{repo.full_name}/{'blob' if data is not None else 'tree'}/{ref}/{path}"
    entry: Json = {
        "type": "file" if data is not None else "dir",
        "size": len(data) if data is not None else 0,
        "name": path.rsplit("/", 1)[-1],
        "path": path,
        "sha": sha,
        "url": url,
        "git_url": git_url,
        "html_url": html_url,
        "download_url": (
            f"https://raw.githubusercontent.com/{repo.full_name}/{ref}/{path}"
            if data is not None
            else None
        ),
        "_links": {"self": url, "git": git_url, "html": html_url},
    }
    if full and data is not None:
        encoded = base64.b64encode(data).decode()
        entry["encoding"] = "base64"
        entry["content"] = "".join(encoded[i : i + 60] + "\n" for i in range(0, len(encoded), 60))
    return entry


def pull_json(repo: Repo, issue: Issue, urls: Urls, *, simple: bool = False) -> Json:
    assert issue.pull is not None
    pull, api = issue.pull, f"{urls.repo(repo)}/pulls/{issue.number}"
    source = issue_json(repo, issue, urls)
    head_repo = repo
    if pull.fork:
        head_repo = Repo(pull.head_owner, repo.name, repo.id + 7, repo.default_branch)
    base_sha = repo.branch_sha(pull.base_ref) or ""

    def side(owner: str, ref: str, sha: str, side_repo: Repo, fork: bool) -> Json:
        return {
            "label": f"{owner}:{ref}",
            "ref": ref,
            "sha": sha,
            "user": user_json(User(owner), urls),
            "repo": repo_json(side_repo, urls, fork=fork),
        }

    data: Json = {
        "url": api,
        "id": issue.id + 500_000_000,
        "node_id": node_id("PullRequest", issue.id),
        "html_url": source["html_url"],
        "diff_url": f"{source['html_url']}.diff",
        "patch_url": f"{source['html_url']}.patch",
        "issue_url": source["url"],
        "commits_url": f"{api}/commits",
        "review_comments_url": f"{api}/comments",
        "review_comment_url": f"{urls.repo(repo)}/pulls/comments{{/number}}",
        "comments_url": source["comments_url"],
        "statuses_url": f"{urls.repo(repo)}/statuses/{pull.head_sha}",
        "number": issue.number,
        "state": issue.state,
        "locked": False,
        "title": issue.title,
        "user": source["user"],
        "body": issue.body,
        "labels": source["labels"],
        "milestone": None,
        "active_lock_reason": None,
        "created_at": issue.created_at,
        "updated_at": issue.updated_at,
        "closed_at": issue.closed_at,
        "merged_at": issue.closed_at if pull.merged else None,
        "merge_commit_sha": None,
        "assignee": None,
        "assignees": [],
        "requested_reviewers": [],
        "requested_teams": [],
        "head": side(pull.head_owner, pull.head_ref, pull.head_sha, head_repo, pull.fork),
        "base": side(repo.owner, pull.base_ref, base_sha, repo, False),
        "_links": {
            "self": {"href": api},
            "html": {"href": source["html_url"]},
            "issue": {"href": source["url"]},
            "comments": {"href": source["comments_url"]},
            "statuses": {"href": f"{urls.repo(repo)}/statuses/{pull.head_sha}"},
        },
        "author_association": association(repo, issue.user),
        "auto_merge": None,
        "draft": pull.draft,
    }
    if not simple:
        data |= {
            "merged": pull.merged,
            "mergeable": None if pull.merged else True,
            "rebaseable": None,
            "mergeable_state": "unknown",
            "merged_by": None,
            "comments": source["comments"],
            "review_comments": 0,
            "maintainer_can_modify": False,
            "commits": 1,
            "additions": 1,
            "deletions": 0,
            "changed_files": 1,
        }
    return data
