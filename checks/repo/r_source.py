"""R code as reprobot reads it: the packages it loads, and the files that declare packages.

Uses are found in the code with its comments blanked (`checks.repo.languages`): the calls
`library()`, `require()`, `requireNamespace()`, `loadNamespace()`, `p_load()` and the
`lapply(c("a", "b"), library, character.only = TRUE)` idiom, and every `pkg::fn` or
`pkg:::fn`. A load whose package is held in a variable (`library(p, character.only =
TRUE)`) cannot be read statically; it is recorded as such, never guessed.

Declarations are read from `DESCRIPTION` (Depends, Imports, LinkingTo, Suggests), `renv.lock`
(its Packages) and repo2docker's `install.R` (`install.packages()` and the `install_github()`
family). A declaration covers the R code in its folder and below it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

from reprobot.checks.core.snapshot import Snapshot
from reprobot.checks.repo.languages import CodeUnit, Lines, R, blank_comments

# Base and recommended packages: every R installation has them.
BASE_R = frozenset(
    [
        "base",
        "compiler",
        "datasets",
        "graphics",
        "grDevices",
        "grid",
        "methods",
        "parallel",
        "splines",
        "stats",
        "stats4",
        "tcltk",
        "tools",
        "utils",
        "translations",
        "boot",
        "class",
        "cluster",
        "codetools",
        "foreign",
        "KernSmooth",
        "lattice",
        "MASS",
        "Matrix",
        "mgcv",
        "nlme",
        "nnet",
        "rpart",
        "spatial",
        "survival",
    ]
)
# tidyverse installs these with it (its DESCRIPTION's Imports).
TIDYVERSE = frozenset(
    [
        "broom",
        "cli",
        "conflicted",
        "dbplyr",
        "dplyr",
        "dtplyr",
        "forcats",
        "ggplot2",
        "googledrive",
        "googlesheets4",
        "haven",
        "hms",
        "httr",
        "jsonlite",
        "lubridate",
        "magrittr",
        "modelr",
        "pillar",
        "purrr",
        "ragg",
        "readr",
        "readxl",
        "reprex",
        "rlang",
        "rstudioapi",
        "rvest",
        "stringr",
        "tibble",
        "tidyr",
        "xml2",
    ]
)
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9.]*[A-Za-z0-9]$")
_TOKEN = re.compile(
    r"""(?P<str>"(?:[^"\\]|\\.)*"?|'(?:[^'\\]|\\.)*'?)|(?P<name>[A-Za-z.][\w.]*|`[^`\n]+`)"""
    r"""|(?P<op>:::|::|[(),=\[\]{}])|(?P<ws>\s+)|(?P<other>.)""",
    re.S,
)
_LOADERS = frozenset({"library", "require", "requireNamespace", "loadNamespace"})
_APPLY = frozenset({"lapply", "sapply", "vapply", "walk", "map", "invisible"})
_INSTALLERS = frozenset({"install.packages", "install", "pkg_install", "pak", "install_version"})
_FROM_GITHUB = frozenset({"install_github", "install_gitlab", "install_bitbucket"})


@dataclass(frozen=True)
class Token:
    kind: str  # str, name, op, other
    text: str
    offset: int

    @property
    def value(self) -> str:
        """A string's contents or a backtick name's, without the quotes."""
        if self.kind == "str" or self.text.startswith("`"):
            return self.text[1:-1]
        return self.text


def tokens(text: str) -> list[Token]:
    """The tokens of R code whose comments are blanked; whitespace left out."""
    out: list[Token] = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind != "ws":
            out.append(Token(kind, match.group(), match.start()))
    return out


@dataclass(frozen=True)
class PackageUse:
    """One place R code uses a package; `package` is "" for a load by variable."""

    package: str
    path: str
    line: int
    how: str  # library, require, ::, p_load, ...
    cell: int | None = None


def _arguments(toks: list[Token], open_at: int) -> tuple[list[list[Token]], int]:
    """The top-level arguments of the call whose `(` is at `open_at`, and the index after
    its `)`."""
    args: list[list[Token]] = [[]]
    depth, at = 0, open_at
    while at < len(toks):
        tok = toks[at]
        if tok.kind == "op" and tok.text in "([{":
            depth += 1
            if depth == 1:
                at += 1
                continue
        elif tok.kind == "op" and tok.text in ")]}":
            depth -= 1
            if depth == 0:
                return [a for a in args if a], at + 1
        elif depth == 1 and tok.kind == "op" and tok.text == ",":
            args.append([])
            at += 1
            continue
        args[-1].append(tok)
        at += 1
    return [a for a in args if a], at


def call_arguments(toks: list[Token], open_at: int) -> list[list[Token]]:
    """The top-level arguments (each a list of tokens) of the call whose `(` is at
    `open_at`; a named argument starts with its name and `=`."""
    return _arguments(toks, open_at)[0]


def _named(arg: list[Token]) -> str | None:
    if len(arg) >= 2 and arg[0].kind == "name" and arg[1].text == "=":
        return arg[0].text
    return None


def _literal(arg: list[Token], *, names: bool) -> str | None:
    """The package an argument names: a string, or a bare name when `names`."""
    if len(arg) == 1 and (arg[0].kind == "str" or (names and arg[0].kind == "name")):
        return arg[0].value
    return None


def _strings_of(arg: list[Token]) -> list[str]:
    """`"a"` or `c("a", "b")` -> the strings; [] for anything else."""
    if len(arg) == 1 and arg[0].kind == "str":
        return [arg[0].value]
    if len(arg) >= 3 and arg[0].text == "c" and arg[1].text == "(":
        inner = arg[2:-1]
        strings = [t.value for t in inner if t.kind == "str"]
        if all(t.kind == "str" or t.text == "," for t in inner):
            return strings
    return []


def _loads(toks: list[Token], at: int) -> Iterator[tuple[str, str]]:
    """(package or "", how) for the call starting at name token `at`."""
    name = toks[at].text
    args, _ = _arguments(toks, at + 1)
    if name in _LOADERS:
        by_name = any(_named(a) == "character.only" and a[-1].text in ("TRUE", "T") for a in args)
        first = next((a for a in args if _named(a) in (None, "package")), None)
        if first is None:
            return
        if _named(first) == "package":
            first = first[2:]
        package = _literal(first, names=name in ("library", "require") and not by_name)
        yield (package or "", name)
    elif name == "p_load":
        for arg in args:
            if _named(arg) is None:
                yield (_literal(arg, names=True) or "", name)
    elif (
        name in _APPLY
        and len(args) >= 2
        and len(args[1]) == 1
        and args[1][0].text in ("library", "require", "requireNamespace", "p_load")
    ):
        for package in _strings_of(args[0]) or [""]:
            yield (package, args[1][0].text)


def package_uses(unit: CodeUnit) -> Iterator[PackageUse]:
    """Every package the R code of `unit` loads or calls into, in order."""
    text = blank_comments(R, unit.text)
    toks = tokens(text)
    lines = Lines(text)
    for at, tok in enumerate(toks):
        if tok.kind != "name":
            continue
        after = toks[at + 1] if at + 1 < len(toks) else None
        before = toks[at - 1] if at else None
        if after is not None and after.text in ("::", ":::"):
            yield PackageUse(tok.value, unit.path, lines.of(tok.offset), "::", unit.cell)
        elif after is not None and after.text == "(" and not (before and before.text == "$"):
            qualified = before is not None and before.text in ("::", ":::") and at >= 2
            if qualified and toks[at - 2].text not in ("pacman", "base", "purrr"):
                continue
            if tok.text in _LOADERS | _APPLY | {"p_load"}:
                for package, how in _loads(toks, at):
                    if package == "" or _NAME.match(package):
                        line = lines.of(tok.offset)
                        yield PackageUse(package, unit.path, line, how, unit.cell)


def installed_by_script(text: str) -> set[str]:
    """The packages an `install.R` installs."""
    toks = tokens(blank_comments(R, text))
    found: set[str] = set()
    for at, tok in enumerate(toks):
        if tok.kind != "name" or at + 1 >= len(toks) or toks[at + 1].text != "(":
            continue
        if tok.text not in _INSTALLERS | _FROM_GITHUB:
            continue
        args, _ = _arguments(toks, at + 1)
        first = next((a for a in args if _named(a) in (None, "pkgs", "package", "repo")), None)
        if first is not None and _named(first):
            first = first[2:]
        for value in _strings_of(first or []):
            package = value
            if tok.text in _FROM_GITHUB or "/" in value:
                package = value.split("/")[-1].split("@")[0]
            if _NAME.match(package):
                found.add(package)
    return found


_GITHUB_REF = re.compile(
    r"""install_github\(\s*(?:repo\s*=\s*)?["']([\w.-]+/[\w.-]+)(?:@[^"']*)?["']"""
)


def github_sources(text: str) -> dict[str, str]:
    """`install_github("user/pkg")` calls in code or a README: package -> `user/pkg`."""
    return {ref.split("/")[1]: ref for ref in _GITHUB_REF.findall(text)}


@dataclass(frozen=True)
class Field:
    name: str
    value: str
    line: int  # where the field starts
    end: int  # its last line


def dcf_fields(text: str) -> tuple[tuple[Field, ...], tuple[int, str] | None]:
    """The fields of the first record of a Debian-control-format file (DESCRIPTION), and the
    first line that is neither a field nor a continuation, if any."""
    fields: list[Field] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            if fields:
                break
            continue
        if line[0] in " \t":
            if not fields:
                return tuple(fields), (number, line)
            last = fields[-1]
            fields[-1] = Field(last.name, f"{last.value}\n{line.strip()}", last.line, number)
            continue
        match = re.match(r"^([A-Za-z0-9@/._-]+):(.*)$", line)
        if match is None:
            return tuple(fields), (number, line)
        fields.append(Field(match.group(1), match.group(2).strip(), number, number))
    return tuple(fields), None


DEPENDENCY_FIELDS = ("Depends", "Imports", "LinkingTo", "Suggests")


def package_list(value: str) -> list[str]:
    """`dplyr (>= 1.0), ggplot2` -> [dplyr, ggplot2] (R itself left out)."""
    names = [re.sub(r"\(.*?\)", "", part, flags=re.S).strip() for part in value.split(",")]
    return [n for n in names if n and n != "R"]


@dataclass(frozen=True)
class RDeclaration:
    """One file that declares R packages: where, which, or why it could not be read."""

    path: str
    kind: str  # DESCRIPTION, renv.lock, install.R
    packages: frozenset[str]
    problem: str | None = None
    line: int | None = None
    own: str | None = None  # DESCRIPTION's Package: the package the code itself is

    @property
    def folder(self) -> str:
        folder = self.path.rpartition("/")[0]
        return "" if folder in ("binder", ".binder") and self.kind == "install.R" else folder

    def covers(self, path: str) -> bool:
        return not self.folder or path.startswith(self.folder + "/")


def _description(path: str, text: str) -> RDeclaration:
    fields, bad = dcf_fields(text)
    if bad is not None:
        return RDeclaration(
            path,
            "DESCRIPTION",
            frozenset(),
            f"{path} line {bad[0]} is neither a `Field: value` line nor an indented "
            f"continuation (`{bad[1].strip()[:60]}`)",
            bad[0],
        )
    packages = {p for f in fields if f.name in DEPENDENCY_FIELDS for p in package_list(f.value)}
    own = next((f.value for f in fields if f.name == "Package"), None)
    return RDeclaration(path, "DESCRIPTION", frozenset(packages), own=own)


def _renv_lock(path: str, text: str) -> RDeclaration:
    try:
        data = json.loads(text)
    except ValueError as exc:
        line = getattr(exc, "lineno", None)
        return RDeclaration(
            path, "renv.lock", frozenset(), f"{path} is not valid JSON: {exc}", line
        )
    packages = data.get("Packages") if isinstance(data, dict) else None
    if not isinstance(packages, dict):
        return RDeclaration(
            path, "renv.lock", frozenset(), f"{path} has no `Packages` object; run renv::snapshot()"
        )
    names = {
        str(v.get("Package", k)) if isinstance(v, dict) else str(k) for k, v in packages.items()
    }
    return RDeclaration(path, "renv.lock", frozenset(names))


def declarations(snapshot: Snapshot) -> tuple[RDeclaration, ...]:
    """Every DESCRIPTION, renv.lock and install.R of the repository."""
    out: list[RDeclaration] = []
    for path in snapshot.files:
        name = path.rsplit("/", 1)[-1]
        if name not in ("DESCRIPTION", "renv.lock", "install.R") or path.startswith("renv/"):
            continue
        read = snapshot.read_text(path)
        if not read.ok:
            out.append(RDeclaration(path, name, frozenset(), read.problem))
        elif name == "DESCRIPTION":
            out.append(_description(path, read.text))
        elif name == "renv.lock":
            out.append(_renv_lock(path, read.text))
        elif "/" not in path or path.split("/")[0] in ("binder", ".binder"):
            out.append(RDeclaration(path, name, frozenset(installed_by_script(read.text))))
    return tuple(out)
