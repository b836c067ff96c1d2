"""Listing repositories: an organisation's, a user's, and a repository search."""

from __future__ import annotations

from .api import Call, Reply, not_found
from .payloads import repo_json
from .state import GitHubState, Repo


def _public_of(state: GitHubState, owner: str) -> list[Repo]:
    found = [r for r in state.repos.values() if r.owner.lower() == owner.lower() and not r.private]
    return sorted(found, key=lambda r: r.full_name.lower())


def get_org(state: GitHubState, call: Call) -> Reply:
    org = call.params["org"]
    if org.lower() not in state.organisations:
        raise not_found()
    return Reply(
        200, {"login": org, "id": 1, "type": "Organization", "url": f"{call.urls.api}/orgs/{org}"}
    )


def list_org_repos(state: GitHubState, call: Call) -> Reply:
    org = call.params["org"]
    if org.lower() not in state.organisations:
        raise not_found()
    repos = _public_of(state, org)
    return Reply(200, [repo_json(r, call.urls) for r in repos], paginate=True)


def get_user(state: GitHubState, call: Call) -> Reply:
    login = call.params["username"]
    if not _public_of(state, login):
        raise not_found()
    return Reply(
        200, {"login": login, "id": 2, "type": "User", "url": f"{call.urls.api}/users/{login}"}
    )


def list_user_repos(state: GitHubState, call: Call) -> Reply:
    return Reply(
        200,
        [repo_json(r, call.urls) for r in _public_of(state, call.params["username"])],
        paginate=True,
    )


def search_repos(state: GitHubState, call: Call) -> Reply:
    """``q``: words matched in the full name, ``user:``/``org:`` qualifiers on the owner."""
    owners, words = [], []
    for word in call.query.get("q", "").split():
        kind, _, value = word.partition(":")
        if kind in ("user", "org") and value:
            owners.append(value.lower())
        elif ":" not in word:
            words.append(word.lower())
    found = [
        r
        for r in sorted(state.repos.values(), key=lambda r: r.full_name.lower())
        if not r.private
        and (not owners or r.owner.lower() in owners)
        and all(w in r.full_name.lower() for w in words)
    ]
    items = [repo_json(r, call.urls) for r in found]
    body = {"total_count": len(items), "incomplete_results": False, "items": items}
    return Reply(200, body, paginate=True, page_key="items")
