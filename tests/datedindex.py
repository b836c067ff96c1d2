"""A package index on 127.0.0.1 whose files carry upload times (PEP 700), so uv's
`--exclude-newer` resolves against it as of a date, as it does against the real index.

Serves the simple JSON API (`/simple/<name>/`) and the files (`/files/<name>`), GET and
HEAD. Wheels are added with the time they were "uploaded"."""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from packaging.utils import canonicalize_name, parse_wheel_filename

JSON_TYPE = "application/vnd.pypi.simple.v1+json"


class DatedIndex:
    def __init__(self, *, delay: float = 0.0) -> None:
        self.delay = delay  # seconds before each answer: an index far away
        self.files: dict[str, bytes] = {}
        self.projects: dict[str, list[dict[str, object]]] = {}
        self.url = ""

    def add(self, filename: str, data: bytes, uploaded: str) -> None:
        name = canonicalize_name(parse_wheel_filename(filename)[0])
        self.files[filename] = data
        self.projects.setdefault(name, []).append(
            {
                "filename": filename,
                "url": f"/files/{filename}",
                "hashes": {"sha256": hashlib.sha256(data).hexdigest()},
                "upload-time": uploaded,
            }
        )

    def add_folder(self, folder: Path, uploaded: str) -> None:
        for wheel in sorted(folder.glob("*.whl")):
            self.add(wheel.name, wheel.read_bytes(), uploaded)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        index = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self, body: bool) -> None:
                if index.delay:
                    time.sleep(index.delay)
                simple = re.fullmatch(r"/simple/([^/]+)/?", self.path)
                if simple and canonicalize_name(simple.group(1)) in index.projects:
                    name = canonicalize_name(simple.group(1))
                    data = json.dumps(
                        {"meta": {"api-version": "1.1"}, "name": name,
                         "files": index.projects[name], "versions": []}
                    ).encode()  # fmt: skip
                    kind = JSON_TYPE
                elif self.path.startswith("/files/") and self.path[7:] in index.files:
                    data, kind = index.files[self.path[7:]], "application/octet-stream"
                else:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if body:
                    self.wfile.write(data)

            def do_GET(self) -> None:
                self._answer(True)

            def do_HEAD(self) -> None:
                self._answer(False)

            def log_message(self, *args: object) -> None:
                pass

        return Handler

    @contextmanager
    def serving(self) -> Iterator[DatedIndex]:
        server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{server.server_address[1]}/simple"
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            server.shutdown()
            server.server_close()
