"""PostgreSQL: one registry for many desks, where the database itself enforces what a file can only ask politely.

- **Identity** is the login (``session_user``), mapped to an operator of the registry by the services.
- **College scope** by row-level security: a login in ``xueji_college`` sees and touches only its college's students,
  their events, name keys and requests — from ``psql`` too.
- **Append-only history** by grants: no role has UPDATE or DELETE on events, the ledger or the access log (and
  triggers refuse it even to the owner). The chains' heads live in one row each (``heads``), moved by triggers as
  events and ledger entries are appended: no login may write them.
- **Masking** by views: ``xueji_viewer`` has no grant on the base tables of students and events; its search path
  finds ``masked.students`` and ``masked.events`` first (ID numbers as 110105********002X, birth dates as the year).
- Writers take one transaction-scoped advisory lock (the equivalent of SQLite's BEGIN IMMEDIATE): seats, ids and
  the chains advance one writer at a time; readers never wait.

psycopg is imported only when a ``postgresql://`` location is used; SQLite start-up does not pay for it.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from functools import lru_cache
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import errors as pg_errors
from psycopg import pq

from xueji.domain import audit
from xueji.domain.errors import (
    N_, ConfigError, DatabaseBusy, DuplicateRegistration, PermissionDenied, RuleViolation, XuejiError,
)
from xueji.store.repository import Repository, savepoint

WRITE_LOCK = 0x78756A69  # the advisory lock every writer holds for its unit of work ("xuji")
GROUPS = {"office": "xueji_office", "college": "xueji_college", "inspector": "xueji_inspector",
          "viewer": "xueji_viewer", "department": "xueji_department"}


def shown(url: str) -> str:
    """A location as it may be printed: never a password."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    user = f"{parts.username}@" if parts.username else ""
    port = f":{parts.port}" if parts.port else ""
    return urlunsplit((parts.scheme, f"{user}{host}{port}", parts.path, parts.query, parts.fragment))


@lru_cache(maxsize=1024)
def _sql(text: str) -> str:
    """The repository's portable SQL (qmark parameters) in psycopg's form."""
    return text.replace("%", "%%").replace("?", "%s")


class _Connection:
    """What the repository speaks to: sqlite3's ``execute``/``executemany`` over a psycopg connection."""

    def __init__(self, pg: psycopg.Connection):
        self.pg = pg

    def execute(self, sql: str, params=()):
        return self.pg.execute(_sql(sql), tuple(params) if params else None)

    def executemany(self, sql: str, rows) -> None:
        with self.pg.cursor() as cursor:
            cursor.executemany(_sql(sql), rows)

    @property
    def in_transaction(self) -> bool:
        return self.pg.info.transaction_status != pq.TransactionStatus.IDLE


class PgRepository(Repository):
    """The repository with PostgreSQL's differences: ids from identity columns, heads in rows, no SQLite catalog."""

    CONTAINS = "strpos({}, ?) > 0"
    # PostgreSQL cannot plan a correlated max(id) in a join condition (it would be evaluated per pair of rows)
    LAST_EVENT = ("LEFT JOIN LATERAL (SELECT id, kind, record_hash FROM events WHERE student_id = s.id "
                  "ORDER BY id DESC LIMIT 1) e ON true")
    _cursors = 0

    @property
    def masked(self) -> bool:
        return self.store.masked

    def _stream(self, sql: str, params=()):
        """A server-side cursor inside the caller's transaction (a snapshot or a unit of work): rows arrive in
        batches, a million are never held; outside one, a plain query."""
        if not self.conn.in_transaction:
            return self.conn.execute(sql, params)
        PgRepository._cursors += 1
        cursor = self.conn.pg.cursor(name=f"xueji_stream_{PgRepository._cursors}")
        cursor.itersize = 5000
        cursor.execute(_sql(sql), tuple(params) if params else None)
        return cursor

    BULK = 256  # rows from which COPY pays (a single enrollment's one row goes by plain INSERT)

    def _insert_many(self, table: str, columns: tuple[str, ...], rows) -> None:
        """A few rows by INSERT; a batch by COPY (through a temporary table where row-level security applies to
        this login): a statement per row costs about twice as much on a 100 000-row roster, while a temporary
        table for one row made a single enrollment six times slower (18 ms against 3)."""
        from itertools import chain, islice

        rows = iter(rows)
        first = list(islice(rows, self.BULK))
        if len(first) < self.BULK:
            super()._insert_many(table, columns, first)
        else:
            self.insert_rows(table, columns, chain(first, rows))

    def _insert_id(self, sql: str, params: tuple) -> int:
        return self.conn.execute(sql + " RETURNING id", params).fetchone()[0]

    def _chain_head(self, table: str, lock: bool = True):
        """From the heads row (a college's login cannot see the whole chain); writers hold the advisory lock, so
        the head cannot move under them."""
        row = self.conn.execute("SELECT id, hash FROM heads WHERE chain = ?", (table,)).fetchone()
        return row if row and row[0] else None

    def recorded_heads(self) -> dict[str, tuple[int, str]]:
        return {chain: (row_id, digest) for chain, row_id, digest in
                self.conn.execute("SELECT chain, id, hash FROM heads ORDER BY chain")}

    def _advance_head(self, table: str, row_id: int, digest: str) -> None:
        """Nothing to do: triggers on events and ledger move the heads row (no login has UPDATE on it)."""

    def next_id(self, table: str) -> int:
        """From the identity column's sequence (never max(id) + 1, which a college's login cannot even see)."""
        return self.conn.execute(f"SELECT nextval(pg_get_serial_sequence('registry.{table}', 'id'))").fetchone()[0]

    def add_many(self, students, origins):
        added = super().add_many(students, origins)
        if added:  # ids were given from the sequence's next value on: move it past them (writers hold the lock)
            self.conn.execute("SELECT setval(pg_get_serial_sequence('registry.students', 'id'), ?)",
                              (max(s.id for s in added),))
        return added

    def table_rows(self, table: str, columns: tuple[str, ...], order: str):
        """Streamed by a server-side cursor (the caller is inside a snapshot): a million rows are never held."""
        return self._stream(f"SELECT {', '.join(columns)} FROM {table} ORDER BY {order}")

    def insert_rows(self, table: str, columns: tuple[str, ...], rows) -> int:
        """By COPY, PostgreSQL's bulk path; the code table's names (which `init` may have written) as an upsert."""
        if table in ("colleges", "majors", "secrets"):
            keys = {"colleges": ("code",), "majors": ("college", "code"), "secrets": ("name",)}[table]
            rows = [tuple(row) for row in rows]
            self.conn.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)}) "
                f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET "
                + ", ".join(f"{c} = excluded.{c}" for c in columns if c not in keys), rows)
            return len(rows)
        if self.conn.execute("SELECT row_security_active(?)", (f"registry.{table}",)).fetchone()[0]:
            return self._insert_through_temporary(table, columns, rows)  # no COPY under row-level security
        return self._copy(table, columns, rows)

    def _insert_through_temporary(self, table: str, columns: tuple[str, ...], rows) -> int:
        """COPY into a temporary table (no row-level security there), then one INSERT … SELECT into the registry's
        table, which the policies check like any INSERT: COPY's speed without going around the policies."""
        load = f"xueji_load_{table}"
        self.conn.pg.execute(f"CREATE TEMPORARY TABLE IF NOT EXISTS {load} (LIKE registry.{table}) ON COMMIT DROP")
        count = self._copy(load, columns, rows)
        listed = ", ".join(columns)
        self.conn.pg.execute(f"INSERT INTO {table} ({listed}) SELECT {listed} FROM {load}")
        self.conn.pg.execute(f"TRUNCATE {load}")
        return count

    def _copy(self, table: str, columns: tuple[str, ...], rows) -> int:
        count = 0
        with self.conn.pg.cursor() as cursor:
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        return count

    def after_copy(self) -> None:
        """The id sequences past the ids that came in, and every operator in force given its login (the heads
        followed the rows by themselves)."""
        for table in ("students", "requests", "access_log", "operators", "certificates", "grants", "settings"):
            self.conn.execute(f"SELECT setval(pg_get_serial_sequence('registry.{table}', 'id'), "
                              f"coalesce((SELECT max(id) FROM {table}), 0) + 1, false)")
        for row in self.operators():
            self.conn.execute("SELECT registry.map_login(?, ?, false)", (row["name"], GROUPS[row["role"]]))

    def head(self) -> tuple[int, str]:
        count = self.conn.execute("SELECT count(*) FROM events").fetchone()[0]
        row = self.conn.execute("SELECT hash FROM heads WHERE chain = 'events'").fetchone()
        return count, (row[0] if row and row[0] else audit.GENESIS)

    def trigger_names(self) -> set[str]:
        return {row[0] for row in self.conn.execute(
            "SELECT tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n "
            "ON n.oid = c.relnamespace WHERE n.nspname = 'registry' AND NOT t.tgisinternal")}

    def has_table(self, name: str) -> bool:
        return self.conn.execute("SELECT to_regclass(?) IS NOT NULL", (f"registry.{name}",)).fetchone()[0]

    def integrity_check(self) -> list[str]:
        return ["ok"]  # PostgreSQL checks its pages itself (checksums, amcheck are the DBA's)

    def add_operator(self, name, role, college, act_as, by, account):
        """An operator is a database login: created if missing and put in its role's group (only that one)."""
        row = super().add_operator(name, role, college, act_as, by, account)
        self.conn.execute("SELECT registry.map_login(?, ?, false)", (name, GROUPS[role]))
        return row

    def end_operator(self, row, by, account, reason):
        """An operator ended: its login keeps no xueji group (the login itself is the DBA's to drop)."""
        ended = super().end_operator(row, by, account, reason)
        self.conn.execute("SELECT registry.map_login(?, ?, true)", (row["name"], GROUPS[row["role"]]))
        return ended


class Store:
    """A connection to a registry on PostgreSQL; the same interface as the SQLite store."""

    engine = "postgresql"
    read_only = False
    readable_by_others = False
    masked = False  # this login reads the masked views (no grant on the students' base table)

    def __init__(self, url: str, busy_timeout: float = 10.0, create: bool = False):
        self.url = url
        self.path = shown(url)  # what messages name
        self.witness = None
        self._depth = 0
        self.created = False
        try:
            self.pg = psycopg.connect(url, autocommit=True, connect_timeout=max(1, int(busy_timeout)),
                                      application_name="xueji")
        except psycopg.Error as error:
            if _REFUSED_LOGIN.search(str(error)):
                raise PermissionDenied(N_("The server at {path} does not let this login in: {detail}."),
                                       path=self.path, detail=_first_line(error).rsplit("FATAL:", 1)[-1].strip(),
                                       hint=N_("Ask the office to add it: xueji operators add NAME --role ROLE.")) \
                    from None
            raise ConfigError(N_("Cannot connect to the registry at {path}: {detail}."), path=self.path,
                              detail=_first_line(error),
                              hint=N_("Check the address, and that the server lets this login in (pg_hba.conf, "
                                      "~/.pgpass).")) from None
        self.conn = _Connection(self.pg)
        try:
            self.pg.execute(f"SET lock_timeout = {int(busy_timeout * 1000)}")
            installed = self.pg.execute("SELECT to_regclass('registry.students') IS NOT NULL").fetchone()[0]
            if not installed:
                if not create:
                    raise ConfigError(N_("{path} is not a xueji database: nothing was changed."), path=self.path,
                                      hint=N_("Check the path given with --db or in the configuration; `xueji init` "
                                              "creates a new database."))
                self._install()
                self.created = True
            # A login that may read the students' base table is not masked; any other reads the masked views.
            self._schema_version(create)
            raw = self.pg.execute("SELECT has_table_privilege('registry.students', 'SELECT')").fetchone()[0]
            masked = not raw and self.pg.execute(
                "SELECT CASE WHEN has_schema_privilege('masked', 'USAGE') "
                "THEN has_table_privilege('masked.students', 'SELECT') ELSE false END").fetchone()[0]
            self.masked = not raw
            self.pg.execute("SET search_path = registry" if raw else "SET search_path = masked, registry" if masked
                            else "SET search_path = granted, masked, registry")  # a department: its grants
        except XuejiError:
            self.pg.close()
            raise
        except psycopg.Error as error:
            self.pg.close()
            raise _translated(error) from None

    def _schema_version(self, upgrade: bool) -> None:
        """This xueji's schema, brought up to date by ``init`` (run by the schema's owner); refused otherwise."""
        from xueji.store.postgres_schema import SCHEMA_VERSION
        from xueji.store.postgres_schema import upgrade as upgraded

        found = int(self.pg.execute("SELECT value FROM registry._meta WHERE key = 'schema_version'").fetchone()[0])
        if found > SCHEMA_VERSION:
            raise ConfigError(N_("The registry at {path} was set up by a newer xueji (schema {found}, this one knows "
                                 "{known}): nothing was changed."), path=self.path, found=found, known=SCHEMA_VERSION,
                              hint=N_("Install the newer xueji."))
        if found < SCHEMA_VERSION:
            if not upgrade:
                raise ConfigError(N_("The registry at {path} has schema {found}; this xueji needs {known}: nothing "
                                     "was changed."), path=self.path, found=found, known=SCHEMA_VERSION,
                                  hint=N_("The DBA (the login that installed it) runs `xueji init --db …` once to "
                                          "bring it up to date."))
            with self.pg.transaction():
                upgraded(self.pg, found)

    def login(self) -> str:
        """Who is working: the database login, which nothing on this machine can change."""
        return self.pg.execute("SELECT session_user").fetchone()[0]

    def _install(self) -> None:
        from xueji.store.postgres_schema import install

        with self.pg.transaction():
            install(self.pg)

    def reader(self) -> PgRepository:
        return PgRepository(self.conn, self)

    @contextmanager
    def transaction(self):
        """The unit of work, as on SQLite: one writer at a time (an advisory lock), ROLLBACK unless committed;
        a SAVEPOINT inside an open one."""
        if self.conn.in_transaction:
            with savepoint(self, PgRepository(self.conn, self)) as repo:
                yield repo
            return
        try:
            self.pg.execute("BEGIN")
            self.pg.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
        except psycopg.Error as error:
            self._rollback()
            raise _translated(error) from None
        repo = PgRepository(self.conn, self)
        try:
            yield repo
        except psycopg.Error as error:
            self._rollback()
            raise _translated(error) from None
        except BaseException:
            self._rollback()
            raise
        if not repo.committed:
            self._rollback()
            return
        try:
            head = repo.heads() if self.witness is not None else None
            self.pg.execute("COMMIT")
        except psycopg.Error as error:
            self._rollback()
            raise _translated(error) from None
        if head is not None:
            self.witness(head)

    def _rollback(self) -> None:
        if self.conn.in_transaction:
            self.pg.execute("ROLLBACK")

    @contextmanager
    def snapshot(self):
        """One REPEATABLE READ transaction: everything read inside sees the same registry."""
        if self.conn.in_transaction:
            yield PgRepository(self.conn, self)
            return
        self.pg.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        try:
            yield PgRepository(self.conn, self)
        except psycopg.Error as error:
            raise _translated(error) from None
        finally:
            self._rollback()

    def backup_to(self, target):
        """The portable archive: a new SQLite file (owner-only) holding this registry row for row, from one
        REPEATABLE READ snapshot; returns the heads of that snapshot, which the archive must end with."""
        import os

        from xueji.store import open_store, transfer
        from xueji.store.sqlite.copies import settle

        archive = open_store(target, create=True)
        try:
            with self.snapshot() as source, archive.transaction() as copy:
                transfer.copy_registry(source, copy)
                heads = source.heads()
                copy.commit()
        except BaseException:
            archive.close()
            os.unlink(target)  # ours: created exclusively a moment ago
            raise
        archive.close()
        settle(target)
        return heads

    def restore_from(self, origin, kept) -> None:
        raise RuleViolation(N_("restore replaces a SQLite file; a PostgreSQL registry is restored by its DBA "
                               "(pg_restore, a base backup or a replica): nothing was changed."),
                            hint=N_("See docs/deployment.md, \"Backups and replicas\"."))

    def close(self) -> None:
        self.pg.close()


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


_LIVE_INDEX = re.compile(r"idx_students_live_person")
# The server refused the login itself (libpq gives no SQLSTATE for a failed start-up, only the server's words, in
# English unless its lc_messages say otherwise — anything else stays "cannot connect", exit 4).
_REFUSED_LOGIN = re.compile(r'FATAL:\s+(role ".*" does not exist|permission denied for database|(password|peer|ident|'
                            r'scram|gssapi|sspi|certificate|ldap|radius|pam|bsd) authentication failed)', re.IGNORECASE)


def _translated(error: psycopg.Error) -> BaseException:
    """What to raise for ``error``: xueji's words, or the error itself when it is a bug of ours (exit 70)."""
    return translate(error) or error


def translate(error: psycopg.Error) -> XuejiError | None:
    """The engine's trouble in xueji's words (never its text with a row's values in it); None for a mistake in
    xueji's own SQL, which is a bug and must not pass for a problem of the user's."""
    if isinstance(error, psycopg.ProgrammingError) and not isinstance(error, pg_errors.InsufficientPrivilege):
        return None
    if isinstance(error, (pg_errors.LockNotAvailable, pg_errors.DeadlockDetected, pg_errors.QueryCanceled)):
        return DatabaseBusy()
    if isinstance(error, pg_errors.InsufficientPrivilege):
        return PermissionDenied(N_("The database refused this login: {detail}."),
                                detail=_first_line(error).split(":")[0],
                                hint=N_("Ask the office to add it: xueji operators add NAME --role ROLE."))
    if isinstance(error, pg_errors.UniqueViolation) and _LIVE_INDEX.search(
            getattr(error.diag, "constraint_name", "") or ""):
        return DuplicateRegistration(N_("This person already holds a live registration in another college."))
    if isinstance(error, (pg_errors.IntegrityError, pg_errors.RaiseException)):
        return RuleViolation(N_("The database refused the change: {detail}."),
                             detail=getattr(error.diag, "message_primary", None) or type(error).__name__)
    if isinstance(error, pg_errors.DiskFull):
        return ConfigError(N_("The disk is full: nothing was changed."),
                           hint=N_("Free some space (or move the database) and try again."))
    if isinstance(error, psycopg.OperationalError):
        return ConfigError(N_("The database could not be used: {detail}."), detail=_first_line(error))
    return ConfigError(N_("The database could not be used: {detail}."), detail=type(error).__name__)
