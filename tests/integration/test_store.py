"""The SQLite store: migrations, guards in the schema, file mode, locking and concurrent writers."""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
import stat
import threading

import pytest

from tests.conftest import TODAY, person
from xueji import config as cfg
from xueji.domain.errors import ConfigError, DatabaseBusy
from xueji.services import Session, registry
from xueji.store.sqlite import migrations
from xueji.store.sqlite import Store


def test_a_new_database_gets_every_migration_recorded_by_name(tmp_path):
    store = Store(tmp_path / "new.db", create=True)
    names = [r[0] for r in store.conn.execute("SELECT name FROM _migrations ORDER BY rowid")]
    assert names == [name for name, _ in migrations.MIGRATIONS]
    assert migrations.pending(store.conn) == []


@pytest.mark.parametrize("done", range(len(migrations.MIGRATIONS)))
def test_a_database_of_an_earlier_version_is_upgraded_on_open(tmp_path, done):
    from sqlite_utils import Database

    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    db = Database(conn, execute_plugins=False)
    db["_migrations"].create({"name": str, "applied_at": str}, pk="name")
    for name, fn in migrations.MIGRATIONS[:done]:
        fn(db)
        db["_migrations"].insert({"name": name, "applied_at": "2025-01-01T00:00:00+00:00"})
    conn.commit()
    conn.close()
    store = Store(path)
    assert migrations.pending(store.conn) == []
    assert {"students", "events"} <= {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def test_opening_twice_does_not_run_migrations_again(tmp_path):
    Store(tmp_path / "x.db", create=True).close()
    store = Store(tmp_path / "x.db")
    assert store.conn.execute("SELECT count(*) FROM _migrations").fetchone()[0] == len(migrations.MIGRATIONS)


def test_the_database_is_readable_by_its_owner_only_and_in_wal_mode(tmp_path):
    store = Store(tmp_path / "x.db", create=True)
    mode = stat.S_IMODE(os.stat(tmp_path / "x.db").st_mode)
    assert mode == 0o600
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_a_missing_database_is_a_configuration_error_with_a_hint(tmp_path):
    with pytest.raises(ConfigError) as refused:
        Store(tmp_path / "absent.db")
    assert "init" in refused.value.hint
    assert not (tmp_path / "absent.db").exists()


def test_a_file_that_is_not_a_database_is_a_configuration_error(tmp_path):
    (tmp_path / "junk.db").write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(ConfigError):
        Store(tmp_path / "junk.db")


def test_students_and_events_cannot_be_deleted_and_events_cannot_be_changed(session, db):
    student = registry.enroll(session, person(1), college="01", major="01", klass="01", year="2023")
    conn = sqlite3.connect(db.path)
    for statement in (
        "DELETE FROM students",
        "DELETE FROM events",
        "UPDATE events SET reason = 'changed'",
        f"UPDATE students SET seat = 7 WHERE student_no = '{student.student_no}'",
        f"UPDATE students SET student_no = '202301010199' WHERE student_no = '{student.student_no}'",
    ):
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute(statement)
    conn.close()
    assert db.value("SELECT count(*) FROM events") == 1


def test_the_schema_itself_refuses_two_live_registrations_of_one_person(session, db):
    registry.enroll(session, person(1), college="01", major="01", klass="01", year="2023")
    conn = sqlite3.connect(db.path)
    row = conn.execute("SELECT * FROM students").fetchone()
    columns = [d[0] for d in conn.execute("SELECT * FROM students").description]
    record = dict(zip(columns, row)) | {"id": None, "student_no": "202301010102", "seat": 2}
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute(f"INSERT INTO students ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})",
                     list(record.values()))
    conn.close()


def test_a_writer_that_cannot_get_the_lock_gives_up_as_busy_and_writes_nothing(workdir, db):
    config = cfg.load(workdir / "config.toml")
    holder = sqlite3.connect(db.path)
    holder.execute("BEGIN IMMEDIATE")
    try:
        store = Store(config.database, busy_timeout=0.2)
        session = Session(store, "clerk", TODAY, config.codes, config.limits)
        with pytest.raises(DatabaseBusy):
            registry.enroll(session, person(1), college="01", major="01", klass="01", year="2023")
    finally:
        holder.rollback()
        holder.close()
    assert db.value("SELECT count(*) FROM students") == 0


def test_readers_are_not_blocked_by_a_writer(workdir, db, session):
    registry.enroll(session, person(1), college="01", major="01", klass="01", year="2023")
    holder = sqlite3.connect(db.path)
    holder.execute("BEGIN IMMEDIATE")
    try:
        found = []
        reader = threading.Thread(target=lambda: found.append(Store(db.path, busy_timeout=0.2).reader().count("students")))
        reader.start()
        reader.join()
        assert found == [1]
    finally:
        holder.rollback()
        holder.close()


def _enroll_many(config_path, start, count, barrier):
    config = cfg.load(config_path)
    session = Session(Store(config.database, 30), f"worker{start}", TODAY, config.codes, config.limits)
    barrier.wait()
    numbers = []
    for i in range(start, start + count):
        numbers.append(registry.enroll(session, person(i), college="01", major="01", klass="01", year="2023").student_no)
    return numbers


@pytest.mark.slow
def test_four_processes_enrolling_into_one_class_at_once_all_succeed_with_distinct_seats(workdir, db):
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager:
        barrier = manager.Barrier(4)
        with context.Pool(4) as pool:
            results = [pool.apply_async(_enroll_many, (workdir / "config.toml", k * 10, 10, barrier)) for k in range(4)]
            numbers = [n for r in results for n in r.get(timeout=120)]
    assert len(numbers) == 40 and len(set(numbers)) == 40
    assert sorted(numbers) == [f"2023010101{seat:02d}" for seat in range(1, 41)]
    assert db.value("SELECT count(*) FROM events WHERE kind = 'enroll'") == 40


@pytest.mark.parametrize("unit", ["transaction", "snapshot"])
def test_the_engine_s_errors_leave_the_store_as_xueji_s_own(tmp_path, unit):
    """No sqlite3.Error crosses the store's boundary: inside a unit of work it becomes a XuejiError (rolled back)."""
    from xueji.domain.errors import XuejiError

    store = Store(tmp_path / "x.db", create=True)
    try:
        with pytest.raises(XuejiError) as raised:
            with getattr(store, unit)() as repo:
                repo.conn.execute("SELECT * FROM no_such_table")
        assert not isinstance(raised.value, sqlite3.Error) and raised.value.exit_code == 4
        assert not store.conn.in_transaction
    finally:
        store.close()
