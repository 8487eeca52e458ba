"""Batch use cases: a roster enrolled in one transaction. The rules are the single-student ones, in a loop."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from datetime import date

from xueji._gc import paused
from xueji.domain import model
from xueji.domain.access import Action
from xueji.domain import order as ordering
from xueji.domain import validate as v
from xueji.domain.errors import N_, ClassFull, InvalidData, Msgid, XuejiError
from xueji.domain.model import PersonInput, Placement, Student
from xueji.domain.number import parse_number
from xueji.domain.status import EventKind, Status, status_choices, status_from_text
from xueji.domain.validate import FIELD_LABELS
from xueji.files.roster import Roster
from xueji.services import Session
from xueji.services.registry import Admission, admit, duplicate_message, register

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class RowProblem:
    """A problem in one cell of a roster: spreadsheet row, column header, the value, and why; and whom the row
    concerns (name and exam number as the file has them), so a clerk knows where to look."""

    row: int
    column: str
    value: str
    message: str
    params: dict = field(default_factory=dict)
    name: str = ""
    exam_no: str = ""


class RosterInvalid(InvalidData):
    """A roster with problems: every one of them, and nothing written."""

    def __init__(self, problems: list[RowProblem], roster: Roster | None = None):
        XuejiError.__init__(self, N_("Problems in the roster: {count}. Nothing was written."), count=len(problems))
        self.problems = []
        if roster is not None:  # whom each row concerns
            people = {row.number: row for row in roster.rows}
            problems = [replace(p, name=people[p.row].get("name") or "", exam_no=people[p.row].get("exam_no") or "")
                        if p.row in people else p for p in problems]
        self.rows = sorted(problems, key=lambda p: p.row)


@dataclass(frozen=True)
class Skipped:
    row: int
    student_no: str
    name: str


@dataclass
class RosterResult:
    enrolled: list[Student]
    skipped: list[Skipped]
    dry_run: bool
    seconds: float = 0.0
    ignored: list[str] = field(default_factory=list)  # columns of the file the registry does not keep


def _row_problems(error: InvalidData, row: int, roster: Roster, columns: dict[str, str]) -> list[RowProblem]:
    return [
        RowProblem(row, columns.get(p.field) or roster.column(p.field) or _label(p.field), p.value, p.message, p.params)
        for p in error.problems
    ]


def _label(field_name: str) -> str:
    return FIELD_LABELS.get(field_name, field_name)


def enroll_roster(
    session: Session,
    roster: Roster,
    *,
    year: str | None = None,
    order: str = "input",
    class_size: str | None = None,
    skip_existing: bool = False,
    dry_run: bool = False,
    date: str | None = None,
    doc_no: str | None = None,
    progress: Progress | None = None,
) -> RosterResult:
    """Validate every row, then enroll them all in one transaction — or, with any problem, nothing at all."""
    with paused():  # see xueji._gc
        return _enroll_roster(session, roster, year=year, order=order, class_size=class_size,
                              skip_existing=skip_existing, dry_run=dry_run, date=date, doc_no=doc_no, progress=progress)


def _enroll_roster(session: Session, roster: Roster, *, year, order, class_size, skip_existing, dry_run, date, doc_no,
                   progress) -> RosterResult:
    started = time.perf_counter()
    check = v.Collector()
    given_order, order = order, ordering.order_key(order)
    if order not in ordering.ORDERS:
        check.fail(InvalidData.one("order", given_order, N_("The order must be input, pinyin or exam-no, not {value!r}."),
                                   value=given_order))
    size = check(lambda: _class_size(class_size)) if class_size is not None else None
    default_year = check(lambda: str(v.year(year, session.today))) if year is not None else None
    check.done()
    problems: list[RowProblem] = []
    has_class = "class" in roster.columns
    blank = [row.number for row in roster.rows if not row.get("class")] if has_class else []
    needs_class = not has_class or (bool(blank) and len(blank) == len(roster.rows))
    if has_class and blank and not needs_class:
        problems += [RowProblem(number, roster.column("class"), "", N_(
            "This row has no class while other rows have one: give every row a class, or none and --class-size N."))
            for number in blank]
    if needs_class and size is None:
        raise InvalidData.one("class", "", N_("The roster has no class column: give --class-size N to form classes."))
    for required in ("name", "gender", "id_number", "college", "major"):
        if required not in roster.columns:
            raise InvalidData.one(required, "", N_("The roster has no {column} column."),
                                  column=Msgid(_label(required)))
    births = "birth_date" in roster.columns

    admissions: list[tuple[int, Admission]] = []
    first_row: dict[tuple[str, str], int] = {}
    placements: dict = {}
    for index, row in enumerate(roster.rows):
        get = row.values.get
        try:
            admission = admit(
                session, _person(row, births),
                college=get("college"), major=get("major"),
                klass="01" if needs_class or not get("class") else get("class"),  # blanks named above
                year=get("year") or default_year, date=date, doc_no=doc_no, placements=placements,
            )
        except InvalidData as error:
            problems.extend(_row_problems(error, row.number, roster, roster.columns))
        else:
            key = (admission.person.id_type, admission.person.id_number)
            if key in first_row:
                problems.append(RowProblem(row.number, roster.column("id_number"), admission.person.id_number,
                                           N_("The same person is already on row {row} of this roster."),
                                           {"row": first_row[key]}))
            else:
                first_row[key] = row.number
                admissions.append((row.number, admission))
        if progress and index % 1000 == 0:
            progress(index, len(roster.rows) * 2)
    if problems:
        raise RosterInvalid(problems, roster)

    with session.store.transaction() as repo:
        live = repo.live_registrations([(a.person.id_type, a.person.id_number) for _, a in admissions])
        skipped, fresh = [], []
        for row_number, admission in admissions:
            existing = live.get((admission.person.id_type, admission.person.id_number))
            if existing is None:
                fresh.append((row_number, admission))
            elif skip_existing and _same_programme(existing, admission.placement):
                skipped.append(Skipped(row_number, existing, admission.person.name))
            else:
                message, params = duplicate_message(session, existing)
                problems.append(RowProblem(row_number, roster.column("id_number"), admission.person.id_number,
                                           message, params))
        if problems:
            raise RosterInvalid(problems, roster)
        people = _arrange(repo, fresh, order, size if needs_class else None)
        del admissions, fresh, first_row, live  # held no longer than needed: a 100 000-row roster is ~300 MiB
        if progress:
            progress(len(roster.rows), len(roster.rows) * 2)
        enrolled = register(repo, people, session, checked=True)  # the live registrations were looked up above
        if progress:
            progress(len(roster.rows) * 2, len(roster.rows) * 2)
        if not dry_run:
            repo.commit()
    enrolled.sort(key=lambda student: student.student_no)
    return RosterResult(enrolled, skipped, dry_run, time.perf_counter() - started, list(roster.ignored))


_YEAR_MONTH = re.compile(r"^(\d{4})\s*(?:[-/.年]\s*)?(\d{1,2})\s*月?$")


def _person(row, births: bool) -> PersonInput:
    """A row's person as typed; without a birth-date column, the birth date is the one an 18-digit ID holds. A
    出生年月 column of years and months (2005.06) is completed by the ID's day when the two agree."""
    get = row.values.get
    born = get("birth_date") if births else (v.birth_from_id(get("id_number")) or "")
    month = _YEAR_MONTH.match(born or "") if births else None
    if month:
        from_id = v.birth_from_id(get("id_number"))
        if from_id and (int(from_id[:4]), int(from_id[5:7])) == (int(month.group(1)), int(month.group(2))):
            born = from_id
    return PersonInput(get("name"), get("gender"), born, get("id_number"), get("id_type") or "1",
                       get("exam_no"), get("ethnicity"), get("political"), get("region"))


def _class_size(value: str | None) -> int:
    text = (value or "").strip()
    if not text.isdigit() or not 1 <= int(text) <= 99:
        raise InvalidData.one("class_size", value, N_("The class size must be a whole number from 1 to 99."))
    return int(text)


def _same_programme(student_no: str, placement: Placement) -> bool:
    return student_no[:8] == f"{placement.year:04d}{placement.college}{placement.major}"


def _arrange(repo, rows: list[tuple[int, Admission]], order: str, size: int | None) -> list[Admission]:
    """Put admissions in seat order; with ``size``, first form each year/college/major group into classes."""
    key = ordering.sort_key(order)
    ranked = sorted(
        rows, key=lambda item: key((item[0], item[1].person.name, item[1].person.id_number, item[1].person.exam_no))
    )
    if size is None:
        return [admission for _, admission in ranked]
    groups: dict[tuple[int, str, str], list[Admission]] = {}
    for _, admission in ranked:
        p = admission.placement
        groups.setdefault((p.year, p.college, p.major), []).append(admission)
    arranged: list[Admission] = []
    for (year, college, major), members in groups.items():
        number = repo.highest_class(year, college, major)
        start = 0
        for count in ordering.split_sizes(len(members), size):
            number += 1
            if number > 99:
                raise ClassFull(N_("{year}/{college}/{major} has no class number left (99 at most)."),
                                year=year, college=college, major=major)
            where = Placement(year, college, major, f"{number:02d}")  # one for the class's members
            arranged.extend(Admission(a.person, where, a.on, a.doc_no, a.from_school)
                            for a in members[start:start + count])  # dataclasses.replace is 3x slower
            start += count
    return arranged


# --- importing existing records (§十: the clean-up of existing data) ---------------------------

@dataclass
class ImportResult:
    imported: list[Student]
    dry_run: bool
    seconds: float = 0.0


def _imported_record(session: Session, row, roster: Roster) -> tuple[Student, date]:
    """One legacy row checked by the same validators as an enrollment, plus its number against the rule."""
    check = v.Collector()
    number = check(lambda: parse_number(row.get("student_no")))
    status = status_from_text(row.get("status") or "active")
    if status is None:
        check.fail(InvalidData.one("status", row.get("status"), N_("Unknown status {value!r}: use one of {choices}."),
                                   value=row.get("status") or "", choices=status_choices()))
    where = None
    if number is not None:
        where = check(lambda: model.placement(
            session.codes, row.get("year") or number.year, row.get("college") or number.college,
            row.get("major") or number.major, row.get("class") or number.klass, session.today))
        if where is not None and (where.year, where.college, where.major, where.klass) != (
                number.year, number.college, number.major, number.klass):
            check.fail(InvalidData.one(
                "student_no", row.get("student_no"),
                N_("The number {value} does not match the row's year, college, major and class ({placement})."),
                value=str(number), placement=f"{where.year}/{where.college}/{where.major}/{where.klass}"))
            where = None
    entry_year = where.year if where else session.today.year
    enrolled_on = check(lambda: v.iso_date(row.get("enroll_date"), "enroll_date")) if row.get("enroll_date") else (
        date(entry_year, 9, 1))
    who = check(lambda: model.person(_person(row, "birth_date" in roster.columns), date(entry_year, 9, 1)))
    since = check(lambda: v.iso_date(row.get("status_since"), "status_since")) if row.get("status_since") else enrolled_on
    until = None
    if status == Status.SUSPENDED:
        if row.get("suspended_until"):
            until = check(lambda: v.iso_date(row.get("suspended_until"), "suspended_until"))
        else:
            check.fail(InvalidData.one("suspended_until", "", N_("A suspended student needs the date the suspension ends.")))
    check.done()
    if since < enrolled_on:
        raise InvalidData.one("status_since", since.isoformat(),
                              N_("The status cannot begin ({since}) before enrollment ({enrolled})."),
                              since=since.isoformat(), enrolled=enrolled_on.isoformat())
    return Student(None, str(number), who, where, number.seat, where, status, since, until), enrolled_on


def import_records(session: Session, roster: Roster, *, dry_run: bool = False, progress: Progress | None = None) -> ImportResult:
    """Bring in records that already have numbers: checked, never renumbered, all or nothing, each with an event."""
    with paused():  # see xueji._gc
        return _import_records(session, roster, dry_run=dry_run, progress=progress)


def _import_records(session: Session, roster: Roster, *, dry_run: bool, progress: Progress | None) -> ImportResult:
    started = time.perf_counter()
    session.require(Action.IMPORT)
    for required in ("student_no", "name", "gender", "id_number"):
        if required not in roster.columns:
            raise InvalidData.one(required, "", N_("The roster has no {column} column."), column=Msgid(_label(required)))
    problems: list[RowProblem] = []
    records: list[tuple[int, Student, date]] = []
    numbers: dict[str, int] = {}
    live_people: dict[tuple[str, str], int] = {}
    for index, row in enumerate(roster.rows):
        try:
            student, enrolled_on = _imported_record(session, row, roster)
        except InvalidData as error:
            problems.extend(_row_problems(error, row.number, roster, roster.columns))
            continue
        if student.student_no in numbers:
            problems.append(RowProblem(row.number, roster.column("student_no"), student.student_no,
                                       N_("The number {student_no} is already on row {row} of this roster."),
                                       {"student_no": student.student_no, "row": numbers[student.student_no]}))
            continue
        numbers[student.student_no] = row.number
        key = (student.person.id_type, student.person.id_number)
        if student.status.is_live:
            if key in live_people:
                problems.append(RowProblem(row.number, roster.column("id_number"), student.person.id_number,
                                           N_("The same person is already on row {row} of this roster."),
                                           {"row": live_people[key]}))
                continue
            live_people[key] = row.number
        records.append((row.number, student, enrolled_on))
        if progress and index % 1000 == 0:
            progress(index, len(roster.rows))
    if problems:
        raise RosterInvalid(problems, roster)
    with session.store.transaction() as repo:
        existing = repo.existing_numbers([s.student_no for _, s, _ in records])
        live = repo.live_registrations([(s.person.id_type, s.person.id_number) for _, s, _ in records if s.status.is_live])
        for row_number, student, _ in records:
            if student.student_no in existing:
                problems.append(RowProblem(row_number, roster.column("student_no"), student.student_no,
                                           N_("The number {student_no} is already in the registry."),
                                           {"student_no": student.student_no}))
            key = (student.person.id_type, student.person.id_number)
            if student.status.is_live and key in live:
                message, params = duplicate_message(session, live[key])
                problems.append(RowProblem(row_number, roster.column("id_number"), student.person.id_number,
                                           message, params))
        if problems:
            raise RosterInvalid(problems, roster)
        first = repo.next_student_id()
        stored = repo.add_many([replace(s, id=first + i) for i, (_, s, _) in enumerate(records)],
                               ["import"] * len(records))
        repo.add_events([
            (student, session.event(EventKind.IMPORT, session.today, None, student.status,
                                    detail={"enroll_date": enrolled_on.isoformat(), "status_since": student.status_since.isoformat(),
                                    **({"until": student.suspended_until.isoformat()} if student.suspended_until else {})}))
            for student, (_, _, enrolled_on) in zip(stored, records)
        ])
        if not dry_run:
            repo.commit()
    if progress:
        progress(len(roster.rows), len(roster.rows))
    stored.sort(key=lambda student: student.student_no)
    return ImportResult(stored, dry_run, time.perf_counter() - started)
