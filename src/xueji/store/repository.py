"""Reading and writing students and events. Rows become domain records here and nowhere else."""

from __future__ import annotations

import json
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timezone

from xueji.domain import audit
from xueji.domain.model import ChangeRequest, Event, Person, Placement, Student
from xueji.domain.order import search_key, search_texts
from xueji.domain.status import LIVE as LIVE_STATUSES
from xueji.domain.status import EventKind, Status

_STUDENT_COLUMNS = (
    "id, student_no, name, gender, birth_date, id_type, id_number, exam_no, enroll_year, college, major, class, "
    "seat, cur_year, cur_college, cur_major, cur_class, status, status_since, suspended_until, ethnicity, political, "
    "region"
)


@dataclass
class StudentFilter:
    """What `query` may filter on; placement filters match the current placement."""

    student_no: str | None = None
    name: str | None = None
    id_number: str | None = None
    year: int | None = None
    college: str | None = None
    major: str | None = None
    klass: str | None = None
    statuses: list[str] = field(default_factory=list)
    scope: str | None = None  # college staff: their own college only


def _student(row: tuple) -> Student:
    return Student(
        id=row[0],
        student_no=row[1],
        person=Person(row[2], row[3], date.fromisoformat(row[4]), row[5], row[6], row[7], row[20], row[21], row[22]),
        entry=Placement(row[8], row[9], row[10], row[11]),
        seat=row[12],
        current=Placement(row[13], row[14], row[15], row[16]),
        status=Status(row[17]),
        status_since=date.fromisoformat(row[18]),
        suspended_until=date.fromisoformat(row[19]) if row[19] else None,
    )


_EVENT_COLUMNS = (
    "id", "student_id", "kind", "jyt_code", "effective_date", "recorded_at", "operator", "reason", "doc_no",
    "status_before", "status_after", "detail", "submitted_by", "approved_by", "request_id", "record_hash", "account",
    "prev_hash", "hash",
)

_INSERT_COLUMNS = (
    "id", "student_no", "name", "gender", "birth_date", "id_type", "id_number", "exam_no", "enroll_year", "college",
    "major", "class", "seat", "cur_year", "cur_college", "cur_major", "cur_class", "status", "status_since",
    "suspended_until", "origin", "created_at", "ethnicity", "political", "region",
)


def _insert_row(s: Student, origin: str, created: str) -> tuple:
    p, e, c = s.person, s.entry, s.current
    return (
        s.id, s.student_no, p.name, p.gender, p.birth_date.isoformat(), p.id_type, p.id_number, p.exam_no, e.year,
        e.college, e.major, e.klass, s.seat, c.year, c.college, c.major, c.klass, s.status.value,
        s.status_since.isoformat(), s.suspended_until.isoformat() if s.suspended_until else None, origin, created,
        p.ethnicity, p.political, p.region,
    )


def record_hash(s: Student) -> str:
    """The audit chain's hash of a student's stored fields, built without a dict (a roster hashes 100 000)."""
    p, e, c = s.person, s.entry, s.current
    return audit.record_hash_of(
        [s.student_no, p.name, p.gender, p.birth_date.isoformat(), p.id_type, p.id_number, p.exam_no, e.year,
         e.college, e.major, e.klass, s.seat, c.year, c.college, c.major, c.klass, s.status.value,
         s.status_since.isoformat(), s.suspended_until.isoformat() if s.suspended_until else None],
        [p.ethnicity, p.political, p.region])


def record_values(s: Student) -> dict:
    """A student's stored fields, as the audit chain hashes them."""
    p, e, c = s.person, s.entry, s.current
    return {
        "student_no": s.student_no, "name": p.name, "gender": p.gender, "birth_date": p.birth_date.isoformat(),
        "id_type": p.id_type, "id_number": p.id_number, "exam_no": p.exam_no, "enroll_year": e.year,
        "college": e.college, "major": e.major, "class": e.klass, "seat": s.seat, "cur_year": c.year,
        "cur_college": c.college, "cur_major": c.major, "cur_class": c.klass, "status": s.status.value,
        "status_since": s.status_since.isoformat(),
        "suspended_until": s.suspended_until.isoformat() if s.suspended_until else None,
        "ethnicity": p.ethnicity, "political": p.political, "region": p.region,
    }


def _student_values(student: Student) -> dict:
    p = student.person
    return {
        "name": p.name,
        "gender": p.gender,
        "birth_date": p.birth_date.isoformat(),
        "id_type": p.id_type,
        "id_number": p.id_number,
        "exam_no": p.exam_no,
        "ethnicity": p.ethnicity,
        "political": p.political,
        "region": p.region,
        "cur_year": student.current.year,
        "cur_college": student.current.college,
        "cur_major": student.current.major,
        "cur_class": student.current.klass,
        "status": student.status.value,
        "status_since": student.status_since.isoformat(),
        "suspended_until": student.suspended_until.isoformat() if student.suspended_until else None,
    }


@contextmanager
def savepoint(store, repo: "Repository"):
    """Work nested in an open unit of work, on either engine: a SAVEPOINT whose ``commit()`` keeps the work for the
    outer unit to commit or roll back; without it (or on an error) only the inner work is undone."""
    store._depth += 1
    name = f"xueji_{store._depth}"
    repo.conn.execute(f"SAVEPOINT {name}")
    try:
        yield repo
    except BaseException:
        repo.conn.execute(f"ROLLBACK TO {name}")
        repo.conn.execute(f"RELEASE {name}")
        raise
    finally:
        store._depth -= 1
    if not repo.committed:
        repo.conn.execute(f"ROLLBACK TO {name}")
    repo.conn.execute(f"RELEASE {name}")


class Repository:
    """Students and events over one connection; writers call it inside ``Store.transaction()``."""

    def __init__(self, conn, store=None):
        self.conn = conn
        self.store = store
        self.committed = False

    def commit(self) -> None:
        """The use case is done: keep its work (the unit of work rolls back on leaving otherwise)."""
        self.committed = True

    # --- what differs between engines (store/postgres.py overrides these) ------------------------------------------
    CONTAINS = "instr({}, ?) > 0"  # a name key containing a search text
    # Each student's last event, joined as ``e``: SQLite plans the correlated max(id) as one index search per student.
    LAST_EVENT = "LEFT JOIN events e ON e.id = (SELECT max(id) FROM events WHERE student_id = s.id)"
    # A login that reads masked views (PostgreSQL's viewers and inspectors): what the hashes cover is masked, so the
    # database compares them itself (``intact`` beside events, records and ledger entries; views ledger_checked,
    # ledger_rows, shared_live_registrations).
    masked = False

    def _stream(self, sql: str, params=()):
        """Rows of a query that may cover the whole registry, one at a time (SQLite's cursor never holds them)."""
        return self.conn.execute(sql, params)

    def _insert_many(self, table: str, columns: tuple[str, ...], rows) -> None:
        """Rows written by the registry's own work (a roster's 100 000): one prepared INSERT, executed many times."""
        self.conn.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})",
                              rows)

    def _insert_id(self, sql: str, params: tuple) -> int:
        """Insert one row and return the id the engine gave it."""
        return self.conn.execute(sql, params).lastrowid

    def _chain_head(self, table: str, lock: bool = True) -> tuple[int, str] | None:
        """(id, hash) of the last row of a chain (events or ledger), or None; ``lock``: the caller is about to append
        (and holds the write lock)."""
        return self.conn.execute(f"SELECT id, hash FROM {table} ORDER BY id DESC LIMIT 1").fetchone()

    def chain_end(self, table: str) -> tuple[int, str]:
        """(id, hash) of the last row the chain itself holds, (0, GENESIS) if none."""
        row = self.conn.execute(f"SELECT id, hash FROM {table} ORDER BY id DESC LIMIT 1").fetchone()
        return (row[0], row[1]) if row else (0, audit.GENESIS)

    def recorded_heads(self) -> dict[str, tuple[int, str]]:
        """The heads the database keeps apart from the chains (PostgreSQL's heads row); SQLite keeps none."""
        return {}

    def _advance_head(self, table: str, row_id: int, digest: str) -> None:
        """After appending to a chain: SQLite reads its head from the chain itself; PostgreSQL keeps it in a row."""

    # --- numbers -------------------------------------------------------------------------
    def highest_seat(self, prefix: str) -> int | None:
        """The highest seat ever issued in a class (the ten-digit prefix of its numbers)."""
        row = self.conn.execute(
            "SELECT max(student_no) FROM students WHERE student_no BETWEEN ? AND ?", (prefix + "00", prefix + "99")
        ).fetchone()
        return int(row[0][10:]) if row[0] else None

    # --- students ------------------------------------------------------------------------
    def get(self, student_no: str) -> Student | None:
        row = self.conn.execute(f"SELECT {_STUDENT_COLUMNS} FROM students WHERE student_no = ?", (student_no,)).fetchone()
        return _student(row) if row else None

    # The domain's live statuses as SQL, in the very form of idx_students_live_person's WHERE (same order), so the
    # partial index serves the look-ups (tests/integration/test_query_plans.py asserts the plan).
    LIVE = "status IN ({})".format(", ".join(f"'{s.value}'" for s in sorted(LIVE_STATUSES, key=lambda s: s.value)))

    def live_registrations(self, keys: list[tuple[str, str]]) -> dict[tuple[str, str], str]:
        """The live registration's number for each (id_type, id_number) that has one, looked up in chunks.

        Shaped to match the partial unique index (id_type = ?, id_number IN …, and its own WHERE): a search of the
        index per key, whatever the registry's size (tests assert the plan)."""
        found: dict[tuple[str, str], str] = {}
        by_type: dict[str, list[str]] = {}
        for id_type, number in set(keys):
            by_type.setdefault(id_type, []).append(number)
        for id_type, numbers in by_type.items():
            numbers.sort()
            for start in range(0, len(numbers), 500):
                chunk = numbers[start:start + 500]
                rows = self.conn.execute(
                    f"SELECT id_type, id_number, student_no FROM students WHERE id_type = ? "
                    f"AND id_number IN ({', '.join('?' for _ in chunk)}) AND {self.LIVE}", [id_type, *chunk])
                for row_type, id_number, student_no in rows:
                    found[(row_type, id_number)] = student_no
        return found

    def existing_numbers(self, numbers: list[str]) -> set[str]:
        found: set[str] = set()
        for start in range(0, len(numbers), 500):
            chunk = numbers[start:start + 500]
            rows = self.conn.execute(
                f"SELECT student_no FROM students WHERE student_no IN ({', '.join('?' for _ in chunk)})", chunk)
            found.update(r[0] for r in rows)
        return found

    def highest_class(self, year: int, college: str, major: str) -> int:
        """The highest class number ever used by a year's major (0 if none)."""
        prefix = f"{year:04d}{college}{major}"
        row = self.conn.execute(
            "SELECT max(student_no) FROM students WHERE student_no BETWEEN ? AND ?", (prefix + "0000", prefix + "9999")
        ).fetchone()
        return int(row[0][8:10]) if row[0] else 0

    def placed(self, where) -> int:
        """Live students currently placed in one class (its seats for a student moving in: at most 99)."""
        return self.conn.execute(
            f"SELECT count(*) FROM students WHERE cur_year = ? AND cur_college = ? AND cur_major = ? AND cur_class = ? "
            f"AND {self.LIVE}", (where.year, where.college, where.major, where.klass)).fetchone()[0]

    def live_registration(self, id_type: str, id_number: str) -> str | None:
        row = self.conn.execute(
            f"SELECT student_no FROM students WHERE id_type = ? AND id_number = ? AND {self.LIVE}",
            (id_type, id_number),
        ).fetchone()
        return row[0] if row else None

    def next_student_id(self) -> int:
        """The id the next inserted student gets (the caller holds the write lock)."""
        return self.next_id("students")

    def next_id(self, table: str) -> int:
        """The id the next row of ``table`` gets (the caller holds the write lock; PostgreSQL: its sequence)."""
        return (self.conn.execute(f"SELECT max(id) FROM {table}").fetchone()[0] or 0) + 1

    def add_many(self, students: list[Student], origins: list[str]) -> list[Student]:
        """Insert new students, numbered from ``next_student_id`` by the caller (who holds the write lock).

        A plain executemany: sqlite-utils' insert_all spends ~60 µs a row converting values,
        which is most of the time of a 100 000-row roster.
        """
        created = now()
        self._insert_many("students", _INSERT_COLUMNS,
                          (_insert_row(student, origin, created) for student, origin in zip(students, origins)))
        self._insert_many("name_keys", ("student_id", "key"), ((s.id, search_key(s.person.name)) for s in students))
        return students

    def update(self, student: Student) -> None:
        values = _student_values(student)
        self.conn.execute(f"UPDATE students SET {', '.join(f'{k} = ?' for k in values)} WHERE id = ?",
                          (*values.values(), student.id))
        self.conn.execute("INSERT INTO name_keys (student_id, key) VALUES (?, ?) "
                          "ON CONFLICT (student_id) DO UPDATE SET key = excluded.key",
                          (student.id, search_key(student.person.name)))

    def query(self, f: StudentFilter, limit: int) -> tuple[list[Student], int]:
        """Students matching ``f``, newest first, at most ``limit`` (0: all), and how many match in all."""
        clause, params = _where(f, self.CONTAINS)
        sql = f"SELECT {_STUDENT_COLUMNS} FROM students{clause} ORDER BY id DESC"
        if limit:
            sql += f" LIMIT {int(limit)}"
        rows = [_student(r) for r in self.conn.execute(sql, params)]
        total = len(rows)
        if limit and total == limit:
            if f.name and replace(f, name=None) == StudentFilter():  # by name alone: count the keys, not students
                variants = search_texts(f.name)
                total = self.conn.execute(
                    "SELECT count(*) FROM name_keys WHERE " + " OR ".join(self.CONTAINS.format("key") for _ in variants),
                    variants).fetchone()[0]
            else:
                total = self.conn.execute(f"SELECT count(*) FROM students{clause}", params).fetchone()[0]
        return rows, total

    # --- events --------------------------------------------------------------------------
    def add_event(self, student: Student, event: Event) -> None:
        self.add_events([(student, event)])

    def add_events(self, pairs: Iterable[tuple[Student, Event]]) -> None:
        """Append events to the audit chain (the caller holds the write lock): each event is hashed with the
        student's record after it and the hash of the event before it."""
        recorded = now()
        last = self._chain_head("events")
        first_id, prev = ((last[0] or 0) + 1, last[1] or audit.GENESIS) if last else (1, audit.GENESIS)
        appended = [0]

        def rows():  # streamed to executemany: 100 000 hashed rows are never held at once
            nonlocal prev
            shared, fields = None, None  # a batch shares one event among its students: its fields are built once
            for offset, (student, event) in enumerate(pairs):
                if event is not shared:
                    shared = event
                    fields = (event.kind.value, event.kind.jyt_code, event.effective_date.isoformat(), recorded,
                              event.operator, event.reason, event.doc_no,
                              event.status_before.value if event.status_before else None, event.status_after.value,
                              json.dumps(event.detail, ensure_ascii=False, sort_keys=True) if event.detail else None,
                              event.submitted_by, event.approved_by, event.request_id)
                values = [first_id + offset, student.student_no, *fields, record_hash(student)]  # EVENT_FIELDS order
                digest = audit.event_hash_of(values, event.account, prev)
                yield (values[0], student.id, *values[2:], event.account, prev, digest)
                prev = digest
                appended[0] += 1

        self._insert_many("events", _EVENT_COLUMNS, rows())
        if appended[0]:
            self._advance_head("events", first_id + appended[0] - 1, prev)

    # --- the audit chain ---------------------------------------------------------------------
    def chain_events(self, student_no: str | None = None, since: str | None = None, kind: str | None = None):
        """Events as stored, in chain order, with the student's number (for verification and the audit log)."""
        clause, params = _clause([("s.student_no = ?", student_no), ("e.recorded_at >= ?", since),
                                  ("e.kind = ?", kind)])
        cursor = self._stream(
            "SELECT e.id, s.student_no, e.kind, e.jyt_code, e.effective_date, e.recorded_at, e.operator, e.reason, "
            "e.doc_no, e.status_before, e.status_after, e.detail, e.submitted_by, e.approved_by, e.request_id, "
            f"e.record_hash, e.account, e.prev_hash, e.hash{', e.intact' if self.masked else ''} FROM events e "
            f"LEFT JOIN students s ON s.id = e.student_id{clause} ORDER BY e.id", params)
        keys = audit.EVENT_FIELDS + ("account", "prev_hash", "hash") + (("intact",) if self.masked else ())
        for row in cursor:
            yield dict(zip(keys, row))

    # --- what `check` reads: streamed or aggregated in SQL, so memory stays flat at any registry size ----------------
    def name_codes(self, rows: list[dict]) -> None:
        """The code table's names for readers of the file (tables colleges and majors): added or renamed, never
        removed (a code no longer in the table still names the students who hold it)."""
        colleges = {(r["college"], r["college_name"]) for r in rows}
        self.conn.executemany("INSERT INTO colleges (code, name) VALUES (?, ?) "
                              "ON CONFLICT (code) DO UPDATE SET name = excluded.name", sorted(colleges))
        self.conn.executemany(
            "INSERT INTO majors (college, code, name, national_code) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (college, code) DO UPDATE SET name = excluded.name, national_code = excluded.national_code",
            [(r["college"], r["major"], r["major_name"], r["national_code"]) for r in rows if r["major"]])

    def trigger_names(self) -> set[str]:
        return {row[0] for row in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}

    def times_running_backwards(self, table: str):
        """(id, time, the time before it) wherever ``table`` (events or ledger) was recorded earlier than its
        predecessor."""
        column = {"events": "recorded_at", "ledger": "at"}[table]
        return self.conn.execute(
            f"SELECT id, {column}, prev FROM (SELECT id, {column}, lag({column}) OVER (ORDER BY id) AS prev "
            f"FROM {table}) AS t WHERE {column} < prev")

    def events_naming_operators(self, since: str):
        """(id, recorded at, operator, submitted by, approved by) of every event from the first recorded at or
        after ``since`` on, in chain order (a backdated event appended later is included)."""
        first = self.conn.execute("SELECT min(id) FROM events WHERE recorded_at >= ?", (since,)).fetchone()[0]
        return self.conn.execute("SELECT id, recorded_at, operator, submitted_by, approved_by FROM events "
                                 "WHERE id >= ?", (first if first is not None else 2**62,))

    def request_outcomes(self) -> dict[int, tuple[str, str | None]]:
        return {row[0]: (row[1], row[2]) for row in self.conn.execute("SELECT id, status, result FROM requests")}

    def events_citing_requests(self):
        """(event id, request id, student number) of every event that cites a request."""
        return self.conn.execute("SELECT e.id, e.request_id, s.student_no FROM events e JOIN students s "
                                 "ON s.id = e.student_id WHERE e.request_id IS NOT NULL")

    def has_table(self, name: str) -> bool:
        return self.conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                                 (name,)).fetchone() is not None

    def integrity_check(self) -> list[str]:
        return [row[0] for row in self.conn.execute("PRAGMA integrity_check")]

    def student_count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM students").fetchone()[0]

    def shared_numbers(self) -> list[tuple[str, int]]:
        """Numbers held by more than one record (the unique index forbids it; a tampered file may not)."""
        return self.conn.execute("SELECT student_no, count(*) FROM students GROUP BY student_no "
                                 "HAVING count(*) > 1 ORDER BY student_no").fetchall()

    def shared_live_registrations(self) -> list[tuple[str, str, int]]:
        if self.masked:
            return self.conn.execute("SELECT id_type, id_number, count FROM shared_live_registrations").fetchall()
        return self.conn.execute(f"SELECT id_type, id_number, count(*) FROM students WHERE {self.LIVE} "
                                 "GROUP BY id_type, id_number HAVING count(*) > 1").fetchall()

    def codes_in_use(self) -> set[tuple[str, str]]:
        return set(self.conn.execute("SELECT college, major FROM students UNION SELECT cur_college, cur_major "
                                     "FROM students").fetchall())

    def numbers_and_statuses(self):
        """Each student's number, stored segments and seat, status, and the status its last event leads to (None
        without events), one row at a time."""
        return self._stream(
            "SELECT s.student_no, s.enroll_year, s.college, s.major, s.class, s.seat, s.status, "
            "(SELECT e.status_after FROM events e WHERE e.student_id = s.id ORDER BY e.id DESC LIMIT 1) "
            "FROM students s")

    def records(self):
        """Every student's stored fields, as the audit chain hashes them, each with its last event (``last``: id,
        kind and record hash, or None), one at a time — nothing of the million is held."""
        fields = audit.RECORD_FIELDS + audit.RECORD_FIELDS_2
        cursor = self._stream(
            f"SELECT {', '.join('s.' + f for f in fields)}, e.id, e.kind, e.record_hash"
            f"{', s.intact' if self.masked else ''} FROM students s {self.LAST_EVENT}")
        width = len(fields)
        for row in cursor:
            record = dict(zip(fields, row))
            record["last"] = {"id": row[width], "kind": row[width + 1], "record_hash": row[width + 2]} \
                if row[width] is not None else None
            if self.masked:
                record["intact"] = row[width + 3]
            yield record

    def orphan_events(self):
        """(event id, student id) of the last event of each student whose record is gone."""
        return self.conn.execute(
            "SELECT max(e.id), e.student_id FROM events e LEFT JOIN students s ON s.id = e.student_id "
            "WHERE s.id IS NULL GROUP BY e.student_id ORDER BY 1")

    def head(self) -> tuple[int, str]:
        count = self.conn.execute("SELECT count(*) FROM events").fetchone()[0]
        row = self.conn.execute("SELECT hash FROM events ORDER BY id DESC LIMIT 1").fetchone()
        return count, (row[0] if row and row[0] else audit.GENESIS)

    def events(self, student: Student) -> list[Event]:
        rows = self.conn.execute(
            "SELECT id, kind, effective_date, recorded_at, operator, reason, doc_no, status_before, status_after, detail, "
            "submitted_by, approved_by, request_id, account FROM events WHERE student_id = ? ORDER BY id",
            (student.id,),
        )
        return [
            Event(
                id=r[0],
                kind=EventKind(r[1]),
                effective_date=date.fromisoformat(r[2]),
                recorded_at=r[3],
                operator=r[4],
                reason=r[5],
                doc_no=r[6],
                status_before=Status(r[7]) if r[7] else None,
                status_after=Status(r[8]),
                detail=json.loads(r[9]) if r[9] else {},
                submitted_by=r[10],
                approved_by=r[11],
                request_id=r[12],
                account=r[13],
            )
            for r in rows
        ]

    # --- requests and the access log --------------------------------------------------------
    def last_event_id(self, student_no: str) -> int | None:
        row = self.conn.execute(
            "SELECT max(e.id) FROM events e JOIN students s ON s.id = e.student_id WHERE s.student_no = ?", (student_no,)
        ).fetchone()
        return row[0]

    def add_request(self, action: str, college: str | None, student_no: str | None, payload: dict, who: str,
                    account: str | None, receiving: str | None = None) -> int:
        row = {"action": action, "college": college, "student_no": student_no,
               "payload": json.dumps(payload, ensure_ascii=False, default=str), "submitted_by": who,
               "submitted_at": now(), "account": account, "receiving": receiving}
        row["id"] = self._insert_id(
            "INSERT INTO requests (action, college, student_no, payload, status, submitted_by, submitted_at, account, "
            "receiving) VALUES (?, ?, ?, ?, 'pending', ?, ?, ?, ?)",
            (action, college, student_no, row["payload"], who, row["submitted_at"], account, receiving))
        self._ledger("request", row["id"], row["submitted_at"], account, who, audit.body("request", row))
        return row["id"]

    def decide_request(self, request_id: int, status: str, who: str, account: str | None, doc_no: str | None,
                       reason: str | None, result: dict | None) -> None:
        row = {"id": request_id, "status": status, "decided_by": who, "decided_at": now(), "doc_no": doc_no,
               "decision_reason": reason, "result": json.dumps(result, ensure_ascii=False) if result else None}
        self.conn.execute(
            "UPDATE requests SET status = ?, decided_by = ?, decided_at = ?, doc_no = ?, decision_reason = ?, "
            "result = ? WHERE id = ? AND status = 'pending'",
            (status, who, row["decided_at"], doc_no, reason, row["result"], request_id))
        self._ledger("decision", request_id, row["decided_at"], account, who, audit.body("decision", row))

    def agree_request(self, request_id: int, receiving: str, who: str, account: str | None) -> None:
        """The receiving college's agreement to a pending request, and its ledger entry."""
        row = {"id": request_id, "receiving": receiving, "agreed_by": who, "agreed_at": now(), "agreed_account": account}
        self.conn.execute("UPDATE requests SET agreed_by = ?, agreed_at = ?, agreed_account = ? WHERE id = ? "
                          "AND status = 'pending' AND agreed_at IS NULL",
                          (who, row["agreed_at"], account, request_id))
        self._ledger("agreement", request_id, row["agreed_at"], account, who, audit.body("agreement", row))

    _REQUEST_COLUMNS = ("id, action, college, student_no, status, submitted_by, submitted_at, decided_by, decided_at, "
                        "doc_no, decision_reason, account, receiving, agreed_by, agreed_at, payload")

    def get_request(self, request_id: int) -> ChangeRequest | None:
        if not -2**63 <= request_id < 2**63:
            return None
        row = self.conn.execute(f"SELECT {self._REQUEST_COLUMNS} FROM requests WHERE id = ?", (request_id,)).fetchone()
        return ChangeRequest(*row[:-1], json.loads(row[-1])) if row else None

    def requests(self, status: str | None, college: str | None, receiving: bool = False) -> list[ChangeRequest]:
        """Requests by status and college (with ``receiving``: also those moving a student into that college)."""
        clause, params = _clause([("status = ?", status), ("college = ?", None if receiving else college)])
        if receiving and college:
            clause += (" AND " if clause else " WHERE ") + "(college = ? OR receiving = ?)"
            params += [college, college]
        rows = self.conn.execute(f"SELECT {self._REQUEST_COLUMNS} FROM requests{clause} ORDER BY id", params)
        return [ChangeRequest(*r[:-1], json.loads(r[-1])) for r in rows]

    def log_access(self, entry: dict, student_nos: list[str]) -> int:
        students = list(dict.fromkeys(student_nos))
        row = {"at": now(), "operator": entry["operator"], "account": entry.get("account"), "command": entry["command"],
               "filters": json.dumps(entry["filters"], ensure_ascii=False, default=str, sort_keys=True),
               "shown": len(students), "revealed": int(entry["revealed"]), "purpose": entry.get("purpose"),
               "requester": entry.get("requester"), "proof": entry.get("proof"), "grant_id": entry.get("grant_id")}
        row["id"] = self._insert_id(
            "INSERT INTO access_log (at, operator, account, command, filters, shown, revealed, purpose, requester, proof, "
            "grant_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", tuple(row.values()))
        self.conn.executemany("INSERT INTO access_log_students (access_id, student_no) VALUES (?, ?)",
                              ((row["id"], no) for no in students))
        self._ledger("access", row["id"], row["at"], row["account"], row["operator"],
                     audit.body("access", row, students))
        return row["id"]

    def access_log(self, operator: str | None, since: str | None, student_no: str | None,
                   grant_id: int | None = None) -> list[dict]:
        clause, params = _clause([
            ("a.operator = ?", operator), ("a.at >= ?", since),
            ("a.id IN (SELECT access_id FROM access_log_students WHERE student_no = ?)", student_no),
            ("a.grant_id = ?", grant_id),
        ])
        keys = ("id", "at", "operator", "account", "command", "filters", "shown", "revealed", "purpose", "requester",
                "proof", "grant_id")
        rows = self.conn.execute(f"SELECT {', '.join('a.' + k for k in keys)} FROM access_log a{clause} ORDER BY a.id",
                                 params)
        return [dict(zip(keys, r)) | {"filters": json.loads(r[5] or "{}"), "revealed": bool(r[7])} for r in rows]

    def reads_under_grants(self, year: int) -> list[tuple]:
        """(grant id, department operator, purpose, looks, students shown) for a year's reads under grants."""
        return self.conn.execute(
            "SELECT g.id, g.operator, g.purpose, count(a.id), coalesce(sum(a.shown), 0) FROM grants g "
            "JOIN access_log a ON a.grant_id = g.id WHERE a.at BETWEEN ? AND ? GROUP BY g.id, g.operator, g.purpose "
            "ORDER BY g.operator, g.id", (f"{year}-01-01", f"{year}-12-31T99")).fetchall()

    # --- the office's settings ------------------------------------------------------------------------
    def setting(self, name: str) -> str | None:
        found = self.conn.execute("SELECT value FROM settings WHERE name = ? ORDER BY id DESC LIMIT 1",
                                  (name,)).fetchone()
        return found[0] if found else None

    def set_setting(self, name: str, value: str, who: str, account: str | None) -> None:
        row = {"name": name, "value": value, "set_by": who, "set_at": now(), "set_account": account}
        row = {"id": self._insert_id("INSERT INTO settings (name, value, set_by, set_at, set_account) "
                                     "VALUES (?, ?, ?, ?, ?)", tuple(row.values())), **row}
        self._ledger("setting", row["id"], row["set_at"], account, who, audit.body("setting", row))

    # --- grants (§八.2) ------------------------------------------------------------------------------
    def add_grant(self, row: dict) -> dict:
        columns = [k for k in audit.GRANT_FIELDS if k != "id"]
        row = {"id": self._insert_id(f"INSERT INTO grants ({', '.join(columns)}) VALUES "
                                     f"({', '.join('?' for _ in columns)})", tuple(row.get(k) for k in columns)),
               **{k: row.get(k) for k in columns}}
        self._ledger("grant", row["id"], row["granted_at"], row["granted_account"], row["granted_by"],
                     audit.body("grant", row))
        return row

    def revoke_grant(self, row: dict, who: str, account: str | None, reason: str) -> dict:
        revoked = row | {"revoked_by": who, "revoked_at": now(), "revoked_account": account, "revoke_reason": reason}
        self.conn.execute("UPDATE grants SET revoked_by = ?, revoked_at = ?, revoked_account = ?, revoke_reason = ? "
                          "WHERE id = ? AND revoked_at IS NULL",
                          (who, revoked["revoked_at"], account, reason, row["id"]))
        self._ledger("grant", row["id"], revoked["revoked_at"], account, who, audit.body("grant", revoked))
        return revoked

    def grants(self, operator: str | None = None, grant_id: int | None = None) -> list[dict]:
        clause, params = _clause([("operator = ?", operator), ("id = ?", grant_id)])
        rows = self.conn.execute(f"SELECT {', '.join(audit.GRANT_FIELDS)} FROM grants{clause} ORDER BY id", params)
        return [dict(zip(audit.GRANT_FIELDS, r)) for r in rows]

    # --- operators ---------------------------------------------------------------------------------
    _OPERATOR_COLUMNS = ", ".join(audit.OPERATOR_FIELDS)

    def operators(self, current: bool = True) -> list[dict]:
        """Operators in force (or, with ``current=False``, the whole history), oldest first."""
        where = " WHERE ended_at IS NULL" if current else ""
        rows = self.conn.execute(f"SELECT {self._OPERATOR_COLUMNS} FROM operators{where} ORDER BY id")
        return [dict(zip(audit.OPERATOR_FIELDS, r)) for r in rows]

    def attested(self, row: dict, kind: str = "operator") -> bool:
        """Whether a row (an operator's, a certificate's) is exactly what its last ledger entry recorded (not changed
        or added by hand), and that entry still hashes to what the ledger holds."""
        found = self.conn.execute(
            f"SELECT {', '.join(audit.LEDGER_FIELDS)}, prev_hash, hash FROM {'ledger_checked' if self.masked else 'ledger'} "
            "WHERE kind = ? AND ref = ? ORDER BY id DESC LIMIT 1", (kind, row["id"])).fetchone()
        if found is None:
            return False
        entry = dict(zip(audit.LEDGER_FIELDS + ("prev_hash", "hash"), found))
        return entry["body"] == audit.body(kind, row) and audit.ledger_hash(entry, entry["prev_hash"]) == entry["hash"]

    def record_intact(self, student: Student) -> bool:
        """Whether one student's record still hashes to what its last event recorded (None there: nothing to say)."""
        found = self.conn.execute("SELECT record_hash FROM events WHERE student_id = ? ORDER BY id DESC LIMIT 1",
                                  (student.id,)).fetchone()
        return found is None or found[0] is None or found[0] == record_hash(student)

    # --- certificates ------------------------------------------------------------------------------
    def certificate_key(self) -> bytes:
        return bytes.fromhex(self.conn.execute("SELECT value FROM secrets WHERE name = 'certificate'").fetchone()[0])

    def add_certificate(self, row: dict) -> None:
        """A certificate issued (its id chosen by the caller from ``next_id``, since its code covers it), and its
        ledger entry."""
        self.conn.execute(f"INSERT INTO certificates ({', '.join(audit.CERTIFICATE_FIELDS)}) "
                          f"VALUES ({', '.join('?' for _ in audit.CERTIFICATE_FIELDS)})",
                          tuple(row[k] for k in audit.CERTIFICATE_FIELDS))
        self._ledger("certificate", row["id"], row["issued_at"], row["account"], row["operator"],
                     audit.body("certificate", row))

    def certificate(self, code: str) -> dict | None:
        found = self.conn.execute(f"SELECT {', '.join(audit.CERTIFICATE_FIELDS)} FROM certificates WHERE code = ?",
                                  (code,)).fetchone()
        return dict(zip(audit.CERTIFICATE_FIELDS, found)) if found else None

    def certificates(self, student_no: str | None, since: str | None, scope: str | None) -> list[dict]:
        clause, params = _clause([("c.student_no = ?", student_no), ("c.issued_at >= ?", since),
                                  ("s.cur_college = ?", scope)])
        rows = self.conn.execute(
            f"SELECT {', '.join('c.' + k for k in audit.CERTIFICATE_FIELDS)} FROM certificates c "
            f"JOIN students s ON s.student_no = c.student_no{clause} ORDER BY c.id", params)
        return [dict(zip(audit.CERTIFICATE_FIELDS, r)) for r in rows]

    def has_operators(self) -> bool:
        return self.conn.execute("SELECT 1 FROM operators LIMIT 1").fetchone() is not None

    def add_operator(self, name: str, role: str, college: str | None, act_as: bool, by: str,
                     account: str | None) -> dict:
        row = {"name": name, "role": role, "college": college, "act_as": int(act_as), "added_at": now(),
               "added_by": by, "added_account": account, "ended_at": None, "ended_by": None, "end_reason": None}
        row = {"id": self._insert_id(
            f"INSERT INTO operators ({', '.join(row)}) VALUES ({', '.join('?' for _ in row)})", tuple(row.values())),
            **row}
        self._ledger("operator", row["id"], row["added_at"], account, by, audit.body("operator", row))
        return row

    def end_operator(self, row: dict, by: str, account: str | None, reason: str | None) -> dict:
        ended = row | {"ended_at": now(), "ended_by": by, "end_reason": reason}
        self.conn.execute("UPDATE operators SET ended_at = ?, ended_by = ?, end_reason = ? WHERE id = ? "
                          "AND ended_at IS NULL", (ended["ended_at"], by, reason, row["id"]))
        self._ledger("operator", row["id"], ended["ended_at"], account, by, audit.body("operator", ended))
        return ended

    # --- the ledger ------------------------------------------------------------------------------
    def _ledger(self, kind: str, ref: int, at: str, account: str | None, operator: str | None, text: str) -> None:
        last = self._chain_head("ledger")
        entry = {"id": (last[0] + 1) if last else 1, "kind": kind, "ref": ref, "at": at, "account": account,
                 "operator": operator, "body": text}
        prev = last[1] if last else audit.GENESIS
        digest = audit.ledger_hash(entry, prev)
        self.conn.execute("INSERT INTO ledger (id, kind, ref, at, account, operator, body, prev_hash, hash) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                          (*entry.values(), prev, digest))
        self._advance_head("ledger", entry["id"], digest)

    def ledger_entries(self):
        keys = audit.LEDGER_FIELDS + ("prev_hash", "hash") + (("intact",) if self.masked else ())
        for row in self._stream(f"SELECT {', '.join(keys)} FROM {'ledger_checked' if self.masked else 'ledger'} "
                                "ORDER BY id"):
            yield dict(zip(keys, row))

    def ledger_rows(self) -> dict[tuple[str, int], str | bool]:
        """Every row the ledger records, as its body would read now (masked: whether it still reads as its last
        entry, which the database compared)."""
        if self.masked:
            return {(kind, ref): same for kind, ref, same in self.conn.execute("SELECT kind, ref, same FROM ledger_rows")}
        rows: dict[tuple[str, int], str] = {}
        students: dict[int, list[str]] = {}
        for access_id, student_no in self.conn.execute("SELECT access_id, student_no FROM access_log_students"):
            students.setdefault(access_id, []).append(student_no)
        for row in self.conn.execute(f"SELECT {', '.join(audit.ACCESS_FIELDS)}, grant_id FROM access_log"):
            record = dict(zip(audit.ACCESS_FIELDS + ("grant_id",), row))
            rows[("access", record["id"])] = audit.body("access", record, students.get(record["id"], []))
        for row in self.conn.execute(f"SELECT {', '.join(audit.REQUEST_FIELDS)}, receiving FROM requests"):
            record = dict(zip(audit.REQUEST_FIELDS + ("receiving",), row))
            rows[("request", record["id"])] = audit.body("request", record)
        for row in self.conn.execute(f"SELECT {', '.join(audit.AGREEMENT_FIELDS)} FROM requests "
                                     "WHERE agreed_at IS NOT NULL"):
            record = dict(zip(audit.AGREEMENT_FIELDS, row))
            rows[("agreement", record["id"])] = audit.body("agreement", record)
        for row in self.conn.execute(f"SELECT {', '.join(audit.DECISION_FIELDS)} FROM requests "
                                     "WHERE status != 'pending'"):
            record = dict(zip(audit.DECISION_FIELDS, row))
            rows[("decision", record["id"])] = audit.body("decision", record)
        for record in self.operators(current=False):
            rows[("operator", record["id"])] = audit.body("operator", record)
        for row in self.conn.execute(f"SELECT {', '.join(audit.SETTING_FIELDS)} FROM settings"):
            record = dict(zip(audit.SETTING_FIELDS, row))
            rows[("setting", record["id"])] = audit.body("setting", record)
        for row in self.conn.execute(f"SELECT {', '.join(audit.GRANT_FIELDS)} FROM grants"):
            record = dict(zip(audit.GRANT_FIELDS, row))
            rows[("grant", record["id"])] = audit.body("grant", record)
        for row in self.conn.execute(f"SELECT {', '.join(audit.CERTIFICATE_FIELDS)} FROM certificates"):
            record = dict(zip(audit.CERTIFICATE_FIELDS, row))
            rows[("certificate", record["id"])] = audit.body("certificate", record)
        return rows

    def heads(self) -> tuple[tuple[int, str], tuple[int, str]]:
        """(last event id, its hash) and (last ledger id, its hash): what a witness writes down."""
        heads = []
        for table in ("events", "ledger"):
            row = self._chain_head(table, lock=False)
            heads.append((row[0], row[1]) if row else (0, audit.GENESIS))
        return heads[0], heads[1]

    def hash_at(self, table: str, row_id: int) -> str | None:
        assert table in ("events", "ledger")
        row = self.conn.execute(f"SELECT hash FROM {table} WHERE id = ?", (row_id,)).fetchone()
        return row[0] if row else None

    # --- statistics ------------------------------------------------------------------------------
    _DIMENSION_COLUMNS = {"college": "cur_college", "major": "cur_major", "class": "cur_class", "status": "status",
                          "gender": "gender", "year": "cur_year"}

    def counts(self, f: StudentFilter, dimensions: list[str]) -> list[tuple]:
        columns = [self._DIMENSION_COLUMNS[d] for d in dimensions]
        where, params = _where(f, self.CONTAINS)
        return self.conn.execute(
            f"SELECT {', '.join(columns)}, count(*) FROM students{where} GROUP BY {', '.join(columns)} "
            f"ORDER BY {', '.join(columns)}", params).fetchall()

    def enrollments_in(self, year: int, scope: str | None) -> list[tuple]:
        """New students of a year: enrollments and transfers in whose effective date falls in it."""
        return self.conn.execute(
            "SELECT s.college, s.major, count(*) FROM events e JOIN students s ON s.id = e.student_id "
            "WHERE e.kind IN ('enroll', 'transfer_in') AND e.effective_date BETWEEN ? AND ?"
            + (" AND s.cur_college = ?" if scope else "") + " GROUP BY s.college, s.major ORDER BY s.college, s.major",
            (f"{year}-01-01", f"{year}-12-31", *([scope] if scope else []))).fetchall()

    def changes_in(self, year: int, scope: str | None, kinds: tuple[str, ...] | None = None) -> list[tuple]:
        """Status changes of a year by kind and college: (kind, jyt_code, college, count)."""
        kinds = kinds or ("suspend", "resume", "transfer_out", "transfer_in", "withdraw", "death", "missing",
                          "complete", "incomplete", "graduate", "reinstate", "change_major", "change_class",
                          "change_cohort")
        return self.conn.execute(
            "SELECT e.kind, e.jyt_code, s.cur_college, count(*) FROM events e JOIN students s ON s.id = e.student_id "
            f"WHERE e.kind IN ({', '.join('?' for _ in kinds)}) AND e.effective_date BETWEEN ? AND ?"
            + (" AND s.cur_college = ?" if scope else "") + " GROUP BY e.kind, e.jyt_code, s.cur_college ORDER BY e.kind, s.cur_college",
            (*kinds, f"{year}-01-01", f"{year}-12-31", *([scope] if scope else []))).fetchall()

    def headcount_at(self, day: date, scope: str | None) -> list[tuple]:
        """Students by status on a day: each student's last event effective on or before it."""
        return self.conn.execute(
            "SELECT e.status_after, count(*) FROM events e JOIN ("
            "  SELECT student_id, max(id) AS last FROM events WHERE effective_date <= ? GROUP BY student_id"
            ") l ON e.id = l.last JOIN students s ON s.id = e.student_id"
            + (" WHERE s.cur_college = ?" if scope else "") + " GROUP BY e.status_after ORDER BY e.status_after",
            (day.isoformat(), *([scope] if scope else []))).fetchall()

    # --- a whole registry from one store into another (store/transfer.py) ------------------------------------------
    def table_rows(self, table: str, columns: tuple[str, ...], order: str):
        """Every row of ``table``, streamed in ``order``."""
        return self.conn.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY {order}")

    def insert_rows(self, table: str, columns: tuple[str, ...], rows) -> int:
        """Rows as they were stored elsewhere; returns how many. The registry's secrets replace the ones the new
        registry made for itself (its certificates must verify on the copy)."""
        if table == "secrets":
            rows = [tuple(row) for row in rows]
            self.conn.executemany("INSERT INTO secrets (name, value) VALUES (?, ?) "
                                  "ON CONFLICT (name) DO UPDATE SET value = excluded.value", rows)
            return len(rows)
        count = [0]

        def counted():
            for row in rows:
                count[0] += 1
                yield tuple(row)

        self.conn.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})",
                              counted())
        return count[0]

    def after_copy(self) -> None:
        """After a whole registry came in: SQLite's heads and ids follow from the rows themselves."""

    def count(self, table: str) -> int:
        assert table in ("students", "events", "requests", "access_log")
        return self.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def _clause(conditions: list[tuple[str, object]]) -> tuple[str, list]:
    """' WHERE a = ? AND …' and its parameters, from the (condition, value) pairs whose value is given."""
    used = [(condition, value) for condition, value in conditions if value is not None and value != ""]
    return (" WHERE " + " AND ".join(c for c, _ in used)) if used else "", [v for _, v in used]


def _where(f: StudentFilter, contains: str = "instr({}, ?) > 0") -> tuple[str, list]:
    clause, params = _clause([
        ("student_no = ?", f.student_no), ("id_number = ?", f.id_number), ("cur_year = ?", f.year),
        ("cur_college = ?", f.college), ("cur_major = ?", f.major), ("cur_class = ?", f.klass),
        ("cur_college = ?", f.scope),
    ])
    if f.name:
        variants = search_texts(f.name)
        # Correlated, so that newest-first with a limit stops at the limit instead of searching every key first.
        condition = ("EXISTS (SELECT 1 FROM name_keys k WHERE k.student_id = students.id AND ("
                     + " OR ".join(contains.format("k.key") for _ in variants) + "))")
        clause += (" AND " if clause else " WHERE ") + condition
        params.extend(variants)
    if f.statuses:
        clause += (" AND " if clause else " WHERE ") + f"status IN ({', '.join('?' for _ in f.statuses)})"
        params.extend(f.statuses)
    return clause, params


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
