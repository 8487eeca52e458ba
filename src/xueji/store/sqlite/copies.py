"""Copies of the database with SQLite's online backup API (consistent while others write), and read-only looks at
a database file: the backup service's SQLite, kept in the store like all the rest."""

from __future__ import annotations

import os
import sqlite3
from contextlib import contextmanager
from pathlib import Path

from xueji.domain.errors import N_, ConfigError, IntegrityFailure
from xueji.store.repository import Repository


@contextmanager
def reading(path: Path):
    """A read-only repository on the database file ``path``, in one snapshot; a file SQLite cannot read as a
    database is IntegrityFailure (exit 7), whenever it shows."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        conn.execute("BEGIN")
        yield Repository(conn)
    except sqlite3.DatabaseError:
        raise IntegrityFailure(N_("{path} is not a readable xueji database."), path=str(path)) from None
    finally:
        conn.close()


def settle(path: Path) -> None:
    """A finished archive as one self-contained file (rollback journal, not WAL): no -wal or -shm beside it, so it
    opens on read-only media and travels as one file."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA journal_mode = DELETE")
    finally:
        conn.close()


def create_like(target: Path, model: Path) -> None:
    """A new file with the database's mode and group, so a shared (group) setup keeps working."""
    info = os.stat(model)
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    except OSError as error:  # a read-only disk, a folder not ours: one line, exit 4, nothing written
        raise ConfigError(N_("Cannot write {path}: {detail}."), path=str(target),
                          detail=error.strerror or str(error)) from None
    os.close(fd)
    os.chmod(target, info.st_mode & 0o660)  # explicitly: the umask would take the group's write bit away
    try:
        os.chown(target, -1, info.st_gid)
    except PermissionError:
        pass


def copy_into(source: sqlite3.Connection, target: Path) -> None:
    """The whole database of ``source`` into the new file ``target`` (removed again if the copy fails)."""
    conn = sqlite3.connect(target)
    try:
        source.backup(conn)
    except sqlite3.Error:
        conn.close()
        target.unlink(missing_ok=True)
        raise
    conn.close()


def replace_from(origin: Path, target: sqlite3.Connection) -> None:
    """The database file ``origin`` copied over the open database ``target`` (a restore)."""
    source = sqlite3.connect(f"file:{origin}?mode=ro", uri=True)
    try:
        source.backup(target)
    finally:
        source.close()
