"""Batch use cases: a roster enrolled in one transaction. The rules are the single-student ones, in a loop."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from xueji.domain import order as ordering
from xueji.domain import validate as v
from xueji.domain.errors import N_, ClassFull, InvalidData, Msgid, XuejiError
from xueji.domain.model import PersonInput, Placement, Student
from xueji.domain.validate import FIELD_LABELS
from xueji.files.roster import Roster
from xueji.services import Session
from xueji.services.registry import Admission, admit, register

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class RowProblem:
    """A problem in one cell of a roster: spreadsheet row, column header, the value, and why."""

    row: int
    column: str
    value: str
    message: str
    params: dict = field(default_factory=dict)


class RosterInvalid(InvalidData):
    """A roster with problems: every one of them, and nothing written."""

    def __init__(self, problems: list[RowProblem]):
        XuejiError.__init__(self, N_("The roster has {count} problem(s); nothing was written."), count=len(problems))
        self.problems = []
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
    started = time.perf_counter()
    check = v.Collector()
    if order not in ordering.ORDERS:
        check.fail(InvalidData.one("order", order, N_("The order must be input, pinyin or exam-no, not {value!r}."),
                                   value=order))
    size = check(lambda: _class_size(class_size)) if class_size is not None else None
    default_year = check(lambda: str(v.year(year, session.today))) if year is not None else None
    check.done()
    needs_class = "class" not in roster.columns
    if needs_class and size is None:
        raise InvalidData.one("class", "", N_("The roster has no class column: give --class-size N to form classes."))
    for required in ("name", "gender", "birth_date", "id_number", "college", "major"):
        if required not in roster.columns:
            raise InvalidData.one(required, "", N_("The roster has no {column} column."),
                                  column=Msgid(_label(required)))

    problems: list[RowProblem] = []
    admissions: list[tuple[int, Admission]] = []
    first_row: dict[tuple[str, str], int] = {}
    for index, row in enumerate(roster.rows):
        try:
            admission = admit(
                session,
                PersonInput(row.get("name"), row.get("gender"), row.get("birth_date"), row.get("id_number"),
                            row.get("id_type") or "1", row.get("exam_no")),
                college=row.get("college"), major=row.get("major"),
                klass=row.get("class") if not needs_class else "01",
                year=row.get("year") or default_year, date=date, doc_no=doc_no,
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
        raise RosterInvalid(problems)

    with session.store.transaction(commit=not dry_run) as repo:
        live = repo.live_registrations([(a.person.id_type, a.person.id_number) for _, a in admissions])
        skipped, fresh = [], []
        for row_number, admission in admissions:
            existing = live.get((admission.person.id_type, admission.person.id_number))
            if existing is None:
                fresh.append((row_number, admission))
            elif skip_existing and _same_programme(existing, admission.placement):
                skipped.append(Skipped(row_number, existing, admission.person.name))
            else:
                problems.append(RowProblem(row_number, roster.column("id_number"), admission.person.id_number,
                                           N_("This person already holds a live registration: {student_no}."),
                                           {"student_no": existing}))
        if problems:
            raise RosterInvalid(problems)
        people = _arrange(repo, fresh, order, size if needs_class else None)
        if progress:
            progress(len(roster.rows), len(roster.rows) * 2)
        enrolled = register(repo, people, session.operator)
        if progress:
            progress(len(roster.rows) * 2, len(roster.rows) * 2)
    enrolled.sort(key=lambda student: student.student_no)
    return RosterResult(enrolled, skipped, dry_run, time.perf_counter() - started)


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
            klass = f"{number:02d}"
            arranged.extend(replace(a, placement=replace(a.placement, klass=klass)) for a in members[start:start + count])
            start += count
    return arranged
