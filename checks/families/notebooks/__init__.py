"""Notebooks: they run, their stored results come out again, their cells were run in order."""
