"""The international section."""
