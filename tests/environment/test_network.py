"""The machine's failures in uv's output: recorded texts, and real uv against real servers."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from reprobot.checks.core import runner
from reprobot.checks.core.runner import RunOutcome
from reprobot.checks.environment.failures import classify
from reprobot.checks.environment.network import machine_failure, retried, uv_lines
from reprobot.checks.environment.uv import uv_binary
from tests.netservers import UNRESOLVABLE, closed_port, flaky_index, tls_index

# What uv 0.13 printed on this machine (index on a closed port, at a host that does not
# resolve, behind a self-signed certificate, at a server that never answers, and for a
# Python download from a mirror on a closed port).
REFUSED = """\
error: Request failed after 3 retries in 5.1s
  cause: Failed to fetch: http://127.0.0.1:9/simple/requests/
  cause: error sending request for url (http://127.0.0.1:9/simple/requests/)
  cause: client error (Connect)
  cause: tcp connect error
  cause: Connection refused (os error 111)
"""
DNS = """\
error: Request failed after 3 retries in 12.3s
  cause: Failed to fetch: http://nonexistent.invalid/simple/requests/
  cause: error sending request for url (http://nonexistent.invalid/simple/requests/)
  cause: client error (Connect)
  cause: dns error
  cause: error resolving DNS
  cause: failed to lookup address information: Name or service not known
"""
TLS = """\
error: Failed to fetch: https://127.0.0.1:40145/simple/requests/
  cause: error sending request for url (https://127.0.0.1:40145/simple/requests/)
  cause: client error (Connect)
  cause: invalid peer certificate: UnknownIssuer
"""
TIMEOUT = """\
error: Failed to fetch: http://127.0.0.1:48727/simple/requests/
  cause: error sending request for url (http://127.0.0.1:48727/simple/requests/)
  cause: operation timed out
"""
PYTHON = """\
error: Failed to install cpython-3.10.22-linux-x86_64-gnu
  cause: Request failed after 3 retries in 5.0s
  cause: Failed to download `http://127.0.0.1:9/20261009/cpython-3.10.22%2B20261009-x86_64-unknown-linux-gnu-install_only_stripped.tar.gz`
  cause: error sending request for url (http://127.0.0.1:9/20261009/cpython-3.10.22.tar.gz)
  cause: client error (Connect)
  cause: tcp connect error
  cause: Connection refused (os error 111)
"""
# Older uv: `Caused by:`, and a hint naming a flag in backquotes after a failed download.
OLD_TLS_WITH_HINT = """\
error: Failed to download `numpy==2.1.0`
  Caused by: error sending request for url (https://files.example/numpy-2.1.0.whl)
  Caused by: invalid peer certificate: UnknownIssuer
hint: behind a proxy that inspects TLS, try `--system-certs`
"""
DISK = """\
error: Failed to install: numpy-2.1.0-cp311-cp311-manylinux_2_17_x86_64.whl (numpy==2.1.0)
  cause: failed to write to file `/venv/lib/x.so`: No space left on device (os error 28)
"""
SERVER_ERROR = """\
error: Failed to fetch: http://127.0.0.1:33159/simple/requests/
  cause: HTTP status server error (503 Service Unavailable) for url (http://127.0.0.1:33159/simple/requests/)
"""
# An index that refuses (401, 403): uv says the name was not found, and hints why.
_NOT_FOUND_CAUSE = (
    "  cause: Because requests was not found in the package registry and you require "
    "requests, we can conclude that your requirements are unsatisfiable.\n"
)
FORBIDDEN = (
    "error: No solution found when resolving dependencies\n" + _NOT_FOUND_CAUSE + "\n"
    "hint: An index (http://127.0.0.1:41843/simple) returned a 403 Forbidden error. Check "
    "that the index URL is correct and the credentials are valid.\n"
)
UNAUTHORIZED = (
    "error: No solution found when resolving dependencies\n" + _NOT_FOUND_CAUSE + "\n"
    "hint: An index URL (http://127.0.0.1:37227/simple) could not be queried due to a lack "
    "of valid authentication credentials (401 Unauthorized)\n"
)
# A build backend that could not reach the network: the repository's build, not uv's.
BUILD_LOG = """\
error: Failed to build `fetcher @ file:///repo`
  cause: The build backend returned an error
  cause: Call to `setuptools.build_meta.build_wheel` failed (exit status: 1)

      [stderr]
      urllib.error.URLError: <urlopen error [Errno 111] Connection refused>
"""
NOT_FOUND = """\
  x No solution found when resolving dependencies:
  `-> Because requestz was not found in the package registry and you require requestz, we
      can conclude that your requirements are unsatisfiable.
"""


def failed(output: str) -> RunOutcome:
    return RunOutcome(("uv",), 1, "", output, 1.0)


@pytest.mark.parametrize(
    ("output", "kind", "host"),
    [
        (REFUSED, "connection", "http://127.0.0.1:9"),
        (DNS, "dns", "http://nonexistent.invalid"),
        (TLS, "tls", "https://127.0.0.1:40145"),
        (TIMEOUT, "index-timeout", "http://127.0.0.1:48727"),
        (PYTHON, "connection", "http://127.0.0.1:9"),
        (OLD_TLS_WITH_HINT, "tls", "https://files.example"),
        (DISK, "disk-full", ""),
        (SERVER_ERROR, "index-down", "http://127.0.0.1:33159"),
        (FORBIDDEN, "index-refused", "http://127.0.0.1:41843"),
        (UNAUTHORIZED, "index-refused", "http://127.0.0.1:37227"),
    ],
)
def test_the_machine_s_failures_are_read_from_uv_s_lines(output: str, kind: str, host: str) -> None:
    found = machine_failure(output)
    assert found is not None and (found.kind, found.host) == (kind, host)
    failure = classify(failed(output))
    assert failure.kind == kind and failure.infrastructure
    assert failure.names == ()  # no distribution is blamed


def test_remedies_say_what_to_do() -> None:
    tls = classify(failed(TLS)).summary
    assert "invalid peer certificate: UnknownIssuer" in tls
    assert "SSL_CERT_FILE" in tls and "UV_SYSTEM_CERTS" in tls and "UV_NATIVE_TLS" in tls
    assert "run again" in classify(failed(REFUSED)).summary
    assert "UV_HTTP_TIMEOUT" in classify(failed(TIMEOUT)).summary
    assert "free space" in classify(failed(DISK)).summary
    python = machine_failure(PYTHON)
    assert python is not None and python.python_download
    assert python.summary.startswith("a download of Python")


def test_a_hint_naming_a_flag_is_not_read_as_a_distribution() -> None:
    failure = classify(failed(OLD_TLS_WITH_HINT))
    assert "system-certs" not in " ".join(failure.names)
    assert "-system-certs could not be downloaded" not in failure.summary
    assert uv_lines(OLD_TLS_WITH_HINT)[-1] == "invalid peer certificate: UnknownIssuer"
    assert uv_lines(OLD_TLS_WITH_HINT, advice=True)[-1].endswith("`--system-certs`")


def test_the_repository_s_own_failures_stay_its_own() -> None:
    build = classify(failed(BUILD_LOG))
    assert build.kind == "build" and not build.infrastructure  # the backend's log is not read
    missing = classify(failed(NOT_FOUND))
    assert missing.kind == "missing" and missing.names == ("requestz",)
    assert machine_failure(NOT_FOUND) is None


def _compile(index: str, tmp_path: Path, **env: str) -> RunOutcome:
    (tmp_path / "requirements.in").write_text("requests\n", encoding="utf-8")
    args = (uv_binary(), "pip", "compile", "--no-config", "requirements.in", "--index-url", index)
    extra = {
        "UV_CACHE_DIR": str(tmp_path / "cache"),
        "UV_HTTP_RETRIES": "0",
        "UV_NO_PROGRESS": "1",
        "NO_COLOR": "1",
        "UV_PYTHON": sys.executable,
        **env,
    }
    return runner.run(args, cwd=tmp_path, timeout=120, extra_env=extra)


def test_real_uv_behind_an_untrusted_certificate(tmp_path: Path) -> None:
    with tls_index() as url:
        outcome = _compile(url, tmp_path)
    failure = classify(outcome)
    assert not outcome.ok and failure.kind == "tls", outcome.output
    assert "SSL_CERT_FILE" in failure.summary


def test_real_uv_trusts_the_certificate_it_is_given(tmp_path: Path) -> None:
    """The remedy works: with SSL_CERT_FILE the same index is reached (and has no such
    distribution, so uv fails for the repository's reason, not the machine's)."""
    from tests.netservers import TLS as CERTS

    with tls_index() as url:
        outcome = _compile(url, tmp_path, SSL_CERT_FILE=str(CERTS / "self-signed.pem"))
    assert classify(outcome).kind == "missing", outcome.output


def test_real_uv_on_a_closed_port(tmp_path: Path) -> None:
    outcome = _compile(closed_port(), tmp_path)
    assert classify(outcome).kind == "connection", outcome.output


def test_real_uv_at_a_host_that_does_not_resolve(tmp_path: Path) -> None:
    outcome = _compile(UNRESOLVABLE, tmp_path)
    assert classify(outcome).kind == "dns", outcome.output


def test_one_retry_gets_through_a_dropped_connection(tmp_path: Path) -> None:
    with flaky_index(failures=1) as (url, server):
        outcome = retried(lambda: _compile(url, tmp_path), pause=0)
    assert server.connections >= 2
    assert classify(outcome).kind == "missing", outcome.output  # the index answered


def test_no_retry_for_what_a_retry_cannot_mend(tmp_path: Path) -> None:
    runs: list[RunOutcome] = []

    def run() -> RunOutcome:
        runs.append(failed(TLS))
        return runs[-1]

    assert retried(run, pause=0).output == TLS and len(runs) == 1
    runs.clear()
    assert classify(retried(lambda: runs.append(failed(REFUSED)) or runs[-1], pause=0))
    assert len(runs) == 2  # refused: tried once more


def test_a_python_download_from_an_unreachable_mirror_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from packaging.specifiers import SpecifierSet

    from reprobot.checks.environment import python as interpreters

    monkeypatch.setenv("REPROBOT_PYTHON_DOWNLOADS", "automatic")
    monkeypatch.setenv("UV_PYTHON_INSTALL_MIRROR", closed_port().removesuffix("/simple"))
    monkeypatch.setenv("UV_HTTP_RETRIES", "0")
    fetched = interpreters.fetch(uv_binary(), SpecifierSet("==3.9.*"), tmp_path / "pythons")
    assert fetched.interpreter is None
    assert fetched.problem is not None
    assert fetched.problem.startswith("Python 3.9 could not be downloaded: a download of Python")
    assert "could not be reached" in fetched.problem and "run again" in fetched.problem


def test_a_download_failure_names_the_distribution_not_a_url() -> None:
    direct = failed("error: Failed to download `pkg @ https://files.example/pkg-1.0.whl`\n")
    assert classify(direct).names == ("pkg",)
    pinned = failed("error: Failed to download `numpy==2.1.0`\n  Caused by: checksum mismatch\n")
    assert classify(pinned).summary == "numpy could not be downloaded"
    url = classify(failed("error: Failed to download `https://example/x.tar.gz`\n"))
    assert url.names == () and url.kind == "other"
