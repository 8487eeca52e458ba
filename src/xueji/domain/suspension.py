"""Suspension limits (教育部令第41號: the school sets the length of one suspension and of all together)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from xueji.domain.errors import N_, InvalidData, RuleViolation


@dataclass(frozen=True)
class SuspensionLimits:
    max_months: int = 12
    max_total_months: int = 24


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, clamped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    import calendar  # here, not at the top: only suspensions need it, and every command's start-up pays an import

    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_spanned(start: date, end: date) -> int:
    """Calendar months a period covers, a part month counting whole: suspensions are granted by the month."""
    months = max(0, (end.year - start.year) * 12 + end.month - start.month - 1)
    while add_months(start, months) < end:
        months += 1
    return months


def check_new_suspension(
    start: date, until: date, earlier: list[tuple[date, date]], limits: SuspensionLimits, student_no: str
) -> None:
    """Refuse a suspension that ends before it starts, is too long, or takes the student past the total."""
    if until <= start:
        raise InvalidData.one(
            "until", until.isoformat(),
            N_("The suspension must end after it starts ({start}); {until} does not."),
            start=start.isoformat(), until=until.isoformat(),
        )
    months = months_spanned(start, until)
    if months > limits.max_months:
        raise RuleViolation(
            N_("A suspension may last at most {max} months; {start} to {until} is {months} months."),
            max=limits.max_months, start=start.isoformat(), until=until.isoformat(), months=months,
        )
    used = sum(months_spanned(a, b) for a, b in earlier)
    if used + months > limits.max_total_months:
        raise RuleViolation(
            N_("{student_no} has been suspended for {used} months; {months} more would pass the limit of {max} months in all."),
            student_no=student_no, used=used, months=months, max=limits.max_total_months,
        )


def overdue(suspended, on: date) -> list[tuple]:
    """The students of ``suspended`` whose suspension ended before ``on``, each with the days overdue: the most
    overdue first, then by number (the nightly `due` list and the annual report's sheet alike)."""
    late = [(s, (on - s.suspended_until).days) for s in suspended if s.suspended_until and s.suspended_until < on]
    return sorted(late, key=lambda item: (-item[1], item[0].student_no))
