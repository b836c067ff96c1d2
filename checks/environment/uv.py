"""What the fresh environment needs around uv: where its cache lives (shared across runs,
writable by the unprivileged user), which index it uses, the uv executable itself, and
reading back what got installed."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.parser import HeaderParser
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from checks.core import runner
from checks.core.sandbox import give_to_sandbox, reachable_by_sandbox, sandbox_owned
from checks.core.templates import render
from checks.manifests import Manifest

FALLBACK_CACHE = Path("/var/tmp/reprobot-cache")
_TRUE = ("1", "true", "yes", "on")


def uv_binary() -> str:
    """The uv executable shipped with the `uv` Python package."""
    from uv import find_uv_bin

    return str(find_uv_bin())


def cache_root(environ: Mapping[str, str] | None = None) -> Path:
    """reprobot's own cache: `~/.cache/reprobot`, unless the unprivileged user cannot
    reach it (a private home), then a directory under /var/tmp owned by us."""
    environ = os.environ if environ is None else environ
    home = Path(environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "reprobot"
    if not sandbox_owned() or reachable_by_sandbox(home):
        home.mkdir(parents=True, exist_ok=True)
        return home
    FALLBACK_CACHE.mkdir(mode=0o755, exist_ok=True)
    info = FALLBACK_CACHE.lstat()
    if FALLBACK_CACHE.is_symlink() or info.st_uid != os.geteuid():
        raise OSError(f"{FALLBACK_CACHE} exists but is not ours; remove it")
    os.chmod(FALLBACK_CACHE, 0o755)
    return FALLBACK_CACHE


def uv_cache_dir(environ: Mapping[str, str] | None = None) -> Path:
    """`REPROBOT_UV_CACHE`, else `<cache root>/uv`; handed to the unprivileged user."""
    environ = os.environ if environ is None else environ
    configured = environ.get("REPROBOT_UV_CACHE")
    path = Path(configured) if configured else cache_root(environ) / "uv"
    path.mkdir(parents=True, exist_ok=True)
    if sandbox_owned() and path.stat().st_uid != runner.UNPRIVILEGED_UID:
        give_to_sandbox(path)
    return path


def pythons_dir() -> Path:
    return cache_root() / "pythons"


NO_SANDBOX_UV = (
    "uv cannot be run by the unprivileged user that runs the code under test (its copy "
    "could not be made in reprobot's cache): make REPROBOT_UV_CACHE a directory reprobot "
    "can write, or install uv where every user can execute it"
)


def sandbox_uv() -> str | None:
    """A uv executable the unprivileged user can run (copied once if need be)."""
    uv = Path(uv_binary())
    if reachable_by_sandbox(uv):
        return str(uv)
    copy = cache_root() / "bin" / "uv"
    try:
        if not copy.is_file() or copy.stat().st_size != uv.stat().st_size:
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(uv, copy)
            os.chmod(copy, 0o755)
    except OSError:
        return None
    return str(copy)


def uv_env(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """Variables for every uv command: its cache, no downloads of Pythons, plain output."""
    environ = os.environ if environ is None else environ
    env = {
        "UV_CACHE_DIR": str(uv_cache_dir(environ)),
        "UV_PYTHON_DOWNLOADS": "never",
        "UV_NO_PROGRESS": "1",
        "NO_COLOR": "1",
    }
    if "PIP_CERT" in environ and "SSL_CERT_FILE" not in environ:
        env["SSL_CERT_FILE"] = environ["PIP_CERT"]
    return env


def uv_index_args(environ: Mapping[str, str] | None = None) -> list[str]:
    """Index options: the hermetic `REPROBOT_FIND_LINKS`, else pip's settings uv ignores."""
    environ = os.environ if environ is None else environ
    local = environ.get("REPROBOT_FIND_LINKS", "").strip()
    if local:
        args = ["--no-index"]
        for directory in local.split(os.pathsep):
            args += ["--find-links", directory] if directory else []
        return args
    args = []
    index = environ.get("PIP_INDEX_URL")
    if index and not (environ.get("UV_INDEX_URL") or environ.get("UV_DEFAULT_INDEX")):
        args += ["--index-url", index]
    extra = environ.get("PIP_EXTRA_INDEX_URL")
    if extra and not (environ.get("UV_EXTRA_INDEX_URL") or environ.get("UV_INDEX")):
        for url in extra.split():
            args += ["--extra-index-url", url]
    links = environ.get("PIP_FIND_LINKS")
    if links and not environ.get("UV_FIND_LINKS"):
        for link in links.split():
            if "://" in link or reachable_by_sandbox(Path(link) / "x"):
                args += ["--find-links", link]
    if environ.get("PIP_NO_INDEX", "").lower() in _TRUE and not environ.get("UV_NO_INDEX"):
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


@dataclass(frozen=True)
class Distribution:
    """One installed distribution, read from its `.dist-info`."""

    name: str  # canonical
    version: str
    requires: tuple[str, ...]  # canonical names it needs (extras and markers aside)
    url: str | None = None  # how to get it again when it is not from an index
    local: bool = False  # installed from a local directory (the project itself)


def _direct_url(dist_info: Path) -> tuple[str | None, bool]:
    try:
        data = json.loads((dist_info / "direct_url.json").read_text("utf-8"))
    except (OSError, ValueError):
        return None, False
    if not isinstance(data, dict):
        return None, False
    url = str(data.get("url", ""))
    vcs = data.get("vcs_info")
    if isinstance(vcs, dict) and vcs.get("commit_id"):
        return f"{vcs.get('vcs', 'git')}+{url}@{vcs['commit_id']}", False
    if "dir_info" in data or url.startswith("file:"):
        return None, True
    return url or None, False


def read_distributions(venv: Path) -> tuple[Distribution, ...]:
    """Every distribution in the venv, from its metadata (no process started)."""
    found = []
    for site in venv.glob("lib/python*/site-packages"):
        for dist_info in sorted(site.glob("*.dist-info")):
            try:
                text = (dist_info / "METADATA").read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            headers = HeaderParser().parsestr(text)
            name, version = headers.get("Name"), headers.get("Version")
            if not name or not version:
                continue
            requires = []
            for line in headers.get_all("Requires-Dist") or []:
                try:
                    req = Requirement(line)
                except InvalidRequirement:
                    continue
                if req.marker is None or "extra" not in str(req.marker):
                    requires.append(canonicalize_name(req.name))
            url, local = _direct_url(dist_info)
            found.append(
                Distribution(canonicalize_name(name), version, tuple(requires), url, local)
            )
    return tuple(found)


def installed_distributions(venv: Path) -> dict[str, str]:
    """Canonical name -> version of every distribution in the venv, from its metadata."""
    return {d.name: d.version for d in read_distributions(venv)}


def required_by(dists: Sequence[Distribution]) -> dict[str, tuple[str, ...]]:
    """Distribution -> the installed distributions that require it."""
    parents: dict[str, list[str]] = {}
    names = {d.name for d in dists}
    for dist in dists:
        for child in dist.requires:
            if child in names and dist.name not in parents.setdefault(child, []):
                parents[child].append(dist.name)
    return {child: tuple(sorted(found)) for child, found in parents.items()}


def lock_command(found: Manifest) -> str:
    """How the repository's authors regenerate the lock after changing their manifest."""
    if found.kind in ("conda", "pipfile") or not found.install_files:
        return "pip freeze --exclude-editable > requirements.lock"
    return f"uv pip compile {' '.join(found.install_files)} -o requirements.lock"


def lock_text(dists: Sequence[Distribution], found: Manifest, python: str) -> str:
    """Every installed distribution pinned (the project itself left out): the lock."""
    lines = []
    for dist in sorted(dists, key=lambda d: d.name):
        if dist.local:
            continue
        lines.append(f"{dist.name} @ {dist.url}" if dist.url else f"{dist.name}=={dist.version}")
    sources = ", ".join(found.install_files or ((found.primary,) if found.primary else ()))
    return render(
        "requirements.lock.j2",
        lines=lines,
        python=python,
        sources=sources or "the declared requirements",
        command=lock_command(found),
    )
