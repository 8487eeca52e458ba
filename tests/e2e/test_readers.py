"""The database file read with other tools (datasette, sqlite-utils): names, not codes (migration m008)."""

from __future__ import annotations

from tests.conftest import make_id


def test_readers_of_the_file_see_names_not_codes(xj, workdir, db):
    """m008: datasette or sqlite-utils users read 文學院 and 休學; `codes add-*` keeps the names in step."""
    assert xj("enroll", "--name", "張三", "--gender", "男", "--birth-date", "2005-03-01", "--id-number",
              make_id(seq=1), "--college", "01", "--major", "01",
              "--class", "01", "--year", "2023", "--date", "2023-09-01").exit_code == 0
    assert xj("codes", "add-college", "06", "藝術學院").exit_code == 0
    assert xj("codes", "add-major", "06", "01", "美術學", "--national-code", "130401").exit_code == 0
    row = db.rows("SELECT student_no, gender, college_name, major_name, status FROM students_named")[0]
    assert row == ("202301010101", "男", "文學院", "漢語言文學", "在學")
    assert db.rows("SELECT name FROM colleges WHERE code = '06'") == [("藝術學院",)]
    assert db.rows("SELECT name, national_code FROM majors WHERE college = '06'") == [("美術學", "130401")]
    columns = [d for d in db.columns("students_named")]
    assert "student_no" in columns and "id_number" not in columns and "birth_date" not in columns
