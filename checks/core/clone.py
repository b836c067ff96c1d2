"""The committed tree as a fresh clone has it: the files of HEAD and the git metadata a
build reads (the history and the tags that reach HEAD), and nothing of the checkout's own
configuration.

Packages whose version comes from git (setuptools-scm, hatch-vcs, versioneer, pbr,
poetry-dynamic-versioning...) run `git describe` while they build, so the clean room needs
a `.git`. It is a new repository (`git init` with no template: no hooks, no remote, no
credential helper, no `http.*.extraheader`) that fetches only HEAD and its tags from the
checkout; the fetch leaves no trace of where it came from (no FETCH_HEAD, no reflog).

When git cannot do that (a blob missing from a partial clone, say), the clean room falls
back to the files of HEAD without git metadata, then to the files of the working tree,
and says so: a problem of the copy is never the repository's build failing.

Links out of the repository (absolute, or climbing out with `..`, directly or through
other links) are removed from the copy and named, so that neither a build nor a test
run that walks the tree ever leaves it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from reprobot.checks.core import runner
from reprobot.checks.core.snapshot import Snapshot

LFS_POINTER = b"version https://git-lfs.github.com/spec/"
_POINTER_SIZE = 1024
_NO_LFS = {"GIT_LFS_SKIP_SMUDGE": "1"}  # large files stay pointers unless the checkout has them


@dataclass(frozen=True)
class Copied:
    """How the committed tree got into the clean room."""

    problem: str | None = None  # nothing usable could be copied
    notes: tuple[str, ...] = ()
    git: bool = False  # the copy has git metadata (HEAD and its tags)
    shallow: bool = False  # the checkout itself is shallow: its history and tags are cut


def _git(*args: str, stdin: str | None = None, timeout: float = 600) -> runner.RunOutcome:
    env = {"GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0", **_NO_LFS}
    return runner.run(("git", *args), extra_env=env, timeout=timeout, stdin_text=stdin)


def _clone_head(root: str, dest: Path, commit: str) -> str | None:
    """A new repository in `dest` holding HEAD, its history and the tags that reach it,
    checked out; None when it worked, else git's words."""
    branch = _git("-C", root, "symbolic-ref", "-q", "--short", "HEAD").stdout.strip()
    made = _git("init", "-q", "--template=", f"--initial-branch={branch or 'main'}", str(dest))
    if not made.ok:
        return made.tail(3)
    ref = f"refs/heads/{branch}" if branch else "refs/reprobot/head"
    tags = _git("-C", root, "tag", "--merged", commit).stdout.split()
    refspecs = [f"+{commit}:{ref}", *(f"+refs/tags/{t}:refs/tags/{t}" for t in tags)]
    fetched = _git(
        "-C", str(dest), "-c", "core.logAllRefUpdates=false", "fetch", "--quiet", "--no-tags",
        "--no-write-fetch-head", "--no-recurse-submodules", "--update-head-ok",
        "--update-shallow", "--stdin", root,
        stdin="\n".join(refspecs) + "\n",
    )  # fmt: skip
    if not fetched.ok:
        return fetched.tail(3)
    target = branch or commit
    out = _git("-C", str(dest), "-c", "core.logAllRefUpdates=false", "checkout", "-q", "-f", target)
    if not out.ok:
        return out.tail(3)
    if not branch:
        _git("-C", str(dest), "update-ref", "-d", ref)
    for trace in ("FETCH_HEAD", "ORIG_HEAD", "logs"):
        path = dest / ".git" / trace
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        elif path.exists():
            path.unlink()
    return None


def _checkout_files(root: str, dest: Path, area: Path) -> str | None:
    """The files of HEAD through a throw-away index, without git metadata."""
    index = area / "checkout.index"
    env = {"GIT_INDEX_FILE": str(index), "GIT_TERMINAL_PROMPT": "0", **_NO_LFS}
    read = runner.run(("git", "-C", root, "read-tree", "HEAD"), extra_env=env, timeout=300)
    if not read.ok:
        return f"git could not read the committed tree: {read.tail(5)}"
    out = runner.run(
        ("git", "-C", root, "checkout-index", "--all", "--force", f"--prefix={dest}/"),
        extra_env=env,
        timeout=600,
    )
    index.unlink(missing_ok=True)
    if not out.ok:
        return f"git could not copy the committed tree: {out.tail(5)}"
    dest.mkdir(exist_ok=True)
    return None


def copy_files(snapshot: Snapshot, dest: Path) -> None:
    """The files the snapshot lists, as they are in the working tree."""
    dest.mkdir(parents=True, exist_ok=True)
    for rel in snapshot.files:
        source, target = snapshot.root / rel, dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_symlink():
            os.symlink(os.readlink(source), target)
        elif source.is_file():
            shutil.copy2(source, target)


def _empty(dest: Path) -> None:
    if dest.is_dir():
        shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True, exist_ok=True)


def copy_committed(snapshot: Snapshot, dest: Path, area: Path) -> Copied:
    """HEAD in `dest`, with its git metadata when git can give it."""
    root, commit = str(snapshot.root), snapshot.commit or "HEAD"
    shallow = _git("-C", root, "rev-parse", "--is-shallow-repository").stdout.strip() == "true"
    why = _clone_head(root, dest, commit)
    if why is None:
        return Copied(notes=_lfs(snapshot, dest), git=True, shallow=shallow)
    _empty(dest)
    problem = _checkout_files(root, dest, area)
    if problem is None:
        note = (
            "the clean room has the committed files but no git metadata (git could not "
            f"copy the history: {_one_line(why)}), so a version read from git tags is missing"
        )
        return Copied(notes=(note, *_lfs(snapshot, dest)), shallow=shallow)
    _empty(dest)
    try:
        copy_files(snapshot, dest)
    except OSError as exc:
        return Copied(problem=f"{problem}; copying the working tree failed too: {exc}")
    note = (
        f"git could not copy the committed tree ({_one_line(problem)}): the clean room holds "
        "the files of the working tree instead, with no git metadata"
    )
    return Copied(notes=(note,), shallow=shallow)


def _one_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return (lines[-1] if lines else "no output")[:300]


def _walk(dest: Path) -> Iterator[tuple[str, list[str], list[str]]]:
    for dirpath, dirnames, filenames in os.walk(dest):
        if dirpath == str(dest) and ".git" in dirnames:
            dirnames.remove(".git")
        yield dirpath, dirnames, filenames


def _is_pointer(path: str) -> bool:
    try:
        if os.path.islink(path) or os.path.getsize(path) > _POINTER_SIZE:
            return False
        with open(path, "rb") as handle:
            return handle.read(len(LFS_POINTER)) == LFS_POINTER
    except OSError:
        return False


def _lfs(snapshot: Snapshot, dest: Path) -> tuple[str, ...]:
    """Git LFS pointers in the copy: the working tree's file when it has the content."""
    if not any(
        Path(f).name == ".gitattributes" and b"lfs" in (snapshot.read_bytes(f)[0] or b"")
        for f in snapshot.files
    ):
        return ()
    copied, pointers = [], []
    for dirpath, _, filenames in _walk(dest):
        for name in filenames:
            path = os.path.join(dirpath, name)
            if not _is_pointer(path):
                continue
            rel = os.path.relpath(path, dest)
            source = snapshot.root / rel
            if source.is_file() and not source.is_symlink() and not _is_pointer(str(source)):
                shutil.copy2(source, path)
                copied.append(rel)
            else:
                pointers.append(rel)
    notes = []
    if copied:
        notes.append(
            f"{len(copied)} Git LFS file(s) copied from the working tree (the commit holds "
            f"pointers): {', '.join(sorted(copied)[:5])}"
        )
    if pointers:
        notes.append(
            f"{len(pointers)} Git LFS file(s) are pointers only, their content is not in the "
            f"checkout (`lfs: true` in actions/checkout fetches it): "
            f"{', '.join(sorted(pointers)[:5])}"
        )
    return tuple(notes)


def drop_links_out(dest: Path) -> tuple[str, ...]:
    """Remove every link in `dest` that leads outside it; their paths, relative to `dest`."""
    top = os.path.realpath(dest)
    dropped = []
    for dirpath, dirnames, filenames in _walk(dest):
        for name in (*dirnames, *filenames):
            path = os.path.join(dirpath, name)
            if not os.path.islink(path):
                continue
            real = os.path.realpath(path)
            if real != top and not real.startswith(top + os.sep):
                dropped.append(f"{os.path.relpath(path, dest)} -> {os.readlink(path)}")
                os.unlink(path)
    return tuple(sorted(dropped))


def uncommitted_note(snapshot: Snapshot) -> str | None:
    status = runner.git(snapshot.root, "status", "--porcelain", "--untracked-files=normal")
    changed = [line for line in status.stdout.splitlines() if line.strip()]
    if not status.ok or not changed:
        return None
    return (
        f"{len(changed)} uncommitted change(s) are not part of the clean room, which holds "
        "the last commit only (what a fresh clone gets)"
    )
