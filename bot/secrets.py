"""The token: kept out of every process the code under test could look into, and masked
in everything reprobot publishes, as the last line of defence.

A process's initial environment stays readable in `/proc/<pid>/environ` by every process
of the same user, whatever the process later does to `os.environ`. So when the code under
test would run as our own user, reprobot re-executes itself with the token variables
removed and hands them over through a pipe instead.
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import json
import os
import sys
from collections.abc import Mapping, MutableMapping, Sequence
from typing import Any, TypeVar

from reprobot.bot.inputs import TOKEN_VARIABLES

HANDOVER_FD = "REPROBOT_SECRETS_FD"
MASK = "***"
T = TypeVar("T")


def _secret_names(environ: Mapping[str, str]) -> list[str]:
    return [name for name in TOKEN_VARIABLES if environ.get(name)]


def hand_over(environ: Mapping[str, str], command: Sequence[str], *, shares_user: bool) -> None:
    """Re-execute as `command` without the token in the environment, passing it through
    a pipe, when the code under test shares our user. Returns only when there is nothing
    to hide (or on a platform without pipes to hand over)."""
    names = _secret_names(environ)
    if not shares_user or not names or HANDOVER_FD in environ or os.name != "posix":
        return
    payload = json.dumps({name: environ[name] for name in names}).encode()
    read_end, write_end = os.pipe()
    if len(payload) > 60_000:  # more than a pipe holds without a reader: keep it as it is
        os.close(read_end)
        os.close(write_end)
        return
    os.write(write_end, payload)
    os.close(write_end)
    os.set_inheritable(read_end, True)
    clean = {k: v for k, v in environ.items() if k not in names}
    clean[HANDOVER_FD] = str(read_end)
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(command[0], list(command), clean)


def take_over(environ: MutableMapping[str, str]) -> None:
    """Read the token handed over by `hand_over` back into `environ` (ours, in memory: the
    kernel's copy of our environment never holds it)."""
    fd_text = environ.pop(HANDOVER_FD, None)
    if fd_text is None or not fd_text.isdigit():
        return
    fd = int(fd_text)
    try:
        chunks = []
        while chunk := os.read(fd, 65536):
            chunks.append(chunk)
        handed = json.loads(b"".join(chunks) or b"{}")
    except (OSError, ValueError):
        return
    finally:
        with contextlib.suppress(OSError):
            os.close(fd)
    for name, value in handed.items() if isinstance(handed, dict) else ():
        if name in TOKEN_VARIABLES and isinstance(value, str):
            environ[name] = value


def secret_forms(token: str) -> tuple[str, ...]:
    """The token as it may appear in output: itself, and the basic-auth header value that
    actions/checkout writes into `.git/config` (`x-access-token:<token>` in base64)."""
    if len(token) < 8:  # too short to mask without masking ordinary words
        return ()
    forms = [token]
    for user in ("x-access-token", "pat", "token"):
        forms.append(base64.b64encode(f"{user}:{token}".encode()).decode())
    forms.append(base64.b64encode(token.encode()).decode())
    return tuple(forms)


def redact_text(text: str, forms: Sequence[str]) -> str:
    for form in forms:
        if form in text:
            text = text.replace(form, MASK)
    return text


def redact(value: T, forms: Sequence[str]) -> T:
    """`value` (a report, or any frozen data made of strings, tuples, mappings and
    dataclasses) with every form of the token masked."""
    if not forms:
        return value
    return _redact(value, forms)  # type: ignore[no-any-return]


def _redact(value: Any, forms: Sequence[str]) -> Any:
    if isinstance(value, str):
        return redact_text(value, forms)
    if isinstance(value, tuple):
        return tuple(_redact(v, forms) for v in value)
    if isinstance(value, list):
        return [_redact(v, forms) for v in value]
    if isinstance(value, Mapping):
        return {_redact(k, forms): _redact(v, forms) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {
            f.name: _redact(getattr(value, f.name), forms) for f in dataclasses.fields(value)
        }
        return dataclasses.replace(value, **changes)
    return value
