"""The student number 學號: YYYY CC MM KK SS (DOMAIN.md §2)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xueji.domain.errors import ClassFull, InvalidData
from xueji.domain.number import MAX_SEAT, StudentNumber, class_prefix, next_seat, parse_number


def _refused_field(call) -> str:
    with pytest.raises(InvalidData) as refused:
        call()
    return refused.value.problems[0].field


# --- the rule of §五.2 -----------------------------------------------------------------------------------


def test_the_fifth_student_of_2023_chinese_literature_class_1_is_202301010105():
    assert str(StudentNumber(2023, "01", "01", "01", 5)) == "202301010105"


def test_the_fifth_seat_issued_in_2023_chinese_literature_class_1_is_202301010105():
    assert str(next_seat(4, 2023, "01", "01", "01")) == "202301010105"


def test_the_class_prefix_is_the_first_ten_digits_of_every_number_in_the_class():
    number = StudentNumber(2023, "01", "01", "01", 5)
    assert number.class_prefix == "2023010101" == class_prefix(2023, "01", "01", "01")
    assert str(number).startswith(number.class_prefix)


def test_a_seat_below_ten_is_written_with_a_leading_zero():
    assert str(StudentNumber(2024, "02", "03", "11", 7)) == "202402031107"


# --- parsing ---------------------------------------------------------------------------------------------


def test_parsing_202301010105_gives_year_college_major_class_and_seat():
    assert parse_number("202301010105") == StudentNumber(2023, "01", "01", "01", 5)


def test_parsing_a_number_and_printing_it_gives_the_same_number_back():
    assert str(parse_number("202412990799")) == "202412990799"


def test_spaces_around_a_number_are_ignored_when_parsing():
    assert str(parse_number("  202301010105 \n")) == "202301010105"


@pytest.mark.parametrize("text", ["2023 0101 0105", "2023-01-01-01-05", "２０２３０１０１０１０５", "'202301010105",
                                  '="202301010105"'])
def test_a_number_as_clerks_and_spreadsheets_write_it_is_normalised(text):
    assert str(parse_number(text)) == "202301010105"


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("20230101010", id="11 digits"),
        pytest.param("2023010101051", id="13 digits"),
        pytest.param("20230101010A", id="a letter"),
        pytest.param("202301010005", id="class 00"),
        pytest.param("202301010100", id="seat 00"),
        pytest.param("202300010105", id="college 00"),
        pytest.param("202301000105", id="major 00"),
        pytest.param("", id="empty"),
        pytest.param(None, id="none"),
    ],
)
def test_a_malformed_student_number_is_refused_as_invalid_data_on_the_student_no_field(text):
    with pytest.raises(InvalidData) as refused:
        parse_number(text)
    problem = refused.value.problems[0]
    assert problem.field == "student_no"
    assert problem.value == ("" if text is None else text)


def test_a_student_number_typed_in_fullwidth_digits_is_refused_or_read_as_the_ascii_number():
    # An IME easily produces full-width digits; the number must not come back half full-width
    # (it would never match the stored ASCII number, and two spellings of one number break uniqueness).
    try:
        number = parse_number("２０２３０１０１０１０５")
    except InvalidData as refused:
        assert refused.problems[0].field == "student_no"
    else:
        assert str(number) == "202301010105"


# --- issuing seats ---------------------------------------------------------------------------------------


def test_the_first_seat_of_a_new_class_is_01():
    number = next_seat(None, 2023, "01", "01", "01")
    assert number.seat == 1
    assert str(number) == "202301010101"


def test_a_highest_seat_of_zero_also_gives_seat_01():
    assert next_seat(0, 2023, "01", "01", "01").seat == 1


def test_the_next_seat_is_one_past_the_highest_ever_issued_even_if_lower_seats_were_given_up():
    # seats 1..6 were issued, 3 withdrew: the next is still 7, never 3
    assert str(next_seat(6, 2023, "01", "01", "01")) == "202301010107"


def test_seat_99_is_the_last_seat_of_a_class():
    assert str(next_seat(98, 2023, "01", "01", "01")) == "202301010199"


def test_seat_100_is_refused_as_class_full_and_never_wraps_around():
    with pytest.raises(ClassFull) as refused:
        next_seat(99, 2023, "03", "02", "07")
    assert refused.value.params["max"] == MAX_SEAT == 99
    assert refused.value.params["klass"] == "07"
    assert refused.value.params["year"] == 2023
    assert refused.value.params["college"] == "03"
    assert refused.value.params["major"] == "02"
    assert refused.value.hint


def test_the_next_seat_keeps_the_class_it_was_asked_for():
    number = next_seat(10, 2025, "04", "05", "06")
    assert (number.year, number.college, number.major, number.klass, number.seat) == (2025, "04", "05", "06", 11)


# --- property --------------------------------------------------------------------------------------------

two_digits = st.integers(1, 99).map(lambda n: f"{n:02d}")


@given(year=st.integers(1900, 2100), college=two_digits, major=two_digits, klass=two_digits, seat=st.integers(1, 99))
def test_every_valid_number_has_twelve_digits_and_parses_back_to_itself(year, college, major, klass, seat):
    number = StudentNumber(year, college, major, klass, seat)
    text = str(number)
    assert len(text) == 12
    assert text.isascii() and text.isdigit()
    assert parse_number(text) == number
