"""Departments' access (issue 15, §八.2): a grant's fields, scope and expiry; every use logged with it; on both
engines."""

from __future__ import annotations

import csv
import json

import pytest

from tests.conftest import make_id
from xueji.cli.state import os_login

ME = os_login()
GRANT = ["grants", "add", "--operator", "finance", "--purpose", "學費核對", "--fields", "student_no,name,status",
         "--until", "2099-01-31", "--doc-no", "教務〔2026〕40號"]


@pytest.fixture
def school(workdir, xj):
    with open(workdir / "config.toml", "a", encoding="utf-8") as handle:
        handle.write(f'\n[operators.{ME}]\nrole = "office"\nact_as = true\n\n[operators.finance]\n'
                     f'role = "department"\n\n[operators.library]\nrole = "department"\n\n'
                     f'[operators.insp]\nrole = "inspector"\n\n[operators.li]\nrole = "college"\ncollege = "01"\n')
    for seq, (college, year) in enumerate((("01", "2025"), ("01", "2024"), ("02", "2025")), start=1):
        result = xj("enroll", "--name", "張三", "--gender", "男", "--birth-date", "2005-03-01", "--id-number",
                    make_id(seq=seq), "--college", college, "--major", "01", "--class", "01", "--year", year)
        assert result.exit_code == 0, result.output
    return workdir


def as_finance(xj, *args, **kw):
    return xj("--operator", "finance", *args, **kw)


def test_a_grant_opens_its_fields_only_and_every_read_is_logged_with_it(xj, school, db):
    assert xj(*GRANT, "--college", "01").exit_code == 0
    shown = json.loads(as_finance(xj, "query", "-f", "json").stdout)
    assert sorted(s["student_no"] for s in shown) == ["202401010101", "202501010101"]  # college 01 only
    assert all(set(s) == {"student_no", "name", "status"} for s in shown)  # others absent, not masked
    result = as_finance(xj, "export", "--out", str(school / "f.csv"))
    assert result.exit_code == 0, result.output
    with open(school / "f.csv", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["Student number", "Name", "Status"] and len(rows) == 3
    assert make_id(seq=1) not in (school / "f.csv").read_text(encoding="utf-8")
    log = db.rows("SELECT command, operator, grant_id, purpose FROM access_log ORDER BY id")
    assert log[-2:] == [("query", "finance", 1, "學費核對"), ("export", "finance", 1, "學費核對")]
    listed = json.loads(xj("access-log", "--grant", "1", "-f", "json").stdout)
    assert [e["command"] for e in listed] == ["query", "export"]
    report = json.loads(xj("report", "access", "--year", "2026", "-f", "json").stdout)
    assert report == [{"grant": 1, "department": "finance", "purpose": "學費核對", "looks": 2, "students": 4}]
    assert xj("audit", "verify").exit_code == 0 and xj("check").exit_code == 0


@pytest.mark.parametrize("args, words", [
    (["query", "--college", "02"], "covers college 01 only"),
    (["query", "--year", "2025"], "does not open the field year"),
    (["query", "--name", "張"], None),  # name is opened: allowed
    (["query", "--id-number", make_id(seq=1), "--purpose", "x"], "may not"),
    (["show", "202501010101"], "may not"),
    (["stats"], "may not"),
    (["due"], "may not"),
    (["roster", "--year", "2025", "--college", "01", "--major", "01", "--class", "01", "--out", "x.xlsx"], "may not"),
])
def test_a_department_stays_inside_its_grant(xj, school, db, args, words):
    assert xj(*GRANT, "--college", "01").exit_code == 0
    before = db.rows("SELECT count(*) FROM access_log")
    result = as_finance(xj, *args)
    if words is None:
        assert result.exit_code == 0, result.output
        return
    assert result.exit_code == 6 and words in result.stderr, result.output
    assert db.rows("SELECT count(*) FROM access_log") == before


def test_a_department_without_a_grant_or_with_a_revoked_one_reads_nothing(xj, school, db):
    result = as_finance(xj, "query")
    assert result.exit_code == 6 and "holds no grant" in result.stderr
    assert xj(*GRANT).exit_code == 0
    assert xj("grants", "revoke", "1", "--reason", "核對完成").exit_code == 0
    result = as_finance(xj, "query")
    assert result.exit_code == 6 and "Grant 1 (學費核對) was revoked" in result.stderr, result.output
    assert xj("grants", "revoke", "1", "--reason", "again").exit_code == 1
    grants = json.loads(xj("grants", "list", "-f", "json").stdout)
    assert grants[0]["revoked_by"] == ME and grants[0]["revoke_reason"] == "核對完成"
    assert db.value("SELECT count(*) FROM ledger WHERE kind = 'grant'") == 2  # given, then revoked
    assert xj("audit", "verify").exit_code == 0


def test_a_department_holding_two_grants_names_the_one_it_reads_under(xj, school):
    assert xj(*GRANT, "--college", "01").exit_code == 0
    assert xj("grants", "add", "--operator", "finance", "--purpose", "獎學金", "--fields", "student_no,current_college",
              "--until", "2099-01-31", "--doc-no", "D2").exit_code == 0
    result = as_finance(xj, "query")
    assert result.exit_code == 3 and "--grant" in result.stderr
    shown = json.loads(as_finance(xj, "query", "--grant", "2", "-f", "json").stdout)
    assert len(shown) == 3 and all(set(s) == {"student_no", "current_college"} for s in shown)
    assert xj("--operator", "library", "query", "--grant", "1").exit_code == 6  # not theirs


@pytest.mark.parametrize("args, code", [
    (["--operator", "li", *GRANT], 6),                          # only the office grants
    ([*GRANT[:3], "li", *GRANT[4:]], 1),                        # to a department's operator only
    ([*GRANT[:7], "student_no,salary", *GRANT[8:]], 3),         # a field that does not exist
    ([*GRANT[:9], "2020-01-01", *GRANT[10:]], 3),               # already over
    ([*GRANT, "--status", "studying"], 3),                      # an unknown status
])
def test_a_grant_is_refused_clearly_and_writes_nothing(xj, school, db, args, code):
    before = db.state()
    result = xj(*args)
    assert result.exit_code == code, result.output
    assert db.state() == before


@pytest.mark.parametrize("field", ["student_no", "name", "gender", "birth_date", "id_type", "id_number", "exam_no",
                                   "enroll_year", "college", "major", "class", "seat", "status", "status_since",
                                   "current_year", "current_college", "current_major", "current_class"])
def test_field_by_field_a_grant_shows_what_it_opens_and_nothing_else(xj, school, field):
    assert xj("grants", "add", "--operator", "finance", "--purpose", "核對", "--fields", field, "--until", "2099-01-31",
              "--doc-no", "D").exit_code == 0
    shown = json.loads(as_finance(xj, "query", "-f", "json").stdout)
    assert len(shown) == 3 and all(list(s) == [field] for s in shown), shown
    if field == "id_number":  # opened by the office's grant: the number itself, and the look logged as revealing
        assert sorted(s["id_number"] for s in shown) == sorted(make_id(seq=n) for n in (1, 2, 3))


@pytest.mark.parametrize("scope, expected", [
    ([], ["202401010101", "202501010101", "202502010101"]),
    (["--college", "01"], ["202401010101", "202501010101"]),
    (["--year", "2024"], ["202401010101"]),
    (["--college", "02", "--year", "2025"], ["202502010101"]),
    (["--status", "suspended"], ["202501010101"]),
    (["--status", "active", "--college", "01"], ["202401010101"]),
])
def test_row_by_row_a_grant_covers_its_scope_only(xj, school, scope, expected):
    assert xj("suspend", "202501010101", "--reason", "病", "--until", "2027-06-30").exit_code == 0
    assert xj(*GRANT, *scope).exit_code == 0
    shown = json.loads(as_finance(xj, "query", "-f", "json").stdout or "[]")
    assert sorted(s["student_no"] for s in shown) == expected


def test_a_grant_opening_college_and_major_filters_by_them_and_only_the_office_acts_for_others(xj, school, db):
    assert xj("grants", "add", "--operator", "finance", "--purpose", "學費核對", "--fields",
              "student_no,name,status,college,major", "--until", "2099-01-31", "--doc-no", "D").exit_code == 0
    shown = json.loads(as_finance(xj, "query", "--college", "02", "--major", "01", "-f", "json").stdout)
    assert [s["student_no"] for s in shown] == ["202502010101"]
    before = db.state()
    result = xj("operators", "add", "dept4", "--role", "department", "--act-as")
    assert result.exit_code == 3 and "Only an office account" in result.stderr, result.output
    assert db.state() == before
