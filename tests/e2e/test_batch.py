"""Batch work end to end: rosters in every encoding and layout, faults of every kind, cohorts, exports."""

from __future__ import annotations

import csv
import json
import os

import pytest

from tests.conftest import make_id
from tests.rosters import CHINESE, SIMPLIFIED, people, write_csv, write_xlsx


def numbers(db):
    return [r[0] for r in db.rows("SELECT student_no FROM students ORDER BY student_no")]


# --- reading rosters -----------------------------------------------------------------------

@pytest.mark.parametrize("encoding, headers", [
    ("utf-8", None),
    ("utf-8-sig", CHINESE),
    ("gb18030", SIMPLIFIED),
    ("gbk", CHINESE),
])
def test_a_csv_roster_in_each_encoding_and_header_language_is_enrolled(xj, workdir, db, encoding, headers):
    path = write_csv(workdir / "roster.csv", people(5), encoding=encoding, headers=headers)
    result = xj("enroll", "--file", str(path), "--year", "2025")
    assert result.exit_code == 0, result.output
    assert numbers(db) == [f"2025010101{s:02d}" for s in range(1, 6)]
    assert "Enrolled 5, skipped 0" in result.stdout
    assert db.value("SELECT count(*) FROM events WHERE kind = 'enroll'") == 5


def test_an_encoding_can_be_given_when_detection_would_guess_wrong(xj, workdir, db):
    path = write_csv(workdir / "roster.csv", people(2), encoding="big5", headers=CHINESE)
    assert xj("enroll", "--file", str(path), "--year", "2025", "--encoding", "big5").exit_code == 0
    assert len(numbers(db)) == 2


def test_colleges_and_majors_may_be_given_by_name_in_a_roster(xj, workdir, db):
    path = write_csv(workdir / "roster.csv", people(3, college="理學院", major="數學與應用數學"), headers=CHINESE)
    assert xj("enroll", "--file", str(path), "--year", "2025").exit_code == 0
    assert numbers(db) == ["202502020101", "202502020102", "202502020103"]


def test_an_xlsx_roster_is_read_from_the_first_sheet_or_the_one_named(xj, workdir, db):
    path = write_xlsx(workdir / "roster.xlsx", people(3), headers=CHINESE, sheet="新生")
    assert xj("enroll", "--file", str(path), "--year", "2025", "--sheet", "新生").exit_code == 0
    missing = xj("enroll", "--file", str(path), "--year", "2025", "--sheet", "舊生")
    assert missing.exit_code == 3 and "新生" in missing.stderr
    assert len(numbers(db)) == 3


def test_an_id_column_excel_stored_as_numbers_is_explained_not_called_a_bad_checksum(xj, workdir, db):
    path = write_xlsx(workdir / "roster.xlsx", people(3), headers=CHINESE, numeric_ids=True)
    before = db.state()
    result = xj("enroll", "--file", str(path), "--year", "2025", "-f", "json")
    assert result.exit_code == 3
    errors = json.loads(result.stdout)["errors"]
    assert len(errors) == 3
    assert all("format the column as text" in e["message"] and e["column"] == "身份證號" for e in errors)
    assert db.state() == before


@pytest.mark.parametrize("content", [b"", b"\x00\x01\x02garbage", "姓名,性別\n".encode("utf-16")])
def test_an_unreadable_file_is_exit_3(xj, workdir, db, content):
    (workdir / "bad.csv").write_bytes(content)
    result = xj("enroll", "--file", str(workdir / "bad.csv"), "--year", "2025")
    assert result.exit_code == 3 and "Traceback" not in result.output


def test_a_file_that_is_not_a_workbook_is_exit_3(xj, workdir, db):
    (workdir / "fake.xlsx").write_text("not a zip", encoding="utf-8")
    assert xj("enroll", "--file", str(workdir / "fake.xlsx"), "--year", "2025").exit_code == 3


# --- faults --------------------------------------------------------------------------------

def faulty_rows():
    rows = people(12)
    rows[0]["name"] = "王5"
    rows[1]["gender"] = "x"
    rows[2]["birth_date"] = "2006-02-30"
    rows[3]["id_number"] = rows[3]["id_number"][:-1] + ("0" if rows[3]["id_number"][-1] != "0" else "1")
    rows[4]["class"] = "100"
    rows[5]["college"] = "99"
    rows[6]["major"] = "77"
    rows[7]["id_number"] = rows[8]["id_number"]  # the same person twice in the file
    rows[7]["birth_date"], rows[7]["gender"] = rows[8]["birth_date"], rows[8]["gender"]
    return rows


def test_a_roster_with_faults_reports_every_one_with_row_and_column_and_writes_nothing(xj, workdir, db):
    xj("enroll", "--name", "張三", "--gender", "男", "--birth-date", "2006-12-12", "--id-number",
       people(12)[11]["id_number"], "--college", "01", "--major", "02", "--class", "01", "--year", "2025")
    path = write_csv(workdir / "roster.csv", faulty_rows(), headers=CHINESE)
    before = db.state()
    result = xj("enroll", "--file", str(path), "--year", "2025", "-f", "json")
    assert result.exit_code == 3
    found = {(e["row"], e["column"]) for e in json.loads(result.stdout)["errors"]}
    assert found == {(2, "姓名"), (3, "性別"), (4, "出生日期"), (5, "身份證號"), (6, "班級"), (7, "學院"),
                     (8, "專業"), (10, "身份證號")}
    assert db.state() == before


def test_a_conflict_with_a_live_registration_is_a_fault_naming_the_existing_number(xj, workdir, db):
    rows = people(3)
    xj("enroll", "--name", "張三", "--gender", rows[1]["gender"], "--birth-date", rows[1]["birth_date"],
       "--id-number", rows[1]["id_number"], "--college", "02", "--major", "02", "--class", "01", "--year", "2025")
    result = xj("enroll", "--file", str(write_csv(workdir / "r.csv", rows)), "--year", "2025", "-f", "json")
    assert result.exit_code == 3
    [error] = json.loads(result.stdout)["errors"]
    assert error["row"] == 3 and "202502020101" in error["message"]
    assert numbers(db) == ["202502020101"]


def test_on_screen_the_first_twenty_problems_and_the_count_all_of_them_in_errors_out(xj, workdir, db):
    rows = people(30)
    for row in rows:
        row["class"] = "0"
    path = write_csv(workdir / "roster.csv", rows)
    result = xj("enroll", "--file", str(path), "--year", "2025", "--errors-out", str(workdir / "problems.csv"))
    assert result.exit_code == 3
    assert "and 10 more" in result.stderr and "roster: 30" in result.stderr
    assert (workdir / "problems.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # Excel on Chinese Windows
    with open(workdir / "problems.csv", encoding="utf-8-sig") as handle:
        written = list(csv.DictReader(handle))
    assert len(written) == 30 and written[0]["Row"] == "2" and written[0]["Column"] == "class"
    assert written[0]["Name"] == rows[0]["name"]
    xlsx = xj("enroll", "--file", str(path), "--year", "2025", "--errors-out", str(workdir / "problems.xlsx"))
    from openpyxl import load_workbook

    assert xlsx.exit_code == 3
    assert load_workbook(workdir / "problems.xlsx").active.max_row == 31
    assert numbers(db) == []


# --- seats, classes, dry runs, idempotence -----------------------------------------------------

def test_pinyin_order_reads_special_surnames_by_their_surname_reading(xj, workdir, db):
    names = ["張偉", "曾國藩", "單雄信", "區志強", "仇英", "解縉", "查良鏞", "樂毅", "朴樹", "尉遲恭", "歐陽修", "李白"]
    path = write_csv(workdir / "r.csv", people(len(names), names=names), headers=CHINESE)
    result = xj("enroll", "--file", str(path), "--year", "2025", "--order", "pinyin", "-f", "json")
    assert result.exit_code == 0, result.output
    seated = [s["name"] for s in sorted(json.loads(result.stdout)["students"], key=lambda s: s["student_no"])]
    # li < ou < ouyang < piao < qiu < shan < xie < yuchi < yue < zeng < zha < zhang
    assert seated == ["李白", "區志強", "歐陽修", "朴樹", "仇英", "單雄信", "解縉", "尉遲恭", "樂毅", "曾國藩",
                      "查良鏞", "張偉"]


def test_exam_number_order_seats_by_exam_number(xj, workdir, db):
    rows = people(3)
    for row, exam in zip(rows, ("25110101000003", "25110101000001", "25110101000002")):
        row["exam_no"] = exam
    path = write_csv(workdir / "r.csv", rows)
    assert xj("enroll", "--file", str(path), "--year", "2025", "--order", "exam-no").exit_code == 0
    assert [r[0] for r in db.rows("SELECT exam_no FROM students ORDER BY student_no")] == [
        "25110101000001", "25110101000002", "25110101000003"]


def test_class_size_forms_the_fewest_even_classes_after_the_highest_class_used(xj, workdir, db):
    xj("enroll", *"--name 張三 --gender 男 --birth-date 2006-01-01 --college 01 --major 01 --class 01 --year 2025".split(),
       "--id-number", make_id("2006-01-01", True, seq=400))
    path = write_csv(workdir / "r.csv", people(25, klass=None))
    result = xj("enroll", "--file", str(path), "--year", "2025", "--class-size", "10")
    assert result.exit_code == 0, result.output
    sizes = db.rows("SELECT class, count(*) FROM students GROUP BY class ORDER BY class")
    assert sizes == [("01", 1), ("02", 9), ("03", 8), ("04", 8)]


def test_a_roster_without_classes_needs_a_class_size(xj, workdir, db):
    result = xj("enroll", "--file", str(write_csv(workdir / "r.csv", people(3, klass=None))), "--year", "2025")
    assert result.exit_code == 3 and "--class-size" in result.stderr


def test_dry_run_shows_the_numbers_and_writes_nothing(xj, workdir, db):
    path = write_csv(workdir / "r.csv", people(4))
    before = db.state()
    result = xj("enroll", "--file", str(path), "--year", "2025", "--dry-run")
    assert result.exit_code == 0 and "202501010104" in result.stdout and "dry run" in result.stdout
    assert db.state() == before and numbers(db) == []


def test_skip_existing_makes_the_annual_run_idempotent(xj, workdir, db):
    path = write_csv(workdir / "r.csv", people(6), headers=CHINESE)
    first = xj("enroll", "--file", str(path), "--year", "2025", "--skip-existing", "-f", "json")
    second = xj("enroll", "--file", str(path), "--year", "2025", "--skip-existing", "-f", "json")
    assert (first.exit_code, second.exit_code) == (0, 0)
    one, two = json.loads(first.stdout), json.loads(second.stdout)
    assert (one["enrolled"], one["skipped"], len(one["students"])) == (6, 0, 6)
    assert (two["enrolled"], two["skipped"], two["students"]) == (0, 6, [])
    assert {r["student_no"] for r in two["skipped_rows"]} == {s["student_no"] for s in one["students"]}
    assert len(numbers(db)) == 6


def test_quiet_silences_the_summary_and_no_progress_bar_appears_without_a_terminal(xj, workdir, db):
    path = write_csv(workdir / "r.csv", people(3))
    result = xj("enroll", "--file", str(path), "--year", "2025", "--quiet")
    assert result.exit_code == 0 and result.stdout == "" and result.stderr == ""


def test_a_roster_waits_for_no_one_past_the_busy_timeout(xj, workdir, db):
    config = workdir / "config.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("busy_timeout = 10", "busy_timeout = 0.2"), encoding="utf-8")
    path = write_csv(workdir / "r.csv", people(3))
    with db.write_lock():
        result = xj("enroll", "--file", str(path), "--year", "2025")
    assert result.exit_code == 5 and numbers(db) == []


# --- importing existing records ------------------------------------------------------------------

def legacy(rows):
    out = []
    for i, row in enumerate(rows):
        out.append({"student_no": f"20220101{row.pop('class', '01'):0>2}{i + 3:02d}", **row, "year": "2022",
                    "status": "active"})
    return out


def test_import_keeps_the_numbers_and_later_enrollment_continues_after_them(xj, workdir, db):
    rows = [row | {"suspended_until": ""} for row in legacy(people(3))]
    rows[1]["status"] = "休學"
    rows[1]["suspended_until"] = "2023-08-31"
    rows[2]["status"] = "07"
    result = xj("import", "--file", str(write_xlsx(workdir / "old.xlsx", rows)))
    assert result.exit_code == 0, result.output
    assert db.rows("SELECT student_no, status FROM students ORDER BY student_no") == [
        ("202201010103", "active"), ("202201010104", "suspended"), ("202201010105", "graduated")]
    assert db.value("SELECT count(*) FROM events WHERE kind = 'import'") == 3
    new = xj("enroll", *"--name 張三 --gender 男 --birth-date 2004-01-01 --college 01 --major 01 --class 01 --year 2022".split(),
             "--id-number", make_id("2004-01-01", True, seq=300))
    assert new.stdout.strip() == "202201010106"


def test_import_refuses_numbers_that_break_the_rule_or_collide_and_writes_nothing(xj, workdir, db):
    rows = legacy(people(4))
    rows[0]["student_no"] = "202201029901"   # segments do not match the row's major
    rows[1]["student_no"] = rows[2]["student_no"]  # twice in the file
    rows[3]["student_no"] = "2022010101"      # not 12 digits
    before = db.state()
    result = xj("import", "--file", str(write_csv(workdir / "old.csv", rows)), "-f", "json")
    assert result.exit_code == 3
    assert {e["row"] for e in json.loads(result.stdout)["errors"]} == {2, 4, 5}
    assert db.state() == before


def test_import_refuses_a_number_already_in_the_registry(xj, workdir, db):
    rows = legacy(people(1))
    assert xj("import", "--file", str(write_csv(workdir / "a.csv", rows))).exit_code == 0
    again = legacy(people(1, start=5))
    again[0]["student_no"] = rows[0]["student_no"]
    result = xj("import", "--file", str(write_csv(workdir / "b.csv", again)))
    assert result.exit_code == 3 and len(numbers(db)) == 1


# --- cohorts, due, export ------------------------------------------------------------------------

def enroll_cohort(xj, workdir, count=4):
    assert xj("enroll", "--file", str(write_csv(workdir / "c.csv", people(count))), "--year", "2022",
              "--date", "2022-09-01").exit_code == 0


def test_graduating_a_cohort_closes_the_active_and_lists_the_rest_as_skipped(xj, workdir, db):
    enroll_cohort(xj, workdir)
    xj("suspend", "202201010102", "--reason", "因病", "--until", "2023-08-31", "--date", "2023-01-01")
    result = xj("graduate", "--year", "2022", "--except", "202201010103", "--date", "2026-06-30", "-f", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert [s["student_no"] for s in data["closed"]] == ["202201010101", "202201010104"]
    assert {(s["student_no"], s["skip_reason"], s["status"]) for s in data["skipped"]} == {
        ("202201010102", "status", "suspended"), ("202201010103", "excepted", "active")}
    assert db.rows("SELECT status, count(*) FROM students GROUP BY status ORDER BY status") == [
        ("active", 1), ("graduated", 2), ("suspended", 1)]


def test_a_cohort_dry_run_lists_what_would_happen_and_writes_nothing(xj, workdir, db):
    enroll_cohort(xj, workdir)
    before = db.state()
    result = xj("graduate", "--year", "2022", "--date", "2026-06-30", "--dry-run")
    assert result.exit_code == 0 and "202201010104" in result.stdout
    assert db.state() == before


def test_due_lists_suspensions_that_ran_out_with_days_overdue(xj, workdir, db):
    enroll_cohort(xj, workdir)
    xj("suspend", "202201010102", "--reason", "因病", "--until", "2023-08-31", "--date", "2023-01-01")
    xj("suspend", "202201010103", "--reason", "因病", "--until", "2023-12-31", "--date", "2023-01-01")
    rows = json.loads(xj("due", "--on", "2023-09-10", "-f", "json").stdout)
    assert [(r["student_no"], r["days_overdue"]) for r in rows] == [("202201010102", 10)]
    assert "No suspension has run out" in xj("due", "--on", "2023-08-31").stdout


def test_export_neutralises_formulas_and_keeps_numbers_as_text(xj, workdir, db):
    rows = people(2)
    xj("enroll", "--file", str(write_csv(workdir / "r.csv", rows)), "--year", "2025")
    # Names are checked on the way in now; a record kept from before (or edited outside) may still hold a formula.
    db.execute("UPDATE students SET name = '=HYPERLINK(\"http://x\")' WHERE student_no = '202501010101'")
    assert xj("export", "--out", str(workdir / "out.csv"), "--excel").exit_code == 0
    raw = (workdir / "out.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    exported = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert exported[0][0] == "Student number"
    assert any(row[1].startswith("'=HYPERLINK") for row in exported[1:])

    assert xj("export", "--out", str(workdir / "out.xlsx"), lang="zh-Hant").exit_code == 0
    from openpyxl import load_workbook

    sheet = load_workbook(workdir / "out.xlsx").active
    assert sheet.freeze_panes == "A2"
    assert sheet.cell(row=1, column=1).value == "學號"
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        for key in ("學號", "身份證件號"):
            cell = row[header.index(key)]
            assert cell.data_type == "s" and len(cell.value) in (12, 18)
    assert os.stat(workdir / "out.xlsx").st_mode & 0o077 == 0

    assert xj("export", "--out", str(workdir / "out.json"), "--year", "2025").exit_code == 0
    data = json.loads((workdir / "out.json").read_text(encoding="utf-8"))
    assert len(data) == 2 and data[0]["name"] in (rows[0]["name"], rows[1]["name"])


def test_export_to_an_unknown_format_is_exit_3(xj, workdir, db):
    assert xj("export", "--out", str(workdir / "out.pdf")).exit_code == 3
