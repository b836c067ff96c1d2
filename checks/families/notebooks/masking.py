"""What changes from one run of a notebook to the next without its results changing.

`mask` rewrites an output's text so that two runs of the same code give the same text:
terminal overwrites (`\\r`, ANSI colours) are played out, progress bars, warnings and
timings are dropped or replaced by a placeholder, memory addresses, temporary and home
paths, ids and run-time timestamps become placeholders. What is left is compared exactly,
numbers within a tolerance (`checks.families.notebooks.compare`). The items of a set's repr
are put in order, since the order of a set of strings changes with each interpreter's
hash seed.

Dates alone are data (a time series prints `2021-07-04`) and stay; a timestamp is masked
when it has the marks of a clock read at run time: milli- or microseconds (`logging`'s
`,123`), a time zone, `datetime.now()`'s repr, or `time.ctime()`'s shape.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from reprobot.checks.core.settings import SettingError

# Characters of one output masked and compared; the rest only as a digest.
MAX_TEXT = 200_000

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")

# Whole lines that only say how a run went, never what it computed.
_PROGRESS_LINES = (
    re.compile(r"\d+%\|"),  # tqdm: ` 45%|████▌     | 45/100 [00:01<00:02, 30.1it/s]`
    re.compile(r"\[[=>.]*\]\s*(?:-\s)?(?:ETA|\d+m?s)"),  # keras: `10/10 [=====] - 0s 2ms/step`
    re.compile(r"\d+(\.\d+)?\s*(it/s|s/it)\b"),
    re.compile(r"^\s*\d+/\d+\s+━"),  # keras 3's bar
)
_TIMING_LINES = (
    re.compile(r"\bper loop \(mean ± std\. dev\. of \d+ runs?"),  # %timeit
    re.compile(r"\bbest of \d+: .* per loop"),  # old %timeit
    re.compile(r"^\s*(CPU times|Wall time|Compiler time|Parser\s*:)"),  # %time
    re.compile(r"^\s*(Last updated|Elapsed( time)?|Run ?time|Execution time)\s*:", re.I),
)
# `file.py:12: DeprecationWarning: ...` and the source line Python prints after it.
_WARNING = re.compile(r"^(.*:\d+: )?\w*Warning: ")
_TRACE_SOURCE = re.compile(r"^\s{2,}\S")

_MASKS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bat 0x[0-9a-fA-F]+"), "at 0x<address>"),
    (re.compile(r"\b0x[0-9a-fA-F]{8,}\b"), "0x<address>"),
    (
        re.compile(
            r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b"
        ),
        "<uuid>",
    ),
    # clocks read at run time
    (
        re.compile(
            r"\b\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d"
            r"(?:\.(?:\d{3}|\d{6})(?!\d)|,\d{3}(?!\d)|(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)(?![\d:]))"
        ),
        "<timestamp>",
    ),
    (
        re.compile(r"\bdatetime\.datetime\(\d{4}(?:, \d+){5,6}(?:, tzinfo=[^)]*\))?\)"),
        "<timestamp>",
    ),
    (
        re.compile(
            r"\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
            r" [ \d]\d \d\d:\d\d:\d\d \d{4}\b"
        ),
        "<timestamp>",
    ),
    # durations: `1.2 s`, `34 ms`, `5.1µs`, `00:03` in a log line
    (
        re.compile(
            r"(?<![\w.-])\d+(?:\.\d+)?\s?(?:ns|µs|μs|us|ms|s|sec|secs|seconds?|mins?|minutes?)"
            r"(?![\w/])"
        ),
        "<duration>",
    ),
    # temporary folders, then home folders
    (
        re.compile(
            r"(?:/private)?/var/folders/[^\s'\"]+|/tmp/[^\s'\"]*"
            r"|[A-Za-z]:\\Users\\[^\\\s]+\\AppData\\Local\\Temp\\[^\s'\"]*"
        ),
        "<tmp>",
    ),
    (re.compile(r"(?:/home|/Users)/[^/\s'\"]+"), "<home>"),
    (re.compile(r"[A-Za-z]:\\Users\\[^\\\s'\"]+"), "<home>"),
    (re.compile(r"\btmp[a-z0-9_]{8}\b"), "<tmp>"),
    # NumPy 2 shows a scalar with its type (`np.float64(0.5)`), NumPy 1 as the number
    (re.compile(r"\bnp\.(?:float|int|uint|complex|longdouble|clongdouble)\d*\(([^()]*)\)"), r"\1"),
    (re.compile(r"\bnp\.(?:str_|bytes_)\(([^()]*)\)"), r"\1"),
    (re.compile(r"\bnp\.(True|False)_\b"), r"\1"),
    # `%%writefile` says whether the file was there before
    (re.compile(r"^Overwriting (?=\S)", re.M), "Writing "),
    # IPython's prompt numbers depend on how often cells were run
    (re.compile(r"\b(Out|In) ?\[\d+\]"), r"\1[_]"),
)


# A set's repr lists its strings in an order that follows PYTHONHASHSEED, new each run.
_SET = re.compile(r"\{([^{}:\n]*,[^{}:\n]*)\}")


def _sorted_set(match: re.Match[str]) -> str:
    return "{" + ", ".join(sorted(item.strip() for item in match.group(1).split(","))) + "}"


@dataclass(frozen=True)
class Sanitizer:
    """One `{regex, replace}` entry of the `sanitize` setting, as nbval's sanitize files."""

    regex: str
    replace: str = ""


def compile_sanitize(
    entries: Iterable[Sanitizer | Mapping[str, str] | tuple[str, str]],
) -> tuple[tuple[re.Pattern[str], str], ...]:
    """The entries compiled; ValueError naming the entry whose regex is not valid."""
    compiled: list[tuple[re.Pattern[str], str]] = []
    for number, entry in enumerate(entries, start=1):
        if isinstance(entry, Sanitizer):
            regex, replace = entry.regex, entry.replace
        elif isinstance(entry, Mapping):
            regex, replace = str(entry.get("regex", "")), str(entry.get("replace", ""))
        else:
            regex, replace = entry
        try:
            compiled.append((re.compile(regex), replace))
        except re.error as error:
            raise ValueError(
                f"sanitize entry {number}: {regex!r} is not a regex ({error})"
            ) from None
    return tuple(compiled)


def parse_sanitize(value: object) -> tuple[Sanitizer, ...]:
    """The `sanitize` setting read: a list of `{regex, replace}` tables, each regex valid
    (a settings `parse`: SettingError says what is wrong, after the key's name)."""
    if not isinstance(value, list | tuple):
        raise SettingError(f"must be a list of {{regex, replace}} tables, not {value!r}")
    entries: list[Sanitizer] = []
    for number, entry in enumerate(value, start=1):
        if not isinstance(entry, Mapping) or not isinstance(entry.get("regex"), str):
            raise SettingError(f"entry {number} must be a table with a `regex` string")
        extra = set(entry) - {"regex", "replace"}
        if extra:
            raise SettingError(
                f"entry {number} has unknown keys: {', '.join(sorted(map(str, extra)))}"
            )
        replace = entry.get("replace", "")
        if not isinstance(replace, str):
            raise SettingError(f"entry {number}: `replace` must be a string, not {replace!r}")
        entries.append(Sanitizer(entry["regex"], replace))
    try:
        compile_sanitize(entries)
    except ValueError as error:
        raise SettingError(str(error).replace("sanitize entry", "entry")) from None
    return tuple(entries)


def play_terminal(text: str) -> str:
    """The text as a terminal leaves it: colours removed, and a line rewritten after `\\r`
    keeps only its last version."""
    text = _ANSI.sub("", text).replace("\r\n", "\n")
    return "\n".join(line.rsplit("\r", 1)[-1] for line in text.split("\n"))


def _keep(lines: Sequence[str]) -> list[str]:
    kept: list[str] = []
    after_warning = False
    for line in lines:
        if after_warning and _TRACE_SOURCE.match(line):
            after_warning = False
            continue
        after_warning = False
        if _WARNING.match(line):
            after_warning = True
            continue
        if any(p.search(line) for p in _PROGRESS_LINES + _TIMING_LINES):
            continue
        kept.append(line)
    return kept


@functools.lru_cache(maxsize=256)
def mask(text: str, sanitize: tuple[tuple[re.Pattern[str], str], ...] = ()) -> str:
    """The text with what is volatile dropped or replaced, trailing blanks and blank lines
    removed (a dropped progress bar or warning leaves them); then the user's `sanitize`
    replacements. Past `MAX_TEXT` characters the rest is not masked but stands as its
    length and digest, so that a huge output compares in bounded time."""
    tail = ""
    if len(text) > MAX_TEXT:
        rest = text[MAX_TEXT:]
        digest = hashlib.sha256(rest.encode("utf-8", "surrogatepass")).hexdigest()[:16]
        text, tail = text[:MAX_TEXT], f"\n[{len(rest)} more characters, digest sha{digest}]"
    lines = _keep(play_terminal(text).split("\n"))
    out = "\n".join(line.rstrip() for line in lines if line.strip())
    for pattern, replacement in _MASKS:
        out = pattern.sub(replacement, out)
    out = _SET.sub(_sorted_set, out)
    for pattern, replacement in sanitize:
        out = pattern.sub(replacement, out)
    return out + tail
