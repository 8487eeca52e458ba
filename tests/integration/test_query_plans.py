"""The hot queries keep their indexes whatever the registry's size: each plan is asserted, so an index change (or a
query reshaped) cannot bring back a scan. SQLite plans without statistics here, as a fresh registry does."""

from __future__ import annotations

import pytest

from xueji.store.sqlite import Store
from xueji.store.repository import Repository

KEYS = [("1", f"11010520050301{i:04d}") for i in range(3)]


@pytest.fixture
def repo(workdir):
    store = Store(workdir / "xueji.db")
    yield Repository(store.conn, store)
    store.close()


def plan(repo, run) -> str:
    """The plan of every statement ``run`` executes against the repository's connection."""
    plans = []
    conn = repo.conn

    class Explaining:
        def execute(self, sql, params=()):
            plans.extend(row[-1] for row in conn.execute("EXPLAIN QUERY PLAN " + sql, params))
            return conn.execute(sql, params)

        def __getattr__(self, name):
            return getattr(conn, name)

    repo.conn = Explaining()
    try:
        run()
    finally:
        repo.conn = conn
    assert plans, "no statement was run"
    return "\n".join(plans)


@pytest.mark.parametrize("name, run, index", [
    ("live registrations of a roster", lambda r: r.live_registrations(KEYS), "idx_students_live_person"),
    ("one live registration", lambda r: r.live_registration("1", KEYS[0][1]), "idx_students_live_person"),
    ("the highest seat of a class", lambda r: r.highest_seat("2025010101"), "idx_students_student_no"),
    ("the highest class of a major", lambda r: r.highest_class(2025, "01", "01"), "idx_students_student_no"),
    ("a student by number", lambda r: r.get("202501010101"), "idx_students_student_no"),
    ("numbers already issued", lambda r: r.existing_numbers(["202501010101"]), "idx_students_student_no"),
    ("the last event of a student", lambda r: r.last_event_id("202501010101"), "idx_events_student_id"),
])
def test_a_hot_query_searches_its_index_and_scans_nothing(repo, name, run, index):
    text = plan(repo, lambda: run(repo))
    assert index in text, text
    assert "SCAN students" not in text and "SCAN events" not in text, text


def test_the_live_registration_lookup_never_walks_the_status_index(repo):
    text = plan(repo, lambda: repo.live_registrations(KEYS))
    assert "idx_students_status" not in text, text
