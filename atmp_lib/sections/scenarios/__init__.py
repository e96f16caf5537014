"""The scenarios section."""
