"""Integration tests: the real package index and the action's container."""
