"""Bad input (issue 12): one line on stderr, the right exit code, and nothing written — for each case a probe found
crashing (exit 70) or silently accepted."""

from __future__ import annotations

import os
import zipfile

import pytest

from tests.conftest import make_id
from tests.rosters import people, write_csv, write_xlsx


def one_line(result) -> str:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


def _config(workdir, text: str):
    """The example configuration with ``text`` added: top-level keys before its tables, a table after them."""
    example = (workdir / "config.toml").read_text(encoding="utf-8")
    path = workdir / "other.toml"
    path.write_text(example + "\n" + text if text.startswith("[") else text + "\n" + example, encoding="utf-8")
    return path


# --- the configuration: every key described once, a misspelt one named with the nearest -------------------------

@pytest.mark.parametrize("text, key, nearest", [
    ("busy_timout = 5", "busy_timout", "busy_timeout"),
    ("seat_ordr = \"pinyin\"", "seat_ordr", "seat_order"),
    ("[audit]\nwitnes = \"w.log\"", "audit.witnes", "audit.witness"),
])
def test_a_misspelt_setting_is_refused_naming_the_nearest_one(xj, workdir, text, key, nearest):
    result = xj("--config", str(_config(workdir, text)), "query")
    assert result.exit_code == 4
    line = one_line(result)
    assert key in line and f"did you mean {nearest}?" in line


def test_an_unknown_setting_with_no_near_name_lists_the_settings(xj, workdir):
    result = xj("--config", str(_config(workdir, "colour = 1")), "query")
    assert result.exit_code == 4 and "colour" in one_line(result) and "busy_timeout" in result.stderr


def test_suspension_given_as_a_number_is_refused_not_a_crash(xj, workdir):
    path = workdir / "c.toml"
    path.write_text("suspension = 5\n", encoding="utf-8")
    result = xj("--config", str(path), "query")
    assert result.exit_code == 4 and "suspension" in one_line(result)


def test_a_national_code_written_as_a_number_is_refused(xj, workdir):
    (workdir / "codes.toml").write_text(
        '[colleges.06]\nname = "藝術學院"\n[colleges.06.majors.01]\nname = "美術學"\nnational_code = 130401\n',
        encoding="utf-8")
    result = xj("query")
    assert result.exit_code == 4
    assert "national_code" in one_line(result) and '"050101"' in result.stderr


@pytest.mark.parametrize("which", ["config.toml", "codes.toml"])
def test_a_configuration_or_code_table_in_another_encoding_is_one_line_naming_the_file(xj, workdir, db, which):
    """A file saved as GBK by an editor (issue 12): exit 4, one line naming the file, nothing written."""
    path = workdir / which
    text = path.read_text(encoding="utf-8") if path.exists() else '[colleges.06]\nname = "藝術學院"\n'
    path.write_bytes(text.encode("big5"))  # Big5, as a Taiwan editor saves it: not UTF-8
    assert text.encode("big5") != text.encode("utf-8")
    before = db.state()
    result = xj("enroll", "--name", "張三", "--gender", "男", "--birth-date", "2005-03-01", "--id-number",
                "11010520050301001X", "--college", "01", "--major", "01", "--class", "01", "--year", "2025")
    assert result.exit_code == 4, result.output
    line = one_line(result)
    assert which in line and "Traceback" not in result.output
    assert db.state() == before


@pytest.mark.parametrize("value", ["inf", "nan", "1e308", "-1", "0"])
def test_a_busy_timeout_out_of_range_is_refused(xj, workdir, value):
    path = workdir / "c.toml"
    path.write_text(f"busy_timeout = {value}\n", encoding="utf-8")
    result = xj("--config", str(path), "query")
    assert result.exit_code == 4 and "busy_timeout" in one_line(result)


def test_a_configuration_error_speaks_the_configured_language(xj, workdir):
    result = xj("--config", str(_config(workdir, 'locale = "zh-Hans"\nbusy_timout = 5')), "query", lang=None)
    assert result.exit_code == 4
    line = one_line(result)
    assert line.startswith("错误：") and "busy_timout" in line and "busy_timeout" in line


# --- request numbers ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("command", [["approve", "99999999999999999999", "--doc-no", "x"],
                                     ["reject", "99999999999999999999", "--reason", "x"]])
def test_a_request_number_beyond_any_request_is_invalid_data(xj, workdir, db, command):
    before = db.state()
    result = xj(*command)
    assert result.exit_code == 3 and "request number" in one_line(result)
    assert db.state() == before


# --- files given as rosters --------------------------------------------------------------------------------------

def test_an_xlsx_with_a_damaged_sheet_is_refused_naming_the_file(xj, workdir, db):
    good = write_xlsx(workdir / "good.xlsx", people(3))
    with zipfile.ZipFile(good) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"][:150]
    with zipfile.ZipFile(workdir / "bad.xlsx", "w") as damaged:
        for name, data in parts.items():
            damaged.writestr(name, data)
    before = db.state()
    result = xj("enroll", "--file", "bad.xlsx", "--year", "2025")
    assert result.exit_code == 3
    assert "bad.xlsx" in one_line(result) and "XLSX" in result.stderr
    assert db.state() == before


def test_a_folder_or_a_pipe_given_as_the_roster_is_not_a_file(xj, workdir):
    (workdir / "folder.csv").mkdir()
    os.mkfifo(workdir / "pipe.csv")
    for name in ("folder.csv", "pipe.csv"):
        result = xj("enroll", "--file", name, "--year", "2025")
        assert result.exit_code == 3 and "is not a file" in one_line(result)


def test_an_encoding_with_a_line_break_is_shown_on_one_line(xj, workdir):
    write_csv(workdir / "r.csv", people(2))
    result = xj("enroll", "--file", "r.csv", "--year", "2025", "--encoding", "gbk\nx")
    assert result.exit_code == 3 and "'gbk\\nx'" in one_line(result)


# --- dates that make no sense --------------------------------------------------------------------------------------

def _enroll(xj, *extra, birth="2007-05-04", seq=1):
    return xj("enroll", "--name", "林小雨", "--gender", "女", "--birth-date", birth, "--id-number",
              make_id(birth, False, seq=seq), "--college", "01", "--major", "01", "--class", "01", *extra)


def test_an_enrollment_dated_before_the_student_was_born_is_refused(xj, workdir, db):
    before = db.state()
    result = _enroll(xj, "--year", "2025", "--date", "2007-01-01")
    assert result.exit_code == 3 and "born" in one_line(result)
    assert db.state() == before


def test_an_enrollment_dated_before_the_cohort_s_year_is_refused(xj, workdir, db):
    result = _enroll(xj, "--year", "2025", "--date", "2024-06-01")
    assert result.exit_code == 3 and "cohort" in one_line(result)


def test_a_date_more_than_a_year_ahead_is_a_typing_mistake(xj, workdir, db):
    assert _enroll(xj, "--year", "2025").exit_code == 0
    number = db.value("SELECT student_no FROM students")
    before = db.state()
    result = xj("suspend", number, "--reason", "因病", "--until", "2099-08-31", "--date", "2092-03-01")
    assert result.exit_code == 3 and "more than a year" in one_line(result)
    assert db.state() == before


def test_resuming_into_a_cohort_earlier_than_the_student_s_is_refused(xj, workdir, db):
    assert _enroll(xj, "--year", "2025", "--date", "2025-09-01").exit_code == 0
    number = db.value("SELECT student_no FROM students")
    assert xj("suspend", number, "--reason", "因病", "--until", "2026-08-31", "--date", "2025-10-01").exit_code == 0
    before = db.state()
    result = xj("resume", number, "--cohort", "1950", "--date", "2026-09-01")
    assert result.exit_code == 3 and "cohort" in one_line(result)
    assert db.state() == before
    assert xj("resume", number, "--cohort", "2026", "--date", "2026-09-01").exit_code == 0


# --- names -------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["張三😀", "'; DROP TABLE students;--", "張$三", "王①"])
def test_names_hold_letters_not_emoji_symbols_or_sql(xj, workdir, db, name):
    before = db.state()
    result = xj("enroll", "--name", name, "--gender", "男", "--birth-date", "2007-01-01", "--id-number",
                make_id("2007-01-01", True, seq=3), "--college", "01", "--major", "01", "--class", "01")
    assert result.exit_code == 3 and "name" in one_line(result).lower()
    assert db.state() == before


def test_an_xlsx_whose_few_kilobytes_unpack_to_a_huge_cell_is_refused_before_it_is_read(xj, workdir, db):
    good = write_xlsx(workdir / "good.xlsx", people(2))
    with zipfile.ZipFile(good) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode("utf-8")
    huge = '<row r="9"><c r="A9" t="inlineStr"><is><t>' + "A" * (20 * 2**20) + "</t></is></c></row>"
    parts["xl/worksheets/sheet1.xml"] = sheet.replace("</sheetData>", huge + "</sheetData>").encode("utf-8")
    with zipfile.ZipFile(workdir / "bomb.xlsx", "w", zipfile.ZIP_DEFLATED) as bomb:
        for name, data in parts.items():
            bomb.writestr(name, data)
    assert (workdir / "bomb.xlsx").stat().st_size < 200_000
    before = db.state()
    result = xj("enroll", "--file", "bomb.xlsx", "--year", "2025")
    assert result.exit_code == 3 and "bomb.xlsx" in one_line(result) and "too large" in result.stderr
    assert db.state() == before
