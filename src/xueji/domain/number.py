"""The student number 學號: YYYY CC MM KK SS (DOMAIN.md §2)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from xueji.domain.errors import N_, ClassFull, InvalidData

MAX_SEAT = 99
MAX_CLASS = 99
_NUMBER = re.compile(r"^\d{12}$")


@dataclass(frozen=True)
class StudentNumber:
    year: int
    college: str
    major: str
    klass: str
    seat: int

    def __str__(self) -> str:
        return number_text(class_prefix(self.year, self.college, self.major, self.klass), self.seat)

    @property
    def class_prefix(self) -> str:
        return class_prefix(self.year, self.college, self.major, self.klass)


def class_prefix(year: int, college: str, major: str, klass: str) -> str:
    """The first ten digits shared by every number of one class."""
    return f"{year:04d}{college}{major}{klass}"


def number_text(prefix: str, seat: int) -> str:
    """The twelve digits: a class's ten and the seat's two."""
    return f"{prefix}{seat:02d}"


def parse_number(text: str) -> StudentNumber:
    """Split a 12-digit number into its segments; refuses anything else (spaces, hyphens and full-width digits are
    taken away first: 2026 0101 0102, ２０２６０１０１０１０２)."""
    from xueji.domain.validate import identifier

    value = identifier(text)
    if not _NUMBER.match(value) or not value.isascii():
        raise InvalidData.one(
            "student_no", text, N_("A student number has 12 digits (YYYYCCMMKKSS); {value!r} does not."),
            value=text,
        )
    number = StudentNumber(int(value[:4]), value[4:6], value[6:8], value[8:10], int(value[10:12]))
    if number.klass == "00" or number.seat == 0 or number.college == "00" or number.major == "00":
        raise InvalidData.one(
            "student_no", text, N_("{value} is not a student number: codes, class and seat start at 01."),
            value=text,
        )
    return number


def seat_after(highest_issued: int | None, year: int, college: str, major: str, klass: str) -> int:
    """The next seat of a class: one past the highest ever issued there, never reused; refused when none is left."""
    seat = (highest_issued or 0) + 1
    if seat > MAX_SEAT:
        raise ClassFull(
            N_("Class {klass} of {year}/{college}/{major} is full: all {max} seats have been issued."),
            hint=N_("Enroll the student into another class."),
            klass=klass,
            year=year,
            college=college,
            major=major,
            max=MAX_SEAT,
        )
    return seat


def next_seat(highest_issued: int | None, year: int, college: str, major: str, klass: str) -> StudentNumber:
    """The next number in a class: one past the highest seat ever issued there, never reused."""
    return StudentNumber(year, college, major, klass, seat_after(highest_issued, year, college, major, klass))
