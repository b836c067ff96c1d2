"""One scan of the repository: which files exist, and safe reads of them.

Reads never follow a symlink out of the repository, never read more than a cap,
and survive binary and non-UTF-8 files: they return a `FileText` whose `problem`
says what was wrong instead of raising.
"""

from __future__ import annotations

import fnmatch
import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

from checks.core import runner

DEFAULT_READ_CAP = 2 * 1024 * 1024  # bytes
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
        if not real.is_file():
            return b"", f"{path} is not a regular file"
        size = real.stat().st_size
        if size > cap:
            return b"", (
                f"{path} is {size / 1_048_576:.1f} MB, larger than the "
                f"{cap / 1_048_576:.1f} MB reprobot reads; not read"
            )
        with real.open("rb") as handle:
            return handle.read(cap + 1), None

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
