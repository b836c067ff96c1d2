"""Pull requests: create, list, get, and the pulls of a commit."""

from __future__ import annotations

from .api import ApiError, Call, Reply, check_body_length, custom, invalid, not_found
from .payloads_git import pull_json
from .state import BOT_LOGIN, GitHubState, Issue, PullInfo, Repo, now_iso

ACTIONS_MAY_NOT_CREATE = "GitHub Actions is not permitted to create or approve pull requests."


def _pulls(repo: Repo) -> list[Issue]:
    return [i for i in repo.issues.values() if i.pull is not None]


def create_pull(state: GitHubState, repo: Repo, call: Call) -> Reply:
    body, user = call.body, call.user
    assert user is not None, "write routes are authenticated"
    if user.login == BOT_LOGIN and not repo.actions_can_create_pull_requests:
        raise ApiError(403, ACTIONS_MAY_NOT_CREATE)
    owner, _, head_ref = body["head"].rpartition(":")
    owner = owner or repo.owner
    base_ref = body["base"]
    if repo.branch_sha(base_ref) is None:
        raise invalid("PullRequest", "base")
    head_sha = repo.branch_sha(head_ref)
    if owner.lower() != repo.owner.lower() or head_sha is None:
        raise invalid("PullRequest", "head")
    for other in _pulls(repo):
        assert other.pull is not None
        same_head = not other.pull.fork and other.pull.head_ref == head_ref
        if same_head and other.pull.base_ref == base_ref and other.state == "open":
            raise custom("PullRequest", f"A pull request already exists for {owner}:{head_ref}.")
    base_sha = repo.branch_sha(base_ref) or ""
    if repo.is_ancestor(head_sha, base_sha):
        raise custom("PullRequest", f"No commits between {base_ref} and {head_ref}")
    title = body.get("title")
    if not title:
        raise invalid("PullRequest", "title", "missing_field")
    check_body_length("PullRequest", body.get("body"))
    stamp = now_iso()
    issue = Issue(
        repo.next_number(), state.next_id("issue"), title, body.get("body"), user, stamp, stamp
    )
    issue.pull = PullInfo(head_ref, head_sha, base_ref, repo.owner, draft=bool(body.get("draft")))
    repo.issues[issue.number] = issue
    data = pull_json(repo, issue, call.urls)
    return Reply(201, data, headers={"Location": data["url"]})


def list_pulls(state: GitHubState, repo: Repo, call: Call) -> Reply:
    query = call.query
    wanted = query.get("state", "open")
    if wanted not in ("open", "closed", "all"):
        raise invalid("PullRequest", "state")
    head, base = query.get("head", ""), query.get("base", "")
    found = []
    for issue in _pulls(repo):
        assert issue.pull is not None
        label = f"{issue.pull.head_owner}:{issue.pull.head_ref}"
        if head and label.lower() != (head if ":" in head else f"{repo.owner}:{head}").lower():
            continue
        if wanted in ("all", issue.state) and (not base or issue.pull.base_ref == base):
            found.append(issue)
    sort = query.get("sort", "created")
    key = (lambda i: (i.updated_at, i.number)) if sort == "updated" else (lambda i: i.number)
    default = "desc" if sort in ("created", "updated") else "asc"
    found.sort(key=key, reverse=query.get("direction", default) == "desc")
    return Reply(200, [pull_json(repo, i, call.urls, simple=True) for i in found], paginate=True)


def get_pull(state: GitHubState, repo: Repo, call: Call) -> Reply:
    issue = repo.issues.get(int(call.params["pull_number"]))
    if issue is None or issue.pull is None:
        raise not_found()
    return Reply(200, pull_json(repo, issue, call.urls))


def pulls_for_commit(state: GitHubState, repo: Repo, call: Call) -> Reply:
    sha = call.params["commit_sha"]
    if repo.resolve(sha) is None:
        raise ApiError(422, f"No commit found for SHA: {sha}")
    found = [i for i in _pulls(repo) if i.pull is not None and i.pull.head_sha == sha]
    found.sort(key=lambda i: i.number, reverse=True)
    return Reply(200, [pull_json(repo, i, call.urls, simple=True) for i in found], paginate=True)
