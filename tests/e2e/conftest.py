"""End-to-end fixtures. Every test that works in a folder (``workdir``) runs on both engines: on SQLite as the
folder's own file, and on PostgreSQL with the folder's configuration pointing at a fresh registry there (issue 13).
A test about the file itself (its permissions, backups of it, a read-only disk, a killed writer) is marked
``sqlite_only`` and has no PostgreSQL variant; the PostgreSQL variants are in the slow tier."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from xueji.cli import hoisted, narrowed
from xueji.cli.app import app

ENGINES = ("sqlite", "postgresql")


def pytest_generate_tests(metafunc):
    if "engine" in metafunc.fixturenames:
        engines = ["sqlite"] if metafunc.definition.get_closest_marker("sqlite_only") else list(ENGINES)
        metafunc.parametrize("engine", [e if e == "sqlite" else pytest.param(e, marks=pytest.mark.slow)
                                        for e in engines], indirect=False)


@pytest.fixture
def xj():
    """Run xueji in-process like a clerk would type it; ``lang`` goes first as a global option."""
    runner = CliRunner()

    def run(*args: str, lang: str | None = "en", env: dict | None = None):
        argv = hoisted((["--lang", lang] if lang else []) + list(args))
        with narrowed(app, argv):  # as the installed command does (xueji.cli.main)
            return runner.invoke(app, argv, env=env, catch_exceptions=False)

    return run


@pytest.fixture(scope="session")
def _my_login(pg_server) -> str:
    """On PostgreSQL the login is who is working: the tests' own OS account gets a login of the same name, so a test
    written as "whoever runs it" means the same person on both engines. A superuser, like the DBA who installs:
    the database's own refusals (grants, row-level security) are tested as plain logins in test_postgres.py."""
    from xueji.cli.state import os_login

    me = os_login()
    pg_server.admin(f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{me}') THEN "
                    f"CREATE ROLE \"{me}\" SUPERUSER LOGIN; END IF; END $$")
    return me


@pytest.fixture
def workdir(workdir, engine, request):
    """The folder as `init` leaves it; on PostgreSQL its configuration names a fresh registry there instead."""
    if engine == "postgresql":
        pg = request.getfixturevalue("pg")
        pg.me = request.getfixturevalue("_my_login")
        config = workdir / "config.toml"
        text = config.read_text(encoding="utf-8")
        config.write_text(re.sub(r'(?m)^database = .*$', f'database = "{pg.url(pg.me)}"', text, count=1),
                          encoding="utf-8")
        (workdir / "xueji.db").unlink()
    return workdir


@pytest.fixture
def db(workdir, engine, request):
    """The test's registry read directly, whichever the engine (SQL with ? parameters, tables unqualified)."""
    if engine == "postgresql":
        return PgDb(request.getfixturevalue("pg"))
    from tests.conftest import Db

    return Db(workdir / "xueji.db")


class PgDb:
    def __init__(self, pg):
        self.pg = pg

    def rows(self, sql: str, *params) -> list[tuple]:
        import psycopg

        with psycopg.connect(self.pg.url(), autocommit=True) as conn:
            conn.execute("SET search_path = registry")
            return conn.execute(sql.replace("?", "%s"), params or None).fetchall()

    def value(self, sql: str, *params):
        return self.rows(sql, *params)[0][0]

    def snapshot(self) -> tuple:
        return (self.rows("SELECT * FROM students ORDER BY id"), self.rows("SELECT * FROM events ORDER BY id"))

    def state(self) -> tuple:
        """Every table of the registry: "unchanged" means these are equal."""
        tables = [r[0] for r in self.rows("SELECT tablename FROM pg_tables WHERE schemaname = 'registry' "
                                          "ORDER BY tablename")]
        return tuple((table, self.rows(f"SELECT * FROM {table} ORDER BY 1")) for table in tables)

    def execute(self, *statements) -> None:
        """Statements (SQL, or SQL and its parameters) run by the database's owner in psql (the registry's own
        triggers still apply)."""
        import psycopg

        with psycopg.connect(self.pg.url(), autocommit=False) as conn:
            conn.execute("SET search_path = registry")
            for statement in statements:
                sql, params = statement if isinstance(statement, tuple) else (statement, ())
                conn.execute(sql.replace("?", "%s"), params or None)

    def tamper(self, *statements: str) -> None:
        """A superuser with psql: triggers switched off for the session and the CHECK constraints dropped."""
        import psycopg

        with psycopg.connect(self.pg.url(), autocommit=False) as conn:
            conn.execute("SET search_path = registry")
            conn.execute("SET session_replication_role = replica")
            for (name,) in conn.execute("SELECT conname FROM pg_constraint WHERE conrelid = 'registry.students'::regclass "
                                        "AND contype = 'c'").fetchall():
                conn.execute(f'ALTER TABLE students DROP CONSTRAINT "{name}"')
            for trigger in ("events_never_updated", "events_never_deleted", "students_number_fixed",
                            "students_never_deleted"):  # as the SQLite tamperer does: the same guards go
                self._drop_trigger(conn, trigger)
            for statement in statements:
                sql, params = statement if isinstance(statement, tuple) else (statement, ())
                if sql.startswith("PRAGMA"):
                    continue
                if sql.startswith("DROP TRIGGER"):
                    self._drop_trigger(conn, sql.split()[-1])
                    continue
                conn.execute(sql.replace("?", "%s"), params or None)

    def columns(self, table: str) -> list[str]:
        return [r[0] for r in self.rows("SELECT column_name FROM information_schema.columns WHERE table_schema = "
                                        "'registry' AND table_name = ? ORDER BY ordinal_position", table)]

    @staticmethod
    def _drop_trigger(conn, name: str) -> None:
        found = conn.execute("SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                             "WHERE t.tgname = %s AND NOT t.tgisinternal", (name,)).fetchone()
        if found:
            conn.execute(f'DROP TRIGGER "{name}" ON registry."{found[0]}"')

    def trigger_names(self) -> list[str]:
        return [r[0] for r in self.rows("SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                                        "JOIN pg_namespace n ON n.oid = c.relnamespace "
                                        "WHERE n.nspname = 'registry' AND NOT t.tgisinternal ORDER BY 1")]

    def write_lock(self):
        """Another writer holding the registry's write lock (its advisory lock) while the block runs."""
        from contextlib import contextmanager

        import psycopg

        from xueji.store.postgres import WRITE_LOCK

        @contextmanager
        def held():
            with psycopg.connect(self.pg.url(), autocommit=False) as holder:
                holder.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
                try:
                    yield
                finally:
                    holder.rollback()

        return held()
