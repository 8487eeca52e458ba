"""The store: the registry on SQLite (one file; ``store/sqlite/``: the store, its migrations, file copies) or on
PostgreSQL (many desks; ``store/postgres.py``), and the repository both speak through. The only place that speaks
SQL, and the only one that knows which engine runs."""

from __future__ import annotations

import sys
from pathlib import Path

URL_SCHEMES = ("postgresql://", "postgres://")


def is_url(location) -> bool:
    """A PostgreSQL location (``postgresql://…``) rather than a file."""
    return isinstance(location, str) and location.startswith(URL_SCHEMES)


def open_store(location, busy_timeout: float = 10.0, create: bool = False):
    """The registry at ``location``: a SQLite file, or a PostgreSQL URL (psycopg is imported only then)."""
    if is_url(location):
        try:
            from xueji.store.postgres import Store
        except ImportError:
            from xueji.domain.errors import N_, ConfigError

            raise ConfigError(N_("PostgreSQL support is not installed here: nothing was done."),
                              hint=N_("Install it with pip install 'xueji[postgresql]' (psycopg 3).")) from None
    else:
        from xueji.store.sqlite import Store
    return Store(location, busy_timeout, create=create)


def reading_file(path: Path):
    """A read-only look, in one snapshot, at the SQLite file ``path`` (a backup or an archive being verified)."""
    from xueji.store.sqlite.copies import reading

    return reading(path)


def storage_failure(error: BaseException):
    """``error`` in xueji's words if a database engine raised it; None for anything else."""
    from xueji.store.sqlite import storage_failure as sqlite_failure

    found = sqlite_failure(error)
    if found is None and "psycopg" in sys.modules:
        import psycopg

        if isinstance(error, psycopg.Error):
            from xueji.store.postgres import translate

            found = translate(error)
    return found


__all__ = ["is_url", "open_store", "reading_file", "storage_failure"]
