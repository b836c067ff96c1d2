"""Known causes of failing tests, read from the failure's message: what was removed from
NumPy, pandas or the standard library, and what replaces it. Pure: text in, words out."""

from __future__ import annotations

import re

# NumPy 2.0 removals and what replaces them
_NUMPY2 = {
    "float_": "np.float64",
    "complex_": "np.complex128",
    "string_": "np.bytes_",
    "unicode_": "np.str_",
    "NaN": "np.nan",
    "NAN": "np.nan",
    "Inf": "np.inf",
    "Infinity": "np.inf",
    "infty": "np.inf",
    "PINF": "np.inf",
    "NINF": "-np.inf",
    "PZERO": "0.0",
    "NZERO": "-0.0",
    "product": "np.prod",
    "cumproduct": "np.cumprod",
    "sometrue": "np.any",
    "alltrue": "np.all",
    "round_": "np.round",
    "asfarray": "np.asarray(x, dtype=float)",
    "cast": "np.asarray(x, dtype=...)",
    "find_common_type": "np.result_type",
    "longfloat": "np.longdouble",
    "singlecomplex": "np.complex64",
    "cfloat": "np.complex128",
    "clongfloat": "np.clongdouble",
    "longcomplex": "np.clongdouble",
    "safe_eval": "ast.literal_eval",
    "issubclass_": "issubclass",
}
_NUMPY124 = frozenset({"float", "int", "bool", "object", "str", "complex"})
_PANDAS2 = {"append": "pd.concat([df, other])", "iteritems": ".items()"}
_ABC = frozenset(
    {"Mapping", "MutableMapping", "Sequence", "MutableSequence", "Iterable", "Iterator"}
    | {"Callable", "Hashable", "Set", "MutableSet", "Sized", "Container", "Generator"}
)
_NUMPY_ATTRIBUTE = re.compile(r"module 'numpy' has no attribute '(\w+)'")
_NUMPY_REMOVED = re.compile(r"`np\.(\w+)` was removed in the NumPy 2\.0 release")
_PANDAS_ATTRIBUTE = re.compile(r"'(?:DataFrame|Series)' object has no attribute '(\w+)'")
_COLLECTIONS = re.compile(r"cannot import name '(\w+)' from 'collections'")
_MISSING = re.compile(r"No module named '(distutils|imp|asynchat|asyncore|pkg_resources)'")
_MISSING_WORDS = {
    "distutils": "`distutils` was removed in Python 3.12: use setuptools or `sysconfig`, "
    "or test on Python 3.11",
    "imp": "`imp` was removed in Python 3.12: use `importlib`",
    "asynchat": "`asynchat` was removed in Python 3.12: use `asyncio`",
    "asyncore": "`asyncore` was removed in Python 3.12: use `asyncio`",
    "pkg_resources": "`pkg_resources` comes with setuptools, which a fresh environment "
    "does not have: use `importlib.metadata` or `importlib.resources`, or declare setuptools",
}


def hint(message: str) -> str | None:
    """A known cause of the failure `message` and what to do, or None."""
    numpy = _NUMPY_REMOVED.search(message) or _NUMPY_ATTRIBUTE.search(message)
    name = numpy.group(1) if numpy is not None else None
    if name in _NUMPY2:
        return (
            f"`np.{name}` was removed in NumPy 2.0: use `{_NUMPY2[name]}` "
            "(or declare `numpy<2` until the code is updated)"
        )
    if name in _NUMPY124:
        return f"`np.{name}` was removed in NumPy 1.24: use the builtin `{name}`"
    pandas = _PANDAS_ATTRIBUTE.search(message)
    if pandas and pandas.group(1) in _PANDAS2:
        return (
            f"`{pandas.group(1)}` was removed in pandas 2.0: use `{_PANDAS2[pandas.group(1)]}` "
            "(or declare `pandas<2` until the code is updated)"
        )
    abc = _COLLECTIONS.search(message)
    if abc and abc.group(1) in _ABC:
        return (
            f"import `{abc.group(1)}` from `collections.abc`: it was removed from "
            "`collections` in Python 3.10"
        )
    missing = _MISSING.search(message)
    if missing:
        return _MISSING_WORDS[missing.group(1)]
    return None
