"""The machine's failures in uv's output: TLS, DNS, connections, time-outs, a full disk.

uv prints a chain, one cause a line, the root cause last:

    error: Failed to fetch: https://index.example/simple/requests/
      cause: error sending request for url (https://index.example/simple/requests/)
      cause: client error (Connect)
      cause: invalid peer certificate: UnknownIssuer

(`Caused by:` in older releases, arrows in its graphical form). Only these lines are
read, each on its own: a build backend's log that follows (`[stderr]`) is the repository's
code talking, and a `hint:` that names a flag (`--system-certs`) is advice, not a name.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass

from reprobot.checks.core.runner import RunOutcome

_CHAIN = re.compile(r"^(?:(error|warning|hint):|\s+(?:cause|Caused by):|\s*(?:×|[├╰]─▶))\s*(.*)$")
_BUILD_LOG = re.compile(r"^\s*\[(?:stderr|stdout)\]\s*$")

# In this order: a certificate error is also a failed connection, a DNS error too.
_CAUSES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "tls",
        re.compile(
            r"invalid peer certificate|certificate verify failed|UnknownIssuer|"
            r"self[- ]signed certificate|unable to get local issuer certificate|"
            r"invalid certificate|certificate (?:has )?expired|tls handshake",
            re.IGNORECASE,
        ),
    ),
    ("disk-full", re.compile(r"No space left on device|os error 28\b|Disk quota exceeded")),
    (
        "dns",
        re.compile(
            r"dns error|failed to lookup address|Name or service not known|"
            r"Temporary failure in name resolution|No address associated with hostname|"
            r"nodename nor servname",
            re.IGNORECASE,
        ),
    ),
    ("index-timeout", re.compile(r"timed out|network timeout|UV_HTTP_TIMEOUT", re.IGNORECASE)),
    ("index-down", re.compile(r"HTTP status server error \(5\d\d")),
    (
        "connection",
        re.compile(
            r"Connection refused|Connection reset|tcp connect error|Network is unreachable|"
            r"No route to host|connection closed before message completed|"
            r"error sending request for url",
            re.IGNORECASE,
        ),
    ),
)
_PYTHON_DOWNLOAD = re.compile(r"Failed to (?:install|download) `?(?:https?://\S*/)?cpython-")
_URL = re.compile(r"https?://[^\s/)`]+")

# uv's hint when the index refused: the names look missing, but it was never asked.
_REFUSED = re.compile(r"returned a 40[13] \w+ error|lack of valid authentication credentials")

KINDS = ("tls", "disk-full", "dns", "index-timeout", "index-down", "index-refused", "connection")
RETRY_PAUSE = 5.0  # seconds before the one retry: uv has already retried on its own

_REMEDIES = {
    "tls": "the certificate the server presented is not trusted here, as happens behind a "
    "TLS-inspecting proxy: point SSL_CERT_FILE at the proxy's CA bundle, or set "
    "UV_SYSTEM_CERTS=1 (UV_NATIVE_TLS=1 before uv 0.12) when the CA is in the system's store",
    "disk-full": "the disk is full: free space (or point REPROBOT_UV_CACHE and TMPDIR at a "
    "larger disk) and run again",
    "dns": "the host name did not resolve: check the index URL (UV_INDEX_URL, PIP_INDEX_URL) "
    "and the machine's DNS, then run again",
    "index-timeout": "the server did not answer in time: run again, or raise UV_HTTP_TIMEOUT",
    "index-down": "the server failed (an HTTP 5xx error): run again later",
    "index-refused": "the index refused to answer (HTTP 401 or 403): check the index URL and "
    "its credentials (in the URL, or a netrc file)",
    "connection": "the server could not be reached: check the index URL, proxy settings "
    "(HTTPS_PROXY) and network, then run again",
}


@dataclass(frozen=True)
class MachineFailure:
    kind: str  # one of KINDS
    line: str  # uv's line that says it
    host: str  # the server asked, when uv named it ("" if not)
    python_download: bool  # it happened while uv downloaded a Python

    @property
    def transient(self) -> bool:
        """Worth one more try: the network may answer next time (a certificate will not)."""
        return self.kind in ("dns", "connection", "index-timeout", "index-down")

    @property
    def summary(self) -> str:
        what = "a download of Python" if self.python_download else "the package index"
        where = f" ({self.host})" if self.host else ""
        return f"{what}{where} could not be used: {self.line}; {_REMEDIES[self.kind]}"


def uv_lines(text: str, *, advice: bool = False) -> list[str]:
    """uv's own chain of messages (its warnings and hints too with `advice`), without the
    prefixes and without any build log that follows them."""
    found = []
    for line in text.splitlines():
        if _BUILD_LOG.match(line):
            break
        match = _CHAIN.match(line)
        if match is None or not match.group(2).strip():
            continue
        if advice or match.group(1) not in ("warning", "hint"):
            found.append(match.group(2).strip())
    return found


def machine_failure(text: str) -> MachineFailure | None:
    """The machine's failure uv's output names, or None when the repository's own."""
    causes = uv_lines(text)
    for kind, pattern in _CAUSES:
        # a full disk counts wherever it is said: a backend's log too
        where = text.splitlines() if kind == "disk-full" else causes
        line = next((line.strip() for line in where if pattern.search(line)), None)
        if line is not None:
            urls = [m.group(0) for line in causes for m in _URL.finditer(line)]
            python = any(_PYTHON_DOWNLOAD.search(line) for line in causes)
            return MachineFailure(kind, line, urls[0] if urls else "", python)
    refused = next((h for h in uv_lines(text, advice=True) if _REFUSED.search(h)), None)
    if refused is not None:
        urls = [m.group(0) for m in _URL.finditer(refused)]
        return MachineFailure("index-refused", refused, urls[0] if urls else "", False)
    return None


def retried(run: Callable[[], RunOutcome], *, pause: float = RETRY_PAUSE) -> RunOutcome:
    """`run()`, and once more after `pause` seconds when the network failed in a way that
    may pass (a refused or reset connection, a failed DNS look-up, a time-out)."""
    outcome = run()
    if outcome.ok or outcome.timed_out or not outcome.ran:
        return outcome
    failure = machine_failure(outcome.output)
    if failure is None or not failure.transient:
        return outcome
    time.sleep(pause)
    return run()
