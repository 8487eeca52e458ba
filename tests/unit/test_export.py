"""Cells of the files xueji writes: formulas neutralised, and in CSV for Excel digit strings kept as text (="…")."""

from __future__ import annotations

import csv
import io
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xueji.files.export import FORMULA_STARTS, encode, excel_text, neutralise

WRAPPED = re.compile(r'="[0-9]+"')


def cells(keys, records, *, excel: bool, text_columns=()) -> list[list[str]]:
    """The data rows of a CSV file as xueji writes it (encode), read back as a CSV reader splits them."""
    data = encode(".csv", keys, keys, records, excel=excel, text_columns=text_columns)
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig" if excel else "utf-8"), newline="")))[1:]


# --- neutralise ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_a_cell_starting_like_a_formula_gets_a_leading_apostrophe(start):
    assert neutralise(start + "1+2") == "'" + start + "1+2"


@pytest.mark.parametrize("value", ['=HYPERLINK("http://x","y")', "+1", "-1", "@SUM(A1)", "\tx", "\rx",
                                   "=cmd|' /C calc'!A0"])
def test_hostile_cells_are_neutralised(value):
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", ["張三", "202501010101", "a=b", "", None, 12, 2.5, "'already"])
def test_other_cells_are_left_as_they_are(value):
    assert neutralise(value) == value


# --- excel_text: digit strings as ="…" ---------------------------------------------------------------------

@pytest.mark.parametrize("value", ["202501010101", "110105200503010016", "25110101000123", "12345678901"])
def test_a_digit_string_of_11_digits_or_more_is_written_as_text_anywhere(value):
    assert excel_text(value) == f'="{value}"'
    assert excel_text(value, text=True) == f'="{value}"'


@pytest.mark.parametrize("value", ["01", "650000", "1234567890"])
def test_a_shorter_digit_string_is_text_in_a_text_column_only(value):
    assert excel_text(value, text=True) == f'="{value}"'  # 01 stays 01
    assert excel_text(value) == value


def test_a_long_whole_number_is_written_as_text_and_a_short_one_stays_a_number():
    assert excel_text(202501010101) == '="202501010101"'
    assert excel_text(2025) == 2025 and excel_text(2025, text=True) == 2025
    assert excel_text(True) is True


@pytest.mark.parametrize("value", [
    "11010520050301001X",     # not all digits: Excel keeps it as text anyway
    "110105********002X",     # masked
    "2025-09-01", "12 345 678 901", "+12345678901", "'=1", "１２３４５６７８９０１２",  # full-width digits
    "١٢٣٤٥٦٧٨٩٠١٢", "²²²²²²²²²²²²", "", None, 2.5, "張三", 'x"', '1"+"2',
])
def test_anything_but_a_pure_ascii_digit_string_is_left_alone(value):
    assert excel_text(value, text=True) == value
    assert excel_text(value) == value


def test_csv_for_excel_wraps_digits_after_neutralising_and_never_wraps_a_hostile_cell():
    keys = ["student_no", "name", "id_number", "note", "college", "seat"]
    hostile = '=HYPERLINK("http://x","y")'
    records = [
        {"student_no": "202501010101", "name": hostile, "id_number": "110105200503010016", "note": "=1234567890123",
         "college": "01", "seat": 3},
        {"student_no": "202501010102", "name": "-12345678901", "id_number": "11010520050301002X", "note": "12345678901",
         "college": "02", "seat": 4},
    ]
    rows = cells(keys, records, excel=True, text_columns=("student_no", "id_number", "college"))
    assert rows[0] == ['="202501010101"', "'" + hostile, '="110105200503010016"', "'=1234567890123", '="01"', "3"]
    assert rows[1] == ['="202501010102"', "'-12345678901", "11010520050301002X", '="12345678901"', '="02"', "4"]


def test_plain_csv_keeps_plain_digits_for_scripts_and_still_neutralises():
    keys = ["student_no", "name", "college"]
    records = [{"student_no": "202501010101", "name": "@SUM(A1)", "college": "01"}]
    assert cells(keys, records, excel=False, text_columns=keys) == [["202501010101", "'@SUM(A1)", "01"]]


def test_encoded_csv_for_excel_has_a_bom_and_crlf_and_plain_csv_has_neither():
    keys, headers = ["student_no"], ["Student number"]
    records = [{"student_no": "202501010101"}]
    excel = encode(".csv", keys, headers, records, excel=True, text_columns=keys)
    assert excel == '\ufeffStudent number\r\n"=""202501010101"""\r\n'.encode("utf-8")
    plain = encode(".csv", keys, headers, records, text_columns=keys)
    assert plain == b"Student number\n202501010101\n"


def test_xlsx_cells_are_neutralised_and_digit_columns_are_text_cells():
    from openpyxl import load_workbook

    keys = ["student_no", "name", "seat"]
    data = encode(".xlsx", keys, ["Student number", "Name", "Seat"],
                  [{"student_no": "202501010101", "name": "=1+1", "seat": 3}], text_columns=("student_no",),
                  sheet_title="學生")
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["學生"]
    number, name, seat = book.active[2]
    assert (number.value, number.data_type, number.number_format) == ("202501010101", "s", "@")
    assert (name.value, name.data_type) == ("'=1+1", "s")
    assert (seat.value, seat.data_type) == (3, "n")


@settings(max_examples=300, deadline=None)
@given(value=st.one_of(st.text(max_size=30), st.from_regex(r"[0-9]{1,25}", fullmatch=True),
                       st.from_regex(r"[=+\-@][0-9]{5,20}", fullmatch=True)),
       text=st.booleans())
def test_a_cell_for_excel_starts_with_a_formula_character_only_as_our_own_digit_text(value, text):
    [[cell]] = cells(["v"], [{"v": value}], excel=True, text_columns=("v",) if text else ())
    if WRAPPED.fullmatch(cell):
        digits = cell[2:-1]
        assert digits == value and value.isascii() and value.isdigit() and (text or len(value) >= 11)
    else:
        assert cell == neutralise(value) and not cell.startswith(FORMULA_STARTS)
