"""DEP007: when what installs or runs fails today, did it work as of its commit date, and
what changed since? The rerun as of then, the moved distributions, the culprit, the fix."""
