"""The files Python code reads and writes by a literal path, found with `ast`.

A read is a call that opens a file for reading: `open()` (without a writing mode), the
pandas and polars `read_*` functions, `np.load`/`loadtxt`/`genfromtxt`, `loadmat`,
`h5py.File` (mode `r`), xarray's `open_dataset`/`open_mfdataset`, `torch.load`,
`joblib.load`, `Image.open`, `imread`, and `Path(...).read_text()`/`read_bytes()`/`open()`.
Its path counts when it is a literal: a string, `os.path.join` or `Path(...) / "..."` of
literals, or a name the file binds to one of those exactly once (a module constant, a
parameter's default). `Path(__file__).parent` and `os.path.dirname(__file__)` anchor a
path to the file's own folder. A write is any call that saves (`to_csv`, `savefig`,
`np.save`, `torch.save`, `open(..., "w")`, ...): its literal paths are files the code
makes, which are then not missing for a later reader.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass

# Last attribute (or name) of a call -> reads its path argument.
READERS = frozenset(
    {
        "read_csv", "read_excel", "read_parquet", "read_json", "read_table", "read_pickle",
        "read_feather", "read_hdf", "read_stata", "read_sas", "read_spss", "read_fwf",
        "read_orc", "read_xml", "read_ipc", "read_ndjson", "scan_csv", "scan_parquet",
        "loadtxt", "genfromtxt", "fromfile", "loadmat", "open_dataset", "open_mfdataset",
        "open_dataarray", "open_zarr", "imread", "read_file", "read_text", "read_bytes",
    }
)  # fmt: skip
# `x.load(path)` and `x.open(path)` read only for these modules (json.load takes a file).
LOADERS = frozenset({"np", "numpy", "torch", "joblib", "dill", "cloudpickle", "onp", "jnp"})
OPENERS = frozenset({"Image", "PIL", "io", "codecs", "gzip", "bz2", "lzma", "tarfile", "zipfile"})
WRITERS = frozenset(
    {
        "to_csv", "to_excel", "to_parquet", "to_json", "to_pickle", "to_feather", "to_hdf",
        "to_netcdf", "to_zarr", "to_stata", "to_html", "to_latex", "to_markdown", "to_file",
        "savefig", "save", "savez", "savez_compressed", "savetxt", "tofile", "dump",
        "write_text", "write_bytes", "imwrite", "imsave", "write_csv", "write_parquet",
        "urlretrieve", "download", "download_file", "to_string", "write_image", "write_html",
        "savemat", "copy", "copyfile", "copy2", "move", "rename", "mkdir", "makedirs",
    }
)  # fmt: skip
_PATH_KEYWORDS = frozenset(
    {
        "file", "filepath_or_buffer", "path", "io", "path_or_buf", "fname", "filename",
        "name", "f", "paths", "file_name", "fp", "filepath", "source", "path_or_paths",
        "uri", "filename_or_obj",
    }
)  # fmt: skip
# Classes that take a path and only name, inspect or read it: never taken to make a file.
_NOT_MAKERS = frozenset(
    {
        "Path", "PurePath", "PosixPath", "WindowsPath", "PurePosixPath", "PureWindowsPath",
        "ZipFile", "TarFile", "ExcelFile", "Image", "Dataset", "File", "NpzFile", "Request",
        "URL", "ArgumentParser", "Template",
    }
)  # fmt: skip
_WRITE_MODES = frozenset("wax")
HERE = "\0here"  # the file's own folder: a path that starts with it is anchored there
_MAX_DEPTH = 12
_BINDERS = (ast.Assign, ast.AnnAssign, ast.FunctionDef, ast.AsyncFunctionDef)


@dataclass(frozen=True)
class PathUse:
    """One literal path the code reads or writes, as written (a path anchored to the
    file's folder starts with `HERE`), and where."""

    path: str
    line: int
    how: str  # the call, e.g. `pd.read_csv`
    cell: int | None = None
    file: str = ""  # the code that uses it


def _dotted(node: ast.expr) -> str:
    """`pd.read_csv` for the function of a call, as far as it is names and attributes
    (`Path().open` when a call is on the way, `?.join` when it starts elsewhere); at most
    `_MAX_DEPTH` parts, so a hostile chain of attributes costs nothing."""
    parts: list[str] = []
    called = ""
    while len(parts) <= _MAX_DEPTH:
        if isinstance(node, ast.Name):
            parts.append(node.id + called)
            return ".".join(reversed(parts))
        if isinstance(node, ast.Attribute):
            parts.append(node.attr + called)
            called, node = "", node.value
        elif isinstance(node, ast.Call) and not called:
            called, node = "()", node.func
        else:
            break
    return "?." + ".".join(reversed(parts)) if parts else ""


def _is_file_dunder(node: ast.expr) -> bool:
    return isinstance(node, ast.Name) and node.id == "__file__"


class _Evaluator:
    """Literal paths of expressions, with the names the file binds to one literal."""

    def __init__(self, tree_nodes: Iterable[ast.AST]) -> None:
        self.names: dict[str, str | None] = {}
        pending: list[tuple[str, ast.expr]] = []
        for node in tree_nodes:
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target = node.targets[0]
                if isinstance(target, ast.Name):
                    pending.append((target.id, node.value))
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                if node.value is not None:
                    pending.append((node.target.id, node.value))
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                args = node.args
                positional = [*args.posonlyargs, *args.args]
                for arg, default in zip(positional[len(positional) - len(args.defaults) :],
                                        args.defaults, strict=True):  # fmt: skip
                    pending.append((arg.arg, default))
                for arg, kw_default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
                    if kw_default is not None:
                        pending.append((arg.arg, kw_default))
        counts: dict[str, int] = {}
        for name, _ in pending:
            counts[name] = counts.get(name, 0) + 1
        once = [(n, v) for n, v in pending if counts[n] == 1]
        for name, _ in once:
            self.names[name] = None  # unresolved until its value is evaluated
        for _ in range(2):  # constants built from constants defined before or after
            for name, value in once:
                self.names[name] = self.value(value)

    def value(self, node: ast.expr, depth: int = 0) -> str | None:
        """The path `node` stands for, or None when it is not a literal path."""
        if depth > _MAX_DEPTH:
            return None
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.Name):
            return self.names.get(node.id)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            return self._join([node.left, node.right], depth)
        if isinstance(node, ast.Attribute) and node.attr == "parent":
            if self._here(node.value):
                return HERE
            base = self.value(node.value, depth + 1)
            return None if base is None else _parent(base)
        if isinstance(node, ast.Call):
            return self._call(node, depth)
        return None

    def _here(self, node: ast.expr, depth: int = 0) -> bool:
        """Whether `node` is `Path(__file__)`, resolved or not (its parent is HERE)."""
        if depth > _MAX_DEPTH or not isinstance(node, ast.Call):
            return False
        if isinstance(node.func, ast.Attribute) and node.func.attr in ("resolve", "absolute"):
            return not node.args and self._here(node.func.value, depth + 1)
        return (
            _dotted(node.func).split(".")[-1] == "Path"
            and len(node.args) == 1
            and _is_file_dunder(node.args[0])
        )

    def _call(self, node: ast.Call, depth: int) -> str | None:
        name = _dotted(node.func)
        last = name.split(".")[-1]
        if last in ("Path", "PurePath", "PosixPath") and not node.keywords:
            if not node.args:
                return "."
            return self._join(list(node.args), depth)
        if name.endswith("path.join") or last == "joinpath":
            parts = list(node.args)
            if last == "joinpath" and isinstance(node.func, ast.Attribute):
                parts = [node.func.value, *parts]
            return self._join(parts, depth) if parts else None
        if name.endswith(("path.dirname",)) and len(node.args) == 1:
            arg = node.args[0]
            if _is_file_dunder(arg) or self._abs_of_file(arg):
                return HERE
            base = self.value(arg, depth + 1)
            return None if base is None else _parent(base)
        if name.endswith(("path.abspath", "path.realpath", "path.normpath")) and node.args:
            return self.value(node.args[0], depth + 1)
        if isinstance(node.func, ast.Attribute) and node.func.attr in ("resolve", "absolute"):
            return self.value(node.func.value, depth + 1)
        return None

    def _abs_of_file(self, node: ast.expr) -> bool:
        return (
            isinstance(node, ast.Call)
            and _dotted(node.func).endswith(("path.abspath", "path.realpath"))
            and len(node.args) == 1
            and _is_file_dunder(node.args[0])
        )

    def _join(self, parts: list[ast.expr], depth: int) -> str | None:
        values = []
        for part in parts:
            if _is_file_dunder(part) or self._here(part):
                return None
            value = self.value(part, depth + 1)
            if value is None:
                return None
            values.append(value)
        out = values[0]
        for value in values[1:]:
            out = value if value.startswith("/") else f"{out.rstrip('/')}/{value}"
        return out


def _parent(path: str) -> str:
    head, sep, tail = path.rpartition("/")
    if path in (HERE, ".") or tail == "..":
        return f"{path}/.."
    return (head or "/") if sep else "."


def _mode(node: ast.Call, position: int) -> str:
    """The mode argument of an `open`-like call ("" when absent or not a literal)."""
    if len(node.args) > position:
        mode = node.args[position]
    else:
        mode = next((k.value for k in node.keywords if k.arg == "mode"), ast.Constant(""))
    return mode.value if isinstance(mode, ast.Constant) and isinstance(mode.value, str) else "?"


def _path_argument(node: ast.Call) -> ast.expr | None:
    if node.args and not isinstance(node.args[0], ast.Starred):
        return node.args[0]
    return next((k.value for k in node.keywords if k.arg in _PATH_KEYWORDS), None)


def _classify(node: ast.Call, evaluate: _Evaluator) -> tuple[str, str] | None:
    """("read" | "write", how) for a call that reads or writes a file, else None."""
    name = _dotted(node.func)
    parts = name.split(".")
    last, owner = parts[-1], (parts[-2] if len(parts) > 1 else "")
    if last == "open":
        on_path = (
            isinstance(node.func, ast.Attribute)
            and owner not in OPENERS
            and evaluate.value(node.func.value) is not None
        )
        if not (name == "open" or owner in OPENERS or on_path):
            return None
        mode = _mode(node, 0 if on_path else 1)
        if mode == "?":
            return None
        return ("write" if set(mode) & _WRITE_MODES else "read"), name
    if last == "File" and owner in ("h5py", "netCDF4", "Dataset"):
        mode = _mode(node, 1)
        return ("read" if mode in ("", "r") else "write" if mode != "?" else "skip"), name
    if last == "Dataset" and owner == "netCDF4":
        mode = _mode(node, 1)
        return ("read" if mode in ("", "r") else "write"), name
    if last == "load" and owner in LOADERS:
        return "read", name
    if last in READERS:
        return "read", name
    if last in WRITERS or last.startswith(("to_", "write_", "save")):
        return "write", name
    return None


def _target(node: ast.Call, kind: str, evaluate: _Evaluator) -> list[ast.expr]:
    """The expressions that name the file a read or write call uses."""
    func = node.func
    name = _dotted(func)
    last = name.split(".")[-1]
    reads_path = last in ("read_text", "read_bytes", "open") and name != "open"
    if isinstance(func, ast.Attribute) and reads_path and evaluate.value(func.value) is not None:
        return [func.value]
    if isinstance(func, ast.Attribute) and last in ("write_text", "write_bytes", "mkdir"):
        return [func.value]
    if kind == "write" and last != "open":
        return [*node.args, *(k.value for k in node.keywords if k.arg != "mode")]
    found = _path_argument(node)
    return [found] if found is not None else []


def uses(source: str, path: str) -> tuple[list[PathUse], list[PathUse], int]:
    """(reads, writes, reads whose path is not a literal) in one file's source; a source
    that does not parse gives nothing (BLD001 reports it)."""
    try:
        tree = ast.parse(source, path)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return [], [], 0
    return scan_tree([tree], path)


def scan_tree(
    trees: list[ast.Module], path: str, cells: list[int | None] | None = None
) -> tuple[list[PathUse], list[PathUse], int]:
    """(reads, writes, computed reads) of the modules `trees` (a notebook's cells, or one
    file), which share their names."""
    binders: list[ast.AST] = []
    calls: list[tuple[int | None, ast.Call]] = []
    for index, tree in enumerate(trees):
        cell = cells[index] if cells else None
        for node in ast.walk(tree):  # one walk: the calls, and what binds names
            if isinstance(node, ast.Call):
                calls.append((cell, node))
            elif isinstance(node, _BINDERS):
                binders.append(node)
    evaluate = _Evaluator(binders)
    reads: list[PathUse] = []
    writes: list[PathUse] = []
    computed = 0
    classified = [(cell, node, _classify(node, evaluate)) for cell, node in calls]
    reading = [node for _, node, found in classified if found and found[0] == "read"]
    read_args = {id(arg) for node in reading for arg in node.args}  # read(Wrapper("x.csv"))
    for cell, node, found in classified:
        if found is None and id(node) not in read_args:
            writes.extend(_made_by_a_class(node, evaluate, cell, path))
        if found is None or found[0] == "skip":
            continue
        kind, how = found
        values = [evaluate.value(t) for t in _target(node, kind, evaluate)]
        literal = [v for v in values if v is not None and _file_like(v)]
        if kind == "read":
            if literal:
                reads.append(PathUse(literal[0], node.lineno, how, cell, path))
            elif values and all(v is None for v in values):
                computed += 1  # a URL, a glob or a stream is no file to look for
        else:
            # any argument of a save call may be a path; a mode or a format is not
            named = (
                v
                for v in literal
                if how.split(".")[-1] == "open" or "/" in v or "." in v.rpartition("/")[2]
            )
            writes.extend(PathUse(v, node.lineno, how, cell, path) for v in named)
    reads.sort(key=lambda u: (u.cell or 0, u.line))
    return reads, writes, computed


def _made_by_a_class(
    node: ast.Call, evaluate: _Evaluator, cell: int | None, path: str
) -> list[PathUse]:
    """A file a class is handed by a literal path, as in `emcee.backends.HDFBackend(
    "chain.h5")`: such a store, writer or cache may well create it, so a later read of
    that path is never called missing."""
    name = _dotted(node.func)
    last = name.rpartition(".")[2]
    if not (last[:1].isupper() and any(c.islower() for c in last)) or last in _NOT_MAKERS:
        return []
    if any(last.endswith(suffix) for suffix in ("Error", "Exception", "Warning")):
        return []
    argument = _path_argument(node)
    value = evaluate.value(argument) if argument is not None else None
    if value is None or not _file_like(value) or "." not in value.rpartition("/")[2]:
        return []
    return [PathUse(value, node.lineno, name, cell, path)]


def _file_like(value: str) -> bool:
    """Whether a literal is a relative local path (not a URL, stream, glob or template)."""
    text = value.strip()
    if not text or text in ("-", ".", "..") or "\n" in text or len(text) > 400:
        return False
    if "://" in text or text.startswith(("~", "s3:", "gs:", "hdfs:", "<", "$")):
        return False
    return not (any(c in text for c in "*?[{}%") or text.endswith("/"))


def relative(value: str) -> bool:
    """Whether a literal path is relative (to the working folder or the file's folder)."""
    if value.startswith(HERE):
        return True
    return not (value.startswith(("/", "\\")) or (len(value) > 1 and value[1] == ":"))


def notebook_trees(
    cells: Iterable[tuple[int, str]], path: str
) -> tuple[list[ast.Module], list[int | None]]:
    """The parsed Python cells of a notebook, and their numbers; cells that do not parse
    are left out (BLD001 reports them)."""
    trees: list[ast.Module] = []
    numbers: list[int | None] = []
    for number, source in cells:
        try:
            trees.append(ast.parse(source, path))
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        numbers.append(number)
    return trees, numbers
