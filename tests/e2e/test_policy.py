"""The policy below the screen (issue 9): each finding reproduced as the attacker or the careless clerk did it.

Identity, scope, dry runs, disclosure, files and tampering; the same rules hold for a Python caller of the services.
Tests that need real OS accounts are in test_os_accounts.py.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
from pathlib import Path

import pytest

from tests.conftest import TODAY, make_id
from tests.e2e.test_integrity import mounted  # noqa: F401 (a fixture)
from tests.e2e.test_roles import A, B, C, as_, school  # noqa: F401 (school: a fixture)
from xueji.cli.state import os_login

ME = os_login()
MASKED_A = make_id(seq=1)[:6] + "********" + make_id(seq=1)[-4:]


def snapshot(db) -> tuple:
    return tuple(db.rows(f"SELECT * FROM {table} ORDER BY 1") for table in
                 ("students", "events", "requests", "access_log", "access_log_students", "ledger", "operators"))


# --- 1. identity comes from the registry, not from a configuration the caller writes ---------------------

def test_operators_are_kept_in_the_registry_and_every_change_to_them_is_in_the_ledger(xj, school, db):
    assert {r[0] for r in db.rows("SELECT name FROM operators WHERE ended_at IS NULL")} == {
        ME, "wang", "li", "zhao", "insp", "view"}
    assert as_(xj, "wang", "operators", "add", "sun", "--role", "college", "--college", "03").exit_code == 0
    assert as_(xj, "wang", "operators", "remove", "view", "--reason", "調離").exit_code == 0
    listed = json.loads(as_(xj, "insp", "operators", "list", "-f", "json").stdout)
    assert {r["name"] for r in listed} == {ME, "wang", "li", "zhao", "insp", "sun"}
    history = json.loads(as_(xj, "wang", "operators", "list", "--history", "-f", "json").stdout)
    assert [r["ended_by"] for r in history if r["name"] == "view"] == ["wang"]
    assert as_(xj, "view", "query").exit_code == 6  # ended: no longer an operator
    assert db.value("SELECT count(*) FROM ledger WHERE kind = 'operator'") == 6 + 1 + 1
    assert as_(xj, "li", "operators", "add", "x", "--role", "viewer").exit_code == 6
    assert xj("audit", "verify").exit_code == 0


def test_the_last_office_operator_cannot_be_removed_and_a_name_is_not_added_twice(xj, workdir, db):
    with open(workdir / "config.toml", "a", encoding="utf-8") as handle:
        handle.write(f'\n[operators.{ME}]\nrole = "office"\n')
    result = xj("operators", "remove", ME)
    assert result.exit_code == 1 and "last office operator" in result.stderr
    again = xj("operators", "add", ME, "--role", "viewer")
    assert again.exit_code == 1 and "already an operator" in again.stderr


@pytest.mark.sqlite_only  # the file itself (its path, mode, copies, restores)
def test_a_viewer_with_a_config_of_their_own_gains_nothing(xj, school, db, tmp_path, monkeypatch):
    """Finding 1: a config without [operators], pointed at the shared file, and --operator naming the office."""
    assert xj("query").exit_code == 0  # the registry has its operators
    own = tmp_path / "mine"
    own.mkdir()
    (own / "config.toml").write_text(f'database = "{db.path}"\n', encoding="utf-8")
    monkeypatch.setattr("xueji.services.identity.os_account", lambda: "view")
    before = snapshot(db)
    changed = xj("--config", str(own / "config.toml"), "--operator", "wang", "withdraw", A, "--reason", "x")
    assert changed.exit_code == 6 and "may not record in another operator's name" in changed.stderr
    revealed = xj("--config", str(own / "config.toml"), "query", "--reveal", "--purpose", "x")
    assert revealed.exit_code == 6
    assert snapshot(db) == before
    looked = xj("--config", str(own / "config.toml"), "query", A, "-f", "json")
    assert looked.exit_code == 0 and json.loads(looked.stdout)[0]["id_number"] == MASKED_A
    assert db.rows("SELECT operator, account FROM access_log ORDER BY id DESC LIMIT 1") == [("view", "view")]


def test_every_event_and_access_log_entry_records_the_real_account_beside_the_operator(xj, school, db):
    assert as_(xj, "wang", "withdraw", A, "--reason", "本人申請").exit_code == 0
    assert db.rows("SELECT operator, account FROM events ORDER BY id DESC LIMIT 1") == [("wang", ME)]
    shown = json.loads(as_(xj, "wang", "show", A, "-f", "json").stdout)
    last = shown["events"][-1]
    assert (last["operator"], last["account"], last["submitted_by"], last["approved_by"]) == ("wang", ME, "wang", "wang")
    assert f"[account {ME}]" in as_(xj, "wang", "show", A).stdout
    assert db.rows("SELECT operator, account FROM access_log ORDER BY id DESC LIMIT 1") == [("wang", ME)]


def test_show_names_the_submitter_and_the_approver_of_an_approved_change(xj, school, db):
    assert as_(xj, "li", "suspend", A, "--reason", "因病", "--until", "2027-08-31").exit_code == 0
    assert as_(xj, "wang", "approve", "1").exit_code == 0
    last = json.loads(as_(xj, "wang", "show", A, "-f", "json").stdout)["events"][-1]
    assert (last["submitted_by"], last["approved_by"], last["request_id"]) == ("li", "wang", 1)
    assert "li → wang" in as_(xj, "wang", "show", A).stdout


# --- 2. scope is checked on what a change touches ---------------------------------------------------------

def test_a_college_cannot_graduate_another_colleges_cohort(xj, school, db):
    before = snapshot(db)
    result = as_(xj, "li", "graduate", "--year", "2023", "--college", "02", "--date", "2027-06-30")
    assert result.exit_code == 6
    assert snapshot(db) == before


def test_a_college_cohort_request_without_a_college_is_confined_to_its_own_college(xj, school, db):
    result = as_(xj, "li", "graduate", "--year", "2023", "--date", "2027-06-30")
    assert result.exit_code == 0 and "Request 1 submitted" in result.stdout
    assert db.rows("SELECT college, submitted_by, account FROM requests") == [("01", "li", ME)]
    assert as_(xj, "wang", "approve", "1").exit_code == 0
    statuses = dict(db.rows("SELECT student_no, status FROM students"))
    assert statuses == {A: "graduated", B: "graduated", C: "active"}


def test_approval_applies_a_request_only_within_the_requesting_college(xj, school, db):
    """A request stored before the fix (no college filter, college 01): approval must not touch college 02."""
    # A college's request whose stored arguments name a student of another college (hand-built, as an older
    # version could store one): approval re-checks what it touches.
    db.execute(("INSERT INTO requests (action, college, student_no, payload, status, submitted_by, submitted_at) "
                 "VALUES ('graduate', '01', NULL, ?, 'pending', 'li', '2026-11-28T00:00:00+00:00')",
                 (json.dumps({"args": [[C]], "kwargs": {"outcome": "graduated", "date": "2027-06-30"},
                              "basis": {}}),)))
    before = db.rows("SELECT * FROM students ORDER BY id")
    result = as_(xj, "wang", "approve", "1")
    assert result.exit_code in (1, 6) and C in result.stderr
    assert db.rows("SELECT * FROM students ORDER BY id") == before
    assert db.value("SELECT status FROM requests") == "pending"


# --- 3. a dry run writes nothing, for a college too -------------------------------------------------------

def test_a_colleges_dry_runs_create_no_request_and_no_log_entry(xj, school, db):
    from tests.rosters import people, write_csv

    before = snapshot(db)
    dry = as_(xj, "li", "graduate", "--year", "2023", "--dry-run", "--date", "2027-06-30", "-f", "json")
    assert dry.exit_code == 0 and json.loads(dry.stdout)["dry_run"] is True
    assert sorted(s["student_no"] for s in json.loads(dry.stdout)["closed"]) == [A, B]
    path = write_csv(school / "r.csv", people(3, start=40, college="01", major="01"))
    roster = as_(xj, "li", "enroll", "--file", str(path), "--year", "2024", "--dry-run", "-f", "json")
    assert roster.exit_code == 0 and json.loads(roster.stdout)["enrolled"] == 3
    assert snapshot(db) == before
    assert as_(xj, "wang", "approve", "1").exit_code == 1  # there is nothing to approve


# --- 4. files are created exclusively, never through a link, and never over an existing file ----------------

def test_an_export_refuses_an_existing_file_unless_forced(xj, school, db):
    target = school / "out.csv"
    target.write_text("keep me\n", encoding="utf-8")
    refused = as_(xj, "wang", "export", "--out", str(target))
    assert refused.exit_code == 1 and "already exists" in refused.stderr
    assert target.read_text(encoding="utf-8") == "keep me\n"
    assert db.value("SELECT count(*) FROM access_log") == 0
    forced = as_(xj, "wang", "export", "--out", str(target), "--force")
    assert forced.exit_code == 0 and MASKED_A in target.read_text(encoding="utf-8")
    assert oct(os.stat(target).st_mode & 0o777) == "0o600"


@pytest.mark.parametrize("dangling", [False, True])
def test_an_export_never_writes_through_a_link(xj, school, db, dangling):
    victim = school / "victim.txt"
    if not dangling:
        victim.write_text("office only\n", encoding="utf-8")
    link = school / "out.csv"
    link.symlink_to(victim)
    for force in ([], ["--force"]):
        result = as_(xj, "wang", "export", "--out", str(link), "--reveal", "--purpose", "上報", *force)
        assert result.exit_code == 4 and "symbolic link" in result.stderr
    assert (victim.read_text(encoding="utf-8") == "office only\n") if not dangling else not victim.exists()
    assert db.value("SELECT count(*) FROM access_log") == 0


def test_no_temporary_file_is_left_and_none_has_a_predictable_name(xj, school):
    (school / ".out.csv.tmp").symlink_to(school / "planted")
    (school / f".out.csv.{os.getpid()}.tmp").symlink_to(school / "planted")
    assert as_(xj, "wang", "export", "--out", str(school / "out.csv")).exit_code == 0
    assert not (school / "planted").exists()
    assert sorted(p.name for p in school.iterdir() if p.name.startswith(".out.csv")) == [
        f".out.csv.{os.getpid()}.tmp", ".out.csv.tmp"]


def test_errors_out_may_not_be_the_roster_itself_nor_an_existing_file(xj, school, db):
    from tests.rosters import people, write_csv

    rows = people(2, start=40)
    rows[0]["birth_date"] = "2005-02-30"
    path = write_csv(school / "r.csv", rows)
    content = path.read_bytes()
    same = xj("enroll", "--file", str(path), "--year", "2024", "--errors-out", str(path))
    assert same.exit_code == 3 and "being read" in same.stderr and path.read_bytes() == content
    existing = school / "problems.csv"
    existing.write_text("old\n", encoding="utf-8")
    refused = xj("enroll", "--file", str(path), "--year", "2024", "--errors-out", str(existing))
    assert refused.exit_code == 1 and existing.read_text(encoding="utf-8") == "old\n"
    forced = xj("enroll", "--file", str(path), "--year", "2024", "--errors-out", str(existing), "--force")
    assert forced.exit_code == 3 and "2005-02-30" in existing.read_text(encoding="utf-8")


def test_reports_refuse_an_existing_file_unless_forced(xj, school):
    for args in (["report", "annual", "--year", "2023"],
                 ["roster", "--year", "2023", "--college", "01", "--major", "02", "--class", "01"]):
        target = school / f"{args[0]}.xlsx"
        target.write_bytes(b"old")
        refused = as_(xj, "wang", *args, "--out", str(target))
        assert refused.exit_code == 1 and target.read_bytes() == b"old"
        assert as_(xj, "wang", *args, "--out", str(target), "--force").exit_code == 0
        assert target.read_bytes()[:2] == b"PK"


def test_the_code_table_file_is_never_written_through_a_planted_link(xj, workdir):
    victim = workdir / "office-only.toml"
    victim.write_text("# secret\n", encoding="utf-8")
    (workdir / "codes.tmp").symlink_to(victim)
    assert xj("codes", "add-college", "09", "新學院").exit_code == 0
    assert victim.read_text(encoding="utf-8") == "# secret\n"
    assert not (workdir / "codes.toml").is_symlink() and "新學院" in (workdir / "codes.toml").read_text("utf-8")
    (workdir / "codes.toml").unlink()
    (workdir / "codes.toml").symlink_to(victim)
    result = xj("codes", "add-college", "08", "另一學院")
    assert result.exit_code == 4 and "symbolic link" in result.stderr
    assert victim.read_text(encoding="utf-8") == "# secret\n"


# --- 5. searching by a full ID number is a disclosure; other colleges' numbers are not named ---------------

def test_searching_by_id_number_needs_a_role_that_may_reveal_and_a_purpose(xj, school, db):
    for who in ("view", "insp", "li"):
        assert as_(xj, who, "query", "--id-number", make_id(seq=1)).exit_code == 6
    no_purpose = as_(xj, "wang", "query", "--id-number", make_id(seq=1))
    assert no_purpose.exit_code == 3 and "--purpose" in no_purpose.stderr
    assert db.value("SELECT count(*) FROM access_log") == 0
    found = as_(xj, "wang", "query", "--id-number", make_id(seq=1), "--purpose", "核對身份", "-f", "json")
    assert found.exit_code == 0 and json.loads(found.stdout)[0]["student_no"] == A
    filters = db.value("SELECT filters FROM access_log")
    assert make_id(seq=1) not in filters and MASKED_A in filters


def test_a_college_learns_the_fact_of_another_colleges_registration_not_its_number(xj, school, db):
    args = ["enroll", "--name", "張三", "--gender", "男", "--birth-date", "2005-03-01", "--id-number", make_id(seq=3),
            "--college", "01", "--major", "01", "--class", "02", "--year", "2024"]
    result = as_(xj, "li", *args)
    assert result.exit_code == 1 and "another college" in result.stderr and C not in result.stderr
    own = as_(xj, "li", *args[:-6], "--college", "01", "--major", "01", "--class", "02", "--year", "2024")
    assert own.exit_code == 1
    same_college = as_(xj, "li", *(a if a != make_id(seq=3) else make_id(seq=1) for a in args))
    assert same_college.exit_code == 1 and A in same_college.stderr


def test_a_roster_does_not_name_another_colleges_number_either(xj, school, db):
    from tests.rosters import write_csv

    path = write_csv(school / "r.csv", [{"name": "張三", "gender": "男", "birth_date": "2005-03-01",
                                         "id_number": make_id(seq=3), "college": "01", "major": "01", "class": "01"}])
    result = as_(xj, "li", "enroll", "--file", str(path), "--year", "2024", "-f", "json")
    assert result.exit_code == 3
    assert C not in result.stdout + result.stderr and "another college" in result.stdout


# --- 6. and 7. a look that cannot be logged is not shown; a file that cannot be logged is not written ---------

@pytest.mark.sqlite_only  # the file itself (its path, mode, copies, restores)
def test_a_link_on_a_read_only_disk_still_reaches_the_registry_and_the_look_is_logged(xj, school, db, mounted):
    folder = mounted("ro", "1m")
    (folder / "link.db").symlink_to(db.path)
    subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
    result = as_(xj, "wang", "--db", str(folder / "link.db"), "query", A, "--reveal", "--purpose", "核對", "-f", "json")
    assert result.exit_code == 0 and json.loads(result.stdout)[0]["id_number"] == make_id(seq=1)
    assert db.rows("SELECT operator, revealed, purpose FROM access_log") == [("wang", 1, "核對")]


@pytest.mark.sqlite_only  # the file itself (its path, mode, copies, restores)
def test_a_read_only_copy_shows_masked_data_with_a_warning_and_refuses_to_reveal(xj, school, db, mounted):
    import shutil

    folder = mounted("copy", "8m")
    shutil.copy(db.path, folder / "copy.db")
    subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
    masked = as_(xj, "insp", "--db", str(folder / "copy.db"), "query", A, "-f", "json")
    assert masked.exit_code == 0 and json.loads(masked.stdout)[0]["id_number"] == MASKED_A
    assert "not written to the access log" in masked.stderr
    revealed = as_(xj, "wang", "--db", str(folder / "copy.db"), "query", A, "--reveal", "--purpose", "核對")
    assert revealed.exit_code == 4 and revealed.stdout == "" and "cannot be written to the access log" in revealed.stderr
    shown = as_(xj, "wang", "--db", str(folder / "copy.db"), "show", A, "--reveal", "--purpose", "核對", "-f", "json")
    assert shown.exit_code == 4 and make_id(seq=1) not in shown.stdout


def test_an_export_whose_log_entry_cannot_be_written_leaves_no_file(xj, school, db):
    config = school / "config.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("busy_timeout = 10", "busy_timeout = 0.2"),
                      encoding="utf-8")
    with db.write_lock():
        result = as_(xj, "wang", "export", "--out", str(school / "x.csv"), "--reveal", "--purpose", "上報")
    assert result.exit_code == 5
    assert not (school / "x.csv").exists()
    assert not [p for p in school.iterdir() if p.name.startswith(".x.csv")]


# --- 8. the access log masks what it stores ----------------------------------------------------------------

def test_the_access_log_never_shows_a_full_id_number(xj, school, db):
    as_(xj, "wang", "query", "--id-number", make_id(seq=1), "--purpose", "核對")
    # An entry written before filters were masked on the way in.
    db.execute(("INSERT INTO access_log (at, operator, command, filters, shown, revealed) VALUES "
                 "('2026-11-01T00:00:00+00:00', 'wang', 'query', ?, 1, 0)",
                 (json.dumps({"id_number": make_id(seq=2)}),)))
    listed = as_(xj, "insp", "access-log", "-f", "json").stdout
    assert make_id(seq=1) not in listed and make_id(seq=2) not in listed and MASKED_A in listed


# --- 9. one rule: every view of personal data logs once; nothing else does -----------------------------------

def test_show_as_csv_and_the_audit_log_of_corrections_are_logged(xj, school, db):
    assert as_(xj, "wang", "show", A, "-f", "csv").exit_code == 0
    assert as_(xj, "wang", "amend", A, "--name", "張三豐", "--reason", "更名", "--doc-no", "X1").exit_code == 0
    log = as_(xj, "insp", "audit", "log", "--kind", "amend", "-f", "json")
    assert log.exit_code == 0 and json.loads(log.stdout)[0]["detail"]["after"]["name"] == "張三豐"
    assert db.rows("SELECT operator, command, shown FROM access_log ORDER BY id") == [
        ("wang", "show", 1), ("insp", "audit log", 1)]
    assert as_(xj, "insp", "audit", "log", "--kind", "withdraw").exit_code == 0  # no personal data: no entry
    assert db.value("SELECT count(*) FROM access_log") == 2


def test_a_dry_run_import_of_records_not_in_the_registry_writes_no_entry(xj, school, db):
    from tests.rosters import people, write_csv

    rows = [{"student_no": f"2020010101{i + 1:02d}", **r, "year": "2020"} for i, r in enumerate(people(2, start=60))]
    path = write_csv(school / "old.csv", rows)
    result = as_(xj, "wang", "import", "--file", str(path), "--dry-run", "-f", "json")
    assert result.exit_code == 0 and len(json.loads(result.stdout)["students"]) == 2
    assert db.value("SELECT count(*) FROM access_log") == 0


def test_a_python_caller_of_the_services_gets_the_same_masking_and_the_same_log_entry(school, db):
    from xueji import config as cfg
    from xueji.domain.access import PersonView, Role
    from xueji.domain.errors import PermissionDenied
    from xueji.services import Look, Session, queries
    from xueji.store import open_store

    config = cfg.load(school / "config.toml")
    store = open_store(config.database)
    try:
        session = Session(store, "view", TODAY, config.codes, role=Role.VIEWER)
        found, _ = queries.query(session, student_no=A)
        assert isinstance(found[0].person, PersonView) and found[0].person.id_number == MASKED_A
        assert db.rows("SELECT operator, command, shown, revealed FROM access_log") == [("view", "api", 1, 0)]
        session.look = Look("api", reveal=True, purpose="x")  # set by hand, not through declare()
        with pytest.raises(PermissionDenied):
            queries.query(session, student_no=A)
        student, events = queries.show(Session(store, "wang", TODAY, config.codes), A)
        assert student.person.birth_date == "2005" and events
    finally:
        store.close()
    assert db.value("SELECT count(*) FROM access_log") == 2


# --- 10. cheap tampering is found ---------------------------------------------------------------------------

def _tamper(db, *statements):
    db.tamper(*statements)


def test_removing_the_newest_event_and_setting_the_record_back_is_found(xj, school, db):
    witness = school / "witness.log"
    with open(school / "config.toml", "a", encoding="utf-8") as handle:
        handle.write(f'\n[audit]\nwitness = "{witness}"\n')
    record = db.rows("SELECT status, status_since FROM students WHERE student_no = ?", A)[0]
    assert as_(xj, "wang", "withdraw", A, "--reason", "本人申請", "--date", "2026-11-01").exit_code == 0
    assert witness.exists() and len(witness.read_text().splitlines()) >= 1
    _tamper(db, "DROP TRIGGER events_never_deleted",
            "DELETE FROM events WHERE id = (SELECT max(id) FROM events)",
            "DROP TRIGGER students_number_fixed",
            f"UPDATE students SET status = '{record[0]}', status_since = '{record[1]}' WHERE student_no = '{A}'")
    check = as_(xj, "wang", "check")
    assert check.exit_code == 7 and "events_never_deleted" in check.stderr
    verify = as_(xj, "wang", "audit", "verify", "--witness", str(witness))
    assert verify.exit_code == 7 and "witnessed" in verify.stderr


def test_an_appended_event_with_a_correct_hash_but_earlier_time_and_unknown_operator_is_found(xj, school, db):
    from xueji.domain import audit

    last = db.rows("SELECT id, hash, student_id FROM events ORDER BY id DESC LIMIT 1")[0]
    student = dict(zip(audit.RECORD_FIELDS, db.rows(
        f"SELECT {', '.join(audit.RECORD_FIELDS)} FROM students WHERE id = ?", last[2])[0]))
    event = {"id": last[0] + 1, "student_no": student["student_no"], "kind": "amend", "jyt_code": None,
             "effective_date": "2026-11-01", "recorded_at": "2020-01-01T00:00:00+00:00", "operator": "ghost",
             "reason": "x", "doc_no": None, "status_before": "active", "status_after": "active", "detail": None,
             "submitted_by": "ghost", "approved_by": "ghost", "request_id": None,
             "record_hash": audit.record_hash(student), "account": None}
    digest = audit.event_hash(event, last[1])
    _tamper(db, "INSERT INTO events (id, student_id, kind, jyt_code, effective_date, recorded_at, operator, reason, "
                "doc_no, status_before, status_after, detail, submitted_by, approved_by, request_id, record_hash, "
                f"account, prev_hash, hash) VALUES ({event['id']}, {last[2]}, 'amend', NULL, '2026-11-01', "
                f"'2020-01-01T00:00:00+00:00', 'ghost', 'x', NULL, 'active', 'active', NULL, 'ghost', 'ghost', NULL, "
                f"'{event['record_hash']}', NULL, '{last[1]}', '{digest}')")
    assert as_(xj, "wang", "audit", "verify").exit_code == 0  # the chain alone is consistent
    check = as_(xj, "wang", "check", "-f", "json")
    messages = [v["message"] for v in json.loads(check.stdout)["violations"]]
    assert check.exit_code == 7
    assert any("time ran backwards" in m for m in messages)
    assert any("ghost" in m and "not an operator" in m for m in messages)


@pytest.mark.parametrize("statement", [
    "DELETE FROM access_log WHERE id = (SELECT max(id) FROM access_log)",
    "UPDATE access_log SET purpose = 'nothing to see' WHERE id = 1",
    "DELETE FROM requests WHERE id = 1",
    "UPDATE requests SET decision_reason = 'rewritten' WHERE id = 1",
    "DELETE FROM ledger WHERE id = (SELECT max(id) FROM ledger)",
])
def test_a_removed_or_rewritten_access_log_entry_or_request_is_found(xj, school, db, statement):
    as_(xj, "wang", "query", A, "--reveal", "--purpose", "核對")
    as_(xj, "li", "withdraw", A, "--reason", "本人申請")
    as_(xj, "wang", "reject", "1", "--reason", "材料不全")
    assert as_(xj, "wang", "audit", "verify").exit_code == 0
    triggers = db.trigger_names()
    _tamper(db, *(f"DROP TRIGGER {t}" for t in triggers), statement)
    result = as_(xj, "wang", "audit", "verify")
    assert result.exit_code == 7


def test_an_event_citing_a_request_that_did_not_approve_it_is_found(xj, school, db):
    assert as_(xj, "wang", "withdraw", A, "--reason", "本人申請").exit_code == 0
    db.execute(("INSERT INTO requests (action, college, student_no, payload, status, submitted_by, submitted_at) "
                 "VALUES ('withdraw', '01', ?, '{}', 'rejected', 'li', '2026-11-28T00:00:00+00:00')", (A,)))
    assert as_(xj, "wang", "check").exit_code == 0
    _tamper(db, "DROP TRIGGER events_never_updated",
            "UPDATE events SET request_id = 1 WHERE id = (SELECT max(id) FROM events)")
    check = as_(xj, "wang", "check", "-f", "json")
    assert check.exit_code == 7 and any("cites request 1" in v["message"]
                                        for v in json.loads(check.stdout)["violations"])


# --- 11. CSV on standard output is formula-safe like every CSV file ---------------------------------------------

def test_csv_on_standard_output_neutralises_formulas(xj, school):
    formula = '=HYPERLINK("http://example.invalid","x")'
    assert as_(xj, "wang", "withdraw", A, "--reason", formula).exit_code == 0
    for args in (["show", A, "-f", "csv"], ["audit", "log", "--kind", "withdraw", "-f", "csv"]):
        out = as_(xj, "wang" if args[0] == "show" else "insp", *args).stdout
        assert "'" + formula.replace('"', '""') in out and ',"=HYPERLINK' not in out and ",=HYPERLINK" not in out


# --- 12. someone else's database is refused and left untouched ----------------------------------------------

def test_a_database_that_is_not_xuejis_is_refused_and_left_untouched(xj, workdir, tmp_path):
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    conn.execute("INSERT INTO notes (text) VALUES ('mine')")
    conn.commit()
    conn.close()
    content = other.read_bytes()
    for args in (["query"], ["stats"], ["audit", "verify"], ["init"]):
        result = xj("--db", str(other), *args)
        assert result.exit_code == 4 and "not a xueji database" in result.stderr, args
    assert other.read_bytes() == content
    assert not Path(str(other) + "-wal").exists()


def test_a_unit_of_work_rolls_back_unless_committed_and_nested_work_uses_savepoints(workdir, session):
    from tests.conftest import person
    from xueji.services import registry
    from xueji import config as cfg
    from xueji.store import open_store

    for seq in range(4):  # the students the looks below name (an access-log entry names students who exist)
        registry.enroll(session, person(seq), college="01", major="01", klass="01", year="2023", date="2023-09-01")
    store = open_store(cfg.load(workdir / "config.toml").database)
    try:
        def count():
            return store.reader().count("access_log")

        entry = {"operator": "x", "command": "t", "filters": {}, "revealed": False}
        with store.transaction() as repo:
            repo.log_access(entry, ["202301010101"])
        assert count() == 0  # never committed
        with store.transaction() as outer:
            outer.log_access(entry, ["202301010101"])
            with store.transaction() as inner:
                inner.log_access(entry, ["202301010102"])  # not committed: only this is undone
            with store.transaction() as inner:
                inner.log_access(entry, ["202301010103"])
                inner.commit()
            outer.commit()
        assert count() == 2
        with store.transaction() as outer:
            with store.transaction() as inner:
                inner.log_access(entry, ["202301010104"])
                inner.commit()
        assert count() == 2  # the outer unit was not committed
    finally:
        store.close()


def test_an_operator_added_by_hand_in_sqlite_grants_nothing_and_verify_names_it(xj, school, db):
    assert xj("query").exit_code == 0
    _tamper(db, "INSERT INTO operators (name, role, act_as, added_at, added_by) "
                "VALUES ('mallory', 'office', 0, '2026-11-28T00:00:00+00:00', 'wang')")
    result = as_(xj, "mallory", "withdraw", A, "--reason", "x")
    assert result.exit_code == 7 and "outside xueji" in result.stderr
    assert db.value("SELECT status FROM students WHERE student_no = ?", A) == "active"
    verify = as_(xj, "wang", "audit", "verify")
    assert verify.exit_code == 7 and "operator record" in verify.stderr and "event —" not in verify.stderr


def test_requests_and_corrections_are_shown_in_the_language(xj, school, db):
    assert as_(xj, "li", "suspend", A, "--reason", "因病", "--until", "2027-08-31").exit_code == 0
    listed = as_(xj, "wang", "requests", "--college", "文學院", lang="zh-Hant")
    assert listed.exit_code == 0 and "休學" in listed.stdout and "suspend" not in listed.stdout
    assert as_(xj, "wang", "amend", B, "--exam-no", "23110101150001", "--reason", "更正").exit_code == 0
    log = as_(xj, "insp", "audit", "log", "--kind", "amend", lang="zh-Hant", env={"COLUMNS": "250"})
    assert "考生號=" in log.stdout and "exam_no" not in log.stdout
