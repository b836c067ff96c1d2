"""When a run fails the job: the one policy for every command's exit code."""

from __future__ import annotations

from checks.core.model import Status

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def is_failing(status: Status, fail_on: str) -> bool:
    """Whether the result counts as failing: always on `fail`, on `warn` too if asked."""
    return status is Status.FAIL or (fail_on == "warn" and status is Status.WARN)


def exit_code(status: Status, fail_on: str = "fail") -> int:
    """The process's exit code for a result: failing by `fail_on` (`never`: always 0)."""
    return EXIT_OK if fail_on == "never" or not is_failing(status, fail_on) else EXIT_FAILED
