"""Opening the database and the one place that opens transactions."""

from __future__ import annotations

import os
import sqlite3
from contextlib import contextmanager
from pathlib import Path

from xueji.domain.errors import N_, ConfigError, DatabaseBusy, IntegrityFailure, XuejiError
from xueji.store.sqlite import migrations


def _is_busy(error: sqlite3.OperationalError) -> bool:
    text = str(error).lower()
    return "locked" in text or "busy" in text


class Store:
    """A connection to one registry file. ``transaction()`` is the unit of work."""

    engine = "sqlite"

    def __init__(self, path: Path, busy_timeout: float = 10.0, create: bool = False):
        # The file itself, not a link to it: a link in a read-only folder must not make the registry read-only
        # (a reveal from it could not be logged), and SQLite keeps its -wal and -shm beside the real file.
        self.path = Path(os.path.realpath(Path(path).expanduser()))
        self._depth = 0
        self.witness = None  # called with the heads after every commit when audit.witness is configured
        self.created = not self.path.exists()
        if not self.path.exists():
            if not create:
                raise ConfigError(
                    N_("There is no database at {path}."),
                    hint=N_("Run `xueji init` to create it, or give its path with --db."),
                    path=str(self.path),
                )
            self._create_file()
        # On a read-only file or folder (a backup on read-only media) SQLite cannot create the WAL's files:
        # open it immutable, so reading works and any write is refused clearly.
        self.read_only = not (os.access(self.path, os.W_OK) and os.access(self.path.parent, os.W_OK))
        try:
            if self.read_only:
                from urllib.parse import quote

                self.conn = sqlite3.connect(f"file:{quote(str(self.path))}?mode=ro&immutable=1", uri=True)
            else:
                self.conn = sqlite3.connect(self.path, timeout=busy_timeout)
            self.conn.execute("PRAGMA foreign_keys = ON")
            self.conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
            tables = {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if "_migrations" not in tables and (tables or not create):
                # Someone else's database: refused and left exactly as it was (no tables added, no WAL switch).
                self.conn.close()
                raise ConfigError(N_("{path} is not a xueji database: nothing was changed."),
                                  hint=N_("Check the path given with --db or in the configuration; `xueji init` "
                                          "creates a new database."), path=str(self.path))
            outdated = migrations.pending(self.conn)
        except sqlite3.DatabaseError as error:
            if isinstance(error, sqlite3.OperationalError) and _is_busy(error):
                raise DatabaseBusy() from None
            raise ConfigError(N_("{path} is not a xueji database: nothing was changed."), path=str(self.path),
                              hint=N_("Check the path given with --db or in the configuration; `xueji init` "
                                      "creates a new database.")) from None
        if outdated:
            if self.read_only:
                raise self._read_only_error()
            self._upgrade()

    def login(self) -> None:
        """A file has no logins: who is working is the OS account running the process (the services ask it)."""
        return None

    def _read_only_error(self) -> ConfigError:
        return ConfigError(N_("The database {path} is read-only: nothing was changed."),
                           hint=N_("Check the permissions of the file and its folder, or the disk it is on."),
                           path=str(self.path))

    def _create_file(self) -> None:
        if not self.path.parent.is_dir():
            raise ConfigError(N_("The folder {path} does not exist."), path=str(self.path.parent))
        try:
            # Readable by its owner only: the file holds personal data.
            os.close(os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        except FileExistsError:
            pass
        except OSError as error:
            raise ConfigError(N_("Cannot create {path}: {detail}."), path=str(self.path), detail=error.strerror) from None

    def _upgrade(self) -> None:
        # WAL lets readers work beside a writer; the mode is persistent, set once outside a transaction.
        if self.conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            try:
                self.conn.execute("PRAGMA journal_mode = WAL")
            except sqlite3.OperationalError as error:
                raise translate_sqlite_error(error) from None
        # Foreign keys off while tables are rebuilt (SQLite's procedure for schema changes ALTER cannot make): the
        # pragma is honoured only outside a transaction. Every key is checked before the upgrade commits.
        self.conn.execute("PRAGMA foreign_keys = OFF")
        try:
            with self.transaction() as repo:
                if migrations.pending(self.conn):  # another process may have migrated while we waited
                    try:
                        migrations.migrate(self.conn)
                    except sqlite3.IntegrityError as error:  # a row the new constraints refuse: the rules were broken
                        raise IntegrityFailure(
                            N_("The upgrade of {path} stopped at a row that breaks a rule of the registry ({detail}); "
                               "nothing was changed."), hint=N_("Call the supervision group (xueji check)."),
                            path=str(self.path), detail=str(error).split(":")[0]) from None
                    broken = self.conn.execute("PRAGMA foreign_key_check").fetchone()
                    if broken:
                        raise IntegrityFailure(
                            N_("The upgrade of {path} found a row of {table} whose reference leads nowhere; nothing "
                               "was changed."), hint=N_("Call the supervision group (xueji check)."),
                            path=str(self.path), table=broken[0])
                repo.commit()
        finally:
            self.conn.execute("PRAGMA foreign_keys = ON")

    @property
    def readable_by_others(self) -> bool:
        import stat

        return bool(os.stat(self.path).st_mode & stat.S_IROTH)

    def reader(self):
        """A repository for reading outside any transaction."""
        from xueji.store.repository import Repository

        return Repository(self.conn, self)

    @contextmanager
    def transaction(self):
        """The unit of work: BEGIN IMMEDIATE (the write lock is taken before anything is read, so counters cannot
        race), and ROLLBACK on leaving unless the use case called ``commit()`` on what this yields.

        Inside an open unit of work (an approval applying a request, a college's rehearsal) this is a SAVEPOINT:
        its ``commit()`` keeps its work for the outer unit to commit or roll back; without it only the inner
        work is undone. Nothing ever joins silently and commits on someone else's behalf.
        """
        from xueji.store.repository import Repository, savepoint

        if self.conn.in_transaction:
            with savepoint(self, Repository(self.conn, self)) as repo:
                yield repo
            return
        if self.read_only:
            raise self._read_only_error()
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            if _is_busy(error):
                raise DatabaseBusy() from None
            raise translate_sqlite_error(error) from None
        repo = Repository(self.conn, self)
        try:
            yield repo
        except sqlite3.Error as error:  # the engine's trouble leaves the store in xueji's words, rolled back
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise translate_sqlite_error(error) from None
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        if not repo.committed:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            return
        head = repo.heads() if self.witness is not None else None
        try:
            self.conn.execute("COMMIT")
        except sqlite3.OperationalError as error:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            if _is_busy(error):
                raise DatabaseBusy() from None
            raise translate_sqlite_error(error) from None
        if head is not None:
            self.witness(head)

    @contextmanager
    def snapshot(self):
        """One read transaction (one WAL snapshot): everything read inside sees the same database."""
        from xueji.store.repository import Repository

        if self.conn.in_transaction:
            yield Repository(self.conn, self)
            return
        self.conn.execute("BEGIN")
        try:
            yield Repository(self.conn, self)
        except sqlite3.Error as error:
            raise translate_sqlite_error(error) from None
        finally:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")

    def backup_to(self, target: Path):
        """A consistent copy into the new file ``target`` with SQLite's online backup API while others work (its
        mode and group the database's); None: the caller verifies the file itself."""
        from xueji.store.sqlite import copies

        copies.create_like(target, self.path)
        copies.copy_into(self.conn, target)
        return None

    def restore_from(self, origin: Path, kept: Path) -> None:
        """The database replaced by ``origin`` (already verified), the current one first copied to ``kept``."""
        from xueji.store.sqlite import copies

        copies.create_like(kept, self.path)
        copies.copy_into(self.conn, kept)
        copies.replace_from(origin, self.conn)

    def close(self) -> None:
        self.conn.close()


def storage_failure(error: BaseException) -> XuejiError | None:
    """``error`` in xueji's words if the database engine raised it; None for anything else."""
    return translate_sqlite_error(error) if isinstance(error, sqlite3.Error) else None


def translate_sqlite_error(error: sqlite3.Error) -> XuejiError:
    if isinstance(error, sqlite3.OperationalError) and _is_busy(error):
        return DatabaseBusy()
    text = str(error).lower()
    if "full" in text:
        return ConfigError(N_("The disk is full: nothing was changed."),
                           hint=N_("Free some space (or move the database) and try again."))
    if "readonly" in text or "read-only" in text:
        return ConfigError(N_("The database is read-only: nothing was changed."),
                           hint=N_("Check the permissions of the file and its folder, or the disk it is on."))
    return ConfigError(N_("The database could not be used: {detail}."), detail=str(error))
