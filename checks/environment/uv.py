"""uv for the fresh environment: the executable (and a copy the unprivileged user can
run), its cache (shared across runs, written by reprobot only: see `cache`), the variables and index
options of every uv command, and the requirement lines uv cannot read itself.

Every function takes the machine's settings (`MachineSettings`, or a mapping to read
them from); without them the process environment is read at the call.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from reprobot.checks.core import runner
from reprobot.checks.core.sandbox import reachable_by_sandbox, remove_tree, sandbox_owned
from reprobot.checks.environment.machine import MachineLike, machine
from reprobot.checks.manifests import Manifest

FALLBACK_CACHE = Path("/var/tmp/reprobot-cache")
_TRUE = ("1", "true", "yes", "on")


def uv_binary() -> str:
    """The uv executable shipped with the `uv` Python package."""
    from uv import find_uv_bin

    return str(find_uv_bin())


def cache_root(settings: MachineLike = None) -> Path:
    """reprobot's own cache: `~/.cache/reprobot`, unless the unprivileged user cannot
    reach it (a private home), then a directory under /var/tmp owned by us."""
    home = machine(settings).cache_home / "reprobot"
    if not sandbox_owned() or reachable_by_sandbox(home):
        home.mkdir(parents=True, exist_ok=True)
        return home
    FALLBACK_CACHE.mkdir(mode=0o755, exist_ok=True)
    info = FALLBACK_CACHE.lstat()
    if FALLBACK_CACHE.is_symlink() or info.st_uid != os.geteuid():
        raise OSError(f"{FALLBACK_CACHE} exists but is not ours; remove it")
    os.chmod(FALLBACK_CACHE, 0o755)
    return FALLBACK_CACHE


def uv_cache_dir(settings: MachineLike = None) -> Path:
    """`REPROBOT_UV_CACHE`, else `<cache root>/uv-shared`: the shared cache, which the
    unprivileged user may read but not write. One that user owns (made by an older
    reprobot, which handed the cache to it) may hold its changes, so it starts afresh."""
    known = machine(settings)
    path = known.uv_cache or cache_root(known) / "uv-shared"
    if sandbox_owned() and path.is_dir() and path.lstat().st_uid == runner.UNPRIVILEGED_UID:
        remove_tree(path)
    path.mkdir(parents=True, exist_ok=True)
    if sandbox_owned():
        os.chmod(path, 0o755)
    return path


def pythons_dir(settings: MachineLike = None) -> Path:
    return cache_root(settings) / "pythons"


NO_SANDBOX_UV = (
    "uv cannot be run by the unprivileged user that runs the code under test (its copy "
    "could not be made in reprobot's cache): make REPROBOT_UV_CACHE a directory reprobot "
    "can write, or install uv where every user can execute it"
)


def sandbox_uv(settings: MachineLike = None) -> str | None:
    """A uv executable the unprivileged user can run (copied once if need be)."""
    uv = Path(uv_binary())
    if reachable_by_sandbox(uv):
        return str(uv)
    copy = cache_root(settings) / "bin" / "uv"
    try:
        if not copy.is_file() or copy.stat().st_size != uv.stat().st_size:
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(uv, copy)
            os.chmod(copy, 0o755)
    except OSError:
        return None
    return str(copy)


def uv_env(settings: MachineLike = None) -> dict[str, str]:
    """Variables for every uv command: its cache, no downloads of Pythons, plain output."""
    known = machine(settings)
    env = {
        "UV_CACHE_DIR": str(uv_cache_dir(known)),
        "UV_PYTHON_DOWNLOADS": "never",
        "UV_NO_PROGRESS": "1",
        "NO_COLOR": "1",
    }
    if "PIP_CERT" in known.pip and "SSL_CERT_FILE" not in known.pip:
        env["SSL_CERT_FILE"] = known.pip["PIP_CERT"]
    return env


def uv_index_args(settings: MachineLike = None) -> list[str]:
    """Index options: the hermetic `REPROBOT_FIND_LINKS`, else pip's settings uv ignores."""
    known = machine(settings)
    if known.find_links is not None:
        args = ["--no-index"]
        for directory in known.find_links:
            args += ["--find-links", directory]
        return args
    pip = known.pip
    args = []
    index = pip.get("PIP_INDEX_URL")
    if index and not (pip.get("UV_INDEX_URL") or pip.get("UV_DEFAULT_INDEX")):
        args += ["--index-url", index]
    extra = pip.get("PIP_EXTRA_INDEX_URL")
    if extra and not (pip.get("UV_EXTRA_INDEX_URL") or pip.get("UV_INDEX")):
        for url in extra.split():
            args += ["--extra-index-url", url]
    links = pip.get("PIP_FIND_LINKS")
    if links and not pip.get("UV_FIND_LINKS"):
        for link in links.split():
            if "://" in link or reachable_by_sandbox(Path(link) / "x"):
                args += ["--find-links", link]
    if pip.get("PIP_NO_INDEX", "").lower() in _TRUE and not pip.get("UV_NO_INDEX"):
        args.append("--no-index")
    return args


def write_install_lines(found: Manifest, repo: Path, target: Path) -> Path:
    """Requirement lines uv cannot read from the repository itself (a conda `pip:` list,
    a Pipfile, Poetry), with includes and local paths made absolute in the clean room."""
    lines = []
    for line in found.install_lines or ():
        head, _, rest = line.partition(" ")
        if head in ("-r", "--requirement", "-c", "--constraint"):
            lines.append(f"{head} {repo / rest.strip()}")
        elif head in ("-e", "--editable") and rest.strip().startswith("."):
            lines.append(f"{head} {(repo / rest.strip()).resolve()}")
        elif line.startswith("."):
            lines.append(str((repo / line).resolve()))
        else:
            lines.append(line)
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    os.chmod(target, 0o644)
    return target
