"""Named migrations, applied in order and recorded in ``_migrations`` (the simonw/llm pattern)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import datetime, timezone

from xueji.store.names import M008_GENDERS, M008_STATUSES  # noqa: F401  (frozen: m008 wrote them)

MIGRATIONS: list[tuple[str, Callable]] = []


def migration(fn: Callable) -> Callable:
    MIGRATIONS.append((fn.__name__, fn))
    return fn


@migration
def m001_students_and_events(db) -> None:
    db["students"].create(
        {
            "id": int,
            "student_no": str,
            "name": str,
            "gender": str,
            "birth_date": str,
            "id_type": str,
            "id_number": str,
            "exam_no": str,
            "enroll_year": int,
            "college": str,
            "major": str,
            "class": str,
            "seat": int,
            "cur_year": int,
            "cur_college": str,
            "cur_major": str,
            "cur_class": str,
            "status": str,
            "status_since": str,
            "suspended_until": str,
            "origin": str,
            "created_at": str,
        },
        pk="id",
        not_null={
            "student_no", "name", "gender", "birth_date", "id_type", "id_number", "enroll_year", "college",
            "major", "class", "seat", "cur_year", "cur_college", "cur_major", "cur_class", "status",
            "status_since", "origin", "created_at",
        },
    )
    db["students"].create_index(["student_no"], unique=True)
    db["students"].create_index(["id_number"])
    db["students"].create_index(["cur_year", "cur_college", "cur_major", "cur_class"])
    db["students"].create_index(["status"])
    # One person, one live registration: the store enforces it too, not only the service.
    db.execute(
        "CREATE UNIQUE INDEX idx_students_live_person ON students (id_type, id_number) "
        "WHERE status IN ('active', 'suspended')"
    )
    db["events"].create(
        {
            "id": int,
            "student_id": int,
            "kind": str,
            "jyt_code": str,
            "effective_date": str,
            "recorded_at": str,
            "operator": str,
            "reason": str,
            "doc_no": str,
            "status_before": str,
            "status_after": str,
            "detail": str,
        },
        pk="id",
        foreign_keys=[("student_id", "students", "id")],
        not_null={"student_id", "kind", "effective_date", "recorded_at", "operator", "status_after"},
    )
    db["events"].create_index(["student_id"])
    # Nothing is ever deleted; events are never rewritten.
    for statement in (
        "CREATE TRIGGER students_never_deleted BEFORE DELETE ON students "
        "BEGIN SELECT RAISE(ABORT, 'students are never deleted'); END",
        "CREATE TRIGGER events_never_deleted BEFORE DELETE ON events "
        "BEGIN SELECT RAISE(ABORT, 'events are never deleted'); END",
        "CREATE TRIGGER events_never_updated BEFORE UPDATE ON events "
        "BEGIN SELECT RAISE(ABORT, 'events are never changed'); END",
        "CREATE TRIGGER students_number_fixed BEFORE UPDATE OF student_no, enroll_year, college, major, class, seat "
        "ON students BEGIN SELECT RAISE(ABORT, 'a student number never changes'); END",
    ):
        db.execute(statement)


@migration
def m002_requests_approvals_and_access_log(db) -> None:
    """Two-level approval (§六) and the access log (§八)."""
    db.execute("ALTER TABLE events ADD COLUMN submitted_by TEXT")
    db.execute("ALTER TABLE events ADD COLUMN approved_by TEXT")
    db.execute("ALTER TABLE events ADD COLUMN request_id INTEGER")
    db["requests"].create(
        {
            "id": int,
            "action": str,
            "college": str,
            "student_no": str,
            "basis": str,
            "payload": str,
            "status": str,
            "submitted_by": str,
            "submitted_at": str,
            "decided_by": str,
            "decided_at": str,
            "doc_no": str,
            "decision_reason": str,
            "result": str,
        },
        pk="id",
        not_null={"action", "payload", "status", "submitted_by", "submitted_at"},
    )
    db["requests"].create_index(["status"])
    db["access_log"].create(
        {
            "id": int,
            "at": str,
            "operator": str,
            "command": str,
            "filters": str,
            "shown": int,
            "revealed": int,
            "purpose": str,
            "requester": str,
            "proof": str,
        },
        pk="id",
        not_null={"at", "operator", "command", "shown", "revealed"},
    )
    db["access_log_students"].create(
        {"access_id": int, "student_no": str},
        foreign_keys=[("access_id", "access_log", "id")],
        not_null={"access_id", "student_no"},
    )
    db["access_log_students"].create_index(["student_no"])
    db["access_log_students"].create_index(["access_id"])
    for statement in (
        "CREATE TRIGGER access_log_never_changed BEFORE UPDATE ON access_log "
        "BEGIN SELECT RAISE(ABORT, 'the access log is never changed'); END",
        "CREATE TRIGGER access_log_never_deleted BEFORE DELETE ON access_log "
        "BEGIN SELECT RAISE(ABORT, 'the access log is never deleted'); END",
        "CREATE TRIGGER requests_never_deleted BEFORE DELETE ON requests "
        "BEGIN SELECT RAISE(ABORT, 'requests are never deleted'); END",
    ):
        db.execute(statement)


@migration
def m003_audit_chain(db) -> None:
    """Chain every event by hash (§九). Existing events are chained in order; each student's last event gets the
    hash of the record as it stands, since the earlier states of records were never kept.

    Frozen as written: the fields and the event/1 and record/1 forms below are those of this version, whatever the
    domain's become (a database upgraded years later must be chained exactly as it was then)."""
    for column in ("record_hash", "prev_hash", "hash"):
        db.execute(f"ALTER TABLE events ADD COLUMN {column} TEXT")
    db.execute("DROP TRIGGER events_never_updated")
    conn = db.conn
    records = {row[0]: list(row) for row in conn.execute(f"SELECT {', '.join(M003_RECORD_FIELDS)} FROM students")}
    last = dict(conn.execute("SELECT s.student_no, max(e.id) FROM events e JOIN students s ON s.id = e.student_id "
                             "GROUP BY s.student_no").fetchall())
    rows = conn.execute(
        "SELECT e.id, s.student_no, e.kind, e.jyt_code, e.effective_date, e.recorded_at, e.operator, e.reason, "
        "e.doc_no, e.status_before, e.status_after, e.detail, e.submitted_by, e.approved_by, e.request_id "
        "FROM events e JOIN students s ON s.id = e.student_id ORDER BY e.id").fetchall()
    prev = M003_GENESIS
    updates = []
    for row in rows:
        student_no, event_id = row[1], row[0]
        record_hash = _m003_sha(["record/1", *records[student_no]]) if last.get(student_no) == event_id else None
        digest = _m003_sha(["event/1", *row, record_hash, prev])
        updates.append((record_hash, prev, digest, event_id))
        prev = digest
    conn.executemany("UPDATE events SET record_hash = ?, prev_hash = ?, hash = ? WHERE id = ?", updates)
    db.execute("CREATE TRIGGER events_never_updated BEFORE UPDATE ON events "
               "BEGIN SELECT RAISE(ABORT, 'events are never changed'); END")


M003_GENESIS = "0" * 64
M003_RECORD_FIELDS = (
    "student_no", "name", "gender", "birth_date", "id_type", "id_number", "exam_no", "enroll_year", "college",
    "major", "class", "seat", "cur_year", "cur_college", "cur_major", "cur_class", "status", "status_since",
    "suspended_until",
)


def _m003_sha(payload: list) -> str:
    import hashlib
    import json

    return hashlib.sha256(json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")).hexdigest()


@migration
def m004_operators_accounts_and_ledger(db) -> None:
    """Operators live in the registry (not in a file the caller names); every event, request and access-log entry
    records the OS account behind it; access-log entries, requests and operator changes form a chain of their own
    (the ledger), so removing or rewriting one is found by `audit verify`.

    Frozen as written: the fields and the access/1, request/1, decision/1 and ledger/1 forms below are this
    version's (a database upgraded years later must be chained exactly as it was then)."""
    for table in ("events", "access_log", "requests"):
        db.execute(f"ALTER TABLE {table} ADD COLUMN account TEXT")
    db.execute(
        "CREATE TABLE operators (id INTEGER PRIMARY KEY, name TEXT NOT NULL, "
        "role TEXT NOT NULL CHECK (role IN ('office', 'college', 'inspector', 'viewer')), college TEXT, "
        "act_as INTEGER NOT NULL DEFAULT 0 CHECK (act_as IN (0, 1)), added_at TEXT NOT NULL, added_by TEXT NOT NULL, "
        "added_account TEXT, ended_at TEXT, ended_by TEXT, end_reason TEXT, "
        "CHECK ((role = 'college') = (college IS NOT NULL)))")
    db.execute("CREATE UNIQUE INDEX idx_operators_current ON operators (name) WHERE ended_at IS NULL")
    db.execute(
        "CREATE TABLE ledger (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, ref INTEGER NOT NULL, at TEXT NOT NULL, "
        "account TEXT, operator TEXT, body TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL)")
    for statement in (
        "CREATE TRIGGER operators_never_deleted BEFORE DELETE ON operators "
        "BEGIN SELECT RAISE(ABORT, 'operators are never deleted, only ended'); END",
        "CREATE TRIGGER operators_only_ended BEFORE UPDATE ON operators WHEN OLD.ended_at IS NOT NULL "
        "OR NEW.name IS NOT OLD.name OR NEW.role IS NOT OLD.role OR NEW.college IS NOT OLD.college "
        "OR NEW.act_as IS NOT OLD.act_as OR NEW.added_at IS NOT OLD.added_at OR NEW.added_by IS NOT OLD.added_by "
        "BEGIN SELECT RAISE(ABORT, 'an operator is only ever ended'); END",
        "CREATE TRIGGER ledger_never_changed BEFORE UPDATE ON ledger "
        "BEGIN SELECT RAISE(ABORT, 'the ledger is never changed'); END",
        "CREATE TRIGGER ledger_never_deleted BEFORE DELETE ON ledger "
        "BEGIN SELECT RAISE(ABORT, 'the ledger is never deleted'); END",
        "CREATE TRIGGER requests_decided_once BEFORE UPDATE ON requests WHEN OLD.status != 'pending' "
        "OR NEW.action IS NOT OLD.action OR NEW.college IS NOT OLD.college OR NEW.student_no IS NOT OLD.student_no "
        "OR NEW.payload IS NOT OLD.payload OR NEW.submitted_by IS NOT OLD.submitted_by "
        "OR NEW.submitted_at IS NOT OLD.submitted_at OR NEW.account IS NOT OLD.account "
        "BEGIN SELECT RAISE(ABORT, 'a request is decided once and otherwise never changed'); END",
    ):
        db.execute(statement)
    # Existing access-log entries and requests join the ledger in the order they were made.
    conn = db.conn
    entries = []
    for row in conn.execute(f"SELECT {', '.join(M004_ACCESS_FIELDS)} FROM access_log ORDER BY id").fetchall():
        record = dict(zip(M004_ACCESS_FIELDS, row))
        students = [r[0] for r in conn.execute("SELECT student_no FROM access_log_students WHERE access_id = ?",
                                               (record["id"],))]
        entries.append((record["at"], "access", record["id"], record["operator"], _m004_body("access", record, students)))
    for row in conn.execute(f"SELECT {', '.join(M004_REQUEST_FIELDS)} FROM requests ORDER BY id").fetchall():
        record = dict(zip(M004_REQUEST_FIELDS, row))
        entries.append((record["submitted_at"], "request", record["id"], record["submitted_by"],
                        _m004_body("request", record)))
    for row in conn.execute(f"SELECT {', '.join(M004_DECISION_FIELDS)} FROM requests WHERE status != 'pending' "
                            "ORDER BY id").fetchall():
        record = dict(zip(M004_DECISION_FIELDS, row))
        entries.append((record["decided_at"], "decision", record["id"], record["decided_by"],
                        _m004_body("decision", record)))
    prev = M003_GENESIS
    for number, (at, kind, ref, operator, text) in enumerate(sorted(entries, key=lambda e: (e[0], e[1])), start=1):
        entry = {"id": number, "kind": kind, "ref": ref, "at": at, "account": None, "operator": operator, "body": text}
        digest = _m003_sha(["ledger/1", *entry.values(), prev])
        conn.execute("INSERT INTO ledger (id, kind, ref, at, account, operator, body, prev_hash, hash) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", (*entry.values(), prev, digest))
        prev = digest


M004_ACCESS_FIELDS = ("id", "at", "operator", "account", "command", "filters", "shown", "revealed", "purpose",
                      "requester", "proof")
M004_REQUEST_FIELDS = ("id", "action", "college", "student_no", "payload", "submitted_by", "submitted_at", "account")
M004_DECISION_FIELDS = ("id", "status", "decided_by", "decided_at", "doc_no", "decision_reason", "result")


def _m004_body(kind: str, row: dict, students=()) -> str:
    import hashlib
    import json

    fields = {"access": M004_ACCESS_FIELDS, "request": M004_REQUEST_FIELDS, "decision": M004_DECISION_FIELDS}[kind]
    values = [f"{kind}/1", *(row[k] for k in fields)]
    if kind == "access":
        values.append(hashlib.sha256("\n".join(sorted(students)).encode("utf-8")).hexdigest())
    return json.dumps(values, ensure_ascii=False, separators=(",", ":"))


@migration
def m005_person_codes(db) -> None:
    """What admissions records and a registrar keeps: ethnicity (GB/T 3304), political status (GB/T 4762) and place
    of origin (生源地, GB/T 2260), as codes."""
    for column in ("ethnicity", "political", "region"):
        db.execute(f"ALTER TABLE students ADD COLUMN {column} TEXT")


@migration
def m006_name_search_keys(db) -> None:
    """`query --name` across scripts and by pinyin: each name's key (the name, its pinyin and initials), kept when
    the student is written, never computed per query. In a narrow table of its own: a search scans only the keys,
    and the students' rows (which statistics and reports scan) stay as narrow as they were."""
    from xueji.domain.order import search_key

    db.execute("CREATE TABLE name_keys (student_id INTEGER PRIMARY KEY REFERENCES students(id), key TEXT NOT NULL)")
    conn = db.conn
    rows = conn.execute("SELECT id, name FROM students").fetchall()
    conn.executemany("INSERT INTO name_keys (student_id, key) VALUES (?, ?)", ((i, search_key(n)) for i, n in rows))


# What m007 holds the schema to, frozen here as the migration wrote it (a later change of the domain's lists needs a
# migration of its own; tests/integration/test_schema_rules.py fails until it has one).
M007_STATUSES = ("active", "suspended", "withdrawn", "graduated", "completed", "incomplete", "transferred_out",
                 "deceased", "missing")
M007_GENDERS = ("0", "1", "2", "9")
M007_ID_TYPES = ("1", "6", "7", "8", "9", "A", "Z")


@migration
def m007_the_schema_refuses_what_the_rules_refuse(db) -> None:
    """A row written past xueji (sqlite3, datasette, a script) is held to the same rules by SQLite itself: CHECK
    constraints on status, gender and ID type (their lists), seats 1–99 matching a twelve-digit number; foreign keys
    from an event to its request and from an access-log entry to the student it names. SQLite adds constraints only
    by copying a table, so students, events and access_log_students are rebuilt (SQLite's twelve steps: the store
    runs migrations with foreign keys off and checks them all before committing). Indexes for the annual report's
    and the access log's searches.

    The lists are written as instr() on a delimited text, not IN (…): SQLite builds an IN list's lookup table for
    every row checked, which made a 100 000-row roster 1.1 s slower; these cost 0.3 s."""
    def among(column: str, values) -> str:
        return f"instr(',{','.join(values)},', ',' || {column} || ',') > 0"

    conn = db.conn
    _rebuild(conn, "students", [
        f"CHECK ({among('status', M007_STATUSES)})",
        f"CHECK ({among('gender', M007_GENDERS)})",
        f"CHECK ({among('id_type', M007_ID_TYPES)})",
        "CHECK (typeof(seat) = 'integer' AND seat BETWEEN 1 AND 99)",
        "CHECK (length(student_no) = 12 AND student_no NOT GLOB '*[^0-9]*' "
        "AND substr(student_no, 11, 2) = printf('%02d', seat))",
    ])
    _rebuild(conn, "events", ["FOREIGN KEY (request_id) REFERENCES requests(id)"])
    _rebuild(conn, "access_log_students", ["FOREIGN KEY (student_no) REFERENCES students(student_no)"])
    conn.execute("CREATE INDEX IF NOT EXISTS idx_events_kind_effective ON events (kind, effective_date)")
    conn.execute("CREATE INDEX IF NOT EXISTS idx_access_log_operator_at ON access_log (operator, at)")


def _rebuild(conn: sqlite3.Connection, table: str, constraints: list[str]) -> None:
    """Copy ``table`` into one with ``constraints`` added, then put it in the old one's place with its indexes and
    triggers (https://sqlite.org/lang_altertable.html#otheralter; foreign keys are off while this runs). A row that
    breaks a new constraint stops the migration: nothing changes, and the error names the constraint."""
    import re

    create = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).fetchone()[0]
    others = [row[0] for row in conn.execute(
        "SELECT sql FROM sqlite_master WHERE tbl_name = ? AND type IN ('index', 'trigger') AND sql IS NOT NULL "
        "ORDER BY type, name", (table,))]
    body = create.rstrip().removesuffix(")")
    renamed = re.sub(rf'^CREATE TABLE\s+"?{table}"?', f"CREATE TABLE {table}_m007", body, count=1)
    conn.execute(renamed + ", " + ", ".join(constraints) + ")")
    conn.execute(f"INSERT INTO {table}_m007 SELECT * FROM {table}")
    conn.execute(f"DROP TABLE {table}")
    conn.execute(f"ALTER TABLE {table}_m007 RENAME TO {table}")
    for statement in others:
        conn.execute(statement)


@migration
def m008_names_for_readers_of_the_file(db) -> None:
    """Whoever opens the file with datasette or sqlite-utils reads 文學院 and 休學, not 01 and suspended: the code
    table's colleges and majors (kept in step by `init` and `codes add-*`), the statuses and genders in three
    languages, and a view of the students by name (no ID numbers or birth dates in it)."""
    conn = db.conn
    conn.execute("CREATE TABLE colleges (code TEXT PRIMARY KEY, name TEXT NOT NULL)")
    conn.execute("CREATE TABLE majors (college TEXT NOT NULL, code TEXT NOT NULL, name TEXT NOT NULL, "
                 "national_code TEXT, PRIMARY KEY (college, code))")
    conn.execute("CREATE TABLE statuses (code TEXT PRIMARY KEY, jyt_code TEXT NOT NULL, name_zh_hans TEXT NOT NULL, "
                 "name_zh_hant TEXT NOT NULL, name_en TEXT NOT NULL)")
    conn.executemany("INSERT INTO statuses VALUES (?, ?, ?, ?, ?)", M008_STATUSES)
    conn.execute("CREATE TABLE genders (code TEXT PRIMARY KEY, name_zh_hans TEXT NOT NULL, name_zh_hant TEXT NOT NULL, "
                 "name_en TEXT NOT NULL)")
    conn.executemany("INSERT INTO genders VALUES (?, ?, ?, ?)", M008_GENDERS)
    conn.execute(
        "CREATE VIEW students_named AS SELECT s.student_no, s.name, g.name_zh_hant AS gender, s.enroll_year, "
        "s.college, c.name AS college_name, s.major, m.name AS major_name, s.class, s.seat, "
        "st.name_zh_hant AS status, s.status AS status_code, s.status_since, s.suspended_until, "
        "s.cur_year, s.cur_college, s.cur_major, s.cur_class "
        "FROM students s LEFT JOIN genders g ON g.code = s.gender LEFT JOIN statuses st ON st.code = s.status "
        "LEFT JOIN colleges c ON c.code = s.college LEFT JOIN majors m ON m.college = s.college AND m.code = s.major")


@migration
def m009_requests_without_an_unused_basis(db) -> None:
    """``requests.basis`` (m002) was never written: a request's basis — the last event of each student it names,
    which approval compares with the record — lives in its payload. The empty column goes, so that nobody reads
    meaning into it (issue 12)."""
    if sqlite3.sqlite_version_info >= (3, 35, 0):
        db.conn.execute("ALTER TABLE requests DROP COLUMN basis")
    else:  # an older SQLite: the same table rebuilt without it
        db["requests"].transform(drop={"basis"})


@migration
def m010_certificates(db) -> None:
    """Certificates issued (在讀證明 / 學籍證明, §八.1), never changed or removed, each recorded in the ledger; and the
    registry's secret that keys their verification codes (made here, once; copied with the registry)."""
    import secrets

    db.execute("CREATE TABLE secrets (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
    db.execute("INSERT INTO secrets (name, value) VALUES ('certificate', ?)", [secrets.token_hex(32)])
    db.execute(
        "CREATE TABLE certificates (id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE, "
        "kind TEXT NOT NULL CHECK (kind IN ('enrollment', 'record')), "
        "student_no TEXT NOT NULL REFERENCES students (student_no), lang TEXT NOT NULL, facts TEXT NOT NULL, "
        "head_event INTEGER NOT NULL, head TEXT NOT NULL, issued_at TEXT NOT NULL, operator TEXT NOT NULL, "
        "account TEXT, requester TEXT, proof TEXT, purpose TEXT)")
    db.execute("CREATE INDEX idx_certificates_student_no ON certificates (student_no)")
    for statement in (
        "CREATE TRIGGER certificates_never_changed BEFORE UPDATE ON certificates "
        "BEGIN SELECT RAISE(ABORT, 'a certificate is never changed'); END",
        "CREATE TRIGGER certificates_never_deleted BEFORE DELETE ON certificates "
        "BEGIN SELECT RAISE(ABORT, 'certificates are never deleted'); END",
    ):
        db.execute(statement)


@migration
def m011_requests_between_colleges(db) -> None:
    """A change of major into another college names that college (``receiving``: it sees the request and may refuse
    it) and records its agreement, which the office needs before approving; once given, never changed."""
    for column in ("receiving", "agreed_by", "agreed_at", "agreed_account"):
        db.execute(f"ALTER TABLE requests ADD COLUMN {column} TEXT")
    db.execute("DROP TRIGGER requests_decided_once")
    db.execute(
        "CREATE TRIGGER requests_decided_once BEFORE UPDATE ON requests WHEN OLD.status != 'pending' "
        "OR NEW.action IS NOT OLD.action OR NEW.college IS NOT OLD.college OR NEW.student_no IS NOT OLD.student_no "
        "OR NEW.payload IS NOT OLD.payload OR NEW.submitted_by IS NOT OLD.submitted_by "
        "OR NEW.submitted_at IS NOT OLD.submitted_at OR NEW.account IS NOT OLD.account "
        "OR NEW.receiving IS NOT OLD.receiving OR (OLD.agreed_at IS NOT NULL AND (NEW.agreed_by IS NOT OLD.agreed_by "
        "OR NEW.agreed_at IS NOT OLD.agreed_at OR NEW.agreed_account IS NOT OLD.agreed_account)) "
        "BEGIN SELECT RAISE(ABORT, 'a request is decided once and otherwise never changed'); END")


@migration
def m012_ledger_entries_by_row(db) -> None:
    """The last ledger entry of one row (an operator's, at every command's start; a certificate's): an index search.
    Without it, a registry whose access log had reached a million entries scanned them all each time (105 ms)."""
    db.execute("CREATE INDEX idx_ledger_kind_ref ON ledger (kind, ref)")


@migration
def m013_departments_and_their_grants(db) -> None:
    """Departments' access (§八.2): the role `department`, the office's grants (a purpose, fields, a scope, an
    expiry; never deleted, only revoked, each change in the ledger) and the grant a look was made under."""
    db.execute(
        "CREATE TABLE grants (id INTEGER PRIMARY KEY, operator TEXT NOT NULL, purpose TEXT NOT NULL, "
        "fields TEXT NOT NULL, college TEXT, year INTEGER, statuses TEXT, until TEXT NOT NULL, doc_no TEXT NOT NULL, "
        "granted_by TEXT NOT NULL, granted_at TEXT NOT NULL, granted_account TEXT, revoked_by TEXT, revoked_at TEXT, "
        "revoked_account TEXT, revoke_reason TEXT)")
    db.execute("CREATE INDEX idx_grants_operator ON grants (operator)")
    for statement in (
        "CREATE TRIGGER grants_never_deleted BEFORE DELETE ON grants "
        "BEGIN SELECT RAISE(ABORT, 'grants are never deleted, only revoked'); END",
        "CREATE TRIGGER grants_only_revoked BEFORE UPDATE ON grants WHEN OLD.revoked_at IS NOT NULL "
        "OR NEW.operator IS NOT OLD.operator OR NEW.purpose IS NOT OLD.purpose OR NEW.fields IS NOT OLD.fields "
        "OR NEW.college IS NOT OLD.college OR NEW.year IS NOT OLD.year OR NEW.statuses IS NOT OLD.statuses "
        "OR NEW.until IS NOT OLD.until OR NEW.doc_no IS NOT OLD.doc_no OR NEW.granted_by IS NOT OLD.granted_by "
        "OR NEW.granted_at IS NOT OLD.granted_at OR NEW.granted_account IS NOT OLD.granted_account "
        "BEGIN SELECT RAISE(ABORT, 'a grant is only ever revoked'); END",
    ):
        db.execute(statement)
    db.execute("ALTER TABLE access_log ADD COLUMN grant_id INTEGER REFERENCES grants (id)")
    db.execute("CREATE INDEX idx_access_log_grant_id ON access_log (grant_id)")
    # the role list of operators is a CHECK: the table is rebuilt with `department` in it (rows, index, triggers)
    db.execute(
        "CREATE TABLE operators_new (id INTEGER PRIMARY KEY, name TEXT NOT NULL, "
        "role TEXT NOT NULL CHECK (role IN ('office', 'college', 'inspector', 'viewer', 'department')), college TEXT, "
        "act_as INTEGER NOT NULL DEFAULT 0 CHECK (act_as IN (0, 1)), added_at TEXT NOT NULL, added_by TEXT NOT NULL, "
        "added_account TEXT, ended_at TEXT, ended_by TEXT, end_reason TEXT, "
        "CHECK ((role = 'college') = (college IS NOT NULL)))")
    db.execute("INSERT INTO operators_new SELECT id, name, role, college, act_as, added_at, added_by, added_account, "
               "ended_at, ended_by, end_reason FROM operators")
    db.execute("DROP TABLE operators")
    db.execute("ALTER TABLE operators_new RENAME TO operators")
    db.execute("CREATE UNIQUE INDEX idx_operators_current ON operators (name) WHERE ended_at IS NULL")
    for statement in (
        "CREATE TRIGGER operators_never_deleted BEFORE DELETE ON operators "
        "BEGIN SELECT RAISE(ABORT, 'operators are never deleted, only ended'); END",
        "CREATE TRIGGER operators_only_ended BEFORE UPDATE ON operators WHEN OLD.ended_at IS NOT NULL "
        "OR NEW.name IS NOT OLD.name OR NEW.role IS NOT OLD.role OR NEW.college IS NOT OLD.college "
        "OR NEW.act_as IS NOT OLD.act_as OR NEW.added_at IS NOT OLD.added_at OR NEW.added_by IS NOT OLD.added_by "
        "BEGIN SELECT RAISE(ABORT, 'an operator is only ever ended'); END",
    ):
        db.execute(statement)


@migration
def m014_office_settings(db) -> None:
    """The office's settings kept in the registry, not in a configuration file a caller could point elsewhere (which
    statuses a kind of certificate is issued for): each change a new row and a ledger entry, the newest in force."""
    db.execute("CREATE TABLE settings (id INTEGER PRIMARY KEY, name TEXT NOT NULL, value TEXT NOT NULL, "
               "set_by TEXT NOT NULL, set_at TEXT NOT NULL, set_account TEXT)")
    db.execute("CREATE INDEX idx_settings_name ON settings (name, id)")
    for statement in (
        "CREATE TRIGGER settings_never_changed BEFORE UPDATE ON settings "
        "BEGIN SELECT RAISE(ABORT, 'a setting is never changed: a new one is added'); END",
        "CREATE TRIGGER settings_never_deleted BEFORE DELETE ON settings "
        "BEGIN SELECT RAISE(ABORT, 'settings are never deleted'); END",
    ):
        db.execute(statement)


def applied(conn: sqlite3.Connection) -> set[str]:
    try:
        return {row[0] for row in conn.execute("SELECT name FROM _migrations")}
    except sqlite3.OperationalError:
        return set()


def pending(conn: sqlite3.Connection) -> list[str]:
    done = applied(conn)
    return [name for name, _ in MIGRATIONS if name not in done]


def migrate(conn: sqlite3.Connection) -> list[str]:
    """Apply pending migrations; the caller holds the write transaction."""
    from sqlite_utils import Database

    db = Database(conn, execute_plugins=False)
    if "_migrations" not in db.table_names():
        db["_migrations"].create({"name": str, "applied_at": str}, pk="name")
    done = applied(conn)
    ran = []
    for name, fn in MIGRATIONS:
        if name in done:
            continue
        fn(db)
        db["_migrations"].insert({"name": name, "applied_at": datetime.now(timezone.utc).isoformat(timespec="seconds")})
        ran.append(name)
    return ran
