"""The admissions office's real file, taken as it comes (issue 10): end to end, through the command line."""

from __future__ import annotations

import csv
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import make_id
from tests.rosters import (ADMISSIONS_HEADER, admissions, people, write_admissions_csv, write_admissions_xlsx,
                           write_csv)


def snapshot(db) -> tuple:
    return tuple(db.rows(f"SELECT * FROM {t} ORDER BY 1") for t in ("students", "events", "ledger", "access_log"))


@pytest.mark.parametrize("kind", ["gbk-csv", "xlsx"])
def test_the_real_admissions_file_enrolls_after_a_dry_run(xj, workdir, db, kind):
    rows = admissions(60)
    path = (write_admissions_csv(workdir / "录取名单.csv", rows) if kind == "gbk-csv"
            else write_admissions_xlsx(workdir / "录取名单.xlsx", rows))
    before = snapshot(db)
    dry = xj("enroll", "--file", str(path), "--year", "2025", "--class-size", "30", "--dry-run", "-f", "json")
    assert dry.exit_code == 0, dry.stdout + dry.stderr
    data = json.loads(dry.stdout)
    assert data["enrolled"] == 60 and data["dry_run"] is True
    assert data["ignored_columns"] == ["序号", "科类", "总分", "备注"]
    assert snapshot(db) == before
    real = xj("enroll", "--file", str(path), "--year", "2025", "--class-size", "30")
    assert real.exit_code == 0, real.stderr
    assert "序号, 科类, 总分, 备注" in real.stderr
    numbers = [r[0] for r in db.rows("SELECT student_no FROM students ORDER BY student_no")]
    assert numbers == [f"2025010101{s:02d}" for s in range(1, 31)] + [f"2025010102{s:02d}" for s in range(1, 31)]
    first = db.rows("SELECT name, birth_date, id_number, exam_no, ethnicity, political, region FROM students "
                    "WHERE student_no = '202501010101'")[0]
    assert first == ("陈浩一", "2007-01-01", make_id("2007-01-01", True, area="440106", seq=0), "25440106000000",
                     "01", "03", "440000")
    assert xj("audit", "verify").exit_code == 0 and xj("check").exit_code == 0


def test_a_roster_without_a_birth_date_column_takes_it_from_the_id(xj, workdir, db):
    rows = [{k: v for k, v in r.items() if k != "birth_date"} for r in people(3)]
    assert xj("enroll", "--file", str(write_csv(workdir / "r.csv", rows)), "--year", "2025").exit_code == 0
    assert [r[0] for r in db.rows("SELECT birth_date FROM students ORDER BY id")] == [
        p["birth_date"] for p in people(3)]


def test_a_birth_date_column_must_agree_with_the_id(xj, workdir, db):
    rows = people(2)
    rows[1]["birth_date"] = "2006/3/3"
    result = xj("enroll", "--file", str(write_csv(workdir / "r.csv", rows)), "--year", "2025", "-f", "json")
    assert result.exit_code == 3
    problem = json.loads(result.stdout)["errors"][0]
    assert problem["row"] == 3 and problem["column"] == "id_number" and "says born" in problem["message"]


def test_a_header_named_with_map_is_read_and_an_unknown_field_is_refused(xj, workdir, db):
    rows = people(2)
    path = write_csv(workdir / "r.csv", rows, headers={"name": "学员名字"})
    plain = xj("enroll", "--file", str(path), "--year", "2025")
    assert plain.exit_code == 3 and "name" in plain.stderr
    mapped = xj("enroll", "--file", str(path), "--year", "2025", "--map", "学员名字=name", "--dry-run")
    assert mapped.exit_code == 0, mapped.stderr
    wrong = xj("enroll", "--file", str(path), "--year", "2025", "--map", "学员名字=nickname")
    assert wrong.exit_code == 3 and "--map" in wrong.stderr


def test_header_row_overrides_the_search(xj, workdir, db):
    rows = admissions(3)
    path = write_admissions_csv(workdir / "r.csv", rows)
    assert xj("enroll", "--file", str(path), "--header-row", "2", "--class-size", "30", "--dry-run").exit_code == 0
    wrong = xj("enroll", "--file", str(path), "--header-row", "1", "--class-size", "30", "--dry-run")
    assert wrong.exit_code == 3


def test_rows_with_and_without_a_class_in_one_roster_are_named(xj, workdir, db):
    rows = people(4)
    rows[1]["class"] = ""
    rows[3]["class"] = ""
    result = xj("enroll", "--file", str(write_csv(workdir / "r.csv", rows)), "--year", "2025", "-f", "json")
    assert result.exit_code == 3
    assert [p["row"] for p in json.loads(result.stdout)["errors"]] == [3, 5]
    assert db.rows("SELECT count(*) FROM students") == [(0,)]


@pytest.mark.parametrize("value, fragment", [
    ("陈?", "encoding"), ("陈\ufffd", "encoding"), ("陈\x07", "control"), ("陈3", "digits"), ("陈😀", "·"),
    ("'; DROP TABLE students;--", "·"), ("\ue000\ue001", "big5"),
])
def test_a_name_that_cannot_be_a_name_is_a_problem_of_its_row(xj, workdir, db, value, fragment):
    rows = people(2)
    rows[1]["name"] = value
    path = workdir / "r.csv"
    path.write_bytes(("name,gender,birth_date,id_number,college,major,class\r\n" + "\r\n".join(
        ",".join([r["name"], r["gender"], r["birth_date"], r["id_number"], "01", "01", "1"]) for r in rows)
        + "\r\n").encode("utf-8"))
    before = snapshot(db)
    result = xj("enroll", "--file", str(path), "--year", "2025", "-f", "json")
    assert result.exit_code == 3
    problem = json.loads(result.stdout)["errors"][0]
    assert problem["row"] == 3 and problem["column"] == "name" and fragment in problem["message"]
    assert snapshot(db) == before


def test_an_exam_number_that_excel_turned_into_a_number_is_diagnosed(xj, workdir, db):
    rows = people(2)
    rows[0]["exam_no"], rows[1]["exam_no"] = "2.61101E+13", "26110100000002"
    result = xj("enroll", "--file", str(write_csv(workdir / "r.csv", rows)), "--year", "2025", "-f", "json")
    assert result.exit_code == 3
    problem = json.loads(result.stdout)["errors"][0]
    assert problem["column"] == "exam_no" and "spreadsheet" in problem["message"]


@pytest.mark.parametrize("lang, words", [
    ("en", ["Row", "real calendar date", "Unknown college"]), ("zh-Hans", ["行"]), ("zh-Hant", ["列"]),
])
def test_each_refusal_names_row_column_value_and_reason_in_the_language(xj, workdir, db, lang, words):
    rows = admissions(3)
    rows[1][4] = "2007-02-30"       # no such day
    rows[2][9] = "不存在学院"         # no such college
    path = write_admissions_csv(workdir / "r.csv", rows)
    out = workdir / "problems.csv"
    before = db.state()
    result = xj("enroll", "--file", str(path), "--class-size", "30", "--errors-out", str(out), lang=lang)
    assert result.exit_code == 3
    assert db.state() == before
    with open(out, encoding="utf-8-sig") as handle:
        written = list(csv.reader(handle))
    header, problems = written[0], written[1:]
    assert len(header) == 6 and len(problems) == 2
    assert [p[0] for p in problems] == ["4", "5"]          # the spreadsheet rows (title and header above)
    # whom it concerns: 姓名, 考生号 (a CSV for Excel writes a long number as ="…", so Excel keeps every digit)
    assert problems[0][1] == rows[1][2] and problems[0][2] == f'="{rows[1][1]}"'
    assert problems[0][3] == "出生日期" and problems[0][4] == "2007-02-30"
    assert problems[1][3] == "录取院系" and problems[1][4] == "不存在学院"
    text = "\n".join(",".join(p) for p in written)
    for word in words:
        assert word in text
    if lang != "en":
        assert "is not" not in text and "Unknown" not in text


def test_the_problems_workbook_has_columns_wide_enough_for_chinese(xj, workdir):
    from openpyxl import load_workbook

    rows = admissions(2)
    rows[0][9] = "不存在的学院名称很长很长"
    path = write_admissions_csv(workdir / "r.csv", rows)
    assert xj("enroll", "--file", str(path), "--class-size", "30", "--errors-out", str(workdir / "p.xlsx"),
              lang="zh-Hans").exit_code == 3
    sheet = load_workbook(workdir / "p.xlsx").active
    column = next(c for c in sheet[2] if c.value == "不存在的学院名称很长很长").column_letter
    assert sheet.column_dimensions[column].width >= 2 * len("不存在的学院名称很长很长")
    assert sheet.cell(row=1, column=1).value.startswith("行")  # the headers in the language (zh-Hans)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(headers=st.lists(st.text(max_size=12), min_size=1, max_size=8),
       dates=st.lists(st.text(max_size=14), min_size=1, max_size=3))
@pytest.mark.slow
def test_arbitrary_headers_and_dates_are_never_a_crash(xj, workdir, headers, dates):
    lines = [",".join(h.replace(",", " ").replace("\n", " ").replace("\r", " ").replace('"', " ") for h in headers),
             "姓名,性别,出生日期,身份证号,学院,专业,班级"]
    for d in dates:
        clean = d.replace(",", " ").replace("\n", " ").replace("\r", " ").replace('"', " ")
        lines.append(f"张三,男,{clean},{make_id()},01,01,1")
    path = workdir / "fuzz.csv"
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    result = xj("enroll", "--file", str(path), "--year", "2025", "--dry-run")
    assert result.exit_code in (0, 3), result.output
    assert "Traceback" not in result.output + result.stderr


def test_the_example_code_table_is_written_in_simplified_for_zh_hans(xj, tmp_path):
    folder = tmp_path / "hans"
    folder.mkdir()
    assert xj("--config", str(folder / "config.toml"), "init", lang="zh-Hans").exit_code == 0
    text = (folder / "config.toml").read_text(encoding="utf-8")
    assert 'name = "文学院"' in text and 'name = "汉语言文学"' in text and "文學院" not in text
    codes = json.loads(xj("--config", str(folder / "config.toml"), "codes", "-f", "json").stdout)
    assert codes[0]["college_name"] == "文学院"


def test_show_and_export_carry_ethnicity_political_status_and_origin(xj, workdir, db):
    args = ["enroll", "--name", "阿依古丽．买买提", "--gender", "女", "--birth-date", "2006/5/4", "--id-number",
            make_id("2006-05-04", False, area="650102"), "--college", "文学院", "--major", "050101", "--class", "1",
            "--year", "2025", "--ethnicity", "维吾尔", "--political", "团员", "--region", "新疆"]
    result = xj(*args)
    assert result.exit_code == 0, result.stderr
    assert db.rows("SELECT name, ethnicity, political, region FROM students") == [("阿依古丽·买买提", "05", "03", "650000")]
    shown = xj("show", "202501010101", lang="zh-Hant").stdout
    assert "維吾爾族" in shown and "新疆維吾爾自治區" in shown
    assert xj("amend", "202501010101", "--political", "群眾", "--reason", "更正").exit_code == 0
    assert db.value("SELECT political FROM students") == "13"
    exported = json.loads(xj("query", "202501010101", "-f", "json").stdout)[0]
    assert (exported["ethnicity"], exported["political"], exported["region"]) == ("05", "13", "650000")
    bad = xj("amend", "202501010101", "--ethnicity", "火星族", "--reason", "x")
    assert bad.exit_code == 3 and "GB/T 3304" in bad.stderr
    assert xj("audit", "verify").exit_code == 0


def test_a_big5_file_read_as_gb18030_gets_the_hint_to_say_big5(xj, workdir, db):
    rows = people(2, names=["王小明", "林怡君"])
    path = write_csv(workdir / "r.csv", rows, encoding="big5")
    before = snapshot(db)
    result = xj("enroll", "--file", str(path), "--year", "2025", "-f", "json")
    assert result.exit_code == 3 and "big5" in result.stdout
    assert snapshot(db) == before
    assert xj("enroll", "--file", str(path), "--year", "2025", "--encoding", "big5").exit_code == 0
    assert [r[0] for r in db.rows("SELECT name FROM students ORDER BY id")] == ["王小明", "林怡君"]


def test_a_birth_month_column_is_completed_by_the_id_when_they_agree(xj, workdir, db):
    rows = people(2)
    rows[0]["birth_date"] = rows[0]["birth_date"][:7].replace("-", ".")   # 2006.01
    rows[1]["birth_date"] = "2005.12"                                      # disagrees with the ID
    path = write_csv(workdir / "r.csv", rows, headers={"birth_date": "出生年月"})
    result = xj("enroll", "--file", str(path), "--year", "2025", "-f", "json")
    assert result.exit_code == 3
    assert [p["row"] for p in json.loads(result.stdout)["errors"]] == [3]
    rows[1]["birth_date"] = people(2)[1]["birth_date"][:7]
    assert xj("enroll", "--file", str(write_csv(workdir / "r.csv", rows, headers={"birth_date": "出生年月"})),
              "--year", "2025").exit_code == 0
    assert [r[0] for r in db.rows("SELECT birth_date FROM students ORDER BY id")] == [
        p["birth_date"] for p in people(2)]


def test_a_big5_roster_is_recognised_by_its_headers(xj, workdir, db):
    rows = people(2, names=["王小明", "林怡君"])
    path = write_csv(workdir / "r.csv", rows, encoding="big5", headers={"name": "姓名", "gender": "性別",
                                                                        "birth_date": "出生日期", "id_number": "身份證號",
                                                                        "college": "學院", "major": "專業", "class": "班級"})
    assert xj("enroll", "--file", str(path), "--year", "2025").exit_code == 0
    assert [r[0] for r in db.rows("SELECT name FROM students ORDER BY id")] == ["王小明", "林怡君"]


def test_control_characters_from_a_roster_never_reach_the_terminal_raw(xj, workdir, db):
    rows = people(2)
    rows[1]["name"] = "王\x1b[31m紅\u202e"
    path = write_csv(workdir / "r.csv", rows)
    for fmt in ("table", "json", "csv"):
        result = xj("enroll", "--file", str(path), "--year", "2025", "-f", fmt)
        assert result.exit_code == 3
        assert "\x1b" not in result.stdout + result.stderr and "\u202e" not in result.stdout + result.stderr


@pytest.mark.parametrize("value", ["inf", "nan", "1e400", "100000"])
def test_a_busy_timeout_that_is_not_a_sensible_number_is_a_configuration_error(xj, workdir, value):
    config = workdir / "config.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("busy_timeout = 10", f"busy_timeout = {value}"),
                      encoding="utf-8")
    result = xj("query")
    assert result.exit_code == 4 and "busy_timeout" in result.stderr


def test_the_demo_refuses_a_file_given_as_its_folder(xj, workdir):
    (workdir / "keep.txt").write_text("mine", encoding="utf-8")
    for folder in ("keep.txt", "keep.txt/sub"):
        result = xj("demo", "--dir", str(workdir / folder))
        assert result.exit_code == 1 and "not a xueji sandbox" in result.stderr
    assert (workdir / "keep.txt").read_text(encoding="utf-8") == "mine"
