from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import pytest

from reprobot.checks.core.snapshot import Snapshot


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


def test_plain_directory_walk_skips_junk(tmp_path: Path) -> None:
    (tmp_path / "analysis.py").write_text("print(1)\n")
    for junk in (".venv/lib", "node_modules/x", "build/lib", "pkg.egg-info", ".git/objects"):
        (tmp_path / junk).mkdir(parents=True)
        (tmp_path / junk / "f.py").write_text("")
    (tmp_path / "src" / "pkg").mkdir(parents=True)
    (tmp_path / "src" / "pkg" / "__init__.py").write_text("")
    snap = Snapshot(tmp_path)
    assert snap.files == ("analysis.py", "src/pkg/__init__.py")
    assert snap.is_git is False
    assert snap.commit is None


def test_git_repository_lists_tracked_and_untracked_not_ignored(tmp_path: Path) -> None:
    _git(tmp_path, "init", "-q")
    (tmp_path / ".gitignore").write_text("data/\n")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "big.csv").write_text("1,2\n")
    (tmp_path / "run.py").write_text("")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "-c", "user.name=A", "-c", "user.email=a@x", "commit", "-qm", "init")
    (tmp_path / "new.py").write_text("")
    snap = Snapshot(tmp_path)
    assert snap.is_git
    assert snap.files == (".gitignore", "new.py", "run.py")
    assert snap.commit is not None and len(snap.commit) == 40


def test_symlink_out_of_repository_is_not_read(tmp_path: Path) -> None:
    (tmp_path / "CITATION.cff").symlink_to("/etc/passwd")
    text = Snapshot(tmp_path).read_text("CITATION.cff")
    assert not text.ok
    assert "outside the repository" in (text.problem or "")
    assert "root:" not in text.text


def test_binary_large_and_non_utf8_files_give_problems(tmp_path: Path) -> None:
    (tmp_path / "bin.dat").write_bytes(b"abc\0def")
    (tmp_path / "latin.txt").write_bytes(b"line one\ncaf\xe9\n")
    with (tmp_path / "huge.txt").open("wb") as handle:
        handle.truncate(5 * 1024 * 1024)
    snap = Snapshot(tmp_path)
    assert "binary" in (snap.read_text("bin.dat").problem or "")
    latin = snap.read_text("latin.txt")
    assert latin.problem is not None and "line 2" in latin.problem and "UTF-8" in latin.problem
    huge = snap.read_text("huge.txt", cap=1024 * 1024)
    assert huge.problem is not None and "5.0 MB" in huge.problem
    assert "does not exist" in (snap.read_text("nope.txt").problem or "")


def test_symlink_inside_repository_is_followed(tmp_path: Path) -> None:
    (tmp_path / "real.md").write_text("hello")
    os.symlink("real.md", tmp_path / "README.md")
    assert Snapshot(tmp_path).read_text("README.md").text == "hello"


def test_find_root_file_is_case_insensitive_and_glob_crosses_dirs(tmp_path: Path) -> None:
    (tmp_path / "readme.MD").write_text("")
    (tmp_path / "nb").mkdir()
    (tmp_path / "nb" / "a.ipynb").write_text("{}")
    snap = Snapshot(tmp_path)
    assert snap.find_root_file("README.md", "README") == "readme.MD"
    assert snap.glob("*.ipynb") == ("nb/a.ipynb",)
    assert snap.find_root_file("LICENSE") is None


def test_linked_directory_swapped_in_after_commit_is_not_followed(tmp_path: Path) -> None:
    """A tracked file whose directory became a link to outside must not be read."""
    _git(tmp_path, "init", "-q")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "passwd").write_text("harmless\n")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "-c", "user.name=A", "-c", "user.email=a@x", "commit", "-qm", "init")
    (tmp_path / "data" / "passwd").unlink()
    (tmp_path / "data").rmdir()
    (tmp_path / "data").symlink_to("/etc")
    snap = Snapshot(tmp_path)
    assert "data/passwd" in snap.files
    text = snap.read_text("data/passwd")
    assert not text.ok and "outside the repository" in (text.problem or "")
    assert "root:" not in text.text


def _socket_at(path: Path) -> object:
    import socket

    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.bind(str(path))
    return sock


def test_only_regular_files_are_opened(tmp_path: Path) -> None:
    from reprobot.checks.core.snapshot import read_regular

    os.mkfifo(tmp_path / "pipe.py")  # opening it for reading would block for ever
    (tmp_path / "folder").mkdir()
    sock = _socket_at(tmp_path / "sock.py")
    (tmp_path / "link.py").symlink_to(tmp_path / "folder")
    expected = {
        "pipe.py": "is a named pipe (FIFO), not a regular file; not read",
        "folder": "is a directory, not a file",
        "sock.py": "is a socket, not a regular file; not read",
        "link.py": "is a symbolic link; not followed",
        "absent.py": "does not exist",
    }
    for name, words in expected.items():
        assert read_regular(tmp_path / name) == (b"", words), name
    del sock
    snap = Snapshot(tmp_path)
    assert "pipe.py" in snap.files
    assert snap.read_text("pipe.py").problem == (
        "pipe.py is a named pipe (FIFO), not a regular file; not read"
    )


def test_a_device_file_is_not_read(tmp_path: Path) -> None:
    from reprobot.checks.core.snapshot import read_regular

    try:
        os.mknod(tmp_path / "zero", 0o600 | stat.S_IFCHR, os.makedev(1, 5))
    except PermissionError:
        pytest.skip("making a device file needs root")
    assert read_regular(tmp_path / "zero") == (
        b"",
        "is a device file, not a regular file; not read",
    )


def test_reads_stop_at_the_cap_and_sizes_read_in_words(tmp_path: Path) -> None:
    from reprobot.checks.core.snapshot import read_regular

    (tmp_path / "small.txt").write_bytes(b"x" * 5000)
    assert read_regular(tmp_path / "small.txt", 5000) == (b"x" * 5000, None)
    data, problem = read_regular(tmp_path / "small.txt", 4096)
    assert data == b""
    assert problem == "is 4.9 KB, larger than the 4.0 KB reprobot reads; not read"


def test_a_byte_order_mark_is_removed(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_bytes(b"\xef\xbb\xbf[project]\nname = 'x'\n")
    assert Snapshot(tmp_path).read_text("pyproject.toml").text == "[project]\nname = 'x'\n"


def test_a_file_just_over_the_cap_says_its_bytes(tmp_path: Path) -> None:
    from reprobot.checks.core.snapshot import read_regular

    (tmp_path / "nb.ipynb").write_bytes(b"x" * (2 * 1024 * 1024 + 10))
    assert read_regular(tmp_path / "nb.ipynb", 2 * 1024 * 1024)[1] == (
        "is 2,097,162 bytes, larger than the 2,097,152 bytes reprobot reads; not read"
    )
