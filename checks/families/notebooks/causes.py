"""Why a cell failed, in plain words, and the fix from the family that owns the cause.

Pure functions over what the run reported (exception name, message, traceback) and what
reprobot looked up for it (the distribution that provides a module, the installed version
of a library): an undeclared import (DEP005), a data file that is not in the repository
(DAT001), an absolute path into someone's machine (PTH001), a library whose API moved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from packaging.version import InvalidVersion, Version

_NO_MODULE = re.compile(r"No module named '([\w.]+)'")
_NO_FILE = re.compile(r"No such file or directory: '([^']+)'")
_FROM_MODULE = re.compile(r"cannot import name '\w+' from '([\w.]+)'")
_MODULE_ATTR = re.compile(r"module '([\w.]+)' has no attribute")
_SITE = re.compile(r"site-packages/([A-Za-z_]\w*)")
_PERSONAL = re.compile(r"^(?:/home/|/Users/|/mnt/[a-z]/|/media/|[A-Za-z]:[\\/])")
_API = ("AttributeError", "ImportError")
_NETWORK = ("URLError", "ConnectionError", "gaierror", "HTTPError", "ConnectTimeout", "SSLError")
# The machine could not resolve a host name: no network here, which says nothing of the code.
_NO_DNS = ("Name or service not known", "Temporary failure in name resolution", "nodename nor")


@dataclass(frozen=True)
class Cause:
    """The cause in plain words and what to do about it."""

    words: str
    fix: str = ""
    owner: str | None = None  # the check that owns the fix (DEP005, DAT001, PTH001)
    judged: bool = True  # False: this machine could not make the declared environment


def missing_module(evalue: str) -> str | None:
    """The top-level module a `ModuleNotFoundError` names."""
    match = _NO_MODULE.search(evalue)
    return match.group(1).split(".")[0] if match else None


def missing_file(evalue: str) -> str | None:
    match = _NO_FILE.search(evalue)
    return match.group(1) if match else None


def library_modules(evalue: str, traceback: str) -> tuple[str, ...]:
    """Top-level modules an API error points at: the one its message names, else the
    installed packages its traceback passes through (innermost first)."""
    named = [m.group(1) for p in (_FROM_MODULE, _MODULE_ATTR) if (m := p.search(evalue))]
    inside = list(reversed(_SITE.findall(traceback)))
    found = [n.split(".")[0] for n in (*named, *inside)]
    return tuple(dict.fromkeys(found))


def pin(name: str, version: str) -> str | None:
    """`name<major` for the installed `version` (`name<0.N` below 1.0), or None."""
    try:
        parsed = Version(version)
    except InvalidVersion:
        return None
    if parsed.major >= 1:
        return f"{name}<{parsed.major}"
    return f"{name}<0.{parsed.minor}" if parsed.minor else None


def diagnose(
    ename: str,
    evalue: str,
    traceback: str = "",
    *,
    provider: str | None = None,
    library: tuple[str, str] | None = None,
    manifest_file: str = "requirements.txt",
    conda: str | None = None,
    stored_error: str | None = None,
) -> Cause | None:
    """The cause of a cell's exception, or None when reprobot has nothing to add.

    `provider` is the distribution known to provide a missing module (None: unknown);
    `library` the (distribution, installed version) an API error points into; `conda` the
    file that declares the missing module as a conda package this machine cannot install;
    `stored_error` the exception the saved notebook shows for the same cell."""
    if stored_error is not None and stored_error == ename:
        return Cause(
            f"the saved notebook shows the same {ename} in this cell: it is meant to raise",
            "tag the cell `raises-exception` (or set `execution.allow_errors` in the "
            "notebook's metadata)",
        )
    if ename == "ModuleNotFoundError" and (module := missing_module(evalue)):
        if conda is not None:
            return Cause(
                f"`{module}` is declared in {conda} as a conda package, and there is no conda "
                "on this machine to install it: the notebook was not judged",
                "run reprobot where micromamba, mamba or conda is installed (see DEP003)",
                "DEP003",
                judged=False,
            )
        if provider is None:
            return Cause(
                f"`import {module}` is not declared, and reprobot does not know which "
                "distribution provides it",
                f"declare the distribution that provides `{module}` in {manifest_file}",
                "DEP005",
            )
        return Cause(
            f"`import {module}` is not declared: nothing installs it in a fresh environment",
            f"add the line `{provider}` to {manifest_file}",
            "DEP005",
        )
    if ename in ("FileNotFoundError", "OSError", "IOError") and (path := missing_file(evalue)):
        if _PERSONAL.match(path):
            return Cause(
                f"the notebook opens `{path}`, an absolute path into one person's machine",
                "make the path relative to the repository (see PTH001)",
                "PTH001",
            )
        if path.startswith("/"):
            return Cause(
                f"the notebook opens `{path}`, an absolute path that does not exist here",
                "make the path relative to the repository (see PTH001)",
                "PTH001",
            )
        return Cause(
            f"missing data file `{path}`: it is not in the repository",
            "commit the file, or say where to get it (see DAT001)",
            "DAT001",
        )
    if ename in _NETWORK or ename.endswith(".ConnectionError"):
        offline = any(words in evalue for words in _NO_DNS)
        where = "this machine has no network, so the notebook was not judged" if offline else ""
        return Cause(
            "the notebook downloads data" + (f", and {where}" if where else ", and that failed"),
            "commit the data it needs, or say where to get it (see DAT001)",
            "DAT001",
            judged=not offline,
        )
    if ename in _API and library is not None:
        name, version = library
        limit = pin(name, version)
        words = (
            f"the installed {name} {version} no longer has what the notebook uses: its API "
            "changed since the notebook was written"
        )
        fix = f"pin `{limit}` in {manifest_file}, or update the code" if limit else ""
        return Cause(words, fix, "DEP006")
    return None
