"""Facts read from the repository's own files, each file parsed once a run."""
