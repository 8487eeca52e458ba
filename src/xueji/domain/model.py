"""Records of the registry: a person, a placement, a student and the events of their history."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from xueji.domain import national
from xueji.domain import validate as v
from xueji.domain.errors import N_, InvalidData, Msgid
from xueji.domain.status import EventKind, Status


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    gender: str
    birth_date: date
    id_type: str
    id_number: str
    exam_no: str | None = None
    ethnicity: str | None = None   # GB/T 3304 code
    political: str | None = None   # GB/T 4762 code
    region: str | None = None      # 生源地: a GB/T 2260 province or county code


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a student is: enrollment year (cohort), college, major, class."""

    year: int
    college: str
    major: str
    klass: str


@dataclass(frozen=True, slots=True)
class Student:
    id: int | None
    student_no: str
    person: Person
    entry: Placement
    seat: int
    current: Placement
    status: Status
    status_since: date
    suspended_until: date | None = None


@dataclass(frozen=True)
class Event:
    kind: EventKind
    effective_date: date
    operator: str
    status_before: Status | None
    status_after: Status
    reason: str | None = None
    doc_no: str | None = None
    detail: dict = field(default_factory=dict)
    recorded_at: str | None = None
    id: int | None = None
    submitted_by: str | None = None  # the college operator whose request this was, or the office operator
    approved_by: str | None = None   # the office operator who approved it
    request_id: int | None = None
    account: str | None = None       # the OS account behind the operator (from the process's user id)

    @property
    def jyt_code(self) -> str | None:
        return self.kind.jyt_code


REQUEST_STATES = {"pending": Msgid(N_("pending")), "approved": Msgid(N_("approved")), "rejected": Msgid(N_("rejected"))}


@dataclass(frozen=True)
class ChangeRequest:
    """A college's change waiting for the office (§六: college review, then office approval)."""

    id: int
    action: str
    college: str | None
    student_no: str | None
    status: str
    submitted_by: str
    submitted_at: str
    decided_by: str | None
    decided_at: str | None
    doc_no: str | None
    decision_reason: str | None
    account: str | None
    receiving: str | None   # a change of major into another college: that college, which must agree
    agreed_by: str | None
    agreed_at: str | None
    payload: dict


@dataclass(slots=True)  # a transient input, built per row of a roster: not frozen, which costs ~1 µs a row
class PersonInput:
    """A person as typed (by a clerk, or in a roster row): raw strings, validated by ``person``."""

    name: str | None
    gender: str | None
    birth_date: str | None
    id_number: str | None
    id_type: str | None = "1"
    exam_no: str | None = None
    ethnicity: str | None = None
    political: str | None = None
    region: str | None = None


def person(raw: PersonInput, on: date) -> Person:
    """Validate every field of a person, reporting all problems together."""
    try:  # the common case, every field right, without collecting (a roster checks 100 000 of these)
        kind = v.id_type(raw.id_type)
        sex = v.gender(raw.gender)
        born = v.birth_date(raw.birth_date, on)
        return Person(v.name(raw.name), sex, born, kind, v.id_number(raw.id_number, kind, born, sex),
                      v.exam_no(raw.exam_no), national.ethnicity(raw.ethnicity) if raw.ethnicity else None,
                      national.political(raw.political) if raw.political else None,
                      national.region(raw.region) if raw.region else None)
    except InvalidData:
        pass  # again, collecting every problem
    attempt = v.Collector()

    kind = attempt(lambda: v.id_type(raw.id_type))
    name = attempt(lambda: v.name(raw.name))
    sex = attempt(lambda: v.gender(raw.gender))
    born = attempt(lambda: v.birth_date(raw.birth_date, on))
    exam = attempt(lambda: v.exam_no(raw.exam_no))
    id_number = attempt(lambda: v.id_number(raw.id_number, kind or "1", born, sex))
    nation = attempt(lambda: national.ethnicity(raw.ethnicity)) if raw.ethnicity else None
    party = attempt(lambda: national.political(raw.political)) if raw.political else None
    origin = attempt(lambda: national.region(raw.region)) if raw.region else None
    attempt.done()
    return Person(name, sex, born, kind, id_number, exam, nation, party, origin)


def placement(codes, year: str | int | None, college: str | None, major: str | None, klass: str | None, today: date) -> Placement:
    """Validate a placement against the code table, reporting all problems together."""
    try:  # the common case without collecting
        found = codes.college(college)
        return Placement(v.year(year, today), found.code, codes.major(found, major).code, v.class_code(klass))
    except InvalidData:
        pass
    attempt = v.Collector()

    y = attempt(lambda: v.year(year, today))
    c = attempt(lambda: codes.college(college))
    m = attempt(lambda: codes.major(c, major)) if c else None
    k = attempt(lambda: v.class_code(klass))
    attempt.done()
    return Placement(y, c.code, m.code, k)
