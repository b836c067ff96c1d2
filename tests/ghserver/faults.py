"""Injected faults: answers given instead of the real handler, each a set number of times."""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any


@dataclass(frozen=True)
class Fault:
    """Answer ``status`` to requests whose method is ``method`` (or ``*``) and whose path
    matches ``path_regex`` (``re.search``), ``times`` times. ``body`` is a JSON object, or a
    string used as ``message``; by default the status phrase."""

    method: str
    path_regex: str
    status: int
    headers: Mapping[str, str] = field(default_factory=dict)
    body: Any = None
    times: int = 1

    def response_body(self) -> Any:
        if isinstance(self.body, str):
            return {"message": self.body, "documentation_url": "https://docs.github.com/rest"}
        if self.body is None:
            try:
                return {"message": HTTPStatus(self.status).phrase}
            except ValueError:
                return {"message": f"Error {self.status}"}
        return self.body

    def to_json(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "path_regex": self.path_regex,
            "status": self.status,
            "headers": dict(self.headers),
            "body": self.body,
            "times": self.times,
        }


class FaultBook:
    """Pending faults in the order they were added; the first match is used up first."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: list[list[Any]] = []  # [fault, remaining]

    def add(self, fault: Fault) -> Fault:
        re.compile(fault.path_regex)  # a bad pattern fails here, not on a later request
        if fault.times < 1:
            raise ValueError(f"times must be at least 1, not {fault.times}")
        with self._lock:
            self._pending.append([fault, fault.times])
        return fault

    def take(self, method: str, path: str) -> Fault | None:
        with self._lock:
            for entry in self._pending:
                fault: Fault = entry[0]
                if fault.method.upper() not in ("*", method.upper()):
                    continue
                if re.search(fault.path_regex, path):
                    entry[1] -= 1
                    if entry[1] == 0:
                        self._pending.remove(entry)
                    return fault
        return None

    def pending(self) -> list[tuple[Fault, int]]:
        with self._lock:
            return [(entry[0], entry[1]) for entry in self._pending]

    def clear(self) -> None:
        with self._lock:
            self._pending.clear()
