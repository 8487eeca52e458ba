"""Suspension limits (教育部令第41號; DOMAIN.md §3): months counted by the calendar, one and total limits."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xueji.domain.errors import InvalidData, RuleViolation
from xueji.domain.suspension import SuspensionLimits, add_months, check_new_suspension, months_spanned

LIMITS = SuspensionLimits()


# --- add_months ------------------------------------------------------------------------------------------


def test_one_month_after_31_january_2023_is_28_february():
    assert add_months(date(2023, 1, 31), 1) == date(2023, 2, 28)


def test_one_month_after_31_january_of_a_leap_year_is_29_february():
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)


def test_one_month_after_31_march_is_30_april():
    assert add_months(date(2023, 3, 31), 1) == date(2023, 4, 30)


def test_adding_months_crosses_the_year_end():
    assert add_months(date(2023, 11, 15), 3) == date(2024, 2, 15)


def test_twelve_months_later_is_the_same_day_next_year():
    assert add_months(date(2023, 9, 1), 12) == date(2024, 9, 1)


def test_adding_no_months_keeps_the_day():
    assert add_months(date(2023, 9, 1), 0) == date(2023, 9, 1)


# --- months_spanned --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (date(2023, 9, 1), date(2023, 9, 1), 0),
        (date(2023, 9, 1), date(2023, 9, 2), 1),
        (date(2023, 9, 1), date(2023, 10, 1), 1),
        (date(2023, 9, 1), date(2023, 10, 2), 2),
        (date(2023, 9, 1), date(2024, 9, 1), 12),
        (date(2023, 9, 1), date(2024, 9, 2), 13),
        (date(2023, 1, 31), date(2023, 2, 28), 1),
        (date(2023, 1, 31), date(2023, 3, 1), 2),
        (date(2023, 1, 31), date(2023, 3, 31), 2),
    ],
)
def test_a_part_month_counts_as_a_whole_month(start, end, months):
    assert months_spanned(start, end) == months


days = st.dates(min_value=date(1950, 1, 1), max_value=date(2090, 12, 31))


@given(start=days, length=st.integers(0, 2000))
def test_months_spanned_is_the_fewest_whole_months_that_cover_the_period(start, length):
    end = date.fromordinal(start.toordinal() + length)
    months = months_spanned(start, end)
    assert add_months(start, months) >= end
    if months > 0:
        assert add_months(start, months - 1) < end


# --- check_new_suspension --------------------------------------------------------------------------------


def test_the_default_limits_are_twelve_months_each_and_twenty_four_in_all():
    assert (LIMITS.max_months, LIMITS.max_total_months) == (12, 24)


def test_a_suspension_ending_the_day_it_starts_is_refused_on_the_until_field():
    with pytest.raises(InvalidData) as refused:
        check_new_suspension(date(2024, 3, 1), date(2024, 3, 1), [], LIMITS, "202301010105")
    problem = refused.value.problems[0]
    assert problem.field == "until"
    assert problem.value == "2024-03-01"


def test_a_suspension_ending_before_it_starts_is_refused_on_the_until_field():
    with pytest.raises(InvalidData) as refused:
        check_new_suspension(date(2024, 3, 1), date(2024, 2, 1), [], LIMITS, "202301010105")
    assert refused.value.problems[0].field == "until"


def test_a_twelve_month_suspension_is_allowed():
    assert check_new_suspension(date(2024, 3, 1), date(2025, 3, 1), [], LIMITS, "202301010105") is None


def test_a_thirteen_month_suspension_is_refused_as_too_long():
    with pytest.raises(RuleViolation) as refused:
        check_new_suspension(date(2024, 3, 1), date(2025, 4, 1), [], LIMITS, "202301010105")
    assert not isinstance(refused.value, InvalidData)
    assert refused.value.params["months"] == 13
    assert refused.value.params["max"] == 12


def test_one_day_past_twelve_months_counts_as_thirteen_and_is_refused():
    with pytest.raises(RuleViolation) as refused:
        check_new_suspension(date(2024, 3, 1), date(2025, 3, 2), [], LIMITS, "202301010105")
    assert refused.value.params["months"] == 13


def test_two_twelve_month_suspensions_are_allowed():
    earlier = [(date(2023, 9, 1), date(2024, 9, 1))]
    assert check_new_suspension(date(2024, 9, 1), date(2025, 9, 1), earlier, LIMITS, "202301010105") is None


def test_a_third_suspension_of_one_month_after_twenty_four_months_is_refused():
    earlier = [(date(2023, 9, 1), date(2024, 9, 1)), (date(2024, 9, 1), date(2025, 9, 1))]
    with pytest.raises(RuleViolation) as refused:
        check_new_suspension(date(2025, 10, 1), date(2025, 11, 1), earlier, LIMITS, "202301010105")
    params = refused.value.params
    assert (params["used"], params["months"], params["max"]) == (24, 1, 24)
    assert params["student_no"] == "202301010105"


def test_a_school_may_set_shorter_limits():
    limits = SuspensionLimits(max_months=6, max_total_months=6)
    assert check_new_suspension(date(2024, 3, 1), date(2024, 9, 1), [], limits, "x") is None
    with pytest.raises(RuleViolation):
        check_new_suspension(date(2024, 3, 1), date(2024, 9, 2), [], limits, "x")
    with pytest.raises(RuleViolation):
        check_new_suspension(date(2025, 3, 1), date(2025, 4, 1), [(date(2024, 3, 1), date(2024, 9, 1))], limits, "x")


def test_overdue_lists_ended_suspensions_most_overdue_first_then_by_number():
    from datetime import date
    from types import SimpleNamespace

    from xueji.domain.suspension import overdue

    def s(no, until):
        return SimpleNamespace(student_no=no, suspended_until=date.fromisoformat(until) if until else None)

    on = date(2026, 9, 10)
    students = [s("202301010103", "2026-08-31"), s("202301010101", "2026-08-31"), s("202301010102", "2026-09-10"),
                s("202301010104", "2025-08-31"), s("202301010105", None)]
    assert [(x.student_no, days) for x, days in overdue(students, on)] == [
        ("202301010104", 375), ("202301010101", 10), ("202301010103", 10)]  # ending today is not overdue yet
