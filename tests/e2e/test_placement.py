"""Placement changes (issue 15, §六): 轉專業, 轉班, 降級 — the number stays, the current placement and the history
change, one event each with its JY/T code; on both engines."""

from __future__ import annotations

import json

import pytest

from tests.conftest import make_id
from tests.rosters import people, write_csv
from xueji.cli.state import os_login

ME = os_login()
NO = "202501010101"


@pytest.fixture
def school(workdir, xj):
    with open(workdir / "config.toml", "a", encoding="utf-8") as handle:
        handle.write(f'\n[operators.{ME}]\nrole = "office"\nact_as = true\n\n[operators.li]\nrole = "college"\n'
                     f'college = "01"\n\n[operators.zhao]\nrole = "college"\ncollege = "02"\n\n'
                     f'[operators.qian]\nrole = "college"\ncollege = "03"\n')
    result = xj("enroll", "--name", "張三", "--gender", "男", "--birth-date", "2005-03-01", "--id-number", make_id(seq=1),
                "--college", "01", "--major", "01", "--class", "01", "--year", "2025", "--date", "2025-09-01")
    assert result.exit_code == 0, result.output
    return workdir


def record(xj, number=NO) -> dict:
    return json.loads(xj("show", number, "-f", "json").stdout)


def placement(xj, number=NO) -> tuple:
    s = record(xj, number)["student"]
    return s["current_year"], s["current_college"], s["current_major"], s["current_class"]


@pytest.mark.parametrize("args, after, kind, code", [
    (["change-class", NO, "--class", "02"], (2025, "01", "01", "02"), "change_class", "29"),
    (["change-cohort", NO, "--cohort", "2026"], (2026, "01", "01", "01"), "change_cohort", "03"),
    (["change-cohort", NO, "--cohort", "2026", "--class", "03"], (2026, "01", "01", "03"), "change_cohort", "03"),
    (["change-major", NO, "--college", "01", "--major", "02", "--class", "01"], (2025, "01", "02", "01"),
     "change_major", "23"),
    (["change-major", NO, "--college", "理學院", "--major", "物理學", "--class", "05"], (2025, "02", "01", "05"),
     "change_major", "23"),
])
def test_a_placement_change_moves_the_student_and_keeps_the_number(xj, school, db, args, after, kind, code):
    since = record(xj)["student"]["status_since"]
    result = xj(*args, "--reason", "本人申請", "--doc-no", "教務〔2026〕5號", "--date", "2026-02-20")
    assert result.exit_code == 0 and NO in result.stdout, result.output
    assert placement(xj) == after
    student = record(xj)["student"]
    assert student["student_no"] == NO and student["status"] == "active" and student["status_since"] == since
    assert (student["enroll_year"], student["college"], student["major"], student["class"]) == (2025, "01", "01", "01")
    event = record(xj)["events"][-1]
    assert (event["kind"], event["jyt_code"], event["status_before"], event["status_after"]) == (
        kind, code, "active", "active")
    assert event["detail"] == {"placement_before": "2025/01/01/01", "placement_after": "/".join(map(str, after))}
    assert event["doc_no"] == "教務〔2026〕5號" and event["effective_date"] == "2026-02-20"
    assert db.value("SELECT count(*) FROM events") == 2
    assert xj("audit", "verify").exit_code == 0 and xj("check").exit_code == 0


@pytest.mark.parametrize("args, code, words", [
    (["change-cohort", NO, "--cohort", "2024"], 3, "later cohort"),
    (["change-cohort", NO, "--cohort", "2025"], 3, "later cohort"),
    (["change-class", NO, "--class", "01"], 1, "nothing to change"),
    (["change-class", NO, "--class", "100"], 3, "class"),
    (["change-major", NO, "--college", "09", "--major", "01", "--class", "01"], 3, "college"),
    (["change-major", NO, "--college", "01", "--major", "09", "--class", "01"], 3, "major"),
    (["change-class", "202599999999", "--class", "02"], 1, "No student"),
    (["change-class", NO, "--class", "02", "--date", "2025-08-01"], 3, "before the student's current status"),
])
def test_a_placement_change_is_refused_clearly_and_writes_nothing(xj, school, db, args, code, words):
    before = db.state()
    result = xj(*args, "--reason", "本人申請")
    assert result.exit_code == code and words in result.stderr, result.output
    assert db.state() == before


def test_only_an_active_student_changes_placement(xj, school, db):
    assert xj("suspend", NO, "--reason", "病", "--until", "2027-06-30").exit_code == 0
    before = db.state()
    result = xj("change-class", NO, "--class", "02", "--reason", "x")
    assert result.exit_code == 1 and "status is Suspended" in result.stderr, result.output
    assert db.state() == before


def test_a_full_class_takes_no_one_more(xj, school, db):
    roster = write_csv(school / "r.csv", people(99, start=10, klass="2"))
    assert xj("enroll", "--file", str(roster), "--year", "2025", "-q").exit_code == 0
    before = db.state()
    result = xj("change-class", NO, "--class", "02", "--reason", "x")
    assert result.exit_code == 1 and "already has 99 students" in result.stderr, result.output
    assert db.state() == before


def test_a_colleges_change_within_itself_is_a_request_the_office_approves(xj, school, db):
    result = xj("--operator", "li", "change-class", NO, "--class", "02", "--reason", "分班")
    assert result.exit_code == 0 and "submitted" in result.stdout, result.output
    assert placement(xj) == (2025, "01", "01", "01")
    assert db.rows("SELECT action, college, receiving FROM requests") == [("change_class", "01", None)]
    assert xj("approve", "1").exit_code == 0
    assert placement(xj) == (2025, "01", "01", "02")
    event = record(xj)["events"][-1]
    assert (event["submitted_by"], event["approved_by"], event["request_id"]) == ("li", ME, 1)


def test_a_change_of_major_between_colleges_waits_for_the_receiving_college(xj, school, db):
    result = xj("--operator", "li", "change-major", NO, "--college", "02", "--major", "01", "--class", "01",
                "--reason", "本人申請")
    assert result.exit_code == 0, result.output
    assert db.rows("SELECT college, receiving, agreed_by FROM requests") == [("01", "02", None)]
    result = xj("approve", "1")
    assert result.exit_code == 1 and "has not agreed yet" in result.stderr
    assert xj("--operator", "qian", "agree", "1").exit_code == 6  # college 03 is not asked
    assert xj("--operator", "qian", "reject", "1", "--reason", "x").exit_code == 6
    mine = json.loads(xj("--operator", "zhao", "requests", "-f", "json").stdout)
    assert [(r["id"], r["receiving"]) for r in mine] == [(1, "02")]
    assert json.loads(xj("--operator", "qian", "requests", "-f", "json").stdout or "[]") == []
    assert xj("--operator", "zhao", "agree", "1").exit_code == 0
    assert db.rows("SELECT agreed_by FROM requests") == [("zhao",)]
    assert db.value("SELECT count(*) FROM ledger WHERE kind = 'agreement'") == 1
    assert xj("approve", "1").exit_code == 0
    assert placement(xj) == (2025, "02", "01", "01")
    assert xj("audit", "verify").exit_code == 0 and xj("check").exit_code == 0


def test_an_agreement_changed_by_hand_is_found(xj, school, db):
    assert xj("--operator", "li", "change-major", NO, "--college", "02", "--major", "01", "--class", "01",
              "--reason", "本人申請").exit_code == 0
    assert xj("--operator", "zhao", "agree", "1").exit_code == 0
    db.tamper("DROP TRIGGER requests_decided_once", "UPDATE requests SET agreed_by = 'qian'")
    result = xj("audit", "verify")
    assert result.exit_code == 7 and "agreement" in result.stderr, result.output


def test_reports_follow_the_current_placement(xj, school, tmp_path):
    assert xj("change-major", NO, "--college", "02", "--major", "01", "--class", "01", "--reason", "x").exit_code == 0
    counts = json.loads(xj("stats", "--by", "college", "-f", "json").stdout)
    assert [(c["college"], c["count"]) for c in counts] == [("02", 1)]
    result = xj("roster", "--year", "2025", "--college", "02", "--major", "01", "--class", "01", "--out",
                str(tmp_path / "c.xlsx"))
    assert result.exit_code == 0 and "1 students" in result.stderr, result.output
    assert xj("report", "annual", "--year", "2026", "--out", str(tmp_path / "a.xlsx"), lang="zh-Hant").exit_code == 0
    from openpyxl import load_workbook

    changes = load_workbook(tmp_path / "a.xlsx")["學籍異動"]
    assert any(str(row[0].value).startswith("轉專業 (23)") for row in changes.iter_rows(min_row=4))
