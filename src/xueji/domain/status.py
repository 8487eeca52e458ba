"""Statuses, event kinds and the lifecycle (DOMAIN.md §3, JY/T 1001 codes)."""

from __future__ import annotations

from enum import StrEnum

from xueji.domain.errors import N_, IllegalTransition, Msgid


class Status(StrEnum):
    """Current status (JY/T 1001 XSDQZT); values are the stable codes stored and printed in JSON."""

    ACTIVE = "active"
    SUSPENDED = "suspended"
    WITHDRAWN = "withdrawn"
    GRADUATED = "graduated"
    COMPLETED = "completed"
    INCOMPLETE = "incomplete"
    TRANSFERRED_OUT = "transferred_out"
    DECEASED = "deceased"
    MISSING = "missing"

    @property
    def jyt_code(self) -> str:
        """JY/T 1001 XSDQZT (學生當前狀態)."""
        return _STATUS_JYT[self]

    @property
    def label(self) -> str:
        """English msgid of the label; translate at the edge."""
        return Msgid(_STATUS_LABEL[self])

    @property
    def is_live(self) -> bool:
        return self in LIVE


LIVE = frozenset({Status.ACTIVE, Status.SUSPENDED})

_STATUS_JYT = {
    Status.ACTIVE: "01",
    Status.SUSPENDED: "02",
    Status.WITHDRAWN: "03",
    Status.GRADUATED: "07",
    Status.COMPLETED: "08",
    Status.INCOMPLETE: "09",
    Status.TRANSFERRED_OUT: "10",
    Status.DECEASED: "11",
    Status.MISSING: "15",
}

_STATUS_LABEL = {
    Status.ACTIVE: N_("Active"),
    Status.SUSPENDED: N_("Suspended"),
    Status.WITHDRAWN: N_("Withdrawn"),
    Status.GRADUATED: N_("Graduated"),
    Status.COMPLETED: N_("Completed"),
    Status.INCOMPLETE: N_("Incomplete"),
    Status.TRANSFERRED_OUT: N_("Transferred out"),
    Status.DECEASED: N_("Deceased"),
    Status.MISSING: N_("Missing"),
}


class EventKind(StrEnum):
    ENROLL = "enroll"
    TRANSFER_IN = "transfer_in"
    TRANSFER_OUT = "transfer_out"
    SUSPEND = "suspend"
    RESUME = "resume"
    WITHDRAW = "withdraw"
    GRADUATE = "graduate"
    COMPLETE = "complete"
    INCOMPLETE = "incomplete"
    DEATH = "death"
    MISSING = "missing"
    IMPORT = "import"
    AMEND = "amend"
    REINSTATE = "reinstate"
    CHANGE_MAJOR = "change_major"    # 轉專業 (within the college or to another)
    CHANGE_CLASS = "change_class"    # 轉班
    CHANGE_COHORT = "change_cohort"  # 降級 / 留級: into a later cohort

    @property
    def jyt_code(self) -> str | None:
        """JY/T 1001 XJYDLB (學籍異動類別); enrollment and graduation have none."""
        return _KIND_JYT[self]

    @property
    def label(self) -> str:
        return Msgid(_KIND_LABEL[self])


_KIND_JYT = {
    EventKind.ENROLL: None,
    EventKind.TRANSFER_IN: "22",
    EventKind.TRANSFER_OUT: "21",
    EventKind.SUSPEND: "11",
    EventKind.RESUME: "12",
    EventKind.WITHDRAW: "31",
    EventKind.GRADUATE: None,
    EventKind.COMPLETE: "62",
    EventKind.INCOMPLETE: "63",
    EventKind.DEATH: "51",
    EventKind.MISSING: "99",
    EventKind.IMPORT: None,
    EventKind.AMEND: None,
    EventKind.REINSTATE: "17",
    EventKind.CHANGE_MAJOR: "23",   # 轉專業
    EventKind.CHANGE_CLASS: "29",   # 轉班級
    EventKind.CHANGE_COHORT: "03",  # 降級 (a later cohort; 留級, 02, is the same move for a failed year)
}

_KIND_LABEL = {
    EventKind.ENROLL: N_("Enrollment"),
    EventKind.TRANSFER_IN: N_("Transfer in"),
    EventKind.TRANSFER_OUT: N_("Transfer out"),
    EventKind.SUSPEND: N_("Suspension"),
    EventKind.RESUME: N_("Resumption"),
    EventKind.WITHDRAW: N_("Withdrawal"),
    EventKind.GRADUATE: N_("Graduation"),
    EventKind.COMPLETE: N_("Completion"),
    EventKind.INCOMPLETE: N_("Incompletion"),
    EventKind.DEATH: N_("Death"),
    EventKind.MISSING: N_("Reported missing"),
    EventKind.IMPORT: N_("Imported record"),
    EventKind.AMEND: N_("Correction"),
    EventKind.REINSTATE: N_("Reinstatement"),
    EventKind.CHANGE_MAJOR: N_("Change of major"),
    EventKind.CHANGE_CLASS: N_("Change of class"),
    EventKind.CHANGE_COHORT: N_("Move to a later cohort"),
}

# kind -> (statuses it may start from, status it leads to)
_TRANSITIONS: dict[EventKind, tuple[frozenset[Status], Status]] = {
    EventKind.SUSPEND: (frozenset({Status.ACTIVE}), Status.SUSPENDED),
    EventKind.RESUME: (frozenset({Status.SUSPENDED}), Status.ACTIVE),
    EventKind.WITHDRAW: (LIVE, Status.WITHDRAWN),
    EventKind.TRANSFER_OUT: (LIVE, Status.TRANSFERRED_OUT),
    EventKind.DEATH: (LIVE, Status.DECEASED),
    EventKind.MISSING: (LIVE, Status.MISSING),
    EventKind.GRADUATE: (frozenset({Status.ACTIVE}), Status.GRADUATED),
    EventKind.COMPLETE: (frozenset({Status.ACTIVE}), Status.COMPLETED),
    EventKind.INCOMPLETE: (frozenset({Status.ACTIVE}), Status.INCOMPLETE),
    # placement changes: an active student stays active, in another place
    EventKind.CHANGE_MAJOR: (frozenset({Status.ACTIVE}), Status.ACTIVE),
    EventKind.CHANGE_CLASS: (frozenset({Status.ACTIVE}), Status.ACTIVE),
    EventKind.CHANGE_COHORT: (frozenset({Status.ACTIVE}), Status.ACTIVE),
}

OUTCOMES = {
    "graduated": EventKind.GRADUATE,
    "completed": EventKind.COMPLETE,
    "incomplete": EventKind.INCOMPLETE,
}

CAUSES = {
    "deceased": EventKind.DEATH,
    "missing": EventKind.MISSING,
}
# The same values as a clerk types them, in either script.
_OUTCOME_WORDS = {"畢業": "graduated", "毕业": "graduated", "結業": "completed", "结业": "completed",
                  "肄業": "incomplete", "肄业": "incomplete"}
_CAUSE_WORDS = {"死亡": "deceased", "失蹤": "missing", "失踪": "missing", "下落不明": "missing"}


def outcome_key(text: str | None) -> str:
    """graduated, completed or incomplete, from the code or the word in either script (畢業, 毕业…)."""
    value = (text or "graduated").strip()
    return _OUTCOME_WORDS.get(value, value.lower())


def cause_key(text: str | None) -> str:
    value = (text or "").strip()
    return _CAUSE_WORDS.get(value, value.lower())


def status_choices():
    from xueji.domain.errors import Choices

    return Choices((s.value, s.label) for s in Status)


def outcome_choices():
    from xueji.domain.errors import Choices

    return Choices((key, kind.label) for key, kind in OUTCOMES.items())


def cause_choices():
    from xueji.domain.errors import Choices

    return Choices((key, kind.label) for key, kind in CAUSES.items())


def transition(current: Status, kind: EventKind, student_no: str = "") -> Status:
    """The status that ``kind`` leads to from ``current``; refuses anything the lifecycle does not allow."""
    allowed_from, target = _TRANSITIONS.get(kind, (frozenset(), None))
    if current not in allowed_from:
        raise IllegalTransition(
            N_("Cannot record {action} for {student_no}: the student's status is {status}."),
            action=kind.label,
            student_no=student_no,
            status=current.label,
        )
    return target


REINSTATABLE = frozenset({Status.WITHDRAWN, Status.DECEASED, Status.MISSING})


def reinstatement(current: Status, before: Status | None, student_no: str = "") -> Status:
    """恢復學籍 (JY/T 17): a mistaken withdrawal or cancellation, or a missing student who returned, goes back to the
    status before it."""
    if current not in REINSTATABLE or before is None or not before.is_live:
        raise IllegalTransition(
            N_("Cannot record {action} for {student_no}: the student's status is {status}."),
            action=EventKind.REINSTATE.label, student_no=student_no, status=current.label,
        )
    return before


def allowed_kinds(current: Status) -> list[EventKind]:
    """The changes the lifecycle allows from ``current`` (for messages and tests)."""
    return [k for k, (src, _) in _TRANSITIONS.items() if current in src]


_STATUS_WORDS = {
    "在讀": Status.ACTIVE, "在读": Status.ACTIVE, "在學": Status.ACTIVE, "在学": Status.ACTIVE, "在籍": Status.ACTIVE, "休學": Status.SUSPENDED, "休学": Status.SUSPENDED,
    "退學": Status.WITHDRAWN, "退学": Status.WITHDRAWN, "畢業": Status.GRADUATED, "毕业": Status.GRADUATED,
    "結業": Status.COMPLETED, "结业": Status.COMPLETED, "肄業": Status.INCOMPLETE, "肄业": Status.INCOMPLETE,
    "轉學": Status.TRANSFERRED_OUT, "转学": Status.TRANSFERRED_OUT, "轉出": Status.TRANSFERRED_OUT,
    "转出": Status.TRANSFERRED_OUT, "死亡": Status.DECEASED, "下落不明": Status.MISSING, "失蹤": Status.MISSING,
    "失踪": Status.MISSING,
}


def status_from_text(text: str | None) -> Status | None:
    """A status written as its code (suspended), its JY/T 1001 code (02) or its Chinese name (休學); None if unknown."""
    value = (text or "").strip()
    if value.lower() in Status._value2member_map_:
        return Status(value.lower())
    for status in Status:
        if status.jyt_code == value:
            return status
    return _STATUS_WORDS.get(value.replace("（", "(").split("(")[0])
