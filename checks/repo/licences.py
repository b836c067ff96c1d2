"""Which licence a text is, and what a declared licence string means, as SPDX identifiers.

Licence texts are recognised by distinctive phrases after normalising case, punctuation and
whitespace, so reflowed, Markdown-wrapped or curly-quoted copies still match. Declared
values (PEP 639 expressions, `{text = ...}`, classifiers, Poetry strings) are canonicalised
with `packaging.licenses` where it can, and by a small table of common spellings otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from reprobot.checks.core.check import Context
from reprobot.checks.repo.metadata import project_metadata
from reprobot.checks.repo.pyproject import read_pyproject
from reprobot.checks.repo.r_licences import description_licence, is_cran_stub, r_licence

try:  # packaging >= 24.2
    from packaging.licenses import InvalidLicenseExpression, canonicalize_license_expression
except ImportError:  # pragma: no cover - older packaging
    canonicalize_license_expression = None  # type: ignore[assignment]
    InvalidLicenseExpression = ValueError  # type: ignore[assignment,misc]

# (SPDX id, phrases that must all occur). Order matters: the more specific text first
# (the GPL mentions the Lesser and Affero GPL, BSD-3 contains BSD-2).
_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("AGPL-3.0", ("gnu affero general public license version 3 19 november 2007",)),
    ("LGPL-3.0", ("gnu lesser general public license version 3 29 june 2007",)),
    ("LGPL-2.1", ("gnu lesser general public license version 2 1 february 1999",)),
    ("LGPL-2.0", ("gnu library general public license version 2 june 1991",)),
    ("GPL-3.0", ("gnu general public license version 3 29 june 2007",)),
    ("GPL-2.0", ("gnu general public license version 2 june 1991",)),
    ("Apache-2.0", ("apache license version 2 0 january 2004",)),
    ("Apache-2.0", ("licensed under the apache license version 2 0",)),
    ("MPL-2.0", ("mozilla public license version 2 0",)),
    ("CC-BY-SA-4.0", ("attribution sharealike 4 0 international",)),
    ("CC-BY-4.0", ("creative commons", "attribution 4 0 international")),
    ("CC0-1.0", ("cc0 1 0 universal",)),
    ("Unlicense", ("this is free and unencumbered software released into the public domain",)),
    (
        "MIT",
        (
            "permission is hereby granted free of charge to any person obtaining a copy",
            "the above copyright notice and this permission notice shall be included",
        ),
    ),
    (
        "ISC",
        (
            "permission to use copy modify and or distribute this software for any purpose",
            "provided that the above copyright notice and this permission notice appear",
        ),
    ),
    (
        "ISC",
        (
            "permission to use copy modify and distribute this software for any purpose",
            "provided that the above copyright notice and this permission notice appear",
        ),
    ),
    (
        "BSD-4-Clause",
        ("redistribution and use in source and binary forms", "advertising materials"),
    ),
    (
        # "Neither the name of ... nor the names of its contributors may be used to endorse",
        # or an older "The names of its contributors may not be used to endorse": the clause
        # BSD-2 lacks, however it is worded
        "BSD-3-Clause",
        (
            "redistribution and use in source and binary forms",
            "to endorse or promote products derived from this software",
        ),
    ),
    (
        "BSD-2-Clause",
        ("redistribution and use in source and binary forms", "are permitted provided"),
    ),
)

_SPDX_LINE = re.compile(r"SPDX-License-Identifier:\s*(.+)", re.I)

# Common spellings, keyed by `_key()`: lower case, no punctuation, no "license"/"gnu"/"v".
_ALIASES = {
    "mit": "MIT",
    "expat": "MIT",
    "apache": "Apache-2.0",
    "apache2": "Apache-2.0",
    "apachesoftware": "Apache-2.0",
    "asl2": "Apache-2.0",
    "bsd3": "BSD-3-Clause",
    "bsd3clause": "BSD-3-Clause",
    "newbsd": "BSD-3-Clause",
    "modifiedbsd": "BSD-3-Clause",
    "revisedbsd": "BSD-3-Clause",
    "bsd2": "BSD-2-Clause",
    "bsd2clause": "BSD-2-Clause",
    "simplifiedbsd": "BSD-2-Clause",
    "freebsd": "BSD-2-Clause",
    "gpl2": "GPL-2.0",
    "gpl3": "GPL-3.0",
    "generalpublic2": "GPL-2.0",
    "generalpublic3": "GPL-3.0",
    "lgpl2": "LGPL-2.0",
    "lgpl21": "LGPL-2.1",
    "lgpl3": "LGPL-3.0",
    "lessergeneralpublic3": "LGPL-3.0",
    "agpl3": "AGPL-3.0",
    "afferogeneralpublic3": "AGPL-3.0",
    "mpl2": "MPL-2.0",
    "mozillapublic2": "MPL-2.0",
    "ccby4": "CC-BY-4.0",
    "ccby": "CC-BY-4.0",
    "creativecommonsattribution4": "CC-BY-4.0",
    "ccbysa4": "CC-BY-SA-4.0",
    "cc0": "CC0-1.0",
    "cc01": "CC0-1.0",
    "unlicense": "Unlicense",
    "isc": "ISC",
    "iscl": "ISC",
}


def normalise(text: str) -> str:
    """Lower case, letters and digits only, single spaces."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


def identify(text: str) -> str | None:
    """The SPDX id of a licence text, from an SPDX-License-Identifier line or its wording."""
    for line in text.splitlines()[:50]:
        found = _SPDX_LINE.search(line)
        if found:
            value = re.sub(r"(\*/|-->|#).*$", "", found[1]).strip()
            return canonical(value) or value
    flat = normalise(text[:200_000])
    for spdx, phrases in _RULES:
        if all(p in flat for p in phrases):
            return spdx
    return None


def _key(text: str) -> str:
    text = text.lower().replace("+", "").replace("-or-later", "").replace("-only", "")
    words = re.sub(r"[^a-z0-9.]+", " ", text).split()
    kept = [w for w in words if w not in ("the", "gnu", "license", "licence", "version", "v")]
    joined = "".join(kept).replace(".0", "").replace(".", "")
    return re.sub(r"(?<=[a-z])v(?=\d)", "", joined)


def canonical(value: str) -> str | None:
    """A declared licence as a canonical SPDX expression, or None if it is not one."""
    value = value.strip()
    if not value or len(value) > 200:
        return None
    if canonicalize_license_expression is not None:
        try:
            return str(canonicalize_license_expression(value))
        except InvalidLicenseExpression:
            pass
    return _ALIASES.get(_key(value))


def from_classifier(classifier: str) -> str | None:
    """`License :: OSI Approved :: MIT License` -> `MIT`; None for vague ones (BSD License)."""
    parts = [p.strip() for p in classifier.split("::")]
    if len(parts) < 2 or parts[0] != "License":
        return None
    last = parts[-1]
    for candidate in (*re.findall(r"\(([^)]+)\)", last), last):
        if found := _ALIASES.get(_key(candidate)):
            return found
    return None


def base_ids(expression: str) -> frozenset[str]:
    """The licences an expression names, without -only/-or-later: `GPL-3.0-or-later OR MIT`
    -> {GPL-3.0, MIT}. Exceptions after WITH are left out."""
    expression = re.sub(r"\bWITH\s+\S+", " ", expression, flags=re.I)
    ids = set()
    for token in re.split(r"[\s()]+", expression):
        if not token or token.upper() in ("AND", "OR"):
            continue
        base = token.removesuffix("+").removesuffix("-only").removesuffix("-or-later")
        ids.add(base.upper())
    return frozenset(ids)


_COPYRIGHT = re.compile(
    r"^\s*(?:copyright\b|\(c\)|©)\s*(?:\(c\)|©)?\s*"
    r"(?:\d{4}(?:\s*[-–,]\s*(?:\d{4}|present))*\s*,?\s*)?(?:by\s+)?(.+?)\s*$",
    re.IGNORECASE,
)
_NOT_PEOPLE = re.compile(
    r"authors|contributors|developers|holders|owner|<|\[|\{|year|name|"
    r"university|institute|foundation|inc\b|ltd\b|gmbh|llc|corporation|laborator",
    re.IGNORECASE,
)


# Lower-case words a person's name may contain (`Ludwig van Beethoven`).
_PARTICLES = frozenset({"van", "von", "de", "der", "da", "di", "le"})


def copyright_holders(text: str, *, limit: int = 10) -> tuple[str, ...]:
    """People named on the licence's `Copyright (c) 2024 Ada Lovelace, Alan Turing` lines.

    Organisations, placeholders (`<year> <name>`) and "the authors" are left out: only
    names that read as a person's (two to four capitalised words) are returned.
    """
    people: list[str] = []
    for line in text.splitlines()[:60]:
        match = _COPYRIGHT.match(line)
        if match is None:
            continue
        holders = re.sub(r"\.?\s*all rights reserved\.?$", "", match.group(1), flags=re.I)
        for part in re.split(r"\s*,\s*|\s+and\s+|\s*&\s*", holders.strip(" .")):
            words = part.split()
            if (
                2 <= len(words) <= 4
                and not _NOT_PEOPLE.search(part)
                and all(w[:1].isupper() or w.lower() in _PARTICLES for w in words)
                and part not in people
            ):
                people.append(part)
    return tuple(people[:limit])


LICENCE_CAP = 512 * 1024


# `LICENSE`, `LICENCE.md`, `COPYING.LESSER`, `LICENSE-CC-BY-NC-SA`, `LICENSE_MIT.txt`, ...
_NAME = re.compile(r"^(?:licen[cs]e|copying|unlicense)(?:[-_.]([a-z0-9][a-z0-9.+_-]*))?$", re.I)
# Endings that make a file code, data or an image, never a licence text reprobot reads.
_NOT_TEXT = frozenset(
    [
        "py",
        "pyc",
        "r",
        "jl",
        "m",
        "sh",
        "js",
        "ts",
        "json",
        "yml",
        "yaml",
        "toml",
        "cfg",
        "ini",
        "xml",
        "html",
        "htm",
        "css",
        "png",
        "jpg",
        "jpeg",
        "gif",
        "svg",
        "pdf",
        "doc",
        "docx",
        "odt",
        "ipynb",
        "csv",
    ]
)
_TEXT_ENDINGS = (".md", ".txt", ".rst", ".markdown", ".adoc")
# Creative Commons names (`CC-BY-NC-SA`, `cc_by_4.0`) and the version a text states.
_CC_NAME = re.compile(r"^cc[-_ ]?(0|by(?:[-_ ](?:nc|nd|sa)){0,2})(?:[-_ ]?v?(\d\.\d))?$", re.I)
_CC_VERSION = re.compile(r"\b([1-4]\.0)\s+(?:international|generic|unported|universal)\b", re.I)


def is_licence_name(name: str) -> bool:
    """Whether a root file name is one a licence is kept under."""
    if _NAME.match(name) is None:
        return False
    return "." not in name or name.rsplit(".", 1)[1].lower() not in _NOT_TEXT


def from_name(name: str, text: str) -> str | None:
    """The licence a compound file name names (`LICENSE-MIT`, `LICENSE.APACHE-2.0`,
    `LICENSE-CC-BY-NC-SA` with the version its text states), or None."""
    match = _NAME.match(name)
    tail = (match.group(1) or "") if match else ""
    for ending in _TEXT_ENDINGS:
        tail = tail[: -len(ending)] if tail.lower().endswith(ending) else tail
    if not tail or tail.lower() in ("md", "txt", "rst", "lesser", "code", "text", "docs", "data"):
        return None
    cc = _CC_NAME.match(tail)
    if cc is not None:
        kind = "CC0" if cc.group(1) == "0" else "CC-" + re.sub(r"[-_ ]", "-", cc.group(1)).upper()
        version = cc.group(2) or next(iter(_CC_VERSION.findall(text[:20_000])), None)
        if kind == "CC0":
            return "CC0-1.0"
        return f"{kind}-{version}" if version else None
    return canonical(tail)


@dataclass(frozen=True)
class LicenceFile:
    path: str
    spdx: str | None = None
    problem: str | None = None


def licence_files(ctx: Context) -> tuple[LicenceFile, ...]:
    """Licence files at the root (and REUSE-style `LICENSES/<SPDX>.txt`), identified."""
    found: list[LicenceFile] = []
    for path in ctx.snapshot.top_level():
        if not is_licence_name(path):
            continue
        read = ctx.snapshot.read_text(path, cap=LICENCE_CAP)
        spdx = (identify(read.text) or from_name(path, read.text)) if read.ok else None
        if spdx is None and read.ok and is_cran_stub(read.text):
            # R's `MIT + file LICENSE`: the file holds only the year and the holder
            described = ctx.fact(description_declared)
            spdx = described.spdx if described is not None else None
        found.append(LicenceFile(path, spdx, read.problem))
    for path in ctx.snapshot.glob("LICENSES/*"):
        stem = path.split("/", 1)[1].rsplit(".", 1)[0]
        if "/" not in path.split("/", 1)[1] and (spdx := canonical(stem)):
            found.append(LicenceFile(path, spdx))
    return tuple(found)


@dataclass(frozen=True)
class LicenceHolders:
    """The people a licence file's copyright lines name, and that file."""

    names: tuple[str, ...]
    path: str


def licence_holders(ctx: Context) -> LicenceHolders | None:
    """Fact provider: the copyright holders of the first licence file that names people."""
    for file in ctx.fact(licence_files):
        read = ctx.snapshot.read_text(file.path, cap=LICENCE_CAP)
        names = copyright_holders(read.text) if read.ok else ()
        if names:
            return LicenceHolders(names, file.path)
    return None


@dataclass(frozen=True)
class DeclaredLicence:
    """A licence the package metadata declares, and the line that says it."""

    value: str
    source: str
    spdx: str | None  # canonical SPDX expression, None when the value is not one
    line: int | None = None
    by_name: bool = False  # R's DESCRIPTION naming a licence R ships: no file is needed


def description_declared(ctx: Context) -> DeclaredLicence | None:
    """Fact provider: the `License:` of the R package at the root, when there is one."""
    if (field := description_licence(ctx.snapshot, LICENCE_CAP)) is None:
        return None
    spdx, with_file = r_licence(field.value)
    by_name = spdx is not None and not with_file
    return DeclaredLicence(field.value, "DESCRIPTION", spdx, field.line, by_name=by_name)


def _line(text: str, needle: str) -> int | None:
    for number, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return number
    return None


def _metadata_texts(ctx: Context) -> dict[str, str]:
    """The text of each metadata file that can declare a licence ("" when absent)."""
    texts = {"pyproject.toml": read_pyproject(ctx.snapshot).text, "setup.cfg": ""}
    if ctx.snapshot.exists("setup.cfg"):
        texts["setup.cfg"] = ctx.snapshot.read_text("setup.cfg", cap=LICENCE_CAP).text
    return texts


def declared_licences(ctx: Context) -> tuple[DeclaredLicence, ...]:
    """Fact provider: what pyproject.toml / setup.cfg say, the licence field first, then
    the licence classifiers, each with its line."""
    meta = ctx.fact(project_metadata)
    texts = _metadata_texts(ctx)
    out: list[DeclaredLicence] = []
    for declared in meta.licences:
        spdx = canonical(declared.value)
        if spdx is None and len(declared.value) > 200:  # {text = "<the whole licence>"}
            spdx = identify(declared.value)
        line = _line(texts.get(declared.source, ""), declared.value.splitlines()[0][:60])
        out.append(DeclaredLicence(declared.value, declared.source, spdx, line))
    for classifier in meta.classifiers:
        if classifier.startswith("License ::") and (spdx := from_classifier(classifier)):
            source = next((f for f, text in texts.items() if _line(text, classifier)), "")
            source = source or "pyproject.toml"
            out.append(DeclaredLicence(classifier, source, spdx, _line(texts[source], classifier)))
    if (described := ctx.fact(description_declared)) is not None:
        out.append(described)
    return tuple(out)
