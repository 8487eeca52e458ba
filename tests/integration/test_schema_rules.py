"""Migration m007: the schema refuses what the rules refuse, whoever writes (sqlite3, datasette, a script)."""

from __future__ import annotations

import sqlite3

import pytest

from tests.conftest import person
from xueji.domain.status import Status
from xueji.domain.validate import ID_TYPES, _GENDER_ALIASES
from xueji.services import registry
from xueji.store.sqlite import migrations
from xueji.store.sqlite import Store


@pytest.fixture
def enrolled(session, workdir):
    for seq in range(2):
        registry.enroll(session, person(seq), college="01", major="01", klass="01", year="2023", date="2023-09-01")
    conn = sqlite3.connect(workdir / "xueji.db")
    conn.execute("PRAGMA foreign_keys = ON")  # SQLite checks foreign keys on connections that ask (CHECKs: always)
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
    with pytest.raises(sqlite3.IntegrityError, match="CHECK constraint failed"):
        _insert(enrolled, _student_row(enrolled, **change))
    assert enrolled.execute("SELECT count(*) FROM students").fetchone()[0] == 2


@pytest.mark.parametrize("column, value", [("status", "expelled"), ("gender", "x"), ("id_type", "")])
def test_an_update_that_breaks_a_rule_is_refused(enrolled, column, value):
    with pytest.raises(sqlite3.IntegrityError, match="CHECK constraint failed"):
        enrolled.execute(f"UPDATE students SET {column} = ? WHERE student_no = '202301010101'", (value,))


def test_an_event_citing_a_missing_request_and_a_look_at_a_missing_student_are_refused(enrolled):
    columns = [r[1] for r in enrolled.execute("PRAGMA table_info(events)")]
    row = dict(zip(columns, enrolled.execute("SELECT * FROM events ORDER BY id LIMIT 1").fetchone()))
    row.update(id=None, request_id=4242)
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY constraint failed"):
        enrolled.execute(f"INSERT INTO events ({', '.join(row)}) VALUES ({', '.join('?' for _ in row)})",
                         list(row.values()))
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY constraint failed"):
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


def test_a_registry_of_the_previous_version_is_upgraded_and_its_chains_still_verify(tmp_path):
    """Data written under m001–m002, chained by m003, carried through m004–m006, then opened: m007 rebuilds the
    tables under it and both chains, the records' links and the consistency check still hold."""
    from sqlite_utils import Database

    from tests.conftest import first_version_rows
    from xueji.services import Session, audit

    path = tmp_path / "v6.db"
    conn = sqlite3.connect(path)
    db = Database(conn, execute_plugins=False)
    db["_migrations"].create({"name": str, "applied_at": str}, pk="name")

    def apply(names):
        for name, fn in migrations.MIGRATIONS:
            if name in names:
                fn(db)
                db["_migrations"].insert({"name": name, "applied_at": "2026-01-01T00:00:00+00:00"})

    apply({"m001_students_and_events", "m002_requests_approvals_and_access_log"})
    first_version_rows(conn)
    conn.execute("INSERT INTO access_log (id, at, operator, command, filters, shown, revealed) VALUES "
                 "(1, '2023-10-01T00:00:00+00:00', 'old', 'show', '{}', 1, 0)")
    conn.execute("INSERT INTO access_log_students (access_id, student_no) VALUES (1, '202301010101')")
    conn.execute("INSERT INTO requests (id, action, college, student_no, payload, status, submitted_by, submitted_at, "
                 "decided_by, decided_at, result) VALUES (1, 'withdraw', '01', '202301010101', '{}', 'rejected', "
                 "'clerk', '2023-10-02T00:00:00+00:00', 'office', '2023-10-03T00:00:00+00:00', '{}')")
    apply({name for name, _ in migrations.MIGRATIONS[2:6]})  # m004 builds the ledger from the rows above
    conn.commit()
    assert conn.execute("SELECT count(*) FROM ledger").fetchone()[0] == 3
    assert migrations.pending(conn) == ["m007_the_schema_refuses_what_the_rules_refuse",
                                        "m008_names_for_readers_of_the_file",
                                        "m009_requests_without_an_unused_basis", "m010_certificates",
                                        "m011_requests_between_colleges", "m012_ledger_entries_by_row",
                                        "m013_departments_and_their_grants", "m014_office_settings"]
    conn.close()
    store = Store(path)  # opening applies what is pending
    try:
        assert migrations.pending(store.conn) == []
        names = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type IN ('trigger', 'index')")}
        assert {"students_never_deleted", "events_never_updated", "idx_students_live_person",
                "idx_events_kind_effective", "idx_access_log_operator_at"} <= names  # the table's own came back
        assert "CHECK" in store.conn.execute("SELECT sql FROM sqlite_master WHERE name = 'students'").fetchone()[0]
        assert store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert "basis" not in {row[1] for row in store.conn.execute("PRAGMA table_info(requests)")}
        assert store.conn.execute("SELECT status FROM requests WHERE id = 1").fetchone()[0] == "rejected"
        session = Session(store, "inspector")
        report = audit.verify(session)
        assert (report.events, report.entries, report.breaks) == (2, 3, [])  # both chains, after every upgrade
        assert audit.check(session).violations == []
    finally:
        store.close()


def test_an_upgrade_meeting_a_row_that_breaks_a_rule_changes_nothing(tmp_path):
    from sqlite_utils import Database

    from xueji.domain.errors import XuejiError

    path = tmp_path / "bad.db"
    conn = sqlite3.connect(path)
    db = Database(conn, execute_plugins=False)
    db["_migrations"].create({"name": str, "applied_at": str}, pk="name")
    for name, fn in migrations.MIGRATIONS[:6]:
        fn(db)
        db["_migrations"].insert({"name": name, "applied_at": "2026-01-01T00:00:00+00:00"})
    conn.execute("INSERT INTO students (id, student_no, name, gender, birth_date, id_type, id_number, enroll_year, "
                 "college, major, class, seat, cur_year, cur_college, cur_major, cur_class, status, status_since, "
                 "origin, created_at) VALUES (1, '202301010101', '張三', '1', '2005-03-01', '1', 'x', 2023, '01', "
                 "'01', '01', 1, 2023, '01', '01', '01', 'expelled', '2023-09-01', 'enroll', '2023-09-01')")
    conn.commit()
    conn.close()
    with pytest.raises(XuejiError) as refused:
        Store(path)
    assert refused.value.exit_code == 7 and "breaks a rule" in str(refused.value)
    after = sqlite3.connect(path)
    assert migrations.pending(after)[0] == "m007_the_schema_refuses_what_the_rules_refuse"  # rolled back whole
    assert after.execute("SELECT status FROM students").fetchall() == [("expelled",)]
    assert "CHECK" not in after.execute("SELECT sql FROM sqlite_master WHERE name = 'students'").fetchone()[0]


def test_m003_s_frozen_forms_are_the_ones_the_domain_still_verifies():
    """m003 keeps its own copy of the event/1 and record/1 forms; today they agree with the domain's."""
    from xueji.domain import audit

    assert migrations.M003_RECORD_FIELDS == audit.RECORD_FIELDS and migrations.M003_GENESIS == audit.GENESIS
    record = dict(zip(audit.RECORD_FIELDS, ["202301010101", "張三", "1", "2005-03-01", "1", "x", None, 2023, "01",
                                            "01", "01", 1, 2023, "01", "01", "01", "active", "2023-09-01", None]))
    assert migrations._m003_sha(["record/1", *record.values()]) == audit.record_hash(record)
    event = dict(zip(audit.EVENT_FIELDS, [1, "202301010101", "enroll", None, "2023-09-01", "t", "op", None, None,
                                          None, "active", None, None, None, None, "h"]))
    assert migrations._m003_sha(["event/1", *event.values(), audit.GENESIS]) == audit.event_hash(event, audit.GENESIS)


def test_m004_s_frozen_forms_are_the_ones_the_domain_still_verifies():
    from xueji.domain import audit

    assert (migrations.M004_ACCESS_FIELDS, migrations.M004_REQUEST_FIELDS, migrations.M004_DECISION_FIELDS) == (
        audit.ACCESS_FIELDS, audit.REQUEST_FIELDS, audit.DECISION_FIELDS)
    rows = {"access": dict.fromkeys(audit.ACCESS_FIELDS, "x") | {"id": 1, "shown": 2, "revealed": 0},
            "request": dict.fromkeys(audit.REQUEST_FIELDS, "y") | {"id": 3},
            "decision": dict.fromkeys(audit.DECISION_FIELDS, "張") | {"id": 3}}
    for kind, row in rows.items():
        students = ["202301010102", "202301010101"] if kind == "access" else []
        assert migrations._m004_body(kind, row, students) == audit.body(kind, row, students)
    entry = {"id": 1, "kind": "access", "ref": 1, "at": "t", "account": None, "operator": "o", "body": "b"}
    assert migrations._m003_sha(["ledger/1", *entry.values(), audit.GENESIS]) == audit.ledger_hash(entry, audit.GENESIS)


def test_m008_s_frozen_names_are_the_catalogs_names():
    from xueji import i18n
    from xueji.domain.validate import GENDERS

    try:
        for code, jyt, hans, hant, en in migrations.M008_STATUSES:
            status = Status(code)
            assert status.jyt_code == jyt
            for language, text in (("zh-Hans", hans), ("zh-Hant", hant), ("en", en)):
                i18n.set_language(language)
                assert i18n._(status.label) == text, (code, language)
        for code, hans, hant, en in migrations.M008_GENDERS:
            for language, text in (("zh-Hans", hans), ("zh-Hant", hant), ("en", en)):
                i18n.set_language(language)
                assert i18n._(GENDERS[code]) == text
    finally:
        i18n.set_language("en")


@pytest.mark.parametrize("version", [(3, 34, 1), sqlite3.sqlite_version_info])
def test_m009_drops_the_unused_basis_column_on_old_and_new_sqlite(tmp_path, monkeypatch, version):
    """ALTER TABLE … DROP COLUMN needs SQLite 3.35; an older one rebuilds the table. Rows stay, the column goes."""
    from sqlite_utils import Database

    conn = sqlite3.connect(tmp_path / "x.db")
    db = Database(conn, execute_plugins=False)
    for name, fn in migrations.MIGRATIONS[:8]:
        fn(db)
    conn.execute("INSERT INTO requests (id, action, college, student_no, payload, status, submitted_by, submitted_at) "
                 "VALUES (7, 'withdraw', '01', '202301010101', '{\"basis\": {}}', 'pending', 'clerk', "
                 "'2023-10-02T00:00:00+00:00')")
    monkeypatch.setattr(migrations.sqlite3, "sqlite_version_info", version)
    migrations.MIGRATIONS[8][1](db)
    assert [row[1] for row in conn.execute("PRAGMA table_info(requests)")].count("basis") == 0
    assert conn.execute("SELECT id, payload, status FROM requests").fetchall() == [(7, '{"basis": {}}', "pending")]
    conn.close()


def test_the_last_ledger_entry_of_a_row_is_an_index_search(session, enrolled):
    """attested() runs at every command's start (the operator's row): the SQL it really sends is planned on the
    (kind, ref) index, never as a scan of a ledger that grows with every look (105 ms at a million entries)."""
    sent = []
    repo = session.store.reader()
    repo.conn.set_trace_callback(sent.append)
    try:
        repo.attested({"id": 1, "name": "x", "role": "office", "college": None, "act_as": 0, "added_at": "x",
                       "added_by": "x", "added_account": None, "ended_at": None, "ended_by": None, "end_reason": None})
    finally:
        repo.conn.set_trace_callback(None)
    [sql] = [s for s in sent if "FROM ledger" in s]
    plan = " ".join(r[3] for r in enrolled.execute("EXPLAIN QUERY PLAN " + sql))
    assert "idx_ledger_kind_ref" in plan, plan
