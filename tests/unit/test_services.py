"""The use cases on a real store: numbers, the lifecycle and its history, refusals that write nothing."""

from __future__ import annotations

import pytest

from tests.conftest import person
from xueji.domain.errors import ClassFull, DuplicateRegistration, IllegalTransition, InvalidData, RuleViolation, UnknownStudent
from xueji.domain.status import EventKind, Status
from xueji.services import queries, registry


def enroll(session, seq, *, college="01", major="01", klass="01", year="2023", **kw):
    kw.setdefault("date", f"{year}-09-01")  # the cohort's first day
    return registry.enroll(session, person(seq), college=college, major=major, klass=klass, year=year, **kw)


def test_the_fifth_student_of_2023_chinese_literature_class_1_is_202301010105(session):
    numbers = [enroll(session, i).student_no for i in range(5)]
    assert numbers == ["202301010101", "202301010102", "202301010103", "202301010104", "202301010105"]


def test_colleges_and_majors_may_be_given_by_name(session):
    student = registry.enroll(session, person(1), college="理學院", major="數學與應用數學", klass="3", year="2024",
                              date="2024-09-01")
    assert student.student_no == "202402020301"


def test_enrollment_records_an_enroll_event_with_the_operator(session):
    student = enroll(session, 1, doc_no="招生〔2023〕1號")
    _, events = queries.show(session, student.student_no)
    assert [(e.kind, e.status_before, e.status_after, e.operator, e.doc_no) for e in events] == [
        (EventKind.ENROLL, None, Status.ACTIVE, "clerk", "招生〔2023〕1號")
    ]


def test_a_second_live_registration_of_the_same_person_is_refused_naming_the_first(session):
    first = enroll(session, 1)
    with pytest.raises(DuplicateRegistration) as refused:
        enroll(session, 1, major="02")
    assert refused.value.params["student_no"] == first.student_no
    assert session.store.reader().count("students") == 1


def test_a_withdrawn_person_may_be_admitted_again_under_a_new_number(session):
    first = enroll(session, 1)
    registry.withdraw(session, first.student_no, reason="本人申請", date="2024-01-10")
    again = enroll(session, 1, year="2024")
    assert again.student_no != first.student_no
    assert again.person.id_number == first.person.id_number


CLOSERS = {
    "withdrawn": lambda s, no: registry.withdraw(s, no, reason="本人申請", date="2024-01-10"),
    "transferred_out": lambda s, no: registry.transfer_out(s, no, to_school="某大學", date="2024-01-10"),
    "graduated": lambda s, no: registry.graduate(s, [no], outcome="graduated", date="2024-01-10"),
    "completed": lambda s, no: registry.graduate(s, [no], outcome="completed", date="2024-01-10"),
    "incomplete": lambda s, no: registry.graduate(s, [no], outcome="incomplete", date="2024-01-10"),
    "deceased": lambda s, no: registry.cancel(s, no, cause="deceased", date="2024-01-10"),
    "missing": lambda s, no: registry.cancel(s, no, cause="missing", date="2024-01-10"),
}


@pytest.mark.parametrize("status", sorted(CLOSERS))
def test_a_number_is_never_reused_after_the_student_leaves(session, status):
    enroll(session, 1)
    last = enroll(session, 2)
    CLOSERS[status](session, last.student_no)
    assert session.store.reader().get(last.student_no).status == Status(status)
    assert enroll(session, 3).student_no == "202301010103"


def test_a_class_holds_99_seats_and_the_hundredth_student_is_refused(session):
    for i in range(99):
        enroll(session, i)
    with pytest.raises(ClassFull):
        enroll(session, 300)
    assert session.store.reader().count("students") == 99
    assert enroll(session, 300, klass="02").student_no == "202301010201"


def test_suspension_keeps_the_number_and_resumption_restores_active(session):
    student = enroll(session, 1)
    suspended = registry.suspend(session, student.student_no, reason="因病", until="2024-08-31", date="2023-12-01")
    assert (suspended.status, suspended.suspended_until.isoformat()) == (Status.SUSPENDED, "2024-08-31")
    resumed = registry.resume(session, student.student_no, date="2024-09-01", klass="2", cohort="2024")
    assert resumed.student_no == student.student_no
    assert resumed.status == Status.ACTIVE and resumed.suspended_until is None
    assert (resumed.current.year, resumed.current.klass) == (2024, "02")
    assert (resumed.entry.year, resumed.entry.klass) == (2023, "01")
    _, events = queries.show(session, student.student_no)
    assert events[-1].detail == {"placement_before": "2023/01/01/01", "placement_after": "2024/01/01/02"}


def test_a_suspension_longer_than_twelve_months_is_refused(session):
    student = enroll(session, 1)
    with pytest.raises(RuleViolation):
        registry.suspend(session, student.student_no, reason="因病", until="2025-01-02", date="2023-12-01")
    assert session.store.reader().get(student.student_no).status == Status.ACTIVE


def test_suspensions_past_twenty_four_months_in_all_are_refused(session):
    student = enroll(session, 1)
    no = student.student_no
    registry.suspend(session, no, reason="因病", until="2024-09-01", date="2023-09-01")
    registry.resume(session, no, date="2024-09-01")
    registry.suspend(session, no, reason="因病", until="2025-09-01", date="2024-09-01")
    registry.resume(session, no, date="2025-09-01")
    with pytest.raises(RuleViolation) as refused:
        registry.suspend(session, no, reason="因病", until="2025-10-01", date="2025-09-02")
    assert refused.value.params["used"] == 24


def test_an_early_resumption_counts_only_the_months_used(session):
    no = enroll(session, 1).student_no
    registry.suspend(session, no, reason="因病", until="2024-09-01", date="2023-09-01")
    registry.resume(session, no, date="2023-11-01")
    registry.suspend(session, no, reason="因病", until="2024-12-01", date="2023-12-01")
    registry.resume(session, no, date="2024-12-01")
    assert registry.suspend(session, no, reason="因病", until="2025-06-01", date="2024-12-02").status == Status.SUSPENDED


def test_suspension_must_end_after_it_starts(session):
    no = enroll(session, 1).student_no
    with pytest.raises(InvalidData) as refused:
        registry.suspend(session, no, reason="因病", until="2023-11-30", date="2023-12-01")
    assert refused.value.problems[0].field == "until"


def test_cannot_resume_a_withdrawn_student(session):
    no = enroll(session, 1).student_no
    registry.withdraw(session, no, reason="本人申請", date="2024-01-10")
    with pytest.raises(IllegalTransition) as refused:
        registry.resume(session, no, date="2024-02-01")
    assert refused.value.params["status"] == "Withdrawn"


def test_cannot_graduate_a_suspended_student(session):
    no = enroll(session, 1).student_no
    registry.suspend(session, no, reason="因病", until="2024-08-31", date="2023-12-01")
    with pytest.raises(IllegalTransition):
        registry.graduate(session, [no], date="2024-06-30")


def test_graduating_several_students_is_all_or_nothing(session):
    a, b, c = (enroll(session, i).student_no for i in range(3))
    registry.withdraw(session, c, reason="本人申請", date="2024-01-10")
    with pytest.raises(IllegalTransition):
        registry.graduate(session, [a, b, c], date="2027-06-30")
    reader = session.store.reader()
    assert [reader.get(n).status for n in (a, b)] == [Status.ACTIVE, Status.ACTIVE]
    assert reader.count("events") == 4
    done = registry.graduate(session, [a, b], date="2027-06-30")
    assert [s.status for s in done] == [Status.GRADUATED, Status.GRADUATED]


def test_an_effective_date_before_the_current_status_began_is_refused(session):
    no = enroll(session, 1).student_no
    with pytest.raises(InvalidData) as refused:
        registry.withdraw(session, no, reason="本人申請", date="2023-08-01")
    assert refused.value.problems[0].field == "date"


def test_an_unknown_student_is_refused(session):
    with pytest.raises(UnknownStudent):
        registry.withdraw(session, "202301010199", reason="x")


def test_withdrawal_needs_a_reason(session):
    no = enroll(session, 1).student_no
    with pytest.raises(InvalidData) as refused:
        registry.withdraw(session, no, reason="  ")
    assert refused.value.problems[0].field == "reason"


def test_every_invalid_field_of_an_enrollment_is_reported_at_once(session):
    bad = person(1)
    bad = type(bad)("張3", "x", "2005-02-30", "123")
    with pytest.raises(InvalidData) as refused:
        registry.enroll(session, bad, college="09", major="01", klass="100", year="2023")
    fields = {p.field for p in refused.value.problems}
    assert fields == {"name", "gender", "birth_date", "id_number", "college", "class"}
    assert session.store.reader().count("students") == 0


def test_transfer_in_gives_a_new_number_and_records_the_school(session):
    student = registry.enroll(session, person(7), college="02", major="02", klass="01", year="2024",
                              date="2024-09-05", from_school="某某大學")
    _, events = queries.show(session, student.student_no)
    assert student.student_no == "202402020101"
    assert (events[0].kind, events[0].jyt_code, events[0].detail) == (EventKind.TRANSFER_IN, "22", {"from_school": "某某大學"})


def test_query_filters_by_placement_status_and_part_of_the_name(session):
    a = registry.enroll(session, person(1, name="歐陽明月"), college="01", major="01", klass="01", year="2023")
    registry.enroll(session, person(2, name="李明"), college="02", major="02", klass="01", year="2023")
    c = registry.enroll(session, person(3, name="王五"), college="01", major="01", klass="02", year="2023")
    registry.suspend(session, c.student_no, reason="因病", until="2027-08-31")
    assert [s.student_no for s in queries.query(session, name="明月")[0]] == [a.student_no]
    assert len(queries.query(session, name="明")[0]) == 2
    assert [s.student_no for s in queries.query(session, college="01", statuses=["suspended"])[0]] == [c.student_no]
    assert [s.student_no for s in queries.query(session, college="01", major="01", klass="1")[0]] == [a.student_no]


def test_query_lists_newest_first_up_to_the_limit_and_reports_the_total(session):
    numbers = [enroll(session, i).student_no for i in range(5)]
    found, total = queries.query(session, limit="2")
    assert ([s.student_no for s in found], total) == (numbers[:-3:-1], 5)
    assert len(queries.query(session, limit="0")[0]) == 5


def test_query_refuses_an_unknown_status(session):
    with pytest.raises(InvalidData) as refused:
        queries.query(session, statuses=["asleep"])
    assert refused.value.problems[0].field == "status"
