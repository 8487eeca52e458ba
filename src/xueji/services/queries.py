"""Read-only use cases: finding students and showing a record with its history."""

from __future__ import annotations

from xueji.domain import validate as v
from xueji.domain.access import Action
from xueji.domain.errors import N_, InvalidData
from xueji.domain.model import Event, Student
from xueji.domain.number import parse_number
from xueji.domain.status import Status, status_from_text
from xueji.services import Session
from xueji.store.repository import StudentFilter


def query(
    session: Session,
    *,
    student_no: str | None = None,
    name: str | None = None,
    id_number: str | None = None,
    year: str | None = None,
    college: str | None = None,
    major: str | None = None,
    klass: str | None = None,
    statuses: list[str] | None = None,
    limit: str | None = "100",
) -> tuple[list[Student], int]:
    """Students matching every filter given, newest first; and how many match in all."""
    session.require(Action.READ)
    check = v.Collector()
    f = StudentFilter(scope=session.scope)
    if student_no is not None:
        f.student_no = check(lambda: str(parse_number(student_no)))
    if name is not None:
        f.name = check(lambda: v.label(name, "name", max_len=v.NAME_MAX))
    if id_number is not None:
        f.id_number = check(lambda: _id_search(id_number))
    if year is not None:
        f.year = check(lambda: v.year(year, session.today))
    codes = session.codes_table
    if college is not None:
        f.college = check(lambda: codes.college(college).code if codes else v.two_digit_code(college, "college"))
    if major is not None:
        if codes and f.college:
            f.major = check(lambda: codes.major(codes.college(f.college), major).code)
        else:
            f.major = check(lambda: v.two_digit_code(major, "major"))
    if klass is not None:
        f.klass = check(lambda: v.class_code(klass))
    for status in statuses or []:
        f.statuses.append(check(lambda s=status: _status(s)))
    count = check(lambda: v.limit(limit if limit is not None else "100"))
    check.done()
    return session.store.reader().query(f, count)


def _id_search(value: str) -> str:
    text = "".join(value.split()).upper()
    if not text:
        raise InvalidData.one("id_number", value, N_("The ID number is empty."))
    return text


def _status(value: str) -> str:
    status = status_from_text(value)
    if status is None:
        raise InvalidData.one(
            "status", value, N_("Unknown status {value!r}: use one of {choices}."),
            value=value, choices=", ".join(s.value for s in Status),
        )
    return status.value


def show(session: Session, student_no: str) -> tuple[Student, list[Event]]:
    """A record and its whole history."""
    session.require(Action.READ)
    number = str(parse_number(student_no))
    repo = session.store.reader()
    student = session.visible(repo.get(number), number)
    return student, repo.events(student)
