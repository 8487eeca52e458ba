"""The domain: rules of the registry with no I/O (no SQLite, no TOML, no screens)."""
