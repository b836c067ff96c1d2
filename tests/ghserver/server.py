"""A GitHub-compatible REST server on 127.0.0.1 for tests that drive the real PyGithub client.

    with GitHubServer() as server:
        server.add_token("t")
        server.add_repo("octo-org/research")
        gh = Github(base_url=server.url, auth=Auth.Token("t"), retry=None,
                    seconds_between_requests=0, seconds_between_writes=0)

Order of work for each request: control routes (``/_test/...``, see ``control.py``), the
request log, injected faults, authentication, routing (unknown routes: 404 and recorded),
repository lookup, write permission, body validation against the OpenAPI extract, the handler,
pagination; every answer carries rate-limit and media-type headers.
"""

from __future__ import annotations

import json
import os
import re
import threading
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple, cast
from urllib.parse import parse_qsl, urlsplit

from .api import ApiError, Call, GlobalHandler, Handler, Reply
from .control import control
from .faults import Fault, FaultBook
from .handlers_misc import RATE_LIMIT, reset_time
from .paging import paginate
from .payloads import Urls
from .routes import OPENAPI_PATH, Router
from .seeding import Seeder
from .snapshot import state_snapshot
from .state import Comment, GitHubState, Issue, User
from .transport import HttpServer
from .validation import check_body

READS = ("GET", "HEAD")


class RecordedRequest(NamedTuple):
    method: str
    path: str
    query: dict[str, str]
    body: Any  # the parsed JSON body, or None


class GitHubServer(Seeder):
    """The test server: seed it, start it, point PyGithub at ``url``, assert on its state."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        state_file: str | os.PathLike[str] | None = None,
        openapi_path: Path = OPENAPI_PATH,
        web_url: str = "https://github.com",
    ) -> None:
        self.state = GitHubState()
        self.router = Router(openapi_path)
        self.faults = FaultBook()
        self.requests: list[RecordedRequest] = []
        self.unknown_routes: list[tuple[str, str]] = []
        self.state_file = Path(state_file) if state_file else None
        self.web_url = web_url
        self._persisting = threading.Lock()
        self._http = HttpServer(host, port, self.respond)

    # -- life cycle -------------------------------------------------------------------------

    @property
    def url(self) -> str:
        host, port = self._http.address
        return f"http://{'127.0.0.1' if host in ('0.0.0.0', '') else host}:{port}"

    def start(self) -> GitHubServer:
        self._http.start()
        self._changed()
        return self

    def stop(self) -> None:
        self._http.stop()

    def __enter__(self) -> GitHubServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- test controls ----------------------------------------------------------------------

    def inject(
        self,
        method: str,
        path_regex: str,
        status: int,
        *,
        headers: Mapping[str, str] | None = None,
        body: Any = None,
        times: int = 1,
    ) -> Fault:
        """Answer the next ``times`` matching requests with ``status`` instead of handling them."""
        fault = self.faults.add(Fault(method, path_regex, status, dict(headers or {}), body, times))
        self._changed()
        return fault

    def reset(self) -> None:
        """Forget everything: state, tokens, faults, request log and unknown routes."""
        self.state = GitHubState()
        self.faults.clear()
        self.requests.clear()
        self.unknown_routes.clear()
        self._changed()

    def calls(self, method: str | None = None, path_regex: str = "") -> list[RecordedRequest]:
        """Logged requests with this method (any if None) whose path matches ``path_regex``."""
        return [
            r
            for r in list(self.requests)
            if (method is None or r.method == method.upper()) and re.search(path_regex, r.path)
        ]

    def snapshot(self) -> dict[str, Any]:
        data = state_snapshot(self.state)
        data["url"] = self.url
        data["requests"] = [r._asdict() for r in list(self.requests)]
        data["unknown_routes"] = [list(r) for r in list(self.unknown_routes)]
        data["faults"] = [{**f.to_json(), "remaining": n} for f, n in self.faults.pending()]
        return data

    def comments(self, full_name: str, number: int) -> list[Comment]:
        with self.state.lock:
            repo = self.state.repo(full_name)
            return sorted(
                (c for c in repo.comments.values() if c.issue_number == number),
                key=lambda c: c.id,
            )

    def issue(self, full_name: str, number: int) -> Issue:
        with self.state.lock:
            return self.state.repo(full_name).issues[number]

    def file(self, full_name: str, path: str, ref: str | None = None) -> bytes | None:
        """A file's bytes on ``ref`` (default branch if None), or None when it is absent."""
        with self.state.lock:
            commit = self.state.repo(full_name).resolve(ref)
            return None if commit is None else commit.tree.get(path)

    def _changed(self) -> None:
        if self.state_file is None:
            return
        with self._persisting:  # one writer at a time, so the file ends with the last state
            text = json.dumps(self.snapshot(), indent=1, sort_keys=True)
            partial = self.state_file.with_name(f".{self.state_file.name}.{uuid.uuid4().hex}")
            partial.write_text(text, encoding="utf-8")
            os.replace(partial, self.state_file)

    # -- requests ---------------------------------------------------------------------------

    def respond(
        self, method: str, target: str, headers: dict[str, str], raw: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        split = urlsplit(target)
        path, query = split.path, dict(parse_qsl(split.query, keep_blank_values=True))
        host = headers.get("host") or self.url.removeprefix("http://")
        urls = Urls(f"http://{host}", self.web_url)
        if path.startswith("/_test/"):
            status, body = control(self, method, path, raw)
            return self._finish(status, {}, body, headers, count=False)
        if path.startswith("/_blobs/"):
            return self._blob(path, headers)
        try:
            body = json.loads(raw) if raw.strip() else None
        except ValueError:
            self.requests.append(RecordedRequest(method, path, query, raw.decode(errors="replace")))
            return self._error(ApiError(400, "Problems parsing JSON"), headers, "")
        self.requests.append(RecordedRequest(method, path, query, body))
        try:
            reply = self._api(method, path, query, body, headers=headers, urls=urls)
        except ApiError as error:
            status, out_headers, data = self._error(error, headers, self._doc_url(method, path))
        else:
            status, out_headers, data = self._reply(reply, path, query, headers, urls)
        self._changed()
        return status, out_headers, data

    def _doc_url(self, method: str, path: str) -> str:
        match = self.router.match("GET" if method == "HEAD" else method, path)
        return self.router.doc_url(match.operation.operation_id) if match else ""

    def _api(
        self,
        method: str,
        path: str,
        query: dict[str, str],
        body: Any,
        *,
        headers: dict[str, str],
        urls: Urls,
    ) -> Reply:
        fault = self.faults.take(method, path)
        if fault is not None:
            return Reply(fault.status, fault.response_body(), dict(fault.headers))
        match = self.router.match("GET" if method == "HEAD" else method, path)
        if match is None:
            self.unknown_routes.append((method, path))
        user, permission = self._authenticate(headers)
        if match is None:
            raise ApiError(404, "Not Found")
        operation = match.operation
        with self.state.lock:
            repo = None
            if operation.repo_scoped:
                repo = self.state.find_repo(match.params["owner"], match.params["repo"])
                if repo is None or (repo.private and user is None):
                    raise ApiError(404, "Not Found")
            if method not in READS:
                if user is None:
                    raise ApiError(401, "Requires authentication")
                if permission != "write":
                    needed = {"x-accepted-github-permissions": operation.permission or ""}
                    raise ApiError(403, "Resource not accessible by integration", headers=needed)
            if operation.operation_id == "issues/add-labels" and isinstance(body, list):
                body = {"labels": body}  # GitHub also takes the bare array PyGithub sends
            problem = check_body(dict(match.spec), body)
            if problem:
                raise ApiError(422, problem)
            doc_url = self.router.doc_url(operation.operation_id)
            call = Call(method, path, match.params, query, body, urls, user, headers, doc_url)
            if repo is None:
                return cast(GlobalHandler, operation.handler)(self.state, call)
            return cast(Handler, operation.handler)(self.state, repo, call)

    def _authenticate(self, headers: Mapping[str, str]) -> tuple[User | None, str | None]:
        value = headers.get("authorization", "")
        if not value:
            return None, None
        scheme, _, secret = value.partition(" ")
        token = self.state.tokens.get(secret.strip())
        if scheme.lower() not in ("token", "bearer") or token is None:
            raise ApiError(401, "Bad credentials")
        return token.user, token.permission

    def _reply(
        self, reply: Reply, path: str, query: dict[str, str], headers: dict[str, str], urls: Urls
    ) -> tuple[int, dict[str, str], bytes]:
        body, out_headers = reply.body, dict(reply.headers)
        if reply.paginate:
            items = body[reply.page_key] if reply.page_key else body
            chunk, link = paginate(items, path, query, urls)
            body = {**body, reply.page_key: chunk} if reply.page_key else chunk
            if link:
                out_headers["Link"] = link
        return self._finish(reply.status, out_headers, body, headers, count=path != "/rate_limit")

    def _error(
        self, error: ApiError, headers: dict[str, str], doc_url: str
    ) -> tuple[int, dict[str, str], bytes]:
        body: dict[str, Any] = {"message": error.message}
        if error.errors is not None:
            body["errors"] = error.errors
        body["documentation_url"] = doc_url or "https://docs.github.com/rest"
        body["status"] = str(error.status)
        return self._finish(error.status, error.headers, body, headers, count=True)

    def _finish(
        self, status: int, out: dict[str, str], body: Any, headers: dict[str, str], *, count: bool
    ) -> tuple[int, dict[str, str], bytes]:
        with self.state.lock:
            key = headers.get("authorization", "")
            used = self.state.used.get(key, 0) + (1 if count else 0)
            self.state.used[key] = used
        result = {
            "Content-Type": "application/json; charset=utf-8",
            "X-GitHub-Media-Type": "github.v3; format=json",
            "X-GitHub-Api-Version-Selected": "2022-11-28",
            "X-GitHub-Request-Id": uuid.uuid4().hex[:20].upper(),
            "x-ratelimit-limit": str(RATE_LIMIT),
            "x-ratelimit-remaining": str(max(RATE_LIMIT - used, 0)),
            "x-ratelimit-used": str(used),
            "x-ratelimit-reset": str(reset_time()),
            "x-ratelimit-resource": "core",
            **out,
        }
        if isinstance(body, bytes):
            return status, result, body
        data = b"" if body is None else json.dumps(body).encode()
        return status, result, data

    def _blob(self, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        """Stands in for the storage host a download redirect points at (no auth needed)."""
        found = re.fullmatch(r"/_blobs/artifacts/(\d+)\.zip", path)
        with self.state.lock:
            for repo in self.state.repos.values():
                artifact = repo.artifacts.get(int(found.group(1))) if found else None
                if artifact is not None:
                    return 200, {"Content-Type": "application/zip"}, artifact.data
        return 404, {"Content-Type": "text/plain"}, b"Not Found"
