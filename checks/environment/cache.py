"""uv's cache: shared by every run, written only by reprobot itself; the code under test
works in a layer of its own over it.

uv runs as the unprivileged user, and so do the build backends and the tests it makes
room for. Were the shared cache theirs, a test could rewrite a cached wheel (with uv's
default hard links, editing an installed file is enough) and every later repository's
environment would get the change. So, when reprobot runs as root:

- the shared cache belongs to root; its unpacked wheels (`archive-v0/<id>`) are read-only
  to the unprivileged user, who may only add entries beside them (the directory is
  sticky, like /tmp: nobody removes or renames what is not theirs);
- each run's uv gets a layer of its own beside the shared cache: directories of the
  unprivileged user holding hard links to the shared, root-owned index pages and wheel
  records (uv replaces them there, never in the shared cache), and the shared
  `archive-v0`. uv installs with symbolic links (`UV_LINK_MODE=symlink`: the unprivileged
  user may not hard-link files it does not own), so no installed file of the shared cache
  can be written through;
- when the run is over, the wheels it downloaded from the package index are fetched
  again into the shared cache by uv running as root, wheels only (`--only-binary :all:
  --no-deps`), so nothing of the repository runs and nothing the sandbox wrote is
  trusted; then the layer and what the unprivileged user added to `archive-v0` go. A
  later run starts warm.

Runs on one machine at one time share the unprivileged user, so they are not kept apart
from each other (only from the runs after them), and they share `archive-v0`: a run's
venv is symbolic links into entries its uv unpacked there, which no later run can tell
from another run's. So every run holds a shared lock (`flock`) on `.reprobot-runs.lock`
in the shared cache from before its layer is made until it is over. Promotion only adds
to the shared cache (uv unpacks under new names and swaps its pointers atomically, never
removing an unpacked wheel, and each layer holds links of its own), so it runs under
that shared lock. Removing what the unprivileged user added to
`archive-v0` takes the lock exclusively, without waiting: when another run is still
going, the removal is left to the last run out, which removes everything the
unprivileged user has there (nothing of it is in use by then). Without root there is
one user, and one shared cache as before; uv keeps concurrent uv processes safe itself.
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import tempfile
import threading
import weakref
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from packaging.utils import canonicalize_name

from reprobot.checks.core import runner
from reprobot.checks.core.check import Context
from reprobot.checks.core.sandbox import give_to_sandbox, remove_tree, sandbox_owned, workspace
from reprobot.checks.environment.interpreter import chosen_python
from reprobot.checks.environment.machine import machine_settings
from reprobot.checks.environment.uv import uv_binary, uv_cache_dir, uv_env, uv_index_args

ARCHIVE = "archive-v0"
RUNS_LOCK = ".reprobot-runs.lock"  # ends in .lock: no layer mirrors it
_CONTROL = frozenset({".lock", ".gitignore", ".git", "CACHEDIR.TAG"})
_FROM_AN_INDEX = ("pypi", "index")  # wheels-v*/<source>: registry and find-links wheels
_VERSION = re.compile(r"^([0-9][^-]*)-[^-]+-[^-]+-[^-]+$")  # <version>-<python>-<abi>-<platform>
MAX_PROMOTED = 500


@dataclass(frozen=True)
class CacheLayer:
    """This run's uv cache: `path` (the layer, or the shared cache without root)."""

    path: Path
    shared: Path
    layered: bool = False
    known: frozenset[str] = field(default_factory=frozenset)  # wheel entries the shared had


def _wheel_entries(cache: Path) -> Iterator[tuple[str, str, str]]:
    """(relative path, name, version) of each wheel uv keeps, from its directory names."""
    for bucket in sorted(cache.glob("wheels-v*")):
        for source in _FROM_AN_INDEX:
            base = bucket / source
            pattern = "*/*/*" if source == "index" else "*/*"
            for entry in base.glob(pattern):
                match = _VERSION.match(entry.name)
                if match and entry.is_symlink():
                    yield str(entry.relative_to(cache)), entry.parent.name, match.group(1)


def _mirror(source: Path, target: Path) -> None:
    """Directories of the unprivileged user holding hard links to `source`'s files."""
    for dirpath, dirnames, filenames in os.walk(source):
        rel = os.path.relpath(dirpath, source)
        here = os.path.join(target, rel) if rel != "." else str(target)
        os.makedirs(here, exist_ok=True)
        os.lchown(here, runner.UNPRIVILEGED_UID, runner.UNPRIVILEGED_GID)
        for name in (*dirnames, *filenames):
            path = os.path.join(dirpath, name)
            if name in _CONTROL or name.endswith(".lock"):
                continue
            try:
                if os.path.islink(path):
                    os.symlink(os.readlink(path), os.path.join(here, name))
                    if name in dirnames:
                        dirnames.remove(name)
                elif name in filenames:
                    _link(path, os.path.join(here, name))
            except FileNotFoundError:  # gone since listed: a temporary file of a root uv
                continue


def _link(path: str, target: str) -> None:
    try:
        os.link(path, target, follow_symlinks=False)
    except FileNotFoundError:
        raise
    except OSError:  # another filesystem: copy (still ours, still read-only)
        shutil.copy2(path, target)


def _archive(shared: Path) -> Path:
    """The shared `archive-v0`: root's, sticky and open to new entries."""
    archive = shared / ARCHIVE
    archive.mkdir(exist_ok=True)
    os.chmod(archive, 0o1777)
    return archive


def _theirs(archive: Path) -> set[str]:
    """Entries of the unprivileged user in the shared archive."""
    return {e.name for e in os.scandir(archive) if _uid(e) == runner.UNPRIVILEGED_UID}


def _uid(entry: os.DirEntry[str]) -> int | None:
    try:
        return entry.stat(follow_symlinks=False).st_uid
    except OSError:
        return None


def _build_layer(shared: Path, layer: Path) -> None:
    give_to_sandbox(layer)
    for bucket in sorted(shared.iterdir()):
        if not bucket.is_dir() or bucket.is_symlink() or bucket.name.startswith(("builds-", ".")):
            continue  # build environments and uv's temporary directories: uv makes its own
        if bucket.name != ARCHIVE:
            _mirror(bucket, layer / bucket.name)
    os.symlink(_archive(shared), layer / ARCHIVE)


@dataclass
class _Mirroring:
    """This run's layer, made on a thread while the clean room is copied."""

    running: BinaryIO | None = None  # the run's shared lock on the cache
    thread: threading.Thread | None = None
    made: CacheLayer | None = None
    failure: BaseException | None = None

    def wait(self) -> CacheLayer | None:
        if self.thread is not None:
            self.thread.join()
        if self.failure is not None:
            raise self.failure
        return self.made


def start_cache_layer(ctx: Context) -> _Mirroring:
    """Fact provider: the layer begun on a thread (as root), to be had from `cache_layer`.
    Asked for before the clean room, so that the two are made at the same time. The run's
    shared lock on the cache is taken first and held until the run is over."""
    if not sandbox_owned():
        return _Mirroring()
    shared = uv_cache_dir(ctx.fact(machine_settings))
    running = _run_lock(shared)  # before the layer: until the run is over
    weakref.finalize(ctx, running.close)  # also when a caller never closes ctx
    ctx.defer(running.close)
    layers = shared.parent / f"{shared.name}-layers"  # beside it: one filesystem for uv
    layers.mkdir(mode=0o755, exist_ok=True)
    layer = Path(tempfile.mkdtemp(prefix="run-", dir=layers))
    weakref.finalize(ctx, remove_tree, layer)
    ctx.defer(lambda: remove_tree(layer))
    mirroring = _Mirroring(running=running)

    def make() -> None:  # touches the cache only, never the context
        try:
            _build_layer(shared, layer)
            known = frozenset(e for e, _, _ in _wheel_entries(shared))
            mirroring.made = CacheLayer(layer, shared, True, known)
        except BaseException as exc:  # noqa: BLE001 - raised again in the thread that waits
            mirroring.failure = exc

    thread = mirroring.thread = threading.Thread(target=make, daemon=True)
    thread.start()
    ctx.defer(thread.join)  # never remove the layer while it is being made
    return mirroring


def cache_layer(ctx: Context) -> CacheLayer:
    """Fact provider: the uv cache of this run (a layer over the shared cache as root),
    whose new wheels are fetched into the shared cache when the run is over."""
    mirroring = ctx.fact(start_cache_layer)
    shared = uv_cache_dir(ctx.fact(machine_settings))
    ws = ctx.fact(workspace)
    made = mirroring.wait()
    if made is None or mirroring.running is None or ws.problem is not None:
        return CacheLayer(shared, shared)
    running = mirroring.running
    ctx.defer(lambda: _close(ctx, made, running))
    return made


def _run_lock(shared: Path) -> BinaryIO:
    """The shared lock of a run on the shared cache (root's file: the unprivileged user
    cannot open it). Waits only while a run that is over removes the sandbox's entries."""
    fd = os.open(shared / RUNS_LOCK, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    handle = os.fdopen(fd, "r+b")
    fcntl.flock(handle, fcntl.LOCK_SH)
    return handle


def _close(ctx: Context, layer: CacheLayer, running: BinaryIO) -> None:
    """Promote the new index wheels (under the shared lock), then tidy the archive."""
    try:
        promote(ctx, layer)
        tidy(layer.shared, running)
    finally:
        running.close()


def tidy(shared: Path, running: BinaryIO) -> bool:
    """Remove what the unprivileged user added to the shared archive, when no other run is
    going (the runs' lock, exclusively, without waiting: a run still going holds it for
    minutes). Returns whether it did; when it did not, the last run out does."""
    try:
        fcntl.flock(running, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    archive = shared / ARCHIVE
    for name in _theirs(archive):
        remove_tree(archive / name)
    _archive(shared)  # remove_tree may have closed the archive to get through
    return True


def sandbox_uv_env(ctx: Context) -> dict[str, str]:
    """The variables of a uv command run as the unprivileged user: its cache layer, and
    the run's variant (resolution as of a date, distributions pinned)."""
    env = uv_env(ctx.fact(machine_settings))
    layer = ctx.fact(cache_layer)
    env["UV_CACHE_DIR"] = str(layer.path)
    if layer.layered:
        env["UV_LINK_MODE"] = "symlink"
    if ctx.variant.exclude_newer:
        env["UV_EXCLUDE_NEWER"] = ctx.variant.exclude_newer
    if ctx.variant.constraints:
        env["UV_CONSTRAINT"] = str(ctx.fact(_constraints_file))
    return env


def _constraints_file(ctx: Context) -> Path:
    """The variant's pins, in a file of the clean room's that the sandbox user can read."""
    area = ctx.fact(workspace).area
    path = area / "reprobot-constraints.txt"
    path.write_text("\n".join(ctx.variant.constraints) + "\n", encoding="utf-8")
    path.chmod(0o644)
    return path


def new_wheels(layer: CacheLayer) -> list[str]:
    """`name==version` of the index wheels the layer holds and the shared cache lacks."""
    found = {}
    for rel, name, version in _wheel_entries(layer.path):
        if rel not in layer.known and re.fullmatch(r"[A-Za-z0-9._-]+", name + version):
            found[canonicalize_name(name)] = version
    return [f"{name}=={version}" for name, version in sorted(found.items())][:MAX_PROMOTED]


def promote(ctx: Context, layer: CacheLayer) -> list[str]:
    """Fetch the layer's new index wheels into the shared cache, as root and wheels only.
    Returns what it asked uv for (nothing when the shared cache had it all)."""
    wanted = new_wheels(layer)
    python = ctx.fact(chosen_python).path
    if not wanted or python is None:
        return []
    known = ctx.fact(machine_settings)
    scratch = Path(tempfile.mkdtemp(prefix="reprobot-promote-"))
    args = [
        uv_binary(), "pip", "install", "--no-config", "--no-deps", "--only-binary", ":all:",
        "--python", str(python), "--target", str(scratch), *uv_index_args(known),
    ]  # fmt: skip
    env = {**uv_env(known), "UV_CACHE_DIR": str(layer.shared), "UV_LINK_MODE": "hardlink"}
    mask = os.umask(0o022)  # the unprivileged user must be able to read what is added
    try:
        done = runner.run([*args, *wanted], extra_env=env, timeout=600)
        if not done.ok:  # one of them is no index wheel (a local one): take the rest one by one
            for one in wanted[:50]:
                runner.run([*args, one], extra_env=env, timeout=300)
    finally:
        os.umask(mask)
        remove_tree(scratch)
        _archive(layer.shared)
    return wanted
