"""Validators of personal data and codes (DOMAIN.md §4): a normalised value, or InvalidData naming the field."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xueji.domain import validate as v
from xueji.domain.errors import InvalidData

ON = date(2023, 9, 1)


def refused(call) -> InvalidData:
    with pytest.raises(InvalidData) as error:
        call()
    return error.value


def refused_field(call) -> str:
    return refused(call).problems[0].field


# --- name ------------------------------------------------------------------------------------------------


def test_a_name_is_trimmed():
    assert v.name("  張三 \t") == "張三"


def test_a_name_of_one_character_is_accepted():
    assert v.name("萬") == "萬"


def test_a_name_of_fifty_characters_is_accepted():
    assert v.name("李" * 50) == "李" * 50


def test_a_name_of_fifty_one_characters_is_refused():
    error = refused(lambda: v.name("李" * 51))
    assert error.problems[0].field == "name"
    assert error.params["max"] == 50


def test_spaces_do_not_count_towards_the_length_limit():
    assert v.name("   " + "李" * 50 + "   ") == "李" * 50


@pytest.mark.parametrize("blank", ["", "   ", None])
def test_an_empty_name_is_refused(blank):
    assert refused_field(lambda: v.name(blank)) == "name"


@pytest.mark.parametrize("text", ["張三1", "2號", "王５"])
def test_a_name_with_digits_is_refused(text):
    problem = refused(lambda: v.name(text)).problems[0]
    assert (problem.field, problem.value) == ("name", text)


@pytest.mark.parametrize("text", ["張三²", "李四①"])
def test_a_name_with_superscript_or_circled_digits_is_refused(text):
    assert refused_field(lambda: v.name(text)) == "name"


@pytest.mark.parametrize("text", ["張\x00三", "張三\x07", "張\u200b三", "張\x7f三"])
def test_a_name_with_a_control_or_invisible_character_is_refused(text):
    assert refused_field(lambda: v.name(text)) == "name"


@pytest.mark.parametrize("dot", ["•", "・", "‧"])
def test_the_dots_of_minority_names_are_normalised_to_the_middle_dot(dot):
    assert v.name(f"買買提{dot}艾力") == "買買提·艾力"


def test_the_middle_dot_itself_is_kept():
    assert v.name("阿依古麗·買買提") == "阿依古麗·買買提"


def test_runs_of_spaces_inside_a_name_become_one_space():
    assert v.name("Anna   Maria") == "Anna Maria"


# --- gender ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("男", "1"), ("女", "2"), ("M", "1"), ("F", "2"), ("m", "1"), ("f", "2"), ("1", "1"), ("2", "2"),
        ("0", "0"), ("9", "9"), (" M ", "1"), ("Male", "1"), ("FEMALE", "2"),
    ],
)
def test_gender_aliases_give_the_gb_t_2261_code(text, code):
    assert v.gender(text) == code


@pytest.mark.parametrize("text", ["X", "3", "", None, "男性別", "boy"])
def test_an_unknown_gender_is_refused(text):
    assert refused_field(lambda: v.gender(text)) == "gender"


# --- iso_date --------------------------------------------------------------------------------------------


def test_an_iso_date_is_read():
    assert v.iso_date("2023-09-01") == date(2023, 9, 1)


def test_an_iso_date_may_omit_leading_zeros():
    assert v.iso_date("2023-9-1") == date(2023, 9, 1)


def test_29_february_of_a_leap_year_is_a_date():
    assert v.iso_date("2024-02-29") == date(2024, 2, 29)


@pytest.mark.parametrize("text", ["01-09-2023", "2023-09", "2023-09-01T12:30", "", None, "yesterday", "2023/09-01",
                                  "2023年9月", "230901", "2023.9.1.1"])
def test_a_date_in_none_of_the_accepted_forms_is_refused_naming_them(text):
    error = refused(lambda: v.iso_date(text))
    assert error.problems[0].field == "date" and "2005年6月1日" in error.problems[0].params["forms"]


@pytest.mark.parametrize("text", ["2023-09-01", "2023-9-1", "2023/9/1", "2023/09/01", "2023.9.1", "20230901",
                                  "2023年9月1日", "2023年09月01日", "２０２３年９月１日", " 2023 / 9 / 1 "])
def test_dates_in_the_forms_clerks_and_spreadsheets_write_are_taken(text):
    assert v.iso_date(text) == date(2023, 9, 1)


@pytest.mark.parametrize("text", ["2023-02-30", "2023-02-29", "2023-13-01", "2023-00-10", "2023-04-31", "2023-01-00"])
def test_a_day_that_is_not_on_the_calendar_is_refused(text):
    error = refused(lambda: v.iso_date(text))
    assert error.problems[0].field == "date"
    assert "calendar" in error.message


@pytest.mark.parametrize("text", ["1899-12-31", "2101-01-01", "0001-01-01", "9999-12-31"])
def test_a_year_out_of_range_is_refused(text):
    error = refused(lambda: v.iso_date(text))
    assert error.problems[0].field == "date"
    assert (error.params["min"], error.params["max"]) == (1900, 2100)


def test_a_date_refusal_names_the_field_it_was_asked_for():
    assert refused_field(lambda: v.iso_date("2023-02-30", "until")) == "until"


# --- birth_date ------------------------------------------------------------------------------------------


def test_a_student_turning_twelve_on_the_day_of_enrollment_is_plausible():
    assert v.birth_date("2011-09-01", ON) == date(2011, 9, 1)


def test_a_student_who_is_still_eleven_is_refused():
    error = refused(lambda: v.birth_date("2011-09-02", ON))
    assert error.problems[0].field == "birth_date"
    assert error.params["age"] == 11


def test_a_student_of_eighty_is_plausible():
    assert v.birth_date("1943-09-01", ON) == date(1943, 9, 1)


def test_a_student_turning_eighty_one_the_day_after_enrollment_is_still_eighty_and_plausible():
    assert v.birth_date("1942-09-02", ON) == date(1942, 9, 2)


def test_a_student_of_eighty_one_is_refused():
    error = refused(lambda: v.birth_date("1942-09-01", ON))
    assert error.problems[0].field == "birth_date"
    assert error.params["age"] == 81


def test_a_birth_date_in_the_future_is_refused():
    assert refused_field(lambda: v.birth_date("2024-01-01", ON)) == "birth_date"


def test_a_malformed_birth_date_is_refused_on_the_birth_date_field():
    assert refused_field(lambda: v.birth_date("2005-02-30", ON)) == "birth_date"


# --- id_type ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [None, "", "  "])
def test_the_id_type_defaults_to_the_resident_identity_card(text):
    assert v.id_type(text) == "1"


@pytest.mark.parametrize(("text", "code"), [("1", "1"), ("6", "6"), ("7", "7"), ("8", "8"), ("9", "9"), ("A", "A"), ("a", "A"), ("z", "Z")])
def test_the_id_types_of_the_national_list_are_accepted(text, code):
    assert v.id_type(text) == code


@pytest.mark.parametrize("text", ["2", "5", "B", "passport", "11"])
def test_an_unknown_id_type_is_refused(text):
    assert refused_field(lambda: v.id_type(text)) == "id_type"


# --- id_number, resident identity card (type 1) ----------------------------------------------------------


def test_the_standard_example_11010519491231002x_is_a_valid_id_number_of_a_woman_born_1949_12_31():
    assert v.id_number("11010519491231002X", "1", date(1949, 12, 31), "2") == "11010519491231002X"


def test_the_standard_example_440524188001010014_is_a_valid_id_number_of_a_man_born_1880_01_01():
    assert v.id_number("440524188001010014", "1", date(1880, 1, 1), "1") == "440524188001010014"


def test_an_id_number_may_be_checked_without_birth_date_or_gender():
    assert v.id_number("11010519491231002X") == "11010519491231002X"


def test_a_lowercase_x_check_character_is_stored_as_uppercase():
    assert v.id_number("11010519491231002x", "1", date(1949, 12, 31), "2") == "11010519491231002X"


def test_spaces_and_hyphens_inside_an_id_number_are_dropped():
    assert v.id_number(" 110105-19491231-002X ") == "11010519491231002X"


def test_a_county_code_newer_than_the_birth_year_is_accepted_because_registration_may_be_late():
    # 110115 (大兴区) exists only since 2001; python-stdnum's validate() wrongly refuses this number
    assert v.id_number("110115199905010075", "1", date(1999, 5, 1), "1") == "110115199905010075"


def test_a_wrong_check_character_is_refused_naming_the_right_one():
    error = refused(lambda: v.id_number("110105194912310021"))
    assert error.problems[0].field == "id_number"
    assert error.params["expected"] == "X"


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("11010519491231002", id="17 digits"),
        pytest.param("11010519491231002X1", id="19 characters"),
        pytest.param("1101051949123100XX", id="X before the end"),
        pytest.param("11010519491231002Y", id="check letter other than X"),
        pytest.param("A1010519491231002X", id="letter in the digits"),
    ],
)
def test_a_resident_id_number_that_is_not_17_digits_and_a_check_character_is_refused(text):
    assert refused_field(lambda: v.id_number(text)) == "id_number"


@pytest.mark.parametrize("blank", ["", "  ", None])
def test_an_empty_id_number_is_refused(blank):
    assert refused_field(lambda: v.id_number(blank)) == "id_number"


def test_an_id_number_whose_birth_date_differs_from_the_one_given_is_refused():
    error = refused(lambda: v.id_number("11010519491231002X", "1", date(1950, 1, 1), "2"))
    assert error.problems[0].field == "id_number"
    assert (error.params["embedded"], error.params["born"]) == ("1949-12-31", "1950-01-01")


def test_an_id_number_with_an_even_17th_digit_is_refused_for_a_man():
    assert refused_field(lambda: v.id_number("11010519491231002X", "1", date(1949, 12, 31), "1")) == "id_number"


def test_an_id_number_with_an_odd_17th_digit_is_refused_for_a_woman():
    assert refused_field(lambda: v.id_number("440524188001010014", "1", date(1880, 1, 1), "2")) == "id_number"


@pytest.mark.parametrize("sex", ["0", "9"])
def test_the_17th_digit_is_not_checked_when_the_gender_is_unknown_or_unspecified(sex):
    assert v.id_number("11010519491231002X", "1", None, sex) == "11010519491231002X"


def test_an_id_number_whose_digits_7_to_14_are_not_a_real_date_is_refused():
    assert refused_field(lambda: v.id_number("110105202302300016")) == "id_number"


@pytest.mark.parametrize("text", ["000000200503010013", "999999200503010011"])
def test_an_id_number_from_a_county_code_that_never_existed_is_refused(text):
    error = refused(lambda: v.id_number(text))
    assert error.problems[0].field == "id_number"
    assert error.params["code"] == text[:6]


def test_an_id_number_from_an_unknown_county_of_a_known_province_is_refused():
    # 11 is Beijing, but 119999 is no county of it (python-stdnum knows the province only)
    error = refused(lambda: v.id_number("119999200503010018"))
    assert error.problems[0].field == "id_number"
    assert error.params["code"] == "119999"


@pytest.mark.parametrize("text", ["1.10105E+17", "1.10105e+17", "4.40524E+17"])
def test_an_id_number_mangled_by_a_spreadsheet_gives_the_spreadsheet_message(text):
    error = refused(lambda: v.id_number(text))
    assert error.problems[0].field == "id_number"
    assert error.problems[0].value == text
    assert "spreadsheet" in error.message


def test_an_id_number_of_superscript_digits_is_refused_as_invalid_data():
    # "²".isdigit() is True but int("²") fails: this must be a refusal, not a crash
    assert refused_field(lambda: v.id_number("²" * 17 + "X")) == "id_number"


def test_an_id_number_of_circled_digits_is_refused_as_invalid_data():
    assert refused_field(lambda: v.id_number("①" * 18)) == "id_number"


# --- id_number, other documents --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "text", "stored"),
    [
        ("A", "E12345678", "E12345678"),
        ("A", "e12345678", "E12345678"),
        ("6", "H0123456(7)", "H0123456(7)"),
        ("8", "12345678", "12345678"),
        ("9", "USA123456789012", "USA123456789012"),
        ("Z", "AB 12-34", "AB1234"),
    ],
)
def test_other_id_documents_take_4_to_30_letters_or_digits(kind, text, stored):
    assert v.id_number(text, kind) == stored


def test_a_passport_number_is_not_checked_against_gb_11643():
    assert v.id_number("110105194912310021", "A") == "110105194912310021"


@pytest.mark.parametrize("text", ["E12", "E" * 31, "護照123456", "E1234567!"])
def test_an_other_document_number_of_the_wrong_shape_is_refused(text):
    assert refused_field(lambda: v.id_number(text, "A")) == "id_number"


# --- exam_no ---------------------------------------------------------------------------------------------


def test_an_exam_number_has_fourteen_digits():
    assert v.exam_no("23110101150001") == "23110101150001"


@pytest.mark.parametrize("blank", [None, "", "  "])
def test_an_exam_number_is_optional(blank):
    assert v.exam_no(blank) is None


@pytest.mark.parametrize("text", ["2311010115000", "231101011500011", "2311010115000A"])
def test_an_exam_number_that_is_not_fourteen_digits_is_refused(text):
    assert refused_field(lambda: v.exam_no(text)) == "exam_no"


def test_an_exam_number_in_fullwidth_digits_is_refused_or_stored_in_ascii():
    try:
        stored = v.exam_no("２３１１０１０１１５０００１")
    except InvalidData as error:
        assert error.problems[0].field == "exam_no"
    else:
        assert stored == "23110101150001"


# --- year ------------------------------------------------------------------------------------------------

TODAY = date(2026, 11, 28)


def test_an_enrollment_year_is_read_as_a_number():
    assert v.year("2023", TODAY) == 2023


def test_an_enrollment_year_may_be_given_as_an_int():
    assert v.year(2023, TODAY) == 2023


def test_next_years_cohort_may_be_prepared():
    assert v.year("2027", TODAY) == 2027


@pytest.mark.parametrize("text", ["2028", "1899", "23", "20233", "two", "", None, "2023.0"])
def test_an_implausible_enrollment_year_is_refused(text):
    assert refused_field(lambda: v.year(text, TODAY)) == "year"


# --- two_digit_code --------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["01", "10", "99", " 07 "])
def test_a_two_digit_code_from_01_to_99_is_accepted(text):
    assert v.two_digit_code(text, "college") == text.strip()


@pytest.mark.parametrize("text", ["00", "1", "100", "ab", "", None, "0x"])
def test_a_code_that_is_not_two_digits_01_to_99_is_refused_on_the_field_asked_for(text):
    assert refused_field(lambda: v.two_digit_code(text, "major")) == "major"


def test_a_two_digit_code_in_fullwidth_digits_is_refused_or_stored_in_ascii():
    try:
        code = v.two_digit_code("０１", "college")
    except InvalidData as error:
        assert error.problems[0].field == "college"
    else:
        assert code == "01"


# --- class_code ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "code"), [("1", "01"), ("01", "01"), ("9", "09"), ("99", "99"), (" 7 ", "07")])
def test_a_class_is_written_with_two_digits(text, code):
    assert v.class_code(text) == code


@pytest.mark.parametrize("text", ["100", "00", "0", "", None, "a", "1a", "-1"])
def test_a_class_outside_01_to_99_is_refused(text):
    assert refused_field(lambda: v.class_code(text)) == "class"


# --- national_code ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "code"), [("070101", "070101"), ("080910T", "080910T"), ("120203K", "120203K"), ("080910t", "080910T"), ("010101", "010101"), ("140101", "140101")])
def test_a_national_major_code_is_six_digits_with_an_optional_t_or_k(text, code):
    assert v.national_code(text) == code


@pytest.mark.parametrize("blank", [None, "", "  "])
def test_a_national_code_is_optional(blank):
    assert v.national_code(blank) is None


@pytest.mark.parametrize("text", ["150101", "07010", "0701011", "000101", "080910X", "08091T", "ABCDEF"])
def test_a_malformed_national_major_code_is_refused(text):
    assert refused_field(lambda: v.national_code(text)) == "national_code"


def test_a_national_code_in_fullwidth_digits_is_refused_or_stored_in_ascii():
    try:
        code = v.national_code("０７０１０１")
    except InvalidData as error:
        assert error.problems[0].field == "national_code"
    else:
        assert code == "070101"


# --- free text and limit ---------------------------------------------------------------------------------


def test_a_reason_is_trimmed_and_its_spaces_collapsed():
    assert v.label("  本人  申請 ", "reason") == "本人 申請"


def test_a_required_label_that_is_empty_is_refused_on_its_field():
    assert refused_field(lambda: v.label(" ", "doc_no")) == "doc_no"


def test_an_optional_label_may_be_empty():
    assert v.label("", "doc_no", required=False) is None


def test_a_limit_is_a_whole_number():
    assert v.limit("20") == 20
    assert refused_field(lambda: v.limit("-1")) == "limit"


# --- every validator refuses with InvalidData, never anything else --------------------------------------

# arbitrary text, plus text built from digit-like characters (ASCII, full-width, Arabic-Indic, superscripts,
# circled) and the separators the validators care about, so the interesting branches are reached
digitish = st.text(alphabet="0123456789xXE+.-– ０１２３٣²³¹①⑨TK", min_size=0, max_size=22)
raw_text = st.one_of(st.none(), st.text(), digitish)

VALIDATORS = {
    "name": v.name,
    "gender": v.gender,
    "iso_date": v.iso_date,
    "birth_date": lambda t: v.birth_date(t, ON),
    "id_type": v.id_type,
    "id_number_resident": lambda t: v.id_number(t, "1"),
    "id_number_resident_checked": lambda t: v.id_number(t, "1", date(2005, 3, 1), "1"),
    "id_number_passport": lambda t: v.id_number(t, "A"),
    "exam_no": v.exam_no,
    "year": lambda t: v.year(t, TODAY),
    "two_digit_code": lambda t: v.two_digit_code(t, "college"),
    "class_code": v.class_code,
    "national_code": v.national_code,
    "label": lambda t: v.label(t, "reason"),
    "limit": v.limit,
}


@pytest.mark.parametrize("validator", list(VALIDATORS.values()), ids=list(VALIDATORS))
@settings(max_examples=300, deadline=None)
@given(text=raw_text)
def test_any_text_given_to_a_validator_gives_a_value_or_invalid_data_and_nothing_else(validator, text):
    try:
        validator(text)
    except InvalidData as error:
        assert error.problems and all(p.field for p in error.problems)


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_the_check_character_is_iso_7064_mod_11_2_of_the_seventeen_digits(first17):
    weights = [2 ** (17 - i) % 11 for i in range(17)]  # the standard's definition: W_i = 2^(i-1) mod 11, i = 18…2
    expected = "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights)) % 11]
    assert v.check_character(first17) == expected


@pytest.mark.parametrize("text", ["", "1" * 16, "1" * 18, "１" * 17, "1234567890123456X"])
def test_the_check_character_needs_exactly_seventeen_ascii_digits(text):
    with pytest.raises(ValueError):
        v.check_character(text)
