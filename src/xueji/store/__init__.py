"""The store: the SQLite file, its migrations and the repository. The only place that speaks SQL."""
