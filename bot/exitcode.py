"""When a run fails the job: the one policy for every command's exit code.

| code | meaning |
|---|---|
| 0 | nothing failed that `fail_on` counts |
| 1 | a check failed (or warned, with `fail_on: warn`) |
| 2 | bad usage: an unknown option or code, an invalid `.reprobot.yml`, invalid inputs |
| 3 | reprobot could not check: a check ended in `error` (the machine, the network) |

`fail_on` says what counts: `fail` (the default: failures, and errors as 3), `warn`
(warnings too), `error` (only errors: the checks are advisory, but a run that could not
check still fails), `never` (always 0).
"""

from __future__ import annotations

from collections.abc import Iterable

from reprobot.checks.core.model import Report, Status

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_ERROR = 0, 1, 2, 3
FAIL_ON = ("fail", "warn", "error", "never")


def _statuses(result: Report | Status | Iterable[Status]) -> set[Status]:
    if isinstance(result, Report):
        return {check.status for check in result.checks}
    if isinstance(result, Status):
        return {result}
    return set(result)


def is_failing(result: Report | Status | Iterable[Status], fail_on: str) -> bool:
    """Whether the repository's result counts as failing: on `fail`, on `warn` too if asked."""
    statuses = _statuses(result)
    if fail_on in ("never", "error"):
        return False
    return Status.FAIL in statuses or (fail_on == "warn" and Status.WARN in statuses)


def exit_code(result: Report | Status | Iterable[Status], fail_on: str = "fail") -> int:
    """The process's exit code for a result (a report, or the statuses of its checks)."""
    if fail_on == "never":
        return EXIT_OK
    if is_failing(result, fail_on):
        return EXIT_FAILED
    return EXIT_ERROR if Status.ERROR in _statuses(result) else EXIT_OK
