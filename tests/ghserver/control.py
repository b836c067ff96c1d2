"""``/_test/...`` routes, so a process outside the tests can seed, break and read the server.

=======  ======================  ============================================================
GET      /_test/state            the whole state, request log, unknown routes, pending faults
GET      /_test/requests         the request log: [{method, path, query, body}, ...]
GET      /_test/unknown_routes   [[method, path], ...] answered 404 as not a GitHub route
GET      /_test/faults           pending faults with ``remaining`` counts
POST     /_test/inject           {method, path_regex, status, headers?, body?, times?} -> 201
POST     /_test/seed             a seed object (see ``Seeder.seed``) -> 200 state
POST     /_test/reset            forget everything; an optional seed object is applied after
=======  ======================  ============================================================

These routes need no token, are not logged as requests and do not count against the rate limit.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .server import GitHubServer


def control(server: GitHubServer, method: str, path: str, raw: bytes) -> tuple[int, Any]:
    try:
        body = json.loads(raw) if raw.strip() else None
    except ValueError as error:
        return 400, {"message": f"body is not JSON: {error}"}
    route = (method, path.rstrip("/"))
    try:
        if route == ("GET", "/_test/state"):
            return 200, server.snapshot()
        if route == ("GET", "/_test/requests"):
            return 200, server.snapshot()["requests"]
        if route == ("GET", "/_test/unknown_routes"):
            return 200, server.snapshot()["unknown_routes"]
        if route == ("GET", "/_test/faults"):
            return 200, server.snapshot()["faults"]
        if route == ("POST", "/_test/inject"):
            spec = dict(body or {})
            fault = server.inject(
                str(spec.pop("method")),
                str(spec.pop("path_regex")),
                int(spec.pop("status")),
                **spec,
            )
            return 201, fault.to_json()
        if route == ("POST", "/_test/seed"):
            server.seed(body or {})
            return 200, server.snapshot()
        if route == ("POST", "/_test/reset"):
            server.reset()
            if body:
                server.seed(body)
            return 200, server.snapshot()
    except (KeyError, TypeError, ValueError) as error:
        return 400, {"message": f"{method} {path}: {error!r}"}
    return 404, {"message": f"no control route {method} {path}"}
