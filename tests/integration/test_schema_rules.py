"""Migration m007: the schema refuses what the rules refuse, whoever writes (sqlite3, datasette, a script)."""

from __future__ import annotations

import sqlite3

import pytest

from tests.conftest import person
from xueji.domain.status import Status
from xueji.domain.validate import ID_TYPES, _GENDER_ALIASES
from xueji.services import registry
from xueji.store import migrations
from xueji.store.db import Store


@pytest.fixture
def enrolled(session, workdir):
    for seq in range(2):
        registry.enroll(session, person(seq), college="01", major="01", klass="01", year="2023", date="2023-09-01")
    conn = sqlite3.connect(workdir / "xueji.db")
    yield conn
    conn.close()


def _student_row(conn, **change):
    columns = [r[1] for r in conn.execute("PRAGMA table_info(students)")]
    row = dict(zip(columns, conn.execute("SELECT * FROM students WHERE student_no = '202301010101'").fetchone()))
    row.update(id=None, student_no="202301010109", seat=9, id_number="110105200503010999", status="withdrawn")
    row.update(change)
    return row


def _insert(conn, row):
    conn.execute(f"INSERT INTO students ({', '.join(row)}) VALUES ({', '.join('?' for _ in row)})", list(row.values()))


def test_a_well_formed_row_written_by_hand_is_accepted(enrolled):
    _insert(enrolled, _student_row(enrolled))  # the rules refuse nothing that is right
    enrolled.rollback()


@pytest.mark.parametrize("change", [
    {"status": "expelled"}, {"gender": "3"}, {"gender": "男"}, {"id_type": "Q"}, {"seat": 0},
    {"seat": 100, "student_no": "2023010101AA"}, {"student_no": "20230101019"}, {"student_no": "202301010108"},
    {"seat": 9.5},
])
def test_a_row_that_breaks_a_rule_is_refused_by_sqlite_itself(enrolled, change):
    with pytest.raises(sqlite3.IntegrityError, match="rules"):
        _insert(enrolled, _student_row(enrolled, **change))
    assert enrolled.execute("SELECT count(*) FROM students").fetchone()[0] == 2


@pytest.mark.parametrize("column, value", [("status", "expelled"), ("gender", "x"), ("id_type", "")])
def test_an_update_that_breaks_a_rule_is_refused(enrolled, column, value):
    with pytest.raises(sqlite3.IntegrityError, match="rules"):
        enrolled.execute(f"UPDATE students SET {column} = ? WHERE student_no = '202301010101'", (value,))


def test_an_event_citing_a_missing_request_and_a_look_at_a_missing_student_are_refused(enrolled):
    columns = [r[1] for r in enrolled.execute("PRAGMA table_info(events)")]
    row = dict(zip(columns, enrolled.execute("SELECT * FROM events ORDER BY id LIMIT 1").fetchone()))
    row.update(id=None, request_id=4242)
    with pytest.raises(sqlite3.IntegrityError, match="request"):
        enrolled.execute(f"INSERT INTO events ({', '.join(row)}) VALUES ({', '.join('?' for _ in row)})",
                         list(row.values()))
    with pytest.raises(sqlite3.IntegrityError, match="student"):
        enrolled.execute("INSERT INTO access_log_students (access_id, student_no) VALUES (1, '209901010101')")


def test_the_reports_and_the_access_log_have_their_indexes(enrolled):
    plan = " ".join(r[3] for r in enrolled.execute(
        "EXPLAIN QUERY PLAN SELECT * FROM events WHERE kind = 'enroll' AND effective_date BETWEEN '2023' AND '2024'"))
    assert "idx_events_kind_effective" in plan
    plan = " ".join(r[3] for r in enrolled.execute(
        "EXPLAIN QUERY PLAN SELECT * FROM access_log WHERE operator = 'x' AND at >= '2026'"))
    assert "idx_access_log_operator_at" in plan


def test_the_frozen_lists_are_the_domain_s_lists():
    """m007 wrote the lists as they were; if the domain's change, a new migration must change the triggers."""
    assert set(migrations.M007_STATUSES) == {s.value for s in Status}
    assert set(migrations.M007_GENDERS) == set(_GENDER_ALIASES.values())
    assert set(migrations.M007_ID_TYPES) == set(ID_TYPES)


def test_a_registry_of_the_previous_version_is_upgraded_and_its_chains_still_verify(enrolled, workdir, session):
    from xueji.services import audit

    for name in ("students_valid_insert", "students_valid_update", "events_request_exists",
                 "access_log_student_exists"):
        enrolled.execute(f"DROP TRIGGER {name}")
    for name in ("idx_events_kind_effective", "idx_access_log_operator_at"):
        enrolled.execute(f"DROP INDEX {name}")
    enrolled.execute("DELETE FROM _migrations WHERE name = 'm007_the_schema_refuses_what_the_rules_refuse'")
    enrolled.commit()
    Store(workdir / "xueji.db").close()  # opening applies what is pending
    names = {r[0] for r in enrolled.execute("SELECT name FROM sqlite_master WHERE type IN ('trigger', 'index')")}
    assert {"students_valid_insert", "events_request_exists", "idx_events_kind_effective"} <= names
    assert migrations.pending(enrolled) == []
    report = audit.verify(session)
    assert report.events == 2 and report.breaks == []
