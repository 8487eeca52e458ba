"""The registry's use cases: enrollment, transfers, suspension and resumption, withdrawal, graduation, cancellation."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from xueji.domain import model, suspension
from xueji.domain import validate as v
from xueji.domain.access import Action
from xueji.domain.errors import N_, DuplicateRegistration, InvalidData, PermissionDenied, RuleViolation
from xueji.domain.model import Event, Person, PersonInput, Placement, Student
from xueji.domain.number import MAX_SEAT, class_prefix, number_text, parse_number, seat_after
from xueji.domain.status import (CAUSES, OUTCOMES, EventKind, Status, cause_choices, cause_key, outcome_choices,
                                 outcome_key, reinstatement, transition)
from xueji.domain.suspension import check_new_suspension
from xueji.services import Session
from xueji.store.repository import Repository, StudentFilter


def _effective(raw: str | None, today: date) -> date:
    return v.effective_date(raw, today) if raw else today


def _enrolled_when_possible(on: date, who: Person, where: Placement) -> None:
    """An enrollment cannot take effect before the student was born, nor before the year of the cohort joined."""
    if on < who.birth_date:
        raise InvalidData.one("date", on.isoformat(), N_("The effective date {date} is before the student was born "
                                                         "({born})."), date=on.isoformat(), born=who.birth_date.isoformat())
    if on.year < where.year:
        raise InvalidData.one("date", on.isoformat(), N_("The effective date {date} is before the cohort's year "
                                                         "({year})."), date=on.isoformat(), year=where.year)


def _not_before(on: date, student: Student) -> None:
    if on < student.status_since:
        raise InvalidData.one(
            "date", on.isoformat(),
            N_("The effective date {date} is before the student's current status began ({since})."),
            date=on.isoformat(), since=student.status_since.isoformat(),
        )


def _get(session: Session, repo: Repository, student_no: str) -> Student:
    return session.visible(repo.get(student_no), student_no)


@dataclass(slots=True)  # transient, one per roster row (twice when classes are formed): not frozen, ~1 µs a row less
class Admission:
    """A validated enrollment waiting for its number: the same shape for one clerk's entry and a roster row."""

    person: Person
    placement: Placement
    on: date
    doc_no: str | None = None
    from_school: str | None = None

    @property
    def kind(self) -> EventKind:
        return EventKind.TRANSFER_IN if self.from_school is not None else EventKind.ENROLL


def admit(
    session: Session,
    person: PersonInput,
    *,
    college: str | None,
    major: str | None,
    klass: str | None,
    year: str | None = None,
    date: str | None = None,
    doc_no: str | None = None,
    from_school: str | None = None,
    placements: dict | None = None,
) -> Admission:
    """Validate every field of an enrollment, reporting all problems together; writes nothing. A batch passes
    ``placements`` to check each year/college/major/class it repeats once."""
    try:  # the common case, every field right, without collecting
        on = _effective(date, session.today)
        where = placements.get((year, college, major, klass)) if placements is not None else None
        if where is None:
            where = model.placement(session.codes, year or session.today.year, college, major, klass, session.today)
            if placements is not None:
                placements[(year, college, major, klass)] = where
        who = model.person(person, _enrollment_day(where, on))
        doc = v.label(doc_no, "doc_no", required=False, max_len=100)
        school = v.label(from_school, "from_school") if from_school is not None else None
    except InvalidData:
        pass
    else:
        _enrolled_when_possible(on, who, where)
        _in_scope(session, where)
        return Admission(who, where, on, doc, school)
    check = v.Collector()
    on = check(lambda: _effective(date, session.today))
    where = check(lambda: model.placement(session.codes, year or session.today.year, college, major, klass, session.today))
    who = check(lambda: model.person(person, _enrollment_day(where, on)))
    doc = check(lambda: v.label(doc_no, "doc_no", required=False, max_len=100))
    school = check(lambda: v.label(from_school, "from_school")) if from_school is not None else None
    check.done()
    _enrolled_when_possible(on, who, where)
    _in_scope(session, where)
    return Admission(who, where, on, doc, school)


def _in_scope(session: Session, where: Placement) -> None:
    if session.scope and where.college != session.scope:
        raise PermissionDenied(N_("College staff of {college} may enroll students into their own college only."),
                               college=session.scope)


def duplicate_message(session: Session, existing: str) -> tuple[str, dict]:
    """The one message for a person who already holds a live registration. College staff learn the fact, and the
    number only when it is their own college's (another college's numbers are not theirs to see)."""
    if session.scope and existing[4:6] != session.scope:
        return N_("This person already holds a live registration in another college."), {}
    return N_("This person already holds a live registration: {student_no}."), {"student_no": existing}


def duplicate(session: Session, existing: str) -> DuplicateRegistration:
    message, params = duplicate_message(session, existing)
    return DuplicateRegistration(message, hint=N_("One person holds one registration; withdraw or close the other "
                                                  "first."), **params)


def register(repo: Repository, admissions: list[Admission], session: Session, *, checked: bool = False) -> list[Student]:
    """Number and store admissions inside the caller's transaction: one record and one event each.

    Seats continue from the highest ever issued in each class, so numbers are never reused. ``checked``: the caller
    has looked the people up in this same transaction and none holds a live registration (a roster does).
    """
    session.require_change()
    highest: dict[str, int] = {}
    seen = {} if checked else repo.live_registrations([(a.person.id_type, a.person.id_number) for a in admissions])
    first = repo.next_student_id()
    students = []
    for index, admission in enumerate(admissions):
        who, where = admission.person, admission.placement
        key = (who.id_type, who.id_number)
        existing = seen.get(key)
        if existing:
            raise duplicate(session, existing)
        prefix = class_prefix(where.year, where.college, where.major, where.klass)
        if prefix not in highest:
            highest[prefix] = repo.highest_seat(prefix) or 0
        highest[prefix] = seat = seat_after(highest[prefix], where.year, where.college, where.major, where.klass)
        seen[key] = text = number_text(prefix, seat)
        students.append(Student(first + index, text, who, where, seat, where, Status.ACTIVE, admission.on))
    students = repo.add_many(students, [a.kind.value for a in admissions])
    events: dict[tuple, Event] = {}  # one event object for the admissions that share its fields (a roster's all do)

    def event(a: Admission) -> Event:
        key = (a.kind, a.on, a.doc_no, a.from_school)
        if key not in events:
            events[key] = session.event(a.kind, a.on, None, Status.ACTIVE, doc_no=a.doc_no,
                                        detail={"from_school": a.from_school} if a.from_school else {})
        return events[key]

    repo.add_events((student, event(a)) for student, a in zip(students, admissions))
    return students


def enroll(session: Session, person: PersonInput, **placement) -> Student:
    """Create a registration and issue the next number of the class (§五). With ``from_school``: a transfer in (§六.1)."""
    admission = admit(session, person, **placement)
    with session.store.transaction() as repo:
        student = register(repo, [admission], session)[0]
        repo.commit()
    return student


def _enrollment_day(where, on: date) -> date:
    """Age is judged at the start of the enrollment year's autumn term, or the effective date if unknown."""
    return date(where.year, 9, 1) if where else on


def _change(session: Session, student_no: str, kind: EventKind, *, date: str | None, reason: str | None,
            doc_no: str | None, reason_required: bool, extra=None) -> Student:
    """One status change in one transaction: validate, check the lifecycle, write the record and its event."""
    number, on, why, doc = _change_inputs(session, student_no, date, reason, doc_no, reason_required)
    with session.store.transaction() as repo:
        student = _apply(session, repo, _get(session, repo, number), kind, on, why, doc, extra)
        repo.commit()
    return student


def _change_inputs(session: Session, student_no: str, date: str | None, reason: str | None, doc_no: str | None,
                   reason_required: bool) -> tuple:
    """What every change of one student takes, validated together: (number, effective day, reason, document)."""
    check = v.Collector()
    number = check(lambda: str(parse_number(student_no)))
    on = check(lambda: _effective(date, session.today))
    why = check(lambda: v.label(reason, "reason", required=reason_required))
    doc = check(lambda: v.label(doc_no, "doc_no", required=False, max_len=100))
    check.done()
    return number, on, why, doc


def _apply(session: Session, repo: Repository, student: Student, kind: EventKind, on: date, why: str | None,
           doc: str | None, extra=None) -> Student:
    """The lifecycle step itself, shared by every status change: check, update the record, write its event."""
    session.require_change()
    after = transition(student.status, kind, student.student_no)
    _not_before(on, student)
    updated = replace(student, status=after, status_since=on, suspended_until=None)
    detail: dict = {}
    if extra:
        updated, detail = extra(repo, student, updated, on)
    repo.update(updated)
    repo.add_event(updated, session.event(kind, on, student.status, after, why, doc, detail))
    return updated


def suspend(session: Session, student_no: str, *, reason: str | None, until: str | None,
            date: str | None = None, doc_no: str | None = None) -> Student:
    """休學 (§六.2): the registration and number are kept; limits from the configuration."""
    end = v.iso_date(until, "until")

    def apply(repo: Repository, student: Student, updated: Student, on: date):
        check_new_suspension(on, end, _suspension_periods(repo.events(student)), session.limits, student.student_no)
        return replace(updated, suspended_until=end), {"until": end.isoformat()}

    return _change(session, student_no, EventKind.SUSPEND, date=date, reason=reason, doc_no=doc_no,
                   reason_required=True, extra=apply)


def _suspension_periods(events: list[Event]) -> list[tuple[date, date]]:
    """Past suspensions as (start, end): ended by resumption or any later change, else the planned end."""
    periods, start, planned = [], None, None
    for event in events:
        if event.kind == EventKind.SUSPEND:
            start, planned = event.effective_date, date.fromisoformat(event.detail["until"])
        elif start is not None:
            periods.append((start, max(event.effective_date, start)))
            start = None
    if start is not None:
        periods.append((start, planned))
    return periods


def resume(session: Session, student_no: str, *, date: str | None = None, klass: str | None = None,
           cohort: str | None = None, doc_no: str | None = None) -> Student:
    """復學 (§六.2): back to active with the same number, optionally into another class or a later cohort."""
    check = v.Collector()
    new_class = check(lambda: v.class_code(klass)) if klass else None
    new_year = check(lambda: v.year(cohort, session.today)) if cohort else None
    check.done()

    def apply(repo: Repository, student: Student, updated: Student, on: date):
        if new_year is not None and new_year < student.current.year:
            raise InvalidData.one("cohort", cohort, N_("A student resumes into their own cohort ({year}) or a later "
                                                       "one, not {cohort}."), year=student.current.year, cohort=new_year)
        current = replace(student.current, klass=new_class or student.current.klass,
                          year=new_year or student.current.year)
        detail = {}
        if current != student.current:
            detail = {"placement_before": _placement_text(student.current), "placement_after": _placement_text(current)}
        return replace(updated, current=current), detail

    return _change(session, student_no, EventKind.RESUME, date=date, reason=None, doc_no=doc_no,
                   reason_required=False, extra=apply)


def _placement_text(p) -> str:
    return f"{p.year}/{p.college}/{p.major}/{p.klass}"


def _move(session: Session, student_no: str, kind: EventKind, target, *, date: str | None, reason: str | None,
          doc_no: str | None) -> Student:
    """A placement change (轉專業, 轉班, 降級): an active student, the same number, another current placement; one
    event holding the placement before and after. ``target(student)`` gives the new placement (checked here: it
    differs from the current one, its class has room, a cohort is never earlier)."""
    number, on, why, doc = _change_inputs(session, student_no, date, reason, doc_no, reason_required=True)
    with session.store.transaction() as repo:
        student = _get(session, repo, number)
        session.require_change()
        transition(student.status, kind, student.student_no)
        _not_before(on, student)
        where = target(student)
        if where == student.current:
            raise RuleViolation(N_("{student_no} is already in class {klass} of {major}, college {college}, "
                                   "cohort {year}: nothing to change."), student_no=number, klass=where.klass,
                                major=where.major, college=where.college, year=where.year)
        if where.year < student.current.year:
            raise InvalidData.one("cohort", str(where.year), N_("A student moves to a later cohort than {year}, never "
                                                                "an earlier one."), year=student.current.year)
        if repo.placed(where) >= MAX_SEAT:
            raise RuleViolation(N_("Class {klass} of {major}, college {college}, cohort {year} already has {count} "
                                   "students."), klass=where.klass, major=where.major, college=where.college,
                                year=where.year, count=MAX_SEAT)
        moved = replace(student, current=where)  # the status and since when stay as they are
        detail = {"placement_before": _placement_text(student.current), "placement_after": _placement_text(where)}
        if session.rehearsal and where.college != student.current.college:
            return moved  # a college's review of a move out of it: every rule checked; its login may not write there
        repo.update(moved)
        repo.add_event(moved, session.event(kind, on, student.status, student.status, why, doc, detail))
        repo.commit()
    return moved


def change_major(session: Session, student_no: str, *, college: str | None, major: str | None, klass: str | None,
                 date: str | None = None, reason: str | None = None, doc_no: str | None = None) -> Student:
    """轉專業 (§六): into another major of the college or of another college (which must agree to a college's
    request); the number records where the student entered and never changes."""
    check = v.Collector()
    found = check(lambda: session.codes.college(college))
    chosen = check(lambda: session.codes.major(found, major)) if found else None
    k = check(lambda: v.class_code(klass))
    check.done()
    return _move(session, student_no, EventKind.CHANGE_MAJOR,
                 lambda s: Placement(s.current.year, found.code, chosen.code, k),
                 date=date, reason=reason, doc_no=doc_no)


def change_class(session: Session, student_no: str, *, klass: str | None, date: str | None = None,
                 reason: str | None = None, doc_no: str | None = None) -> Student:
    """轉班: another class of the same cohort and major."""
    k = v.class_code(klass)
    return _move(session, student_no, EventKind.CHANGE_CLASS, lambda s: replace(s.current, klass=k),
                 date=date, reason=reason, doc_no=doc_no)


def change_cohort(session: Session, student_no: str, *, cohort: str | None, klass: str | None = None,
                  date: str | None = None, reason: str | None = None, doc_no: str | None = None) -> Student:
    """降級 / 留級: into a later cohort of the same major (its class of the same number unless ``klass``)."""
    check = v.Collector()
    year = check(lambda: v.year(cohort, session.today))
    k = check(lambda: v.class_code(klass)) if klass else None
    check.done()

    def target(s: Student) -> Placement:
        if year <= s.current.year:
            raise InvalidData.one("cohort", cohort, N_("A student moves to a later cohort than {year}, never an "
                                                       "earlier one."), year=s.current.year)
        return replace(s.current, year=year, klass=k or s.current.klass)

    return _move(session, student_no, EventKind.CHANGE_COHORT, target, date=date, reason=reason, doc_no=doc_no)


def withdraw(session: Session, student_no: str, *, reason: str | None, date: str | None = None,
             doc_no: str | None = None) -> Student:
    """退學 (§六.3): the registration is cancelled and the number retired for good."""
    return _change(session, student_no, EventKind.WITHDRAW, date=date, reason=reason, doc_no=doc_no, reason_required=True)


def transfer_out(session: Session, student_no: str, *, to_school: str | None, reason: str | None = None,
                 date: str | None = None, doc_no: str | None = None) -> Student:
    """轉學轉出 (§六.1): the record leaves; the number is never reused."""
    school = v.label(to_school, "to_school")

    def apply(repo, student, updated, on):
        return updated, {"to_school": school}

    return _change(session, student_no, EventKind.TRANSFER_OUT, date=date, reason=reason, doc_no=doc_no,
                   reason_required=False, extra=apply)


def cancel(session: Session, student_no: str, *, cause: str | None, reason: str | None = None,
           date: str | None = None, doc_no: str | None = None) -> Student:
    """注銷 for death or a missing student (§七.2)."""
    key = cause_key(cause)
    if key not in CAUSES:
        raise InvalidData.one("cause", cause, N_("The cause must be one of {choices}, not {value!r}."),
                              value=(cause or "").strip(), choices=cause_choices())
    return _change(session, student_no, CAUSES[key], date=date, reason=reason, doc_no=doc_no, reason_required=False)


def _outcome(check: v.Collector, outcome: str | None) -> EventKind | None:
    key = outcome_key(outcome)
    if key not in OUTCOMES:
        check.fail(InvalidData.one(
            "outcome", outcome, N_("The outcome must be one of {choices}, not {value!r}."),
            value=(outcome or "").strip(), choices=outcome_choices()))
        return None
    return OUTCOMES[key]


def graduate(session: Session, student_nos: list[str], *, outcome: str | None = "graduated",
             date: str | None = None, doc_no: str | None = None) -> list[Student]:
    """畢業/結業/肄業 (§七.1) for one or more students, all or none."""
    check = v.Collector()
    kind = _outcome(check, outcome)
    numbers = [check(lambda n=n: str(parse_number(n))) for n in student_nos]
    on = check(lambda: _effective(date, session.today))
    doc = check(lambda: v.label(doc_no, "doc_no", required=False, max_len=100))
    if not student_nos:
        check.fail(InvalidData.one("student_no", "", N_("Name at least one student number.")))
    check.done()
    with session.store.transaction() as repo:
        closed = [_apply(session, repo, _get(session, repo, number), kind, on, None, doc)
                  for number in dict.fromkeys(numbers)]
        repo.commit()
    return closed


@dataclass
class CohortResult:
    closed: list[Student]
    skipped: list[tuple[Student, str]]  # (student, "excepted" | "status")
    dry_run: bool


def graduate_cohort(session: Session, *, year: str | None, college: str | None = None, major: str | None = None,
                    klass: str | None = None, excepted: list[str] | None = None, outcome: str | None = "graduated",
                    date: str | None = None, doc_no: str | None = None, dry_run: bool = False) -> CohortResult:
    """Close every active student of a cohort (by current placement) in one transaction; others are listed as skipped."""
    check = v.Collector()
    kind = _outcome(check, outcome)
    f = StudentFilter(year=check(lambda: v.year(year, session.today)), scope=session.scope)
    if college is not None:
        found = check(lambda: session.codes.college(college))
        f.college = found.code if found else None
        if found is not None and session.scope and found.code != session.scope:
            raise PermissionDenied(N_("College staff of {college} may close their own college's students only."),
                                   college=session.scope)
        if major is not None and found is not None:
            f.major = check(lambda: session.codes.major(found, major).code)
    elif major is not None:
        check.fail(InvalidData.one("major", major, N_("Give --college with --major.")))
    if klass is not None:
        f.klass = check(lambda: v.class_code(klass))
    skip = {check(lambda n=n: str(parse_number(n))) for n in excepted or []}
    on = check(lambda: _effective(date, session.today))
    doc = check(lambda: v.label(doc_no, "doc_no", required=False, max_len=100))
    check.done()
    closed, skipped = [], []
    with session.store.transaction() as repo:
        students, _ = repo.query(f, 0)
        for student in sorted(students, key=lambda s: s.student_no):
            if student.student_no in skip:
                skipped.append((student, "excepted"))
            elif student.status != Status.ACTIVE:
                skipped.append((student, "status"))
            else:
                closed.append(_apply(session, repo, student, kind, on, None, doc))
        if not dry_run:
            repo.commit()
    return CohortResult(closed, skipped, dry_run)


def overdue(session: Session, on: str | None = None) -> list[tuple[Student, int]]:
    """Suspended students whose suspension ended before ``on`` (default today), with the days overdue (a logged look)."""
    from xueji.services.disclosure import disclose, viewing

    day = v.iso_date(on, "date") if on else session.today
    session.require(Action.READ)
    with viewing(session) as repo:
        students, _ = repo.query(StudentFilter(statuses=[Status.SUSPENDED.value], scope=session.scope), 0)
        late = suspension.overdue(students, day)
        shown = disclose(session, repo, [s for s, _ in late], {"on": day.isoformat()})
        repo.commit()
    return [(view, days) for view, (_, days) in zip(shown, late)]


AMENDABLE = ("name", "gender", "birth_date", "id_type", "id_number", "exam_no", "ethnicity", "political", "region")
_PERSON_ORDER = ("name", "gender", "birth_date", "id_number", "id_type", "exam_no", "ethnicity", "political", "region")


def amend(session: Session, student_no: str, *, name: str | None = None, gender: str | None = None,
          birth_date: str | None = None, id_number: str | None = None, id_type: str | None = None,
          exam_no: str | None = None, ethnicity: str | None = None, political: str | None = None,
          region: str | None = None, reason: str | None = None, doc_no: str | None = None) -> Student:
    """Correct personal data; the event keeps the before and after. The number never changes.

    Name and birth-date changes need legal proof: a document number (教育部令第41號)."""
    check = v.Collector()
    number = check(lambda: str(parse_number(student_no)))
    why = check(lambda: v.label(reason, "reason"))
    doc = check(lambda: v.label(doc_no, "doc_no", required=False, max_len=100))
    given = {"name": name, "gender": gender, "birth_date": birth_date, "id_type": id_type, "id_number": id_number,
             "exam_no": exam_no, "ethnicity": ethnicity, "political": political, "region": region}
    if all(value is None for value in given.values()):
        check.fail(InvalidData.one("name", "", N_("Give at least one field to correct.")))
    check.done()
    with session.store.transaction() as repo:
        student = _get(session, repo, number)
        session.require_change()
        old = student.person
        raw = PersonInput(*(given[f] if given[f] is not None else _stored(old, f) for f in _PERSON_ORDER))
        person = model.person(raw, date(student.entry.year, 9, 1))
        before = {f: _stored(old, f) for f in AMENDABLE if _stored(old, f) != _stored(person, f)}
        if not before:
            raise RuleViolation(N_("Nothing to correct: {student_no} already has these values."), student_no=number)
        if ({"name", "birth_date"} & before.keys()) and not doc:
            raise InvalidData.one("doc_no", "", N_("A change of name or birth date needs the document number of its "
                                                   "legal proof (--doc-no)."))
        if {"id_number", "id_type"} & before.keys() and student.status.is_live:
            other = repo.live_registration(person.id_type, person.id_number)
            if other and other != number:
                raise duplicate(session, other)
        updated = replace(student, person=person)
        repo.update(updated)
        repo.add_event(updated, session.event(
            EventKind.AMEND, session.today, student.status, student.status, why, doc,
            {"before": before, "after": {f: _stored(person, f) for f in before}}))
        repo.commit()
    return updated


def _stored(person: Person, field: str):
    value = getattr(person, field)
    return value.isoformat() if isinstance(value, date) else value


def reinstate(session: Session, student_no: str, *, reason: str | None = None, doc_no: str | None = None) -> Student:
    """恢復學籍 (JY/T 17): back to the status before a mistaken withdrawal or cancellation; the same number."""
    check = v.Collector()
    number = check(lambda: str(parse_number(student_no)))
    why = check(lambda: v.label(reason, "reason"))
    doc = check(lambda: v.label(doc_no, "doc_no", max_len=100))
    check.done()
    with session.store.transaction() as repo:
        student = _get(session, repo, number)
        session.require_change()
        events = repo.events(student)
        closing = next((e for e in reversed(events) if e.status_after == student.status and e.status_before), None)
        restored = reinstatement(student.status, closing.status_before if closing else None, number)
        other = repo.live_registration(student.person.id_type, student.person.id_number)
        if other:
            raise duplicate(session, other)
        until = None
        if restored == Status.SUSPENDED:
            suspension = next(e for e in reversed(events) if e.kind == EventKind.SUSPEND)
            until = date.fromisoformat(suspension.detail["until"])
        updated = replace(student, status=restored, status_since=session.today, suspended_until=until)
        repo.update(updated)
        repo.add_event(updated, session.event(EventKind.REINSTATE, session.today, student.status, restored, why, doc))
        repo.commit()
    return updated
