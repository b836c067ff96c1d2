"""DEP007: it worked as of its commit date (the verdict over the as-of-date pass)."""

from __future__ import annotations

from reprobot.checks.core.check import Check, Context
from reprobot.checks.core.model import Outcome, Status, errored, failed, skipped
from reprobot.checks.families.dependencies.asof.fixes import rot_fixes
from reprobot.checks.families.dependencies.asof.rerun import WATCHED, as_of
from reprobot.checks.families.dependencies.asof.words import (
    rot_findings,
    rot_message,
    then_failures,
)


class DEP007(Check):
    """It worked as of its commit date

    Unpinned dependencies move on after a paper is published: a release removes an API
    the code uses, and the code that ran then fails now. When what installs or runs the
    repository fails today, reprobot installs the same declarations again as they would
    have resolved on the commit's date (with the Python of that time when none is
    asked for) and runs what failed again. When that works, the dependency rotted: the
    distributions that moved are named, the one that broke it is found by pinning them
    back, and the smallest pin that makes it work today is tried before it is proposed,
    with a lock file of the resolution that worked. When it fails as of then too, the
    code never worked with what it declares. Set `dependencies.as_of` to `off`, or to
    the date to use.
    """

    after = frozenset(WATCHED)

    def evaluate(self, ctx: Context) -> Outcome:
        found = ctx.fact(as_of)
        if found.state == "off":
            return skipped("dependencies.as_of is off in the reprobot configuration")
        if found.state == "nothing failed":
            return skipped("nothing that installs or runs the repository failed today")
        if found.state == "no date":
            return skipped(
                "the commit's date is unknown (not a git checkout): set dependencies.as_of "
                "to the date the work was done, e.g. 2021-06-01"
            )
        if found.state == "error":
            return errored(then_failures(found))
        if found.state == "never worked":
            return failed(then_failures(found))
        return Outcome(Status.PASS, rot_message(found), rot_findings(found), ctx.fact(rot_fixes))
