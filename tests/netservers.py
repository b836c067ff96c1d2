"""Package indexes that fail as a machine's network fails, on 127.0.0.1, for uv to meet.

- `tls_index()`: HTTPS with a self-signed certificate no one trusts (tests/fixtures/tls,
  valid until 2126), as a TLS-inspecting proxy looks to a client without its CA.
- `closed_port()`: a port nothing listens on (connection refused).
- `flaky_index(failures)`: drops the first `failures` connections, then answers every
  request with 404 (so uv says the name does not exist: proof it got through).
"""

from __future__ import annotations

import http.server
import socket
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

TLS = Path(__file__).parent / "fixtures" / "tls"
UNRESOLVABLE = "http://nonexistent.invalid/simple"  # .invalid never resolves (RFC 2606)


class _NotFound(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, failures: int = 0) -> None:
        super().__init__(("127.0.0.1", 0), _NotFound)
        self.failures = failures
        self.connections = 0

    def verify_request(self, request: object, client_address: object) -> bool:
        self.connections += 1
        if self.connections <= self.failures:
            self.shutdown_request(request)  # type: ignore[arg-type]
            return False
        return True


@contextmanager
def _serving(server: _Server, scheme: str) -> Iterator[tuple[str, _Server]]:
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"{scheme}://127.0.0.1:{server.server_address[1]}/simple", server
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def tls_index() -> Iterator[str]:
    server = _Server()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(TLS / "self-signed.pem", TLS / "self-signed.key")
    server.socket = context.wrap_socket(server.socket, server_side=True)
    with _serving(server, "https") as (url, _):
        yield url


@contextmanager
def flaky_index(failures: int) -> Iterator[tuple[str, _Server]]:
    with _serving(_Server(failures), "http") as served:
        yield served


def closed_port() -> str:
    """An index URL on a port that was free a moment ago (nothing listens on it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/simple"
