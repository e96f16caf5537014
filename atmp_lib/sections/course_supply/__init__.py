"""The course supply section."""
