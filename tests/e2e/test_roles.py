"""Roles, the two-level approval, masking and the access log, through the command line."""

from __future__ import annotations

import json
import os
import sqlite3
import stat

import pytest

from tests.conftest import make_id
from xueji.cli.state import os_login

ME = os_login()
OPERATORS = f"""
[operators.{ME}]
role = "office"
act_as = true

[operators.wang]
role = "office"

[operators.li]
role = "college"
college = "01"

[operators.zhao]
role = "college"
college = "02"

[operators.insp]
role = "inspector"

[operators.view]
role = "viewer"
"""


@pytest.fixture
def school(workdir, xj):
    """A registry with an [operators] table, two students of college 01 and one of college 02."""
    with open(workdir / "config.toml", "a", encoding="utf-8") as handle:
        handle.write(OPERATORS)
    for seq, college in ((1, "01"), (2, "01"), (3, "02")):
        result = xj("--operator", "wang", "enroll", "--name", "張三", "--gender", "男", "--birth-date", "2005-03-01",
                    "--id-number", make_id(seq=seq), "--college", college, "--major", "02", "--class", "01",
                    "--year", "2023", "--date", "2023-09-01")
        assert result.exit_code == 0, result.output
    return workdir


def as_(xj, who, *args, **kw):
    return xj("--operator", who, *args, **kw)


A, B, C = "202301020101", "202301020102", "202302020101"  # two of college 01, one of college 02


# --- identity ------------------------------------------------------------------------------

def test_with_no_operators_table_whoever_runs_it_is_office_staff(xj, workdir, db):
    result = xj("enroll", "--name", "張三", "--gender", "男", "--birth-date", "2005-03-01", "--id-number",
                make_id(seq=1), "--college", "01", "--major", "01", "--class", "01", "--year", "2023")
    assert result.exit_code == 0
    assert db.rows("SELECT operator, submitted_by, approved_by FROM events") == [(ME, ME, ME)]


def test_an_account_missing_from_the_operators_table_is_refused_with_exit_6_and_nothing_written(xj, workdir, db):
    with open(workdir / "config.toml", "a", encoding="utf-8") as handle:
        handle.write('\n[operators.someone_else]\nrole = "office"\n')
    before = db.snapshot()
    for args in (["query"], ["enroll", "--name", "張三", "--gender", "男", "--birth-date", "2005-03-01",
                             "--id-number", make_id(seq=1), "--college", "01", "--major", "01", "--class", "01"]):
        result = xj(*args)
        assert result.exit_code == 6 and ME in result.stderr
    assert db.snapshot() == before


def test_acting_as_another_operator_needs_act_as(xj, workdir, db):
    with open(workdir / "config.toml", "a", encoding="utf-8") as handle:
        handle.write(OPERATORS.replace("act_as = true", "act_as = false"))
    before = db.snapshot()
    result = as_(xj, "li", "withdraw", A, "--reason", "本人申請")
    assert result.exit_code == 6 and "may not record in another operator's name" in result.stderr
    assert db.snapshot() == before
    assert as_(xj, "nobody", "query", env={}).exit_code == 6


def test_once_the_registry_has_operators_a_changed_configuration_grants_nothing(xj, school, db):
    assert xj("query").exit_code == 0  # the first use takes [operators] into the registry
    config = school / "config.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('role = "viewer"', 'role = "office"'),
                      encoding="utf-8")
    before = db.snapshot()
    result = as_(xj, "view", "withdraw", A, "--reason", "本人申請")
    assert result.exit_code == 6 and "differs from the registry's operators" in result.stderr
    assert db.snapshot() == before


def test_the_operator_may_come_from_the_environment_for_an_act_as_account(xj, school, db):
    result = xj("withdraw", A, "--reason", "本人申請", env={"XUEJI_OPERATOR": "li"})
    assert result.exit_code == 0 and "Request" in result.stdout


# --- what each role may do -------------------------------------------------------------------

WRITES = [
    ["enroll", "--name", "李四", "--gender", "女", "--birth-date", "2005-05-05", "--id-number",
     make_id("2005-05-05", False, seq=9), "--college", "01", "--major", "01", "--class", "01", "--year", "2023"],
    ["suspend", A, "--reason", "因病", "--until", "2027-08-31"],
    ["resume", A],
    ["withdraw", A, "--reason", "本人申請"],
    ["transfer", "out", A, "--to-school", "某大學"],
    ["graduate", A, "--date", "2027-06-30"],
    ["cancel", A, "--cause", "missing"],
    ["codes", "add-college", "09", "新學院"],
    ["approve", "1"],
    ["reject", "1", "--reason", "x"],
]


@pytest.mark.parametrize("who", ["insp", "view"])
@pytest.mark.parametrize("args", WRITES, ids=lambda a: a[0] if a[0] != "transfer" else "transfer-out")
def test_inspectors_and_viewers_change_nothing(xj, school, db, who, args):
    before = db.snapshot()
    result = as_(xj, who, *args)
    assert result.exit_code == 6, result.output
    assert "may not" in result.stderr
    assert db.snapshot() == before
    assert not (school / "codes.toml").exists()


@pytest.mark.parametrize("args", [["codes", "add-college", "09", "新學院"], ["approve", "1"],
                                  ["reject", "1", "--reason", "x"], ["access-log"],
                                  ["query", "--reveal", "--purpose", "核對"]])
def test_college_staff_may_not_decide_change_codes_read_the_log_or_reveal(xj, school, db, args):
    before = db.snapshot()
    assert as_(xj, "li", *args).exit_code == 6
    assert db.snapshot() == before


def test_college_staff_see_only_their_own_college_and_others_are_not_found(xj, school, db):
    listed = json.loads(as_(xj, "li", "query", "-f", "json").stdout)
    assert sorted(s["student_no"] for s in listed) == [A, B]
    hidden = as_(xj, "li", "show", C)
    assert hidden.exit_code == 1 and f"No student has the number {C}" in hidden.stderr
    before = db.snapshot()
    assert as_(xj, "li", "suspend", C, "--reason", "因病", "--until", "2027-08-31").exit_code == 1
    assert db.snapshot() == before


def test_college_staff_may_not_enroll_into_another_college(xj, school, db):
    before = db.snapshot()
    result = as_(xj, "li", "enroll", "--name", "李四", "--gender", "女", "--birth-date", "2005-05-05", "--id-number",
                 make_id("2005-05-05", False, seq=9), "--college", "02", "--major", "01", "--class", "01")
    assert result.exit_code == 6 and db.snapshot() == before


def test_viewers_and_inspectors_read_masked_data(xj, school, db):
    for who in ("view", "insp"):
        student = json.loads(as_(xj, who, "query", A, "-f", "json").stdout)[0]
        assert student["id_number"] == make_id(seq=1)[:6] + "********" + make_id(seq=1)[-4:]
        assert student["birth_date"] == "2005"
    assert as_(xj, "insp", "access-log").exit_code == 0
    assert as_(xj, "view", "access-log").exit_code == 6


# --- the two-level approval --------------------------------------------------------------------

def test_a_college_request_changes_nothing_until_the_office_approves_it(xj, school, db):
    before = db.snapshot()
    submitted = as_(xj, "li", "suspend", A, "--reason", "因病", "--until", "2027-08-31", "--date", "2026-09-01")
    assert submitted.exit_code == 0 and "Request 1 submitted" in submitted.stdout
    assert db.snapshot() == before
    assert db.rows("SELECT id, action, college, student_no, status, submitted_by FROM requests") == [
        (1, "suspend", "01", A, "pending", "li")]
    listed = json.loads(as_(xj, "wang", "requests", "--status", "pending", "-f", "json").stdout)
    assert [r["id"] for r in listed] == [1]
    approved = as_(xj, "wang", "approve", "1", "--doc-no", "教務〔2026〕9號")
    assert approved.exit_code == 0, approved.output
    assert db.value("SELECT status FROM students WHERE student_no = ?", A) == "suspended"
    assert db.rows("SELECT kind, operator, submitted_by, approved_by, request_id, doc_no, reason FROM events "
                   "ORDER BY id DESC LIMIT 1") == [("suspend", "wang", "li", "wang", 1, "教務〔2026〕9號", "因病")]
    assert db.rows("SELECT status, decided_by, doc_no FROM requests") == [("approved", "wang", "教務〔2026〕9號")]
    again = as_(xj, "wang", "approve", "1")
    assert again.exit_code == 1 and "already approved" in again.stderr


def test_a_request_is_rechecked_when_submitted_and_refused_if_invalid_then(xj, school, db):
    before = db.snapshot()
    assert as_(xj, "li", "resume", A).exit_code == 1  # A is active: the college's review refuses it
    assert as_(xj, "li", "suspend", A, "--reason", "因病", "--until", "2020-01-01").exit_code == 3
    assert db.snapshot() == before and db.value("SELECT count(*) FROM requests") == 0


def test_a_request_made_stale_by_a_later_change_is_refused_at_approval(xj, school, db):
    assert as_(xj, "li", "suspend", A, "--reason", "因病", "--until", "2027-08-31").exit_code == 0
    assert as_(xj, "wang", "withdraw", A, "--reason", "本人申請").exit_code == 0
    before = db.snapshot()
    result = as_(xj, "wang", "approve", "1")
    assert result.exit_code == 1 and "stale" in result.stderr and "Withdrawn" in result.stderr
    assert db.snapshot() == before
    assert db.value("SELECT status FROM requests") == "pending"


def test_an_enrollment_request_is_revalidated_at_approval(xj, school, db):
    args = ["enroll", "--name", "李四", "--gender", "女", "--birth-date", "2005-05-05", "--id-number",
            make_id("2005-05-05", False, seq=9), "--college", "01", "--major", "01", "--class", "01", "--year", "2023"]
    assert as_(xj, "li", *args).exit_code == 0
    assert as_(xj, "wang", *args).exit_code == 0  # the office enrolled the same person meanwhile
    result = as_(xj, "wang", "approve", "1")
    assert result.exit_code == 1 and "live registration" in result.stderr
    assert db.value("SELECT count(*) FROM students WHERE id_number = ?", make_id("2005-05-05", False, seq=9)) == 1


def test_rejection_leaves_the_student_unchanged_and_closes_the_request(xj, school, db):
    as_(xj, "li", "withdraw", A, "--reason", "本人申請")
    before = db.snapshot()
    result = as_(xj, "wang", "reject", "1", "--reason", "材料不全")
    assert result.exit_code == 0 and db.snapshot() == before
    assert db.rows("SELECT status, decided_by, decision_reason FROM requests") == [("rejected", "wang", "材料不全")]
    assert as_(xj, "wang", "approve", "1").exit_code == 1


def test_a_college_roster_becomes_one_request_approved_whole(xj, school, db):
    from tests.rosters import people, write_csv

    path = write_csv(school / "r.csv", people(5, start=40, college="01", major="03"))
    submitted = as_(xj, "li", "enroll", "--file", str(path), "--year", "2024", "-f", "json")
    assert submitted.exit_code == 0 and json.loads(submitted.stdout) == {"request": 1, "action": "enroll_roster",
                                                                         "status": "pending"}
    assert db.value("SELECT count(*) FROM students") == 3
    assert as_(xj, "wang", "approve", "1").exit_code == 0
    assert db.value("SELECT count(*) FROM students WHERE enroll_year = 2024") == 5
    assert db.value("SELECT count(DISTINCT request_id) FROM events WHERE request_id IS NOT NULL") == 1


def test_college_staff_list_only_their_own_requests(xj, school, db):
    as_(xj, "li", "withdraw", A, "--reason", "本人申請")
    as_(xj, "zhao", "withdraw", C, "--reason", "本人申請")
    assert [r["college"] for r in json.loads(as_(xj, "li", "requests", "-f", "json").stdout)] == ["01"]
    assert len(json.loads(as_(xj, "wang", "requests", "-f", "json").stdout)) == 2


# --- masking -------------------------------------------------------------------------------------

MASKED = make_id(seq=1)[:6] + "********" + make_id(seq=1)[-4:]


def test_id_numbers_and_birth_dates_are_masked_in_every_format(xj, school, db):
    table = as_(xj, "wang", "show", A).stdout
    assert MASKED in table and make_id(seq=1) not in table
    record = json.loads(as_(xj, "wang", "show", A, "-f", "json").stdout)["student"]
    assert (record["id_number"], record["birth_date"]) == (MASKED, "2005")
    csv_text = as_(xj, "wang", "query", "-f", "csv").stdout
    assert MASKED in csv_text and make_id(seq=1) not in csv_text


def test_exports_are_masked_unless_revealed_by_the_office_with_a_purpose(xj, school, db):
    assert as_(xj, "wang", "export", "--out", str(school / "m.csv")).exit_code == 0
    text = (school / "m.csv").read_text(encoding="utf-8")
    assert MASKED in text and make_id(seq=1) not in text
    assert as_(xj, "wang", "export", "--out", str(school / "r.xlsx"), "--reveal", "--purpose", "教育廳學籍上報").exit_code == 0
    from openpyxl import load_workbook

    values = {c.value for row in load_workbook(school / "r.xlsx").active.iter_rows() for c in row}
    assert make_id(seq=1) in values and "2005-03-01" in values


def test_reveal_shows_full_data_to_the_office_and_needs_a_purpose(xj, school, db):
    shown = json.loads(as_(xj, "wang", "query", A, "--reveal", "--purpose", "核對身份", "-f", "json").stdout)[0]
    assert (shown["id_number"], shown["birth_date"]) == (make_id(seq=1), "2005-03-01")
    no_purpose = as_(xj, "wang", "query", A, "--reveal")
    assert no_purpose.exit_code == 3 and "--purpose" in no_purpose.stderr
    for who in ("li", "insp", "view"):
        assert as_(xj, who, "query", A, "--reveal", "--purpose", "x").exit_code == 6


# --- the access log ------------------------------------------------------------------------------

def log(db):
    return db.rows("SELECT operator, command, shown, revealed, purpose, requester, proof FROM access_log ORDER BY id")


def test_each_command_that_shows_personal_data_leaves_one_entry(xj, school, db):
    as_(xj, "wang", "query", "--college", "01")
    as_(xj, "wang", "show", A, "--reveal", "--purpose", "核對")
    as_(xj, "view", "query", A, "-f", "json")
    as_(xj, "wang", "export", "--out", str(school / "x.json"))
    assert log(db) == [
        ("wang", "query", 2, 0, None, None, None),
        ("wang", "show", 1, 1, "核對", None, None),
        ("view", "query", 1, 0, None, None, None),
        ("wang", "export", 3, 0, None, None, None),
    ]
    filters = json.loads(db.value("SELECT filters FROM access_log WHERE id = 1"))
    assert filters == {"college": "01", "limit": 100}


def test_commands_that_show_no_personal_data_leave_no_entry(xj, school, db):
    as_(xj, "wang", "codes")
    as_(xj, "wang", "suspend", A, "--reason", "因病", "--until", "2027-08-31")
    as_(xj, "wang", "query", "--name", "nobody")
    as_(xj, "wang", "requests")
    as_(xj, "insp", "access-log")
    as_(xj, "wang", "show", "202301010199")
    assert log(db) == []


def test_a_students_own_request_records_who_asked_and_the_proof(xj, school, db):
    result = as_(xj, "wang", "show", A, "--requester", "張三 (本人)", "--proof", "居民身份證")
    assert result.exit_code == 0
    assert log(db) == [("wang", "show", 1, 0, None, "張三 (本人)", "居民身份證")]
    bad = as_(xj, "wang", "show", A, "--requester", "張三", "--proof", "居民身份證")
    assert bad.exit_code == 3


def test_the_access_log_can_be_filtered_by_operator_day_and_student(xj, school, db):
    as_(xj, "wang", "show", A)
    as_(xj, "view", "show", B)
    by_student = json.loads(as_(xj, "insp", "access-log", "--student", A, "-f", "json").stdout)
    assert [(e["operator"], e["command"]) for e in by_student] == [("wang", "show")]
    by_operator = json.loads(as_(xj, "insp", "access-log", "--operator", "view", "-f", "json").stdout)
    assert [e["shown"] for e in by_operator] == [1]
    assert json.loads(as_(xj, "insp", "access-log", "--since", "2099-01-01", "-f", "json").stdout) == []


# --- files -------------------------------------------------------------------------------------

@pytest.mark.sqlite_only  # the file itself (its path, mode, copies, restores)
def test_a_database_others_can_read_gets_a_warning(xj, school, db):
    os.chmod(db.path, 0o644)
    result = xj("query")
    assert result.exit_code == 0 and "can be read by other users" in result.stderr
    os.chmod(db.path, 0o600)
    assert "can be read" not in xj("query").stderr


@pytest.mark.sqlite_only  # the file itself (its path, mode, copies, restores)
def test_in_a_shared_group_setup_the_files_beside_the_database_keep_its_mode(xj, school, db):
    os.chmod(db.path, 0o660)
    keeper = sqlite3.connect(db.path)  # keeps the WAL and shared-memory files in place
    keeper.execute("SELECT count(*) FROM students").fetchone()
    try:
        assert as_(xj, "wang", "withdraw", A, "--reason", "本人申請").exit_code == 0
        for suffix in ("-wal", "-shm"):
            path = db.path.with_name(db.path.name + suffix)
            assert stat.S_IMODE(os.stat(path).st_mode) == 0o660, suffix
    finally:
        keeper.close()


@pytest.mark.parametrize("who, code", [("li", 6), ("insp", 6), ("view", 6)])
def test_only_the_office_imports_records(xj, school, db, who, code):
    from tests.rosters import people, write_csv

    rows = [{"student_no": f"2020010101{i + 1:02d}", **r, "year": "2020"} for i, r in enumerate(people(2, start=60))]
    path = write_csv(school / "old.csv", rows)
    before = db.snapshot()
    assert as_(xj, who, "import", "--file", str(path)).exit_code == code
    assert db.snapshot() == before
    assert as_(xj, "wang", "import", "--file", str(path)).exit_code == 0


@pytest.mark.parametrize("who", ["insp", "view"])
def test_inspectors_and_viewers_do_not_list_requests(xj, school, who):
    assert as_(xj, who, "requests").exit_code == 6


def test_due_shows_college_staff_their_own_college_only(xj, school, db):
    as_(xj, "wang", "suspend", A, "--reason", "因病", "--until", "2024-08-31", "--date", "2023-12-01")
    as_(xj, "wang", "suspend", C, "--reason", "因病", "--until", "2024-08-31", "--date", "2023-12-01")
    assert [r["student_no"] for r in json.loads(as_(xj, "li", "due", "-f", "json").stdout)] == [A]
    assert len(json.loads(as_(xj, "wang", "due", "-f", "json").stdout)) == 2


def test_personal_data_that_cannot_be_logged_is_not_shown(xj, school, db):
    config = school / "config.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("busy_timeout = 10", "busy_timeout = 0.2"),
                      encoding="utf-8")
    with db.write_lock():  # another writer holds the lock: the access-log entry cannot be written
        result = as_(xj, "wang", "query", "-f", "json")
    assert result.exit_code == 5 and result.stdout == ""
    assert db.value("SELECT count(*) FROM access_log") == 0
    assert as_(xj, "wang", "query", "-f", "json").stdout.startswith("[")
