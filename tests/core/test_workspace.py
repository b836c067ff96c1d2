from __future__ import annotations

import gc
import os
import stat
import subprocess
from pathlib import Path

import pytest

from reprobot.checks.core import runner
from reprobot.checks.core.check import Context
from reprobot.checks.core.sandbox import reachable_by_sandbox, remove_tree, sandbox_run, workspace
from reprobot.checks.core.snapshot import Snapshot
from tests.helpers import git, make_repo

AS_ROOT = runner.drops_privileges()


def test_committed_tree_is_copied_without_uncommitted_changes(
    tmp_path: Path, sandbox_tmp: Path
) -> None:
    repo = make_repo(tmp_path, {"analysis.py": "print('v1')\n", "data/input.csv": "a,b\n"})
    (repo / "analysis.py").write_text("print('local edit')\n")
    (repo / "scratch.py").write_text("x = 1\n")
    ctx = Context(Snapshot(repo), work_dir=sandbox_tmp / "area")
    ws = ctx.fact(workspace)
    assert ws.problem is None
    assert (ws.path / "analysis.py").read_text() == "print('v1')\n"
    assert (ws.path / "data" / "input.csv").read_text() == "a,b\n"
    assert not (ws.path / "scratch.py").exists()
    assert (ws.path / ".git").is_dir(), ws.notes  # what a clone has, not the checkout's own
    assert ws.note is not None and "2 uncommitted change(s)" in ws.note
    assert list(ws.home.iterdir()) == [ws.tmp]


def test_plain_directory_is_copied_minus_virtual_environments(
    tmp_path: Path, sandbox_tmp: Path
) -> None:
    repo = make_repo(
        tmp_path,
        {"run.py": "print(1)\n", ".venv/lib/site.py": "x\n", "pkg/__pycache__/m.pyc": "x"},
        git_init=False,
    )
    ctx = Context(Snapshot(repo), work_dir=sandbox_tmp / "area")
    ws = ctx.fact(workspace)
    assert ws.problem is None
    assert (ws.path / "run.py").is_file()
    assert not (ws.path / ".venv").exists()
    assert not (ws.path / "pkg" / "__pycache__").exists()
    assert ws.note is None


def test_repository_without_commits_is_copied_with_a_note(
    tmp_path: Path, sandbox_tmp: Path
) -> None:
    repo = make_repo(tmp_path, {"run.py": "print(1)\n"}, git_init=False)
    subprocess.run(["git", "-C", str(repo), "init", "-q"], check=True)
    ws = Context(Snapshot(repo), work_dir=sandbox_tmp / "area").fact(workspace)
    assert (ws.path / "run.py").is_file()
    assert ws.note is not None and "no commit yet" in ws.note


@pytest.mark.skipif(not AS_ROOT, reason="dropping privileges needs root")
def test_sandbox_runs_unprivileged_in_the_clean_room(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"run.py": "print(1)\n"})
    ctx = Context(Snapshot(repo))
    ws = ctx.fact(workspace)
    assert ws.path.stat().st_uid == runner.UNPRIVILEGED_UID
    assert (ws.path / "run.py").stat().st_uid == runner.UNPRIVILEGED_UID
    out = sandbox_run(
        ctx,
        ("sh", "-c", 'id -u; echo "$HOME"; echo "$TMPDIR"; pwd; touch made-here; ls /root'),
        timeout=30,
    )
    lines = out.stdout.splitlines()
    assert lines[:4] == [str(runner.UNPRIVILEGED_UID), str(ws.home), str(ws.tmp), str(ws.path)]
    assert (ws.path / "made-here").exists()
    assert "Permission denied" in out.stderr


def test_sandbox_puts_the_venv_first_on_path(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"run.py": "print(1)\n"})
    ctx = Context(Snapshot(repo))
    venv = ctx.fact(workspace).area / "venv"
    out = sandbox_run(ctx, ("sh", "-c", 'echo "$VIRTUAL_ENV:$PATH"'), timeout=30, venv=venv)
    assert out.stdout.startswith(f"{venv}:{venv / 'bin'}{os.pathsep}")


def test_sandbox_does_not_pass_secrets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "secret-xyz")
    monkeypatch.setenv("INPUT_TOKEN", "input-secret-123")
    monkeypatch.setenv("VIRTUAL_ENV", "/our/own/venv")
    repo = make_repo(tmp_path, {"run.py": "print(1)\n"})
    ctx = Context(Snapshot(repo))
    out = sandbox_run(ctx, ("env",), timeout=30)
    assert out.ok
    assert "secret-xyz" not in out.stdout
    assert "input-secret-123" not in out.stdout
    assert "/our/own/venv" not in out.stdout


def test_work_area_is_removed_with_the_run(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"run.py": "print(1)\n"})
    ctx = Context(Snapshot(repo))
    ws = ctx.fact(workspace)
    sandbox_run(ctx, ("sh", "-c", "mkdir -p locked/deep && chmod 000 locked"), timeout=30)
    area = ws.area
    assert area.is_dir()
    del ctx, ws
    gc.collect()
    assert not area.exists()


def test_remove_tree_survives_a_symlinked_directory(tmp_path: Path) -> None:
    target = tmp_path / "keep"
    target.mkdir()
    (target / "file").write_text("x")
    link = tmp_path / "link"
    link.symlink_to(target)
    remove_tree(link)
    assert not os.path.lexists(link)
    assert (target / "file").exists()


@pytest.mark.skipif(not AS_ROOT, reason="only root's private home is unreachable")
def test_private_home_is_not_reachable_by_the_sandbox(tmp_path: Path) -> None:
    private = tmp_path / "private"
    private.mkdir(mode=0o700)
    os.chmod(private, 0o700)
    assert not reachable_by_sandbox(private / "python")
    shared = Path("/tmp") / "x"
    assert reachable_by_sandbox(shared)


def test_working_tree_is_copied_with_a_note_when_git_cannot_copy_the_commit(
    tmp_path: Path, sandbox_tmp: Path
) -> None:
    repo = make_repo(tmp_path, {"run.py": "print(1)\n"})
    ctx = Context(Snapshot(repo), work_dir=sandbox_tmp / "area")
    _ = ctx.snapshot.commit, ctx.snapshot.files
    subprocess.run(["rm", "-rf", str(repo / ".git" / "objects")], check=True)
    ws = ctx.fact(workspace)
    assert ws.problem is None  # a problem of the copy, never the repository's failure
    assert ws.note is not None and "files of the working tree instead" in ws.note
    assert (ws.path / "run.py").read_text() == "print(1)\n"
    assert not ws.git
    out = sandbox_run(ctx, ("cat", "run.py"), timeout=10)
    assert out.ok and out.stdout == "print(1)\n"


def test_clean_room_has_head_and_its_tags_and_nothing_of_the_checkout_config(
    tmp_path: Path, sandbox_tmp: Path
) -> None:
    canary = "ghs_canary0123456789abcdefCANARY"
    repo = make_repo(tmp_path, {"pkg.py": "x = 1\n"})
    git(repo, "tag", "v1.0")
    (repo / "pkg.py").write_text("x = 2\n")
    git(repo, "commit", "-qam", "second")
    git(repo, "remote", "add", "origin", f"https://x-access-token:{canary}@github.com/o/r")
    git(repo, "config", "http.https://github.com/.extraheader", f"AUTHORIZATION: basic {canary}")
    git(repo, "checkout", "-qb", "side")
    (repo / "side.py").write_text("y = 1\n")
    git(repo, "add", "side.py")
    git(repo, "commit", "-qm", "side")
    git(repo, "tag", "v9.9")  # not an ancestor of the commit under test
    git(repo, "checkout", "-q", "main")
    ws = Context(Snapshot(repo), work_dir=sandbox_tmp / "area").fact(workspace)
    assert ws.git and not ws.shallow and ws.notes == ()
    assert (
        git(ws.path, "-c", "safe.directory=*", "describe", "--tags").strip().startswith("v1.0-1-g")
    )
    assert git(ws.path, "-c", "safe.directory=*", "tag").split() == ["v1.0"]
    assert git(ws.path, "-c", "safe.directory=*", "status", "--porcelain").strip() == ""
    assert (
        git(ws.path, "-c", "safe.directory=*", "rev-parse", "--abbrev-ref", "HEAD").strip()
        == "main"
    )
    assert git(ws.path, "-c", "safe.directory=*", "remote").strip() == ""
    metadata = b"".join(p.read_bytes() for p in (ws.path / ".git").rglob("*") if p.is_file())
    assert canary.encode() not in metadata and str(repo).encode() not in metadata
    assert not (ws.path / ".git" / "hooks").exists()
    if AS_ROOT:
        assert (ws.path / ".git" / "config").stat().st_uid == runner.UNPRIVILEGED_UID


def test_a_shallow_checkout_is_said_to_be_shallow(tmp_path: Path, sandbox_tmp: Path) -> None:
    source = make_repo(tmp_path, {"pkg.py": "x = 1\n"}, name="source")
    git(source, "tag", "v1.0")
    (source / "pkg.py").write_text("x = 2\n")
    git(source, "commit", "-qam", "second")
    shallow = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{source}", str(shallow)], check=True
    )
    ws = Context(Snapshot(shallow), work_dir=sandbox_tmp / "area").fact(workspace)
    assert ws.problem is None and ws.git and ws.shallow
    assert (ws.path / "pkg.py").read_text() == "x = 2\n"


def test_links_out_of_the_repository_are_left_out_and_named(
    tmp_path: Path, sandbox_tmp: Path
) -> None:
    repo = make_repo(tmp_path, {"data/a.csv": "a\n", "deep/x/.keep": ""})
    links = {
        "root": "/",
        "up": "../..",
        "deep/x/up": "..",  # inside: deep
        "sneaky": "deep/x/up/../..",  # inside by its text, outside once `up` is followed
        "inside": "data/a.csv",
    }
    for name, target in links.items():
        os.symlink(target, repo / name)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "links")
    ws = Context(Snapshot(repo), work_dir=sandbox_tmp / "area").fact(workspace)
    assert {d.split(" -> ")[0] for d in ws.dropped_links} == {"root", "up", "sneaky"}
    for name in ("root", "up", "sneaky"):
        assert not os.path.lexists(ws.path / name)
    assert (ws.path / "inside").read_text() == "a\n"
    assert os.readlink(ws.path / "deep" / "x" / "up") == ".."
    assert ws.note is not None and "3 link(s) out of the repository" in ws.note
    assert "`root -> /`" in ws.note


@pytest.mark.skipif(not AS_ROOT, reason="only root's private directories are unreachable")
def test_problem_when_the_work_directory_is_private(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"run.py": "print(1)\n"})
    private = tmp_path / "private"
    private.mkdir()
    os.chmod(private, 0o700)
    ws = Context(Snapshot(repo), work_dir=private / "area").fact(workspace)
    assert ws.problem is not None and "cannot reach" in ws.problem


@pytest.mark.skipif(not runner.drops_privileges(), reason="needs root to run code as another user")
def test_code_under_test_cannot_read_the_checkout_or_its_credentials(sandbox_tmp: Path) -> None:
    canary = "ghs_canary0123456789abcdefCANARY"
    repo = make_repo(sandbox_tmp, {"run.py": "print(1)\n"})
    git(repo, "config", "http.https://github.com/.extraheader", f"AUTHORIZATION: basic {canary}")
    (repo / ".env").write_text(f"TOKEN={canary}\n")  # untracked, as a user's checkout has
    for path in (repo, repo / ".git", repo / ".git" / "config", repo / ".env"):
        os.chmod(path, 0o755 if path.is_dir() else 0o644)  # readable by all, as on a runner
    before = stat.S_IMODE(repo.stat().st_mode)
    ctx = Context(Snapshot(repo), work_dir=sandbox_tmp / "area")
    look = f"cat {repo}/.git/config {repo}/.env; ls {repo}; grep -r CANARY {repo} /proc/*/environ"
    out = sandbox_run(ctx, ("sh", "-c", look + " 2>&1; true"), timeout=30)
    assert out.ran and canary not in out.output
    assert "Permission denied" in out.output
    inside = sandbox_run(ctx, ("cat", "run.py"), timeout=30)  # the clean room copy is readable
    assert inside.ok and inside.stdout == "print(1)\n"
    ctx.close()
    assert stat.S_IMODE(repo.stat().st_mode) == before  # the checkout's mode is back


@pytest.mark.skipif(not runner.drops_privileges(), reason="needs root to run code as another user")
def test_step_files_are_closed_but_never_the_shared_folder_they_lie_in(
    sandbox_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = sandbox_tmp / "shared"
    shared.mkdir()
    os.chmod(shared, 0o1777)  # like /tmp
    summary = shared / "step_summary.md"
    summary.write_text("secret step output\n")
    os.chmod(summary, 0o644)
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    repo = make_repo(sandbox_tmp, {"run.py": "print(1)\n"})
    ctx = Context(Snapshot(repo), work_dir=sandbox_tmp / "area")
    out = sandbox_run(ctx, ("sh", "-c", f"cat {summary} 2>&1; ls -d {shared}"), timeout=30)
    assert "secret step output" not in out.output and "Permission denied" in out.output
    assert stat.S_IMODE(shared.stat().st_mode) == 0o1777  # still open to everyone
    ctx.close()
    assert stat.S_IMODE(summary.stat().st_mode) == 0o644


@pytest.mark.skipif(not AS_ROOT, reason="telling the sandbox user's files apart needs root")
def test_strays_are_what_the_sandbox_user_made_since_the_start(sandbox_tmp: Path) -> None:
    from reprobot.checks.core.sandbox import remove_path
    from reprobot.checks.core.strays import Strays, mark_area

    shared = sandbox_tmp / "shared"
    shared.mkdir()
    os.chmod(shared, 0o1777)
    uid, gid = runner.UNPRIVILEGED_UID, runner.UNPRIVILEGED_GID

    def made(path: Path, *, directory: bool = False) -> Path:
        path.mkdir() if directory else path.write_text("x")
        os.chown(path, uid, gid)
        return path

    old = made(shared / "there-before")
    ours = made(shared / "our-area", directory=True)
    strays = Strays.taken([ours], places=[str(shared)])
    other_area = made(shared / "another-runs-area", directory=True)
    mark_area(other_area)
    fake_area = made(shared / "fake-area", directory=True)
    (fake_area / ".reprobot-area").write_text(str(other_area))  # not root's: no shield
    public = shared / "public"
    public.mkdir()
    os.chmod(public, 0o1777)
    litter = [made(shared / "litter"), made(public / "deeper"), fake_area]
    os.symlink("/etc", shared / "link")
    os.lchown(shared / "link", uid, gid)
    removed = strays.sweep(remove_path)
    assert sorted(removed) == sorted([*map(str, litter), str(shared / "link")])
    assert old.exists() and ours.exists() and other_area.exists()
    assert Path("/etc").is_dir()
    words = strays.words()
    assert words is not None and str(shared / "litter") in words
