"""What would provide a data file the repository does not hold: Git LFS, DVC, a download
script, or a README that says where it comes from.

- Git LFS: a `filter=lfs` pattern of a `.gitattributes` (any folder, matched the way git
  matches them) covers the file; a committed LFS pointer is the file's stand-in.
- DVC: a `.dvc` file's `outs` or a `dvc.yaml` stage's `outs` name the file or a folder
  above it.
- A download script: code or a Makefile/Snakefile that names an address (`https://`,
  `ftp://`, a DOI), uses a fetching tool (`curl`, `wget`, `urlretrieve`, `requests`,
  `download.file`, `pooch`, ...) and names the file.
- A README: a `README*` in the file's folder or a folder above it (not the root) that
  gives an address or a DOI; or any README whose section (between headings) gives one and
  names the file, its path or its folder (`data/`).

An address that is a placeholder (`example.org`, `XXXX`, `REPLACE`) is not a source: it is
what reprobot's own template writes until someone fills it in.
"""

from __future__ import annotations

import itertools
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass

from reprobot.checks.core.check import Context
from reprobot.checks.core.snapshot import Snapshot
from reprobot.checks.core.yaml import YamlProblem, load_yaml
from reprobot.checks.repo.notebooks import code_cells, read_notebook

LFS_POINTER = b"version https://git-lfs.github.com/spec/"
_ADDRESS = re.compile(r"(?:https?|ftp|s3|gs)://[^\s)\]>'\"`]+|\b10\.\d{4,9}/[^\s)\]>'\"`]+", re.I)
_PLACEHOLDER = re.compile(r"example\.(?:org|com)|XXXX|REPLACE|<[^>]*>|your[-_]", re.I)
_FETCH = re.compile(
    r"\b(?:curl|wget|urlretrieve|urlopen|requests\.get|httpx\.get|download\.file|"
    r"download_file|pooch|gdown|zenodo_get|osfclient|osf\s+fetch|aria2c|fetch|"
    r"snapshot_download|hf_hub_download|GET\(|get_url)\b"
)
_HEADING = re.compile(r"^(?:#{1,6}\s|\S.*\n[=\-~^]{3,}\s*$)", re.M)
_SCRIPT_SUFFIXES = (".py", ".sh", ".bash", ".r", ".R", ".jl", ".ipynb", ".mk", ".smk")
_SCRIPT_NAMES = ("Makefile", "makefile", "GNUmakefile", "Snakefile", "justfile")
_README = re.compile(r"^readme(\.[a-z]+)?$", re.I)
# A file that points a folder at where its contents live (`data_link`, `SOURCE.txt`).
_POINTER = re.compile(r"^(?:.*[._-])?(?:links?|sources?|downloads?|where)(?:[._-].*)?$", re.I)
_POINTER_SUFFIXES = ("", ".txt", ".md", ".rst", ".url")
_CAP = 1024 * 1024


@dataclass(frozen=True)
class Source:
    """What provides a file: `kind` (lfs, dvc, download, readme), the file that says so,
    in words; `placeholder` when its address is still reprobot's placeholder."""

    kind: str
    path: str
    words: str
    placeholder: bool = False


def _attributes_regex(pattern: str) -> re.Pattern[str]:
    """A `.gitattributes` pattern as a regular expression over paths relative to its
    folder: a pattern without `/` matches the name at any depth, and unlike `.gitignore`
    a pattern that names a folder does not reach the files inside it (`dir/**` does)."""
    anchored = "/" in pattern.rstrip("/")
    pattern = pattern.lstrip("/")
    out, at = [], 0
    while at < len(pattern):
        if pattern.startswith("**/", at):
            out.append("(?:.*/)?")
            at += 3
        elif pattern.startswith("/**", at) and at + 3 == len(pattern):
            out.append("/.*")
            at += 3
        elif pattern[at] == "*":
            out.append("[^/]*")
            at += 1
        elif pattern[at] == "?":
            out.append("[^/]")
            at += 1
        elif pattern[at] == "[" and "]" in pattern[at + 1 :]:
            end = pattern.index("]", at + 1)
            out.append("[" + pattern[at + 1 : end].replace("!", "^", 1) + "]")
            at = end + 1
        else:
            out.append(re.escape(pattern[at]))
            at += 1
    body = "".join(out)
    try:
        return re.compile(("" if anchored else "(?:.*/)?") + body + "$")
    except re.error:  # a class git reads differently (`[z-a]`): match it literally
        return re.compile(re.escape(pattern) + "$")


@dataclass(frozen=True)
class LfsPattern:
    path: str  # the .gitattributes file
    pattern: str
    regex: re.Pattern[str]
    line: int

    def covers(self, file: str) -> bool:
        folder = posixpath.dirname(self.path)
        if folder and not file.startswith(folder + "/"):
            return False
        rest = file[len(folder) + 1 :] if folder else file
        return self.regex.match(rest) is not None


def lfs_patterns(snapshot: Snapshot) -> tuple[LfsPattern, ...]:
    """Every `filter=lfs` pattern of the repository's `.gitattributes` files."""
    found: list[LfsPattern] = []
    for path in snapshot.files:
        if path.rsplit("/", 1)[-1] != ".gitattributes":
            continue
        read = snapshot.read_text(path, cap=_CAP)
        for number, line in enumerate(read.text.splitlines(), start=1):
            words = line.split()
            if len(words) >= 2 and not words[0].startswith("#") and "filter=lfs" in words[1:]:
                pattern = words[0].strip('"')
                found.append(LfsPattern(path, pattern, _attributes_regex(pattern), number))
    return tuple(found)


def _outs(value: object) -> Iterator[str]:
    if isinstance(value, list):
        for item in value:
            if isinstance(item, str):
                yield item
            elif isinstance(item, dict):
                yield from (str(k) for k in item if k != "path")
                if isinstance(item.get("path"), str):
                    yield item["path"]


def dvc_outputs(snapshot: Snapshot) -> tuple[tuple[str, str], ...]:
    """(output path relative to the root, the DVC file that declares it)."""
    found: list[tuple[str, str]] = []
    for path in snapshot.files:
        name = path.rsplit("/", 1)[-1]
        if not (name.endswith(".dvc") or name in ("dvc.yaml", "dvc.yml")):
            continue
        read = snapshot.read_text(path, cap=_CAP)
        try:
            data = load_yaml(read.text) if read.ok else None
        except YamlProblem:
            continue
        if not isinstance(data, dict):
            continue
        outs = list(_outs(data.get("outs")))
        stages = data.get("stages")
        if isinstance(stages, dict):
            for stage in stages.values():
                if isinstance(stage, dict):
                    outs += list(_outs(stage.get("outs")))
        folder = posixpath.dirname(path)
        for out in outs:
            found.append((posixpath.normpath(posixpath.join(folder, out)), path))
    return tuple(found)


@dataclass(frozen=True)
class TextFile:
    """A README or a download script: its text (a notebook's code cells only), and the
    addresses in it, found once."""

    path: str
    text: str
    addresses: tuple[str, ...] = ()

    @property
    def placeholder(self) -> bool:
        return all(_PLACEHOLDER.search(a) for a in self.addresses)

    @classmethod
    def of(cls, path: str, text: str) -> TextFile:
        return cls(path, text, tuple(_ADDRESS.findall(text)))


@dataclass(frozen=True)
class Provenance:
    """Everything that may provide a data file, read once."""

    lfs: tuple[LfsPattern, ...] = ()
    dvc: tuple[tuple[str, str], ...] = ()
    scripts: tuple[TextFile, ...] = ()  # code that fetches from an address
    readmes: tuple[TextFile, ...] = ()
    builders: tuple[TextFile, ...] = ()  # Makefiles and shell scripts, which write files

    def source(self, file: str) -> Source | None:
        """What provides `file` (relative to the root), the first of LFS, DVC, a download
        script, a Makefile or shell script that writes it, a README; a placeholder only
        when nothing real does. A path outside the
        repository (`/home/ana/x.csv`) is matched by its name only."""
        inside = not file.startswith(("/", "\\", "../")) and file[1:2] != ":"
        for pattern in self.lfs if inside else ():
            if pattern.covers(file):
                words = f"Git LFS (`{pattern.pattern}` in {pattern.path})"
                return Source("lfs", pattern.path, words)
        for out, dvc in self.dvc if inside else ():
            if file == out or file.startswith(out + "/"):
                return Source("dvc", dvc, f"DVC ({dvc} declares `{out}`)")
        downloads = list(self._downloads(file))
        fetched = [s for s in downloads if not s.placeholder]
        if fetched:
            return fetched[0]
        built = next(self._built(file), None) if inside else None
        if built is not None:
            return built
        found = [*downloads, *self._readmes(file)]
        real = [s for s in found if not s.placeholder]
        return (real or found)[0] if found else None

    def _downloads(self, file: str) -> Iterator[Source]:
        name = posixpath.basename(file.replace("\\", "/"))
        for script in self.scripts:
            if name and name in script.text:
                placeholder = script.placeholder
                yield Source("download", script.path, f"the download commands in {script.path}",
                             placeholder)  # fmt: skip

    def _built(self, file: str) -> Iterator[Source]:
        """A Makefile rule whose target is the file, or a command that writes it (`-o`,
        `--output`, `>`), in a Makefile or shell script (paths from the builder's folder)."""
        for builder in self.builders:
            home = posixpath.dirname(builder.path)
            rel = posixpath.relpath(file, home) if home else file
            if rel.startswith("../"):
                continue
            quoted = re.escape(rel)
            target = rf"^(?:\./)?{quoted}\s*::?(?!=)"
            output = rf"(?:-o|--output[= ]|>)\s*['\"]?(?:\./)?{quoted}(?=['\"\s;)]|$)"
            if re.search(target, builder.text, re.M) or re.search(output, builder.text, re.M):
                yield Source("built", builder.path, f"{builder.path}, which writes it")

    def _readmes(self, file: str) -> Iterator[Source]:
        file = file.replace("\\", "/")
        name = posixpath.basename(file)
        folder = posixpath.dirname(file)
        for readme in self.readmes:
            home = posixpath.dirname(readme.path)
            if home and (folder == home or folder.startswith(home + "/")) and readme.addresses:
                placeholder = readme.placeholder
                words = f"{readme.path}, which says where its folder's files come from"
                yield Source("readme", readme.path, words, placeholder)
                continue
            for section in _sections(readme.text):
                addresses = _ADDRESS.findall(section)
                if addresses and _mentions(section, file, name, folder, home):
                    placeholder = all(_PLACEHOLDER.search(a) for a in addresses)
                    yield Source("readme", readme.path, f"{readme.path}", placeholder)
                    break


def _mentions(text: str, file: str, name: str, folder: str, home: str) -> bool:
    if name and re.search(rf"(?<![\w.-]){re.escape(name)}(?![\w-])", text):
        return True
    rel = posixpath.relpath(file, home) if home else file
    if rel in text:
        return True
    inner = posixpath.relpath(folder, home) if home and folder else folder
    return (
        bool(inner)
        and inner != "."
        and re.search(rf"(?<![\w.-]){re.escape(inner)}(?:/|`|\)|\s+(?:folder|directory))", text)
        is not None
    )


def _sections(text: str) -> list[str]:
    starts = [0, *(m.start() for m in _HEADING.finditer(text)), len(text)]
    return [text[a:b] for a, b in itertools.pairwise(starts) if b > a]


def _points_somewhere(name: str) -> bool:
    """Whether a file in a folder is named like a pointer to where its folder's contents
    live (`data_link`, `SOURCES.txt`, `download.url`)."""
    stem, dot, end = name.rpartition(".")
    if not dot or not stem:
        stem, end = name, ""
    suffix = f".{end.lower()}" if end else ""
    return suffix in _POINTER_SUFFIXES and _POINTER.match(stem) is not None


def _is_script(path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    return name in _SCRIPT_NAMES or path.endswith(_SCRIPT_SUFFIXES)


def _code_text(snapshot: Snapshot, path: str) -> str | None:
    """A script's text, or a notebook's code cells (its outputs can be megabytes of
    images); None when it cannot be read."""
    if path.endswith(".ipynb"):
        nb = read_notebook(snapshot, path)
        return None if nb is None else "\n".join(c.source for c in code_cells(nb))
    read = snapshot.read_text(path, cap=8 * _CAP)
    return read.text if read.ok else None


def read_provenance(snapshot: Snapshot) -> Provenance:
    scripts: list[TextFile] = []
    readmes: list[TextFile] = []
    builders: list[TextFile] = []
    for path in snapshot.files:
        name = path.rsplit("/", 1)[-1]
        if name in _SCRIPT_NAMES[:3] or path.endswith((".mk", ".sh", ".bash")):
            read = snapshot.read_text(path, cap=_CAP)
            if read.ok:
                builders.append(TextFile(path, read.text))
        if _README.match(name) or ("/" in path and _points_somewhere(name)):
            read = snapshot.read_text(path, cap=_CAP)
            if read.ok:
                readmes.append(TextFile.of(path, read.text))
        elif _is_script(path):
            text = _code_text(snapshot, path)
            if text is not None and _FETCH.search(text) and _ADDRESS.search(text):
                scripts.append(TextFile.of(path, text))
    return Provenance(
        lfs_patterns(snapshot),
        dvc_outputs(snapshot),
        tuple(scripts),
        tuple(readmes),
        tuple(builders),
    )


def provenance(ctx: Context) -> Provenance:
    """Fact provider: what in the repository may provide data files it does not hold."""
    return read_provenance(ctx.snapshot)


def is_lfs_pointer(snapshot: Snapshot, path: str) -> bool:
    """Whether a committed file is a Git LFS pointer (the data itself is on the LFS server)."""
    data, problem = snapshot.read_bytes(path, cap=1024)
    return problem is None and data.startswith(LFS_POINTER)
