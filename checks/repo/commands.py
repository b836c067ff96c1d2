"""A command line a repository configures (`tests.command`, `run.commands`, a tox or nox
command), as the argv to start: split with `shlex` and started directly, through `sh -c`
only when it uses shell syntax outside quotes (a pipe, `&&`, a redirection, `$VAR`, a
glob, a `NAME=value` prefix, ...) or cannot be split."""

from __future__ import annotations

import shlex

SHELL_CHARS = frozenset("|&;<>()$`*?[]~{}\n#")


def needs_shell(command: str) -> bool:
    """Whether a command uses shell syntax outside quotes (or starts with `NAME=value`)."""
    quote: str | None = None
    escaped = False
    for char in command:
        if escaped:
            escaped = False
        elif char == "\\" and quote != "'":
            escaped = True
        elif quote == "'":
            quote = None if char == "'" else quote
        elif quote == '"':
            if char in "$`":
                return True
            quote = None if char == '"' else quote
        elif char in "'\"":
            quote = char
        elif char in SHELL_CHARS:
            return True
    first = command.split(maxsplit=1)[0] if command.strip() else ""
    return "=" in first and not first.startswith(("-", "=")) and first.split("=")[0].isidentifier()


def command_argv(command: str) -> tuple[str, ...]:
    """A configured command as argv; `("sh", "-c", command)` when it needs the shell."""
    try:
        argv = tuple(shlex.split(command))
    except ValueError:
        return ("sh", "-c", command)
    return ("sh", "-c", command) if not argv or needs_shell(command) else argv


def through_shell(argv: tuple[str, ...], command: str) -> bool:
    return argv == ("sh", "-c", command)
