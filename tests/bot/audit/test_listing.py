"""An audit's organisation, user and search sources, listed through the real PyGithub
client from a GitHub-compatible server on 127.0.0.1, paged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reprobot.bot.audit.command import AuditError, _targets, plan_chunks
from reprobot.bot.audit.sources import Target
from reprobot.bot.cli import main
from tests.ghserver import STANDARD_TOKEN, GitHubServer


@pytest.fixture
def listed(github_server: GitHubServer, monkeypatch: pytest.MonkeyPatch) -> GitHubServer:
    for i in range(130):  # more than one page of 100
        github_server.add_repo(f"octo-lab/study-{i:03d}")
    github_server.add_repo("octo-lab/secret-draft", private=True)
    github_server.add_repo("ada/thesis-code")
    github_server.state.organisations.add("octo-lab")
    monkeypatch.setenv("GITHUB_API_URL", github_server.url)
    monkeypatch.setenv("GITHUB_TOKEN", STANDARD_TOKEN)
    return github_server


def test_an_organisation_s_public_repositories_all_pages(listed: GitHubServer) -> None:
    targets = _targets(["org:octo-lab"], limit=1000)
    assert len(targets) == 130
    assert targets[0] == Target(
        "octo-lab+study-000", "https://github.com/octo-lab/study-000.git", None,
        "octo-lab/study-000",
    )  # fmt: skip
    assert not any("secret" in t.slug for t in targets)
    assert listed.unknown_routes == []


def test_a_user_a_search_and_the_limit(listed: GitHubServer) -> None:
    assert [t.slug for t in _targets(["ada"], limit=1000)] == ["ada+thesis-code"]
    found = _targets(["search:study-12 org:octo-lab"], limit=1000)
    assert [t.slug for t in found] == [f"octo-lab+study-{i}" for i in range(120, 130)]
    assert len(_targets(["org:octo-lab"], limit=7)) == 7
    assert listed.unknown_routes == []


def test_an_owner_that_does_not_exist_is_named(listed: GitHubServer) -> None:
    with pytest.raises(AuditError, match="nobody-here"):
        _targets(["user:nobody-here"], limit=10)


def test_chunks_never_exceed_one_matrix() -> None:
    targets = [Target(f"o+r{i}", f"https://github.com/o/r{i}.git", None, "") for i in range(600)]
    chunks = plan_chunks(targets, 2)
    assert len(chunks) == 200 and chunks[0]["repositories"].count("\n") == 2
    many = [Target(f"o+r{i}", f"https://github.com/o/r{i}.git", "v1", "") for i in range(1000)]
    chunks = plan_chunks(many, 1)
    assert len(chunks) <= 256
    assert chunks[0]["repositories"].splitlines()[0] == "https://github.com/o/r0.git@v1"


def test_audit_plan_from_the_command_line_writes_the_chunks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the audit workflow's plan job runs: `reprobot audit plan ... --chunk-size`."""
    listing = tmp_path / "list.txt"
    listing.write_text("".join(f"octo-lab/r{i}@v{i}\n" for i in range(5)), encoding="utf-8")
    outputs = tmp_path / "github-output"
    monkeypatch.setenv("GITHUB_OUTPUT", str(outputs))
    out = tmp_path / "plan"
    code = main(["audit", "plan", str(listing), "--chunk-size", "2", "--out", str(out)])
    assert code == 0
    chunks = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    assert [c["index"] for c in chunks] == [1, 2, 3]
    assert chunks[0]["repositories"].splitlines() == [
        "https://github.com/octo-lab/r0.git@v0",
        "https://github.com/octo-lab/r1.git@v1",
    ]
    assert outputs.read_text(encoding="utf-8").startswith("chunks=[")
