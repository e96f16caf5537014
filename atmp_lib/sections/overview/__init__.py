"""The overview section."""
