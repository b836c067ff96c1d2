"""Contents, git refs, branches and commits.

Writing a file makes a new commit on the branch (as GitHub does) and nothing else: no tag, no
check, no workflow run.
"""

from __future__ import annotations

import base64
import binascii

from .api import ApiError, Call, Reply, not_found
from .payloads_git import branch_json, commit_json, content_json, git_commit_json, ref_json
from .state import GitHubState, Repo, blob_sha


def _ref_name(repo: Repo, ref: str | None) -> str:
    return ref or repo.default_branch


def get_content(state: GitHubState, repo: Repo, call: Call) -> Reply:
    ref = _ref_name(repo, call.query.get("ref"))
    commit = repo.resolve(ref)
    if commit is None:
        raise ApiError(404, f"No commit found for the ref {ref}")
    path = call.params["path"].strip("/")
    if path in commit.tree:
        data = commit.tree[path]
        accept = call.headers.get("accept", "")
        if "vnd.github.raw" in accept or "vnd.github.v3.raw" in accept:
            return Reply(200, data, headers={"Content-Type": "application/vnd.github.raw"})
        return Reply(200, content_json(repo, path, ref, call.urls, data=data))
    prefix = f"{path}/" if path else ""
    children: dict[str, bytes | None] = {}
    for file_path, data in commit.tree.items():
        if file_path.startswith(prefix):
            head, _, rest = file_path[len(prefix) :].partition("/")
            children[prefix + head] = None if rest else data
    if not children:
        raise not_found()
    entries = [
        content_json(repo, child, ref, call.urls, data=data, full=False)
        for child, data in sorted(children.items())
    ]
    return Reply(200, entries)


def put_content(state: GitHubState, repo: Repo, call: Call) -> Reply:
    body, path = call.body, call.params["path"].strip("/")
    branch = _ref_name(repo, body.get("branch"))
    parent_sha = repo.branch_sha(branch)
    if parent_sha is None:
        raise ApiError(404, f"Branch {branch} not found")
    try:
        content = base64.b64decode(body["content"], validate=True)
    except (binascii.Error, ValueError):
        raise ApiError(422, "content is not valid Base64") from None
    if not path or path.endswith("/") or ".." in path.split("/"):
        raise ApiError(422, "path is invalid")
    tree = dict(repo.commits[parent_sha].tree)
    existing = tree.get(path)
    if existing is not None:
        if "sha" not in body:
            raise ApiError(422, 'Invalid request.\n\n"sha" wasn\'t supplied.')
        if body["sha"] != blob_sha(existing):
            raise ApiError(409, f"{path} does not match {body['sha']}")
    tree[path] = content
    author = call.user.login if call.user else repo.owner
    committer = body.get("committer") or body.get("author")
    if committer:
        author = committer["name"]
    commit = state.make_commit(
        repo, parents=[parent_sha], tree=tree, message=body["message"], author=author
    )
    repo.refs[f"refs/heads/{branch}"] = commit.sha
    data = {
        "content": content_json(repo, path, branch, call.urls, data=content, full=False),
        "commit": git_commit_json(repo, commit, call.urls),
    }
    return Reply(200 if existing is not None else 201, data)


def delete_content(state: GitHubState, repo: Repo, call: Call) -> Reply:
    body, path = call.body, call.params["path"].strip("/")
    branch = _ref_name(repo, body.get("branch"))
    parent_sha = repo.branch_sha(branch)
    if parent_sha is None:
        raise ApiError(404, f"Branch {branch} not found")
    tree = dict(repo.commits[parent_sha].tree)
    if path not in tree:
        raise not_found()
    if "sha" not in body or "message" not in body:
        raise ApiError(422, 'Invalid request.\n\n"sha" and "message" are required.')
    if body["sha"] != blob_sha(tree[path]):
        raise ApiError(409, f"{path} does not match {body['sha']}")
    del tree[path]
    author = call.user.login if call.user else repo.owner
    commit = state.make_commit(
        repo, parents=[parent_sha], tree=tree, message=body["message"], author=author
    )
    repo.refs[f"refs/heads/{branch}"] = commit.sha
    return Reply(200, {"content": None, "commit": git_commit_json(repo, commit, call.urls)})


def get_ref(state: GitHubState, repo: Repo, call: Call) -> Reply:
    ref = f"refs/{call.params['ref']}"
    if ref not in repo.refs:
        raise not_found()
    return Reply(200, ref_json(repo, ref, repo.refs[ref], call.urls))


def create_ref(state: GitHubState, repo: Repo, call: Call) -> Reply:
    ref, sha = call.body["ref"], call.body["sha"]
    if not ref.startswith("refs/") or ref.count("/") < 2:
        raise ApiError(422, "ref must start with 'refs' and have at least two slashes.")
    if ref in repo.refs:
        raise ApiError(422, "Reference already exists")
    if sha not in repo.commits:
        raise ApiError(422, "Object does not exist")
    repo.refs[ref] = sha
    data = ref_json(repo, ref, sha, call.urls)
    return Reply(201, data, headers={"Location": data["url"]})


def update_ref(state: GitHubState, repo: Repo, call: Call) -> Reply:
    ref, sha = f"refs/{call.params['ref']}", call.body["sha"]
    if ref not in repo.refs:
        raise ApiError(422, "Reference does not exist")
    if sha not in repo.commits:
        raise ApiError(422, "Object does not exist")
    if not call.body.get("force") and not repo.is_ancestor(repo.refs[ref], sha):
        raise ApiError(422, "Update is not a fast forward")
    repo.refs[ref] = sha
    return Reply(200, ref_json(repo, ref, sha, call.urls))


def get_branch(state: GitHubState, repo: Repo, call: Call) -> Reply:
    name = call.params["branch"]
    sha = repo.branch_sha(name)
    if sha is None:
        raise ApiError(404, "Branch not found")
    return Reply(200, branch_json(repo, name, repo.commits[sha], call.urls))


def get_commit(state: GitHubState, repo: Repo, call: Call) -> Reply:
    ref = call.params["ref"]
    commit = repo.resolve(ref)
    if commit is None:
        raise ApiError(422, f"No commit found for SHA: {ref}")
    return Reply(200, commit_json(repo, commit, call.urls))
