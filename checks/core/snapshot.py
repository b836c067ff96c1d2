"""One scan of the repository: which files exist, and safe reads of them.

Everything the repository (or the code under test) wrote is hostile input. Reads never
follow a symlink out of the repository, open nothing but a regular file (a named pipe, a
device or a socket would block or never end), never read more than a cap or for longer
than a deadline, and survive binary and non-UTF-8 files: they return a `FileText` whose
`problem` says what was wrong instead of raising. `read_regular` is the one open every
read in `checks/` goes through.
"""

from __future__ import annotations

import errno
import fnmatch
import os
import stat
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

from reprobot.checks.core import runner

DEFAULT_READ_CAP = 2 * 1024 * 1024  # bytes
READ_SECONDS = 10.0  # a regular file on a sane disk reads in far less
_CHUNK = 1024 * 1024
_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
)
T = TypeVar("T")
SKIP_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".venv",
        "venv",
        "env",
        ".env",
        ".tox",
        ".nox",
        "node_modules",
        "__pycache__",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".ipynb_checkpoints",
        "build",
        "dist",
        "site-packages",
        ".eggs",
        ".reprobot-cache",
    }
)


def size_words(size: int) -> str:
    """`5.0 MB`, `12.5 KB`, `300 bytes`."""
    if size >= 1_048_576:
        return f"{size / 1_048_576:.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size} bytes"


_KINDS = (
    (stat.S_ISLNK, "is a symbolic link; not followed"),
    (stat.S_ISDIR, "is a directory, not a file"),
    (stat.S_ISFIFO, "is a named pipe (FIFO), not a regular file; not read"),
    (stat.S_ISSOCK, "is a socket, not a regular file; not read"),
    (stat.S_ISCHR, "is a device file, not a regular file; not read"),
    (stat.S_ISBLK, "is a device file, not a regular file; not read"),
)


class _Unreadable(Exception):
    """Why a file is not read, as words that follow its name."""


def _not_regular(mode: int) -> str | None:
    """What a file that is not a regular file is, in words; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    return next((words for test, words in _KINDS if test(mode)), "is not a regular file")


def _os_words(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "is a symbolic link; not followed"
    if isinstance(exc, FileNotFoundError):
        return "does not exist"
    return f"could not be read ({exc.strerror or exc})"


def read_regular(
    path: Path | str, cap: int = DEFAULT_READ_CAP, *, seconds: float = READ_SECONDS
) -> tuple[bytes, str | None]:
    """The bytes of `path` if it is a regular file of at most `cap` bytes, else (b"", what
    is wrong, as words that follow the file's name: "is a directory, not a file").

    `path` itself is never followed when it is a link; it is checked with `lstat`, opened
    non-blocking, checked again on the open descriptor (the file may be swapped between
    the two), and read in chunks that stop at `cap` and after `seconds`."""
    try:
        return _read_regular(path, cap, seconds), None
    except _Unreadable as exc:
        return b"", str(exc)
    except OSError as exc:
        return b"", _os_words(exc)


def _read_regular(path: Path | str, cap: int, seconds: float) -> bytes:
    before = os.lstat(path)
    kind = _not_regular(before.st_mode)
    if kind is not None:
        raise _Unreadable(kind)
    if before.st_size > cap:
        raise _Unreadable(_too_large(before.st_size, cap))
    fd = os.open(path, _OPEN_FLAGS)
    deadline = time.monotonic() + seconds
    try:
        now = os.fstat(fd)
        if not stat.S_ISREG(now.st_mode) or (now.st_dev, now.st_ino) != (
            before.st_dev,
            before.st_ino,
        ):
            raise _Unreadable("was replaced while reprobot read it; not read")
        chunks: list[bytes] = []
        got = 0
        while got <= cap:
            if time.monotonic() > deadline:
                raise _Unreadable(f"took longer than {seconds:.0f} s to read; not read")
            try:
                chunk = os.read(fd, min(_CHUNK, cap + 1 - got))
            except BlockingIOError:
                time.sleep(0.01)
                continue
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
    finally:
        os.close(fd)
    if got > cap:
        raise _Unreadable(_too_large(got, cap, grew=True))
    return b"".join(chunks)


def _too_large(size: int, cap: int, *, grew: bool = False) -> str:
    limit, found = size_words(cap), size_words(size)
    if found == limit:  # "2.0 MB, larger than the 2.0 MB" reads wrong: say the bytes
        limit, found = f"{cap:,} bytes", f"{size:,} bytes"
    size_text = f"more than {limit}" if grew else found
    return f"is {size_text}, larger than the {limit} reprobot reads; not read"


def read_regular_text(
    path: Path | str, cap: int = DEFAULT_READ_CAP, *, errors: str = "strict"
) -> tuple[str, str | None]:
    """`read_regular`, decoded as UTF-8 with a leading BOM removed."""
    data, problem = read_regular(path, cap)
    if problem is not None:
        return "", problem
    try:
        return data.decode("utf-8-sig", errors=errors), None
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return "", f"line {line} is not valid UTF-8; save the file as UTF-8"


@dataclass(frozen=True)
class FileText:
    """The text of one file, or why it could not be read (`problem`)."""

    path: str
    text: str = ""
    problem: str | None = None
    size: int = 0

    @property
    def ok(self) -> bool:
        return self.problem is None


class Snapshot:
    """The repository as a fresh clone would see it: tracked files when it is a git
    repository, otherwise a walk that skips virtual environments and build output."""

    def __init__(self, root: Path | str, *, files: tuple[str, ...] | None = None) -> None:
        self.root = Path(root).resolve()
        self._given_files = files
        self._plain_dirs: dict[str, bool] = {}
        self._parsed: dict[tuple[str, Callable[..., Any]], Any] = {}

    def parsed(self, path: str, parse: Callable[[Snapshot, str], T]) -> T:
        """`parse(self, path)`, computed once per snapshot: each file is parsed once a run,
        whichever layer asks for it first."""
        key = (path, parse)
        if key not in self._parsed:
            self._parsed[key] = parse(self, path)
        return self._parsed[key]  # type: ignore[no-any-return]

    @cached_property
    def is_git(self) -> bool:
        if not (self.root / ".git").exists():
            return False
        return runner.git(self.root, "rev-parse", "--is-inside-work-tree").stdout.strip() == "true"

    @cached_property
    def commit(self) -> str | None:
        if not self.is_git:
            return None
        out = runner.git(self.root, "rev-parse", "HEAD")
        return out.stdout.strip() or None if out.returncode == 0 else None

    @cached_property
    def files(self) -> tuple[str, ...]:
        if self._given_files is not None:
            return tuple(sorted(self._given_files))
        if self.is_git:
            tracked = self._git_files()
            if tracked is not None:
                return tracked
        return tuple(sorted(self._walk()))

    @cached_property
    def file_set(self) -> frozenset[str]:
        return frozenset(self.files)

    def _git_files(self) -> tuple[str, ...] | None:
        out = runner.git(self.root, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
        if out.returncode != 0:
            return None
        names = {n for n in out.stdout.split("\0") if n}
        # A file deleted in the work tree but still in the index is not there for a reader.
        root = str(self.root)
        return tuple(sorted(n for n in names if os.path.lexists(f"{root}/{n}")))

    def _walk(self) -> Iterator[str]:
        for dirpath, dirnames, filenames in os.walk(self.root):
            dirnames[:] = [
                d for d in dirnames if d not in SKIP_DIRS and not d.endswith(".egg-info")
            ]
            rel = Path(dirpath).relative_to(self.root)
            for name in filenames:
                yield (rel / name).as_posix() if rel.parts else name

    def exists(self, path: str) -> bool:
        return path in self.file_set

    def glob(self, pattern: str) -> tuple[str, ...]:
        """Files whose relative posix path matches `pattern`; `*` also crosses `/`."""
        return tuple(f for f in self.files if fnmatch.fnmatchcase(f, pattern))

    def with_suffix(self, *suffixes: str) -> tuple[str, ...]:
        return tuple(f for f in self.files if f.endswith(suffixes))

    def top_level(self) -> tuple[str, ...]:
        return tuple(f for f in self.files if "/" not in f)

    def find_root_file(self, *names: str) -> str | None:
        """The first of `names` present at the root, matched case-insensitively."""
        lower = {f.lower(): f for f in self.top_level()}
        for name in names:
            if name.lower() in lower:
                return lower[name.lower()]
        return None

    def _plain_directory(self, directory: str) -> bool:
        """Whether `directory` (relative) is reached from the root through no link."""
        if directory not in self._plain_dirs:
            real = os.path.realpath(os.path.join(self.root, directory))
            self._plain_dirs[directory] = real == os.path.normpath(
                os.path.join(self.root, directory)
            )
        return self._plain_dirs[directory]

    def resolve_inside(self, path: str) -> Path | None:
        """The real path of `path` if it stays inside the repository, else None."""
        candidate = self.root / path
        if path in self.file_set and self._plain_directory(os.path.dirname(path)):
            # Fast path: no directory on the way is a link, so only the file itself can be.
            try:
                if not stat.S_ISLNK(os.lstat(candidate).st_mode):
                    return candidate
            except OSError:
                return None
        try:
            real = candidate.resolve(strict=True)
        except (OSError, RuntimeError):
            return None
        if real != self.root and self.root not in real.parents:
            return None
        return real

    def read_bytes(self, path: str, *, cap: int = DEFAULT_READ_CAP) -> tuple[bytes, str | None]:
        real = self.resolve_inside(path)
        if real is None:
            if os.path.lexists(self.root / path):
                return b"", f"{path} is a link that points outside the repository; not read"
            return b"", f"{path} does not exist"
        data, problem = read_regular(real, cap)
        return data, None if problem is None else f"{path} {problem}"

    def read_text(self, path: str, *, cap: int = DEFAULT_READ_CAP) -> FileText:
        data, problem = self.read_bytes(path, cap=cap)
        if problem is not None:
            return FileText(path, problem=problem)
        if b"\0" in data[:8192]:
            return FileText(path, problem=f"{path} is a binary file, not text", size=len(data))
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            return FileText(
                path,
                problem=f"{path} line {line} is not valid UTF-8; save the file as UTF-8",
                size=len(data),
            )
        return FileText(path, text=text, size=len(data))
