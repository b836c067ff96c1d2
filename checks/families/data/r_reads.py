"""The files R code reads and writes by a literal path.

Reads are `read.csv`, `read.table`, `read.delim`, `readr`'s `read_csv`/`read_tsv`/
`read_delim`/`read_rds`, `readRDS`, `load`, `data.table::fread`, `readxl::read_excel`,
`haven`'s readers and `readLines`; writes are their `write`/`save` counterparts, `ggsave`
and the graphics devices (`png()`, `pdf()`). A path is a literal string, or `file.path()`
or `here::here()` of literal strings; `here()` anchors it to the project root. The code is
read with its comments blanked (`checks.repo.languages`), through the R tokenizer of
`checks.repo.r_source`.
"""

from __future__ import annotations

from reprobot.checks.families.data.python_reads import PathUse
from reprobot.checks.repo.languages import Lines, R, blank_comments
from reprobot.checks.repo.r_source import Token, call_arguments, tokens

READERS = frozenset(
    {
        "read.csv", "read.csv2", "read.table", "read.delim", "read.delim2", "read_csv",
        "read_csv2", "read_tsv", "read_delim", "read_rds", "readRDS", "load", "fread",
        "read_excel", "read_xlsx", "read_xls", "read_dta", "read_sav", "read_sas",
        "read_stata", "read_spss", "readLines", "read_parquet", "read_feather", "vroom",
        "read.xlsx", "read_json", "fromJSON", "nc_open", "raster", "rast", "st_read",
        "read_sf", "readOGR", "read.dta", "read.spss", "scan",
    }
)  # fmt: skip
WRITERS = frozenset(
    {
        "write.csv", "write.csv2", "write.table", "write_csv", "write_csv2", "write_tsv",
        "write_delim", "write_rds", "saveRDS", "save", "fwrite", "ggsave", "png", "pdf",
        "jpeg", "tiff", "svg", "bmp", "cairo_pdf", "write_xlsx", "write.xlsx", "writeLines",
        "write_parquet", "write_feather", "write_dta", "write_sav", "sink", "download.file",
        "st_write", "writeRaster", "write_json", "saveWidget", "dir.create", "file.copy",
    }
)  # fmt: skip
ROOT = "\0root"  # `here()`: the project root, whatever the working folder
_MAX_DEPTH = 12
_FILE_ARGS = frozenset({"file", "path", "input", "filename", "con", "description", "x"})


def _value(arg: list[Token], depth: int = 0) -> str | None:
    """The path an argument stands for: a string, or `file.path`/`here` of strings."""
    if depth > _MAX_DEPTH:
        return None
    if len(arg) >= 2 and arg[0].kind == "name" and arg[1].text == "=":
        arg = arg[2:]
    if len(arg) == 1 and arg[0].kind == "str":
        return arg[0].value
    name_at = 0
    if len(arg) >= 4 and arg[1].text in ("::", ":::"):
        name_at = 2
    if len(arg) < name_at + 3 or arg[name_at].kind != "name" or arg[name_at + 1].text != "(":
        return None
    function = arg[name_at].text
    if function not in ("file.path", "here", "paste0"):
        return None
    inner = call_arguments(arg, name_at + 1)
    parts = [_value(a, depth + 1) for a in inner]
    if any(p is None for p in parts) or (not parts and function != "here"):
        return None
    joiner = "" if function == "paste0" else "/"
    text = joiner.join(p for p in parts if p is not None)
    return f"{ROOT}/{text}" if function == "here" else text


def _named(arg: list[Token]) -> str | None:
    if len(arg) >= 2 and arg[0].kind == "name" and arg[1].text == "=":
        return arg[0].text
    return None


def r_uses(text: str, path: str, cell: int | None = None) -> tuple[
    list[PathUse], list[PathUse], int
]:  # fmt: skip
    """(reads, writes, reads whose path is not a literal) in R code."""
    code = blank_comments(R, text)
    if not any(word in code for word in ("read", "load", "fread", "save", "write", "(")):
        return [], [], 0
    toks = tokens(code)
    lines = Lines(code)
    reads: list[PathUse] = []
    writes: list[PathUse] = []
    computed = 0
    for at, tok in enumerate(toks[:-1]):
        if tok.kind != "name" or toks[at + 1].text != "(":
            continue
        if at and toks[at - 1].text == "$":
            continue
        name = tok.text
        if name not in READERS and name not in WRITERS:
            continue
        args = call_arguments(toks, at + 1)
        line = lines.of(tok.offset)
        if name in READERS:
            named = [a for a in args if _named(a) in _FILE_ARGS]
            positional = [a for a in args if _named(a) is None]
            chosen = named[0] if named else positional[0] if positional else None
            if chosen is None:
                continue
            value = _value(chosen)
            if value is not None and _file_like(value):
                reads.append(PathUse(value, line, name, cell, path))
            elif value is None:
                computed += 1  # a URL or a glob is no file to look for
        else:
            for arg in args:
                value = _value(arg)
                if value is not None and _file_like(value) and ("." in value or "/" in value):
                    writes.append(PathUse(value, line, name, cell, path))
    return reads, writes, computed


def _file_like(value: str) -> bool:
    text = value.strip()
    if not text or text in (".", "..") or "\n" in text or "://" in text or len(text) > 400:
        return False
    return not (text.startswith(("~", "$")) or any(c in text for c in "*?[{}%"))
