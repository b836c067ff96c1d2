"""licence."""
