"""The school's code table: colleges and majors by two-digit code (DOMAIN.md §2)."""

from __future__ import annotations

import pytest

from xueji.domain.codetable import CodeTable, Major
from xueji.domain.errors import InvalidData, RuleViolation


@pytest.fixture
def table() -> CodeTable:
    codes = CodeTable()
    codes.add_college("01", "文學院")
    codes.add_major("01", "01", "漢語言文學", "050101")
    codes.add_major("01", "02", "漢語國際教育")
    codes.add_college("02", "理學院")
    codes.add_major("02", "01", "數學與應用數學", "070101")
    return codes


def _refused(call) -> InvalidData:
    with pytest.raises(InvalidData) as refused:
        call()
    return refused.value


# --- lookup ----------------------------------------------------------------------------------------------


def test_a_college_is_found_by_its_code(table):
    assert table.college("01").name == "文學院"


def test_a_college_is_found_by_its_name(table):
    assert table.college("理學院").code == "02"


def test_spaces_around_a_college_are_ignored(table):
    assert table.college(" 文學院 ").code == "01"


def test_a_major_is_found_by_its_code_within_its_college(table):
    assert table.major(table.college("01"), "01") == Major("01", "漢語言文學", "050101")
    assert table.major(table.college("02"), "01").name == "數學與應用數學"


def test_a_major_is_found_by_its_name(table):
    assert table.major(table.college("01"), "漢語國際教育").code == "02"


def test_an_unknown_college_code_is_refused_on_the_college_field(table):
    problem = _refused(lambda: table.college("99")).problems[0]
    assert (problem.field, problem.value) == ("college", "99")


def test_an_unknown_college_name_is_refused_on_the_college_field(table):
    assert _refused(lambda: table.college("商學院")).problems[0].field == "college"


def test_an_empty_college_is_refused_on_the_college_field(table):
    assert _refused(lambda: table.college(None)).problems[0].field == "college"


def test_a_major_of_another_college_is_unknown_here_and_refused_on_the_major_field(table):
    error = _refused(lambda: table.major(table.college("02"), "漢語言文學"))
    assert error.problems[0].field == "major"
    assert error.params["college"] == "02"


def test_an_unknown_major_code_is_refused_on_the_major_field(table):
    problem = _refused(lambda: table.major(table.college("01"), "09")).problems[0]
    assert (problem.field, problem.value) == ("major", "09")


# --- building the table ----------------------------------------------------------------------------------


def test_a_college_code_already_used_is_refused(table):
    with pytest.raises(RuleViolation) as refused:
        table.add_college("01", "商學院")
    assert refused.value.params == {"code": "01", "name": "文學院"}
    assert table.college("01").name == "文學院"


def test_a_college_name_already_used_is_refused(table):
    with pytest.raises(RuleViolation) as refused:
        table.add_college("03", "文學院")
    assert refused.value.params["name"] == "文學院"
    assert "03" not in table.colleges


def test_a_college_code_must_be_two_digits(table):
    assert _refused(lambda: table.add_college("3", "商學院")).problems[0].field == "college"
    assert _refused(lambda: table.add_college("00", "商學院")).problems[0].field == "college"


def test_a_college_needs_a_name(table):
    assert _refused(lambda: table.add_college("03", "  ")).problems[0].field == "college_name"


def test_a_major_needs_a_name(table):
    assert _refused(lambda: table.add_major("02", "02", "")).problems[0].field == "major_name"


def test_a_college_name_longer_than_fifty_characters_is_refused(table):
    assert _refused(lambda: table.add_college("03", "學" * 51)).problems[0].field == "college_name"


def test_a_major_code_already_used_in_its_college_is_refused(table):
    with pytest.raises(RuleViolation) as refused:
        table.add_major("01", "01", "古典文獻學")
    assert refused.value.params["name"] == "漢語言文學"


def test_a_major_name_already_used_in_its_college_is_refused(table):
    with pytest.raises(RuleViolation):
        table.add_major("01", "03", "漢語言文學")
    assert "03" not in table.college("01").majors


def test_the_same_major_code_and_name_may_be_used_in_two_colleges(table):
    table.add_major("02", "02", "漢語國際教育")
    assert table.major(table.college("02"), "02").name == "漢語國際教育"


def test_a_major_of_an_unknown_college_is_refused_on_the_college_field(table):
    assert _refused(lambda: table.add_major("09", "01", "物理學")).problems[0].field == "college"


def test_a_major_code_must_be_two_digits(table):
    assert _refused(lambda: table.add_major("02", "100", "物理學")).problems[0].field == "major"


def test_a_malformed_national_code_of_a_major_is_refused(table):
    assert _refused(lambda: table.add_major("02", "02", "物理學", "0702")).problems[0].field == "national_code"


def test_a_special_major_keeps_its_national_code_with_the_t(table):
    assert table.add_major("02", "02", "數據科學與大數據技術", "080910t").national_code == "080910T"


# --- merging ---------------------------------------------------------------------------------------------


def _other() -> CodeTable:
    other = CodeTable()
    other.add_college("02", "理學院")
    other.add_major("02", "02", "物理學", "070201")
    other.add_college("03", "商學院")
    other.add_major("03", "01", "會計學", "120203K")
    return other


def test_merging_adds_the_other_tables_colleges_and_majors(table):
    merged = table.merged(_other())
    assert sorted(merged.colleges) == ["01", "02", "03"]
    assert sorted(merged.college("02").majors) == ["01", "02"]
    assert merged.major(merged.college("商學院"), "會計學").national_code == "120203K"


def test_merging_changes_neither_table(table):
    other = _other()
    table.merged(other)
    assert sorted(table.colleges) == ["01", "02"]
    assert sorted(table.college("02").majors) == ["01"]
    assert sorted(other.college("02").majors) == ["02"]


def test_merging_refuses_a_major_code_defined_twice(table):
    other = CodeTable()
    other.add_college("01", "文學院")
    other.add_major("01", "01", "古典文獻學")
    with pytest.raises(RuleViolation) as refused:
        table.merged(other)
    assert refused.value.params == {"code": "01", "college": "01"}


def test_merging_refuses_a_college_code_with_two_names(table):
    other = CodeTable()
    other.add_college("01", "人文學院")
    with pytest.raises(RuleViolation) as refused:
        table.merged(other)
    assert refused.value.params["code"] == "01"


def test_merging_refuses_a_college_name_already_used_under_another_code(table):
    # add_college refuses a second 文學院; a merge must not let one in either, or lookup by name is ambiguous
    other = CodeTable()
    other.add_college("05", "文學院")
    with pytest.raises(RuleViolation):
        table.merged(other)


def test_merging_refuses_a_major_name_already_used_in_the_college_under_another_code(table):
    other = CodeTable()
    other.add_college("01", "文學院")
    other.add_major("01", "05", "漢語言文學")
    with pytest.raises(RuleViolation):
        table.merged(other)


def test_merging_with_an_empty_table_gives_the_same_lookups(table):
    merged = table.merged(CodeTable())
    assert merged.rows() == table.rows()


# --- rows ------------------------------------------------------------------------------------------------


def test_rows_give_one_flat_row_per_major_sorted_by_code():
    codes = CodeTable()
    codes.add_college("02", "理學院")
    codes.add_major("02", "02", "物理學", "070201")
    codes.add_major("02", "01", "數學與應用數學", "070101")
    codes.add_college("01", "文學院")
    codes.add_major("01", "01", "漢語言文學")
    assert codes.rows() == [
        {"college": "01", "college_name": "文學院", "major": "01", "major_name": "漢語言文學", "national_code": None},
        {"college": "02", "college_name": "理學院", "major": "01", "major_name": "數學與應用數學", "national_code": "070101"},
        {"college": "02", "college_name": "理學院", "major": "02", "major_name": "物理學", "national_code": "070201"},
    ]


def test_a_college_without_majors_gives_one_row_with_no_major():
    codes = CodeTable()
    codes.add_college("07", "藝術學院")
    assert codes.rows() == [
        {"college": "07", "college_name": "藝術學院", "major": None, "major_name": None, "national_code": None}
    ]


def test_an_empty_table_has_no_rows():
    assert CodeTable().rows() == []
