"""Shared fixtures: every test works in its own folder with its own configuration and database."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from xueji import config as cfg
from xueji import i18n
from xueji.domain.model import PersonInput
from xueji.domain.validate import check_character
from xueji.services import Session
from xueji.services.setup import init
from xueji.store.sqlite import Store

TODAY = date(2026, 11, 28)


def make_id(birth: str = "2005-03-01", male: bool = True, area: str = "110105", seq: int = 0) -> str:
    """A valid GB 11643 number for a birth date and gender; ``seq`` tells people apart."""
    order = (seq % 499) * 2 + (1 if male else 2)
    first17 = f"{area}{birth.replace('-', '')}{order:03d}"
    return first17 + check_character(first17)


def first_version_rows(conn) -> None:
    """A suspended student with the two events of the first schema version (m001–m002: no hashes yet)."""
    columns = ("id, student_no, name, gender, birth_date, id_type, id_number, exam_no, enroll_year, college, major, "
               "class, seat, cur_year, cur_college, cur_major, cur_class, status, status_since, suspended_until, "
               "origin, created_at")
    conn.execute(f"INSERT INTO students ({columns}) VALUES (1, '202301010101', '張三', '1', '2005-03-01', '1', ?, "
                 "NULL, 2023, '01', '01', '01', 1, 2023, '01', '01', '01', 'suspended', '2023-12-01', '2024-08-31', "
                 "'enroll', '2023-09-01T00:00:00+00:00')", (make_id(seq=1),))
    for event_id, kind, before, after in ((1, "enroll", None, "active"), (2, "suspend", "active", "suspended")):
        conn.execute("INSERT INTO events (id, student_id, kind, effective_date, recorded_at, operator, status_before, "
                     "status_after) VALUES (?, 1, ?, '2023-09-01', '2023-09-01T00:00:00+00:00', 'old', ?, ?)",
                     (event_id, kind, before, after))


def person(seq: int = 0, *, name: str = "張三", male: bool = True, birth: str = "2005-03-01") -> PersonInput:
    return PersonInput(name, "男" if male else "女", birth, make_id(birth, male, seq=seq))


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch, tmp_path):
    """No test sees the developer's own configuration, database, language or operator."""
    for name in ("XUEJI_CONFIG", "XUEJI_DB", "XUEJI_LANG", "XUEJI_OPERATOR", "LC_ALL", "LC_MESSAGES", "LANG",
                 "XUEJI_DEBUG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    yield
    i18n.set_language("en")


@pytest.fixture(scope="session")
def _initialised(tmp_path_factory) -> Path:
    """One folder set up by `init` for the whole run: each test gets a copy (init per test cost ~20 s a run)."""
    folder = tmp_path_factory.mktemp("template")
    init(folder / "config.toml")
    return folder


def initialised_copy(tmp_path: Path, initialised: Path) -> Path:
    import shutil

    for source in initialised.iterdir():
        shutil.copy2(source, tmp_path / source.name)
    return tmp_path


@pytest.fixture
def workdir(tmp_path, _initialised) -> Path:
    """A folder as `init` leaves it: config.toml (the packaged example) and xueji.db — a copy of one made once."""
    return initialised_copy(tmp_path, _initialised)


@pytest.fixture
def session(workdir):
    from xueji.store import open_store

    config = cfg.load(workdir / "config.toml")
    store = open_store(config.database, config.busy_timeout)
    yield Session(store, "clerk", TODAY, config.codes, config.limits)
    store.close()


@dataclass
class Db:
    path: Path

    def rows(self, sql: str, *params) -> list[tuple]:
        conn = sqlite3.connect(self.path)
        try:
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()

    def value(self, sql: str, *params):
        return self.rows(sql, *params)[0][0]

    def snapshot(self) -> tuple:
        """Everything a change could touch: compared before and after a refused command."""
        return (self.rows("SELECT * FROM students ORDER BY id"), self.rows("SELECT * FROM events ORDER BY id"))

    def columns(self, table: str) -> list[str]:
        return [r[1] for r in self.rows(f"PRAGMA table_info({table})")]

    def trigger_names(self) -> list[str]:
        return [r[0] for r in self.rows("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY 1")]

    def state(self) -> tuple:
        """The database's bytes on disk (main file and WAL): "unchanged" means these are equal."""
        path = self.path
        return tuple((p.read_bytes() if p.exists() else None) for p in (path, path.with_name(path.name + "-wal")))

    def tamper(self, *statements: str) -> None:
        """Someone with the file and the sqlite3 shell: the triggers and CHECK constraints are no obstacle to them."""
        conn = sqlite3.connect(self.path)
        conn.execute("PRAGMA ignore_check_constraints = ON")
        for trigger in ("events_never_updated", "events_never_deleted", "students_number_fixed",
                        "students_never_deleted"):
            conn.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        for statement in statements:
            sql, params = statement if isinstance(statement, tuple) else (statement, ())
            if sql.startswith("DROP TRIGGER ") and " IF EXISTS " not in sql:
                sql = sql.replace("DROP TRIGGER ", "DROP TRIGGER IF EXISTS ", 1)
            conn.execute(sql, params)
        conn.commit()
        conn.close()

    def execute(self, *statements) -> None:
        """Statements (SQL, or SQL and its parameters) run by the file's owner with the sqlite3 shell (the
        registry's own triggers still apply)."""
        conn = sqlite3.connect(self.path)
        for statement in statements:
            sql, params = statement if isinstance(statement, tuple) else (statement, ())
            conn.execute(sql, params)
        conn.commit()
        conn.close()

    def write_lock(self):
        """Another writer holding the registry's write lock while the block runs."""
        from contextlib import contextmanager

        @contextmanager
        def held():
            holder = sqlite3.connect(self.path)
            holder.execute("BEGIN IMMEDIATE")
            try:
                yield
            finally:
                holder.rollback()
                holder.close()

        return held()


@pytest.fixture
def db(workdir) -> Db:
    return Db(workdir / "xueji.db")


# --- PostgreSQL: one server for the run (.ci/run's, or one started here), a fresh registry per test ---------------

@dataclass
class PgServer:
    host: str
    port: int
    superuser: str

    def url(self, dbname: str = "postgres", user: str | None = None) -> str:
        from urllib.parse import quote

        return (f"postgresql:///{quote(dbname, safe='')}?host={quote(self.host, safe='')}&port={self.port}"
                f"&user={quote(user or self.superuser, safe='')}")

    def admin(self, sql: str, dbname: str = "postgres") -> None:
        import psycopg

        with psycopg.connect(self.url(dbname), autocommit=True) as conn:
            conn.execute(sql)


@pytest.fixture(scope="session")
def pg_server():
    """The PostgreSQL server of this run. Locally, with no server binaries, the tests that need it skip with the
    reason; in CI ($XUEJI_REQUIRE_PG, set by .ci/run) they fail instead — they never skip there."""
    import os

    from tests import pg_cluster

    if os.environ.get(pg_cluster.ENV_HOST):
        yield PgServer(os.environ[pg_cluster.ENV_HOST], int(os.environ[pg_cluster.ENV_PORT]),
                       os.environ.get(pg_cluster.ENV_USER, pg_cluster.SUPERUSER))
        return
    if pg_cluster.find_bin() is None:
        if os.environ.get("XUEJI_REQUIRE_PG"):
            pytest.fail("PostgreSQL is required here ($XUEJI_REQUIRE_PG): " + pg_cluster.install_hint())
        pytest.skip(pg_cluster.install_hint())
    cluster = pg_cluster.Cluster().start()
    try:
        yield PgServer(cluster.host, cluster.port, cluster.superuser)
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
def _pg_template(pg_server, tmp_path_factory) -> str:
    """A registry installed once by `init` (schema, roles, policies, code names); each test gets a copy."""
    name = "xueji_template"
    pg_server.admin(f"DROP DATABASE IF EXISTS {name}")
    pg_server.admin(f"CREATE DATABASE {name}")
    folder = tmp_path_factory.mktemp("pg-template")
    init(folder / "config.toml", pg_server.url(name))
    return name


@dataclass
class PgRegistry:
    """One test's registry on PostgreSQL: its URL for any login, and SQL as any login (as psql would run it)."""

    server: PgServer
    name: str
    suffix: str

    def url(self, user: str | None = None) -> str:
        return self.server.url(self.name, user)

    def login(self, name: str) -> str:
        """A login name of this test's own (logins are the server's, shared by every test's registry)."""
        return f"{name}_{self.suffix}"

    def rows(self, sql: str, *params, user: str | None = None) -> list[tuple]:
        import psycopg

        with psycopg.connect(self.url(user), autocommit=True) as conn:
            return conn.execute(sql, params or None).fetchall()

    def value(self, sql: str, *params, user: str | None = None):
        return self.rows(sql, *params, user=user)[0][0]

    def snapshot(self) -> tuple:
        return (self.rows("SELECT * FROM registry.students ORDER BY id"),
                self.rows("SELECT * FROM registry.events ORDER BY id"),
                self.rows("SELECT * FROM registry.ledger ORDER BY id"))


@pytest.fixture
def pg(pg_server, _pg_template) -> PgRegistry:
    """A fresh registry on PostgreSQL (a copy of the template), dropped afterwards."""
    import uuid

    suffix = uuid.uuid4().hex[:8]
    name = f"xueji_{suffix}"
    pg_server.admin(f"CREATE DATABASE {name} TEMPLATE {_pg_template}")
    try:
        yield PgRegistry(pg_server, name, suffix)
    finally:
        pg_server.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
