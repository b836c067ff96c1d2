"""Benchmarks: reprobot's phases against the obvious alternatives, side by side."""
