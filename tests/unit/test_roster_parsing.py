"""Reading rosters and normalising their values: headers, header detection, encodings, dates, identifiers, names,
the national code lists and the school's code table. Pure functions only: files live in tmp_path, no CLI, no database.
"""

from __future__ import annotations

import csv
import unicodedata
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import make_id
from xueji import config as cfg
from xueji.domain import national
from xueji.domain import validate as v
from xueji.domain.errors import InvalidData
from xueji.files import roster as rosters
from xueji.files.roster import FIELDS, HEADERS, normalise_header, parse_mapping
from xueji.services.setup import init
from tests.unit.test_validators import refused, refused_field


def field_of(header: object) -> str | None:
    """The field a header means, as read() decides it (through the private lookup of the module)."""
    return rosters._known(header, {})


def excel_serial(days: int) -> str:
    return (date(1899, 12, 30) + timedelta(days=days)).isoformat()


def write_csv(path: Path, rows: list[list[object]], encoding: str = "utf-8") -> Path:
    lines = []
    for row in rows:
        lines.append(",".join("" if c is None else str(c) for c in row))
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def write_xlsx(path: Path, rows: list[list[object]], merge: str | None = None) -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    workbook.save(path)
    return path


ID = make_id("2005-03-01", True, "110105", 0)
ID_X = make_id("2005-03-01", True, "110105", 34)  # ends in X
HEADER = ["序号", "姓名", "性别", "出生日期", "身份证号", "学院", "专业", "班级", "科类", "总分", "备注"]
PERSON = ["1", "张三", "男", "2005-03-01", ID, "01", "01", "1", "文史", "612", ""]


# --- headers ---------------------------------------------------------------------------------------------

ALIASES = [(field, alias) for field, aliases in HEADERS.items() for alias in aliases]


@pytest.mark.parametrize(("field", "alias"), ALIASES, ids=[a for _, a in ALIASES])
def test_every_alias_in_headers_means_its_field(field, alias):
    assert field_of(alias) == field


def test_every_field_has_its_own_name_as_an_alias():
    for field in FIELDS:
        assert field_of(field) == field


def test_no_alias_is_claimed_by_two_fields():
    seen: dict[str, str] = {}
    for field, alias in ALIASES:
        key = normalise_header(alias)
        assert seen.setdefault(key, field) == field, alias


@pytest.mark.parametrize(("header", "field"), [
    ("錄取院系", "college"), ("學生姓名", "name"), ("身份證號碼", "id_number"), ("考生編號", "exam_no"),
    ("專業名稱", "major"), ("行政班", "class"), ("出生年月", "birth_date"), ("性別", "gender"), ("學院", "college"),
    ("班級", "class"), ("學號", "student_no"), ("入學年份", "year"), ("年級", "year"), ("證件類型", "id_type"),
    ("身份證件號碼", "id_number"), ("公民身份號碼", "id_number"), ("學籍狀態", "status"), ("狀態日期", "status_since"),
    ("入學日期", "enroll_date"), ("休學截止日期", "suspended_until"), ("生源地區", "region"), ("錄取專業", "major"),
    ("考生號", "exam_no"), ("政治面貌", "political"),
])
def test_a_header_in_traditional_characters_means_the_same_field(header, field):
    assert field_of(header) == field


def test_every_alias_written_in_traditional_characters_by_opencc_means_its_field():
    import opencc

    to_traditional = opencc.OpenCC("s2t").convert
    for field, alias in ALIASES:
        assert field_of(to_traditional(alias)) == field, to_traditional(alias)


@pytest.mark.parametrize(("header", "field"), [
    ("ＩＤ＿ＮＯ", "id_number"), ("ｎａｍｅ", "name"), ("ＮＡＭＥ", "name"), ("Ｅｘａｍ＿Ｎｏ", "exam_no"),
    ("姓名：", "name"),  # full-width colon
])
def test_a_header_in_full_width_forms_means_the_same_field(header, field):
    assert field_of(header) == field


@pytest.mark.parametrize(("header", "field"), [
    ("姓 名", "name"), (" 姓名 ", "name"), ("姓名*", "name"), ("*姓名", "name"), ("姓名:", "name"), ("【姓名】", "name"),
    ("《姓名》", "name"), ("姓\t名", "name"), ("身份證號*", "id_number"), ("\ufeff姓名", "name"),
    ("ID Number", "id_number"), ("id-number", "id_number"), ("Exam No.", "exam_no"), ("birth/date", "birth_date"),
])
def test_spaces_and_marks_around_or_inside_a_header_are_ignored(header, field):
    assert field_of(header) == field


@pytest.mark.parametrize(("header", "field"), [
    ("Name", "name"), ("NAME", "name"), ("ID_Number", "id_number"), ("Id_No", "id_number"), ("Birth_Date", "birth_date"),
    ("Student_No", "student_no"), ("DOB", "birth_date"), ("SFZH", "id_number"),
])
def test_a_header_in_mixed_case_english_means_the_same_field(header, field):
    assert field_of(header) == field


def test_normalise_header_keeps_the_text_inside_parentheses():
    # What the code does: the parenthesis characters go, their content stays.
    assert normalise_header("身份证号(必填)") == "身份证号必填"
    assert normalise_header("身份证号（必填）") == "身份证号必填"


@pytest.mark.parametrize(("header", "field"), [
    ("身份证号（必填）", "id_number"), ("身份证号(必填)", "id_number"), ("姓名(必填)", "name"),
    ("身份证号码(18位)", "id_number"), ("出生日期(yyyy-mm-dd)", "birth_date"), ("考生号（14位）", "exam_no"),
])
def test_a_remark_in_parentheses_after_a_header_does_not_hide_the_field(header, field):
    assert field_of(header) == field


@pytest.mark.parametrize("header", ["序号", "科类", "总分", "备注", "籍贯", "", None, "  ", "2025"])
def test_a_header_the_registry_does_not_keep_means_no_field(header):
    assert field_of(header) is None


def test_a_header_that_is_not_text_is_normalised_as_text():
    assert normalise_header(2025) == "2025"
    assert normalise_header(None) == ""


# --- parse_mapping ---------------------------------------------------------------------------------------


def test_a_mapping_names_a_header_and_a_field():
    assert parse_mapping(["录取类别=id_type"]) == {"录取类别": "id_type"}


def test_a_mapped_header_is_normalised_like_any_header():
    assert parse_mapping([" 錄取類別 = id_type "]) == {"录取类别": "id_type"}


def test_no_mapping_gives_an_empty_mapping():
    assert parse_mapping(None) == {}
    assert parse_mapping([]) == {}


def test_several_mappings_are_kept_together():
    assert parse_mapping(["甲=name", "乙=gender"]) == {"甲": "name", "乙": "gender"}


@pytest.mark.parametrize("item", ["录取类别=nickname", "录取类别", "=name", "  =name", "录取类别=", "", "录取类别:name"])
def test_a_mapping_to_an_unknown_field_or_without_equals_or_header_is_refused(item):
    error = refused(lambda: parse_mapping([item]))
    assert error.problems[0].field == "map"
    assert "name" in error.problems[0].params["fields"]


def test_a_mapping_is_used_by_read(tmp_path):
    path = write_csv(tmp_path / "r.csv", [["学生名字", "录取类别"], ["张三", "1"]])
    roster = rosters.read(path, mapping=parse_mapping(["学生名字=name", "录取类别=id_type"]))
    assert roster.rows[0].values == {"name": "张三", "id_type": "1"}
    assert roster.columns == {"name": "学生名字", "id_type": "录取类别"}


# --- header detection in read() ---------------------------------------------------------------------------


def test_a_csv_with_the_header_on_the_first_row_is_read(tmp_path):
    roster = rosters.read(write_csv(tmp_path / "r.csv", [HEADER, PERSON]))
    assert roster.header_row == 1
    assert [row.number for row in roster.rows] == [2]
    assert roster.rows[0].values == {"name": "张三", "gender": "男", "birth_date": "2005-03-01", "id_number": ID,
                                     "college": "01", "major": "01", "class": "1"}


@pytest.mark.parametrize("titles", [
    [["2025级新生录取名单"]],
    [["示范大学2025级普通本科新生录取名单", "", "", "", "", ""]],
    [["示范大学2025级普通本科新生录取名单", "", "", ""], ["制表日期：2025年8月1日", "", "单位：招生办"]],
    [["示范大学"], ["2025级新生名单（文学院）"], [""]],
])
def test_title_rows_above_the_header_are_skipped(tmp_path, titles):
    rows = titles + [HEADER, PERSON, PERSON[:1] + ["李四"] + PERSON[2:]]
    roster = rosters.read(write_csv(tmp_path / "r.csv", rows))
    assert roster.header_row == len(titles) + 1
    assert [row.get("name") for row in roster.rows] == ["张三", "李四"]
    assert [row.number for row in roster.rows] == [len(titles) + 2, len(titles) + 3]


def test_the_first_data_row_after_a_header_on_row_3_is_row_4(tmp_path):
    rows = [["2025级新生名单"], ["文学院"], HEADER, PERSON]
    roster = rosters.read(write_csv(tmp_path / "r.csv", rows))
    assert roster.header_row == 3
    assert roster.rows[0].number == 4


def test_an_xlsx_with_a_merged_title_cell_above_the_header_is_read(tmp_path):
    header = HEADER + ["a", "b", "c", "d"]  # fifteen columns: A to O
    path = write_xlsx(tmp_path / "r.xlsx", [["示范大学2025级新生录取名单"], header, PERSON], merge="A1:O1")
    roster = rosters.read(path)
    assert roster.header_row == 2
    assert roster.rows[0].number == 3
    assert roster.rows[0].get("name") == "张三"
    assert roster.rows[0].get("id_number") == ID
    assert roster.columns["name"] == "姓名"


def test_a_title_block_of_labels_and_values_is_not_taken_for_the_header(tmp_path):
    rows = [["学院", "文学院", "专业", "汉语言文学"], ["姓名", "身份证号", "备注"], ["张三", ID, ""]]
    roster = rosters.read(write_csv(tmp_path / "r.csv", rows))
    assert roster.header_row == 2
    assert roster.rows[0].values == {"name": "张三", "id_number": ID}


def test_header_row_chooses_the_header_even_when_another_row_names_more_fields(tmp_path):
    rows = [["姓名", "性别", "出生日期"], ["name", "gender"], ["张三", "男"]]
    roster = rosters.read(write_csv(tmp_path / "r.csv", rows), header_row=2)
    assert roster.header_row == 2
    assert roster.columns == {"name": "name", "gender": "gender"}
    assert [(row.number, row.values) for row in roster.rows] == [(3, {"name": "张三", "gender": "男"})]


def test_header_row_past_the_end_of_the_file_is_refused(tmp_path):
    path = write_csv(tmp_path / "r.csv", [HEADER, PERSON])
    assert refused_field(lambda: rosters.read(path, header_row=5)) == "file"


def test_header_row_on_a_title_row_is_refused(tmp_path):
    path = write_csv(tmp_path / "r.csv", [["2025级新生名单"], HEADER, PERSON])
    assert refused_field(lambda: rosters.read(path, header_row=1)) == "file"


def test_unknown_columns_are_listed_as_ignored_by_their_header_text(tmp_path):
    roster = rosters.read(write_csv(tmp_path / "r.csv", [HEADER, PERSON]))
    assert roster.ignored == ["序号", "科类", "总分", "备注"]
    assert "序号" not in roster.rows[0].values


def test_columns_keep_the_header_as_the_file_wrote_it(tmp_path):
    path = write_csv(tmp_path / "r.csv", [[" 學生姓名 ", "身份證號碼*"], ["张三", ID]])
    roster = rosters.read(path)
    assert roster.columns == {"name": "學生姓名", "id_number": "身份證號碼*"}
    assert roster.column("name") == "學生姓名"
    assert roster.column("gender") == "gender"


def test_rows_that_are_entirely_blank_are_skipped_and_later_rows_keep_their_numbers(tmp_path):
    rows = [HEADER, PERSON, [""] * len(HEADER), [], ["  "] * len(HEADER), PERSON[:1] + ["李四"] + PERSON[2:]]
    roster = rosters.read(write_csv(tmp_path / "r.csv", rows))
    assert [(row.number, row.get("name")) for row in roster.rows] == [(2, "张三"), (6, "李四")]


def test_blank_rows_of_an_xlsx_are_skipped(tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", [HEADER, PERSON, [None] * len(HEADER), PERSON])
    roster = rosters.read(path)
    assert [row.number for row in roster.rows] == [2, 4]


def test_a_short_row_leaves_its_missing_cells_empty(tmp_path):
    roster = rosters.read(write_csv(tmp_path / "r.csv", [["姓名", "性别", "出生日期"], ["张三"]]))
    assert roster.rows[0].values == {"name": "张三", "gender": "", "birth_date": ""}


def test_a_tab_separated_file_is_read(tmp_path):
    path = tmp_path / "r.txt"
    path.write_text("姓名\t性别\t身份证号\n张三\t男\t" + ID + "\n", encoding="utf-8")
    assert rosters.read(path).rows[0].values == {"name": "张三", "gender": "男", "id_number": ID}


def test_two_columns_meaning_the_same_field_are_refused(tmp_path):
    path = write_csv(tmp_path / "r.csv", [["姓名", "学生姓名"], ["张三", "张三"]])
    error = refused(lambda: rosters.read(path))
    assert error.problems[0].field == "file"
    assert error.problems[0].params["first"] == "姓名"
    assert error.problems[0].params["second"] == "学生姓名"


@pytest.mark.parametrize("content", [b"", b"\r\n\r\n,,\r\n", "序号,备注\r\n1,x\r\n".encode()])
def test_a_file_without_a_known_header_is_refused(tmp_path, content):
    path = tmp_path / "r.csv"
    path.write_bytes(content)
    assert refused_field(lambda: rosters.read(path)) == "file"


def test_a_missing_file_or_an_unknown_format_is_refused(tmp_path):
    assert refused_field(lambda: rosters.read(tmp_path / "none.csv")) == "file"
    (tmp_path / "r.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    assert refused_field(lambda: rosters.read(tmp_path / "r.xls")) == "file"
    (tmp_path / "r.xlsx").write_bytes(b"not a zip")
    assert refused_field(lambda: rosters.read(tmp_path / "r.xlsx")) == "file"


# --- encodings -------------------------------------------------------------------------------------------


def test_a_gbk_csv_and_a_utf8_csv_with_bom_are_read_the_same(tmp_path):
    rows = [["2025级新生名单"], HEADER, PERSON, PERSON[:1] + ["欧阳明月"] + PERSON[2:]]
    gbk = rosters.read(write_csv(tmp_path / "gbk.csv", rows, encoding="gbk"))
    bom = rosters.read(write_csv(tmp_path / "bom.csv", rows, encoding="utf-8-sig"))
    plain = rosters.read(write_csv(tmp_path / "plain.csv", rows, encoding="utf-8"))
    for roster in (gbk, bom, plain):
        assert roster.columns == bom.columns
        assert roster.ignored == bom.ignored
        assert [(r.number, r.values) for r in roster.rows] == [(r.number, r.values) for r in bom.rows]
    assert bom.columns["name"] == "姓名"  # the BOM is not part of the first header
    assert [r.get("name") for r in gbk.rows] == ["张三", "欧阳明月"]


def test_a_bom_before_the_header_on_the_first_row_is_not_part_of_it(tmp_path):
    roster = rosters.read(write_csv(tmp_path / "r.csv", [["姓名", "性别"], ["张三", "男"]], encoding="utf-8-sig"))
    assert roster.columns == {"name": "姓名", "gender": "性别"}


def test_a_file_that_is_not_in_the_given_encoding_is_refused(tmp_path):
    path = write_csv(tmp_path / "r.csv", [HEADER, PERSON], encoding="gbk")
    error = refused(lambda: rosters.read(path, encoding="utf-8"))
    assert error.problems[0].field == "file"
    assert error.problems[0].params["encoding"] == "'utf-8'"  # quoted: a typed encoding is shown as typed, on one line
    assert refused_field(lambda: rosters.read(path, encoding="no-such-encoding")) == "file"


def test_a_utf16_text_file_is_read_when_its_encoding_is_given(tmp_path):
    path = tmp_path / "r.txt"
    path.write_bytes("姓名\t性别\r\n张三\t男\r\n".encode("utf-16"))
    assert rosters.read(path, encoding="utf-16").rows[0].values == {"name": "张三", "gender": "男"}


def test_a_utf16_text_file_with_a_bom_is_read_without_naming_its_encoding(tmp_path):
    path = tmp_path / "r.txt"
    path.write_bytes("姓名\t性别\r\n张三\t男\r\n".encode("utf-16"))
    assert rosters.read(path).rows[0].values == {"name": "张三", "gender": "男"}


def test_a_big5_csv_is_read_when_its_encoding_is_given(tmp_path):
    path = write_csv(tmp_path / "r.csv", [["姓名", "性別"], ["陳大文", "男"]], encoding="big5")
    assert rosters.read(path, encoding="big5").rows[0].values == {"name": "陳大文", "gender": "男"}


# --- dates in rosters ------------------------------------------------------------------------------------


def test_xlsx_date_cells_become_iso_dates(tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", [
        ["姓名", "出生日期", "入学日期", "状态日期"],
        ["张三", datetime(2005, 3, 1), date(2025, 9, 1), datetime(2025, 9, 1, 14, 30)],
    ])
    assert rosters.read(path).rows[0].values == {"name": "张三", "birth_date": "2005-03-01",
                                                  "enroll_date": "2025-09-01", "status_since": "2025-09-01"}


def test_an_excel_serial_number_in_a_date_column_becomes_a_date(tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", [["姓名", "出生日期", "休学截止"], ["张三", 38869, 46203.0]])
    values = rosters.read(path).rows[0].values
    assert values["birth_date"] == excel_serial(38869) == "2006-06-01"
    assert values["suspended_until"] == excel_serial(46203)


def test_a_serial_number_written_as_text_in_a_csv_date_column_becomes_a_date(tmp_path):
    path = write_csv(tmp_path / "r.csv", [["姓名", "出生日期", "学号"], ["张三", "38869", "38869"]])
    values = rosters.read(path).rows[0].values
    assert values["birth_date"] == "2006-06-01"
    assert values["student_no"] == "38869"  # not a date column: the digits stay as they are


def test_a_number_in_a_column_that_is_not_a_date_stays_a_number(tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", [["姓名", "学号", "班级", "入学年份"], ["张三", 38869, 1.0, 2025]])
    assert rosters.read(path).rows[0].values == {"name": "张三", "student_no": "38869", "class": "1", "year": "2025"}


def test_a_date_written_as_digits_in_a_date_column_is_not_taken_for_a_serial(tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", [["姓名", "出生日期"], ["张三", 20050301]])
    assert rosters.read(path).rows[0].get("birth_date") == "20050301"
    path = write_csv(tmp_path / "r.csv", [["姓名", "出生日期"], ["张三", "20050301"]])
    assert rosters.read(path).rows[0].get("birth_date") == "20050301"


def test_date_text_in_a_csv_is_kept_for_iso_date_to_read(tmp_path):
    path = write_csv(tmp_path / "r.csv", [["姓名", "出生日期"], ["张三", "2005年3月1日"]])
    assert rosters.read(path).rows[0].get("birth_date") == "2005年3月1日"


# --- iso_date --------------------------------------------------------------------------------------------

FORMS = [form.strip() for form in v.DATE_FORMS_TEXT.split(",")]


@pytest.mark.parametrize("text", FORMS)
def test_iso_date_accepts_every_form_it_names(text):
    assert v.iso_date(text) == date(2005, 6, 1)


@pytest.mark.parametrize("text", [
    "２００５－０６－０１", "２００５年６月１日", "２００５０６０１", "２００５／６／１", " 2005-06-01 ", "2005-6-1",
    "2005/06/01", "2005.06.01", "2005 年 6 月 1 日", "2005年6月1", "2005 - 06 - 01",
])
def test_iso_date_accepts_full_width_digits_and_spaces(text):
    assert v.iso_date(text) == date(2005, 6, 1)


@pytest.mark.parametrize("text", ["", None, "garbage", "2005-06", "01/06/2005", "2005/6-1", "2005-13-01", "2005-02-30",
                                  "1899-12-31", "2101-01-01", "2005.06", "昨天"])
def test_iso_date_refuses_what_is_not_a_date_and_names_the_field(text):
    error = refused(lambda: v.iso_date(text, "birth_date"))
    assert error.problems[0].field == "birth_date"


@pytest.mark.parametrize("text", ["garbage", "", "01/06/2005", "2005-06"])
def test_iso_date_refusing_garbage_names_the_forms_it_accepts(text):
    error = refused(lambda: v.iso_date(text))
    assert error.problems[0].field == "date"
    assert error.problems[0].params["forms"] == v.DATE_FORMS_TEXT


def test_iso_date_refusing_an_impossible_day_says_so():
    error = refused(lambda: v.iso_date("2005-02-30"))
    assert "calendar" in error.problems[0].message
    assert error.problems[0].params["value"] == "2005-02-30"


# --- identifiers -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    ID, f" {ID} ", f'="{ID}"', f'=" {ID} "', f"'{ID}",
    unicodedata.normalize("NFKC", ID).translate(str.maketrans("0123456789", "０１２３４５６７８９")),
    f"{ID[:6]} {ID[6:14]} {ID[14:]}", f"{ID[:6]}-{ID[6:14]}-{ID[14:]}", f"{ID[:6]}\u3000{ID[6:]}",
])
def test_identifier_takes_away_what_spreadsheets_and_clerks_add(text):
    assert v.identifier(text) == ID


def test_identifier_of_nothing_is_empty():
    assert v.identifier(None) == ""
    assert v.identifier("  ") == ""


def test_id_number_stores_a_lowercase_x_as_upper_case():
    assert ID_X.endswith("X")
    assert v.id_number(ID_X.lower()) == ID_X
    assert v.id_number(f'="{ID_X.lower()}"') == ID_X


def test_id_number_accepts_the_forms_identifier_accepts():
    assert v.id_number(f"{ID[:6]} {ID[6:14]} {ID[14:]}") == ID
    assert v.id_number("".join(chr(ord(c) + 0xFEE0) for c in ID)) == ID


@pytest.mark.parametrize("text", ["2.61101E+13", "2.61101e+13", " 2.61101E+13 ", "2E+13"])
def test_an_exam_number_in_scientific_notation_is_diagnosed_as_a_spreadsheet_number(text):
    error = refused(lambda: v.exam_no(text))
    assert error.problems[0].field == "exam_no"
    assert "spreadsheet" in error.problems[0].message


def test_an_exam_number_has_fourteen_digits():
    assert v.exam_no("２６１１０１１２３４５６７８") == "26110112345678"
    assert v.exam_no("") is None
    error = refused(lambda: v.exam_no("2611011234567"))
    assert "spreadsheet" not in error.problems[0].message


def test_an_id_number_in_scientific_notation_is_diagnosed_as_a_spreadsheet_number():
    error = refused(lambda: v.id_number("1.10105E+17"))
    assert error.problems[0].field == "id_number"
    assert "spreadsheet" in error.problems[0].message


@pytest.mark.parametrize("cell", [float(ID[:17] + "0"), 1.10105200503010e17])  # what Excel keeps: 15 digits
def test_an_id_number_in_a_numeric_xlsx_cell_is_read_as_the_scientific_text_and_diagnosed(tmp_path, cell):
    path = write_xlsx(tmp_path / "r.xlsx", [["姓名", "身份证号"], ["张三", cell]])
    text = rosters.read(path).rows[0].get("id_number")
    assert text == "1.10105E+17"
    error = refused(lambda: v.id_number(text))
    assert "spreadsheet" in error.problems[0].message


def test_an_exam_number_in_a_numeric_xlsx_cell_keeps_its_digits(tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", [["姓名", "考生号"], ["张三", 26110112345678]])
    assert v.exam_no(rosters.read(path).rows[0].get("exam_no")) == "26110112345678"


def test_an_id_number_whose_last_digits_a_spreadsheet_zeroed_is_diagnosed_as_such():
    zeroed = ID[:15] + "000"
    error = refused(lambda: v.id_number(zeroed))
    assert "spreadsheet" in error.problems[0].message


# --- birth_from_id ---------------------------------------------------------------------------------------


def test_birth_from_id_reads_digits_7_to_14():
    assert v.birth_from_id(ID) == "2005-03-01"
    assert v.birth_from_id(make_id("1999-12-31", False, "440106", 3)) == "1999-12-31"
    assert v.birth_from_id(ID_X.lower()) == "2005-03-01"
    assert v.birth_from_id(f'="{ID}"') == "2005-03-01"


@pytest.mark.parametrize("text", [
    ID[:6] + ID[8:17],  # a 15-digit number of the old cards
    "E12345678", "H1234567890", "", None, "1.10105E+17",
    "110105200513010011", "110105200502300011", "11010520050301001",
])
def test_birth_from_id_gives_none_when_it_holds_no_date(text):
    assert v.birth_from_id(text) is None


# --- names -----------------------------------------------------------------------------------------------


def test_a_name_is_normalised_to_nfc():
    decomposed = unicodedata.normalize("NFD", "Nguyễn Văn An")
    assert decomposed != "Nguyễn Văn An"
    assert v.name(decomposed) == unicodedata.normalize("NFC", "Nguyễn Văn An")


@pytest.mark.parametrize("dot", ["•", "．", "・", "‧", "･", "∙", "⋅", "·"])
def test_the_variants_of_the_middle_dot_become_the_middle_dot(dot):
    assert v.name(f"阿依古丽{dot}买买提") == "阿依古丽·买买提"


@pytest.mark.parametrize("text", ["欧阳明月", "阿依古丽·买买提", "Anna-Maria Müller", "Nguyễn Văn An", "萬", "張三",
                                  "Jean  Dupont"])
def test_names_of_any_script_are_accepted(text):
    assert v.name(text) == " ".join(unicodedata.normalize("NFC", text).split())


@pytest.mark.parametrize("text", ["张?", "张？", "张\ufffd"])
def test_a_character_lost_to_the_encoding_is_named(text):
    error = refused(lambda: v.name(text))
    assert error.problems[0].field == "name"
    assert "encoding" in error.problems[0].message
    assert "UTF-8" in error.problems[0].message


def test_a_private_use_character_suggests_big5():
    error = refused(lambda: v.name("陳\ue000文"))
    assert error.problems[0].field == "name"
    assert "Big5" in error.problems[0].message or "big5" in error.problems[0].message


@pytest.mark.parametrize("text", ["张\x07三", "张\t三", "张\n三", "张\u200b三", "张三3", "张三３", "张三😀",
                                  "'; DROP TABLE students;--", "张三;", "张<三>", ""])
def test_names_with_control_characters_digits_symbols_or_nothing_are_refused(text):
    assert refused_field(lambda: v.name(text)) == "name"


def test_a_name_with_a_digit_says_digits():
    assert "digits" in refused(lambda: v.name("张三2")).problems[0].message


def test_a_name_longer_than_fifty_characters_is_refused():
    assert refused_field(lambda: v.name("李" * 51)) == "name"


@pytest.mark.parametrize("text", ["张　三", "张  三", "张 三"])
def test_a_two_character_chinese_name_padded_for_alignment_loses_the_padding(text):
    assert v.name(text) == "张三"


@pytest.mark.parametrize("text", ["·", "-", "· -", "··"])
def test_a_name_without_a_letter_is_refused(text):
    assert refused_field(lambda: v.name(text)) == "name"


# --- national lists --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "code"), [
    ("1", "01"), ("01", "01"), (" 01 ", "01"), ("汉族", "01"), ("漢族", "01"), ("汉", "01"), ("漢", "01"),
    ("維吾爾族", "05"), ("维吾尔", "05"), ("维吾尔族", "05"), ("維吾爾", "05"), ("蒙古族", "02"), ("蒙古", "02"),
    ("壯族", "08"), ("其他", "97"), ("56", "56"),
])
def test_an_ethnicity_is_found_by_code_or_by_name_in_either_script(text, code):
    assert national.ethnicity(text) == code


@pytest.mark.parametrize(("text", "code"), [
    ("13", "13"), ("1", "01"), ("群众", "13"), ("群眾", "13"), ("共青团员", "03"), ("團員", "03"), ("团员", "03"),
    ("中共党员", "01"), ("中共黨員", "01"), ("中国共产党党员", "01"), ("中國共產黨黨員", "01"), ("中共预备党员", "02"),
    ("中国共产主义青年团团员", "03"), ("无党派人士", "12"), ("無黨派人士", "12"), ("九三学社社员", "10"),
])
def test_a_political_status_is_found_by_code_or_by_full_or_short_name_in_either_script(text, code):
    assert national.political(text) == code


@pytest.mark.parametrize(("text", "code"), [
    ("44", "440000"), ("440000", "440000"), ("广东", "440000"), ("广东省", "440000"), ("廣東省", "440000"),
    ("廣東", "440000"), ("内蒙古", "150000"), ("內蒙古", "150000"), ("内蒙古自治区", "150000"), ("新疆", "650000"),
    ("新疆維吾爾自治區", "650000"), ("广西", "450000"), ("宁夏", "640000"), ("北京", "110000"), ("北京市", "110000"),
    ("重慶", "500000"), ("香港", "810000"), ("臺灣", "710000"), ("台湾", "710000"), ("440106", "440106"),
    ("110105", "110105"), (" 44 ", "440000"),
])
def test_a_region_is_found_by_province_code_or_name_or_by_county_code(text, code):
    assert national.region(text) == code


@pytest.mark.parametrize(("call", "field", "text"), [
    (national.ethnicity, "ethnicity", "火星族"), (national.ethnicity, "ethnicity", "99"),
    (national.ethnicity, "ethnicity", "0"), (national.ethnicity, "ethnicity", "001"),
    (national.political, "political", "党"), (national.political, "political", "14"),
    (national.political, "political", "00"),
    (national.region, "region", "火星"), (national.region, "region", "99"), (national.region, "region", "4400"),
    (national.region, "region", "999999"), (national.region, "region", "440000000"), (national.region, "region", "广州"),
])
def test_an_unknown_national_value_is_refused_naming_the_field(call, field, text):
    error = refused(lambda: call(text))
    assert error.problems[0].field == field
    assert error.problems[0].params["value"] == text


@pytest.mark.parametrize("call", [national.ethnicity, national.political, national.region])
def test_an_empty_national_value_is_no_value(call):
    assert call(None) is None
    assert call("  ") is None


@pytest.mark.parametrize(("kind", "code", "hans", "hant"), [
    ("ethnicity", "01", "汉族", "漢族"), ("ethnicity", "05", "维吾尔族", "維吾爾族"),
    ("political", "13", "群众", "群眾"), ("political", "03", "中国共产主义青年团团员", "中國共產主義青年團團員"),
    ("region", "440000", "广东省", "廣東省"), ("region", "650000", "新疆维吾尔自治区", "新疆維吾爾自治區"),
])
def test_label_gives_the_name_in_the_script_asked_for(kind, code, hans, hant):
    assert national.label(kind, code, traditional=False) == hans
    assert national.label(kind, code, traditional=True) == hant


def test_label_of_a_county_or_an_unknown_code_is_the_code_and_of_nothing_is_empty():
    assert national.label("region", "440106", True) == "440106"
    assert national.label("ethnicity", "99", True) == "99"
    assert national.label("political", None, False) == ""


def test_every_code_found_reads_back_to_its_label():
    for code, (hans, hant) in national.ETHNICITIES.items():
        assert national.ethnicity(hans) == national.ethnicity(hant) == code
    for code, (hans, hant) in national.POLITICAL.items():
        assert national.political(hans) == national.political(hant) == code
    for code, (hans, hant) in national.PROVINCES.items():
        assert national.region(hans) == national.region(hant) == national.region(code) == code + "0000"


@pytest.mark.parametrize(("call", "text", "code"), [
    (national.ethnicity, "０１", "01"), (national.political, "１３", "13"), (national.region, "４４", "440000"),
    (national.region, "４４０１０６", "440106"),
])
def test_a_national_code_in_full_width_digits_is_accepted(call, text, code):
    assert call(text) == code


# --- code table ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def codes(tmp_path_factory):
    folder = tmp_path_factory.mktemp("codes")
    init(folder / "config.toml")
    return cfg.load(folder / "config.toml").codes


@pytest.mark.parametrize(("text", "code"), [
    ("01", "01"), ("０１", "01"), (" 03 ", "03"), ("文學院", "01"), ("文学院", "01"), ("工学院", "03"),
    ("经济管理学院", "04"), ("外國語學院", "05"),
])
def test_a_college_is_found_by_code_or_by_name_in_either_script(codes, text, code):
    assert codes.college(text).code == code


@pytest.mark.parametrize(("college", "text", "code"), [
    ("01", "01", "01"), ("01", "漢語言文學", "01"), ("01", "汉语言文学", "01"), ("03", "计算机科学与技术", "01"),
    ("03", "計算機科學與技術", "01"), ("03", "软件工程", "02"), ("03", "数据科学与大数据技术", "03"),
    ("01", "050101", "01"), ("03", "080910T", "03"), ("03", "080910t", "03"), ("04", "120203k", "02"),
    ("03", "０８０９０１", "01"),
])
def test_a_major_is_found_by_code_by_name_in_either_script_or_by_national_code(codes, college, text, code):
    assert codes.major(codes.college(college), text).code == code


@pytest.mark.parametrize("text", ["99", "00", "医学院", "", None, "文"])
def test_an_unknown_college_is_refused(codes, text):
    assert refused_field(lambda: codes.college(text)) == "college"


@pytest.mark.parametrize(("college", "text"), [
    ("01", "99"), ("01", "临床医学"), ("01", "080901"), ("03", "050101"), ("03", "080910"), ("03", "999999"),
    ("01", ""),
])
def test_an_unknown_major_or_a_major_of_another_college_is_refused(codes, college, text):
    error = refused(lambda: codes.major(codes.college(college), text))
    assert error.problems[0].field == "major"
    assert error.problems[0].params["college"] == college


def test_a_college_or_major_code_without_its_leading_zero_is_found(codes):
    college = codes.college("1")
    assert college.code == "01"
    assert codes.major(college, "2").code == "02"


# --- property tests --------------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_normalise_header_never_fails_on_any_text(text):
    assert isinstance(normalise_header(text), str)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(header=st.lists(st.text(max_size=20), min_size=1, max_size=6), raw=st.booleans(),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]))
def test_read_of_a_csv_with_any_header_row_raises_nothing_but_invalid_data(tmp_path, header, raw, encoding):
    path = tmp_path / "any.csv"
    if raw:  # the text as typed, separators and quotes included
        text = ",".join(header) + "\r\n" + ",".join("x" for _ in header) + "\r\n"
        path.write_bytes(text.encode(encoding))
    else:
        with open(path, "w", encoding=encoding, newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerow(["x"] * len(header))
    try:
        roster = rosters.read(path)
    except InvalidData as error:
        assert error.problems[0].field == "file"
    else:
        assert roster.columns
        assert all(row.number > roster.header_row for row in roster.rows)


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_iso_date_of_any_text_raises_nothing_but_invalid_data(text):
    try:
        result = v.iso_date(text)
    except InvalidData as error:
        assert error.problems[0].field == "date"
    else:
        assert date(1900, 1, 1) <= result <= date(2100, 12, 31)


_FORMATTERS = [
    lambda d: d.isoformat(),
    lambda d: f"{d.year}-{d.month}-{d.day}",
    lambda d: f"{d.year}/{d.month}/{d.day}",
    lambda d: f"{d.year}/{d.month:02d}/{d.day:02d}",
    lambda d: f"{d.year}.{d.month}.{d.day}",
    lambda d: f"{d.year}.{d.month:02d}.{d.day:02d}",
    lambda d: d.strftime("%Y%m%d"),
    lambda d: f"{d.year}年{d.month}月{d.day}日",
    lambda d: f"{d.year}年{d.month:02d}月{d.day:02d}日",
    lambda d: d.isoformat().translate(str.maketrans("0123456789-", "０１２３４５６７８９－")),
]


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)), st.sampled_from(_FORMATTERS))
def test_iso_date_reads_back_any_date_in_any_accepted_form(day, form):
    assert v.iso_date(form(day)) == day
