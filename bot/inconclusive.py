"""Whether a run said anything about the repository.

A check ends in `error` when reprobot could not examine what it checks: the package index
could not be reached or its certificate is not trusted here, the disk was full, a Python
could not be downloaded, or the check itself broke. None of that is the repository's
fault, so a run whose only problems are errors is inconclusive: it opens, reopens and
closes no tracking issue and leaves the badge as the last conclusive run left it (red
only when a check really failed). A run with a real failure is conclusive, errors or not.
"""

from __future__ import annotations

from reprobot.checks.core.model import Report, Status


def inconclusive(report: Report) -> bool:
    """Errors and no failure: the run cannot say whether the repository is reproducible."""
    statuses = {check.status for check in report.checks}
    return Status.ERROR in statuses and Status.FAIL not in statuses


def errors(report: Report) -> tuple[str, ...]:
    """The codes of the checks that ended in `error`, in report order."""
    return tuple(check.code for check in report.checks if check.status is Status.ERROR)
