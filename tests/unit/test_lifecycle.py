"""The lifecycle of a registration (DOMAIN.md §3): which status changes are allowed, and the JY/T 1001 codes."""

from __future__ import annotations

import itertools

import pytest

from xueji.domain.errors import IllegalTransition, RuleViolation
from xueji.domain.status import LIVE, EventKind, Status, allowed_kinds, status_from_text, transition

S, K = Status, EventKind

# (from, event) -> to, exactly as DOMAIN.md §3 lists them
ALLOWED = {
    (S.ACTIVE, K.SUSPEND): S.SUSPENDED,
    (S.SUSPENDED, K.RESUME): S.ACTIVE,
    (S.ACTIVE, K.WITHDRAW): S.WITHDRAWN,
    (S.SUSPENDED, K.WITHDRAW): S.WITHDRAWN,
    (S.ACTIVE, K.TRANSFER_OUT): S.TRANSFERRED_OUT,
    (S.SUSPENDED, K.TRANSFER_OUT): S.TRANSFERRED_OUT,
    (S.ACTIVE, K.DEATH): S.DECEASED,
    (S.SUSPENDED, K.DEATH): S.DECEASED,
    (S.ACTIVE, K.MISSING): S.MISSING,
    (S.SUSPENDED, K.MISSING): S.MISSING,
    (S.ACTIVE, K.GRADUATE): S.GRADUATED,
    (S.ACTIVE, K.COMPLETE): S.COMPLETED,
    (S.ACTIVE, K.INCOMPLETE): S.INCOMPLETE,
    # placement changes (issue 15): an active student moves and stays active
    (S.ACTIVE, K.CHANGE_MAJOR): S.ACTIVE,
    (S.ACTIVE, K.CHANGE_CLASS): S.ACTIVE,
    (S.ACTIVE, K.CHANGE_COHORT): S.ACTIVE,
}

REFUSED = [pair for pair in itertools.product(Status, EventKind) if pair not in ALLOWED]


def _pair_id(pair) -> str:
    return f"{pair[0].value}-{pair[1].value}"


@pytest.mark.parametrize(("pair", "target"), list(ALLOWED.items()), ids=[_pair_id(p) for p in ALLOWED])
def test_an_allowed_change_leads_to_the_status_of_the_domain_table(pair, target):
    current, kind = pair
    assert transition(current, kind, "202301010105") is target


@pytest.mark.parametrize("pair", REFUSED, ids=[_pair_id(p) for p in REFUSED])
def test_a_change_the_lifecycle_does_not_allow_is_refused_naming_the_current_status(pair):
    current, kind = pair
    with pytest.raises(IllegalTransition) as refused:
        transition(current, kind, "202301010105")
    error = refused.value
    assert "{status}" in error.message
    assert error.params["status"] == current.label
    assert error.params["student_no"] == "202301010105"
    assert error.params["action"] == kind.label


def test_there_are_sixteen_allowed_changes_and_every_other_pair_is_refused():
    assert len(ALLOWED) == 16
    assert len(REFUSED) == len(Status) * len(EventKind) - 16


def test_cannot_resume_a_withdrawn_student():
    with pytest.raises(IllegalTransition) as refused:
        transition(Status.WITHDRAWN, EventKind.RESUME, "202301010105")
    assert refused.value.params["status"] == Status.WITHDRAWN.label == "Withdrawn"


def test_cannot_suspend_a_student_who_is_already_suspended():
    with pytest.raises(IllegalTransition) as refused:
        transition(Status.SUSPENDED, EventKind.SUSPEND)
    assert refused.value.params["status"] == "Suspended"


def test_cannot_graduate_a_suspended_student():
    with pytest.raises(IllegalTransition) as refused:
        transition(Status.SUSPENDED, EventKind.GRADUATE)
    assert refused.value.params["status"] == "Suspended"


def test_cannot_resume_an_active_student():
    with pytest.raises(IllegalTransition):
        transition(Status.ACTIVE, EventKind.RESUME)


def test_a_graduate_cannot_be_withdrawn():
    with pytest.raises(IllegalTransition):
        transition(Status.GRADUATED, EventKind.WITHDRAW)


def test_an_illegal_transition_is_a_rule_violation_with_exit_code_1():
    assert issubclass(IllegalTransition, RuleViolation)
    assert IllegalTransition.exit_code == 1


def test_an_active_student_may_be_suspended_withdrawn_transferred_cancelled_or_finish():
    assert set(allowed_kinds(Status.ACTIVE)) == {
        K.SUSPEND, K.WITHDRAW, K.TRANSFER_OUT, K.DEATH, K.MISSING, K.GRADUATE, K.COMPLETE, K.INCOMPLETE,
        K.CHANGE_MAJOR, K.CHANGE_CLASS, K.CHANGE_COHORT,
    }


def test_a_suspended_student_may_resume_withdraw_transfer_out_or_be_cancelled_but_not_finish():
    assert set(allowed_kinds(Status.SUSPENDED)) == {K.RESUME, K.WITHDRAW, K.TRANSFER_OUT, K.DEATH, K.MISSING}


@pytest.mark.parametrize("status", sorted(set(Status) - LIVE))
def test_a_closed_registration_allows_no_further_change(status):
    assert allowed_kinds(status) == []


@pytest.mark.parametrize("status", list(Status))
def test_allowed_kinds_agrees_with_transition(status):
    assert set(allowed_kinds(status)) == {kind for (current, kind) in ALLOWED if current is status}


def test_only_active_and_suspended_registrations_are_live():
    assert {s for s in Status if s.is_live} == {Status.ACTIVE, Status.SUSPENDED}


# --- JY/T 1001 codes -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (S.ACTIVE, "01"),
        (S.SUSPENDED, "02"),
        (S.WITHDRAWN, "03"),
        (S.GRADUATED, "07"),
        (S.COMPLETED, "08"),
        (S.INCOMPLETE, "09"),
        (S.TRANSFERRED_OUT, "10"),
        (S.DECEASED, "11"),
        (S.MISSING, "15"),
    ],
)
def test_each_status_carries_its_jyt_1001_current_status_code(status, code):
    assert status.jyt_code == code


def test_there_are_exactly_the_nine_statuses_of_the_domain_table():
    assert {s.value for s in Status} == {
        "active", "suspended", "withdrawn", "graduated", "completed", "incomplete", "transferred_out", "deceased",
        "missing",
    }


@pytest.mark.parametrize(
    ("kind", "code"),
    [
        (K.SUSPEND, "11"),
        (K.RESUME, "12"),
        (K.TRANSFER_OUT, "21"),
        (K.TRANSFER_IN, "22"),
        (K.WITHDRAW, "31"),
        (K.DEATH, "51"),
        (K.COMPLETE, "62"),
        (K.INCOMPLETE, "63"),
        (K.MISSING, "99"),
    ],
)
def test_each_status_change_carries_its_jyt_1001_change_type_code(kind, code):
    assert kind.jyt_code == code


@pytest.mark.parametrize("kind", [K.ENROLL, K.GRADUATE])
def test_enrollment_and_graduation_have_no_jyt_change_type_code(kind):
    assert kind.jyt_code is None


@pytest.mark.parametrize("status", list(Status))
def test_every_status_has_a_label_to_show(status):
    assert status.label and isinstance(status.label, str)


@pytest.mark.parametrize("kind", list(EventKind))
def test_every_event_kind_has_a_label_to_show(kind):
    assert kind.label and isinstance(kind.label, str)


def test_an_imported_record_has_no_jyt_change_type_code():
    assert EventKind.IMPORT.jyt_code is None


@pytest.mark.parametrize("kind", [K.ENROLL, K.TRANSFER_IN, K.IMPORT])
def test_events_that_create_a_registration_never_change_an_existing_one(kind):
    assert all(kind not in allowed_kinds(status) for status in Status)


# --- statuses written in a roster ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("suspended", S.SUSPENDED),
        ("SUSPENDED", S.SUSPENDED),
        (" transferred_out ", S.TRANSFERRED_OUT),
        ("01", S.ACTIVE),
        ("02", S.SUSPENDED),
        ("15", S.MISSING),
        ("休學", S.SUSPENDED),
        ("休学", S.SUSPENDED),
        ("在籍", S.ACTIVE),
        ("畢業", S.GRADUATED),
        ("肄业", S.INCOMPLETE),
        ("轉學（轉出）", S.TRANSFERRED_OUT),
        ("转学(转出)", S.TRANSFERRED_OUT),
        ("下落不明", S.MISSING),
        ("死亡", S.DECEASED),
    ],
)
def test_a_status_is_read_from_its_code_its_jyt_code_or_its_chinese_name(text, status):
    assert status_from_text(text) is status


@pytest.mark.parametrize("status", list(Status))
def test_every_status_is_read_back_from_its_own_value_and_its_jyt_code(status):
    assert status_from_text(status.value) is status
    assert status_from_text(status.jyt_code) is status


@pytest.mark.parametrize("text", ["", None, "04", "unknown", "請假", "1"])
def test_an_unknown_status_word_gives_none(text):
    assert status_from_text(text) is None
