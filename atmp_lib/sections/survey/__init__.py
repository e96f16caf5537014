"""The survey section."""
