"""Two-level approval (§六): a college's change is checked and stored as a request; the office approves or rejects it.

``perform`` is how every change is made: office staff's changes apply at once (the office is their own approver);
college staff's are rehearsed — every rule checked, then rolled back — and stored as a request. ``approve`` applies
the request, checked again at that moment, inside one transaction with the decision.
"""

from __future__ import annotations

from dataclasses import astuple, dataclass
from pathlib import Path

from xueji.domain import validate as v
from xueji.domain.access import Action
from xueji.domain.errors import N_, PermissionDenied, RuleViolation
from xueji.domain.model import ChangeRequest as Request
from xueji.domain.model import REQUEST_STATES, PersonInput
from xueji.files.roster import Roster, Row
from xueji.services import Session, batch, registry

ACTIONS = {
    "enroll": registry.enroll,
    "transfer_out": registry.transfer_out,
    "suspend": registry.suspend,
    "resume": registry.resume,
    "withdraw": registry.withdraw,
    "graduate": registry.graduate,
    "graduate_cohort": registry.graduate_cohort,
    "cancel": registry.cancel,
    "enroll_roster": batch.enroll_roster,
    "amend": registry.amend,
    "reinstate": registry.reinstate,
    "change_major": registry.change_major,
    "change_class": registry.change_class,
    "change_cohort": registry.change_cohort,
}
MOVES = ("change_major", "change_class", "change_cohort")
STATUSES = ("pending", "approved", "rejected")


@dataclass(frozen=True)
class Submitted:
    """A college's change waiting for the office."""

    request_id: int
    action: str


def _targets(action: str, args: tuple) -> list[str]:
    if action in ("transfer_out", "suspend", "resume", "withdraw", "cancel", "amend", "reinstate", *MOVES):
        return [str(args[0]).strip()]
    if action == "graduate":
        return [str(n).strip() for n in args[0]]
    return []


def _encode_value(value):
    """Arguments of a use case as JSON: a roster keeps its rows (the file may change before approval)."""
    if isinstance(value, Roster):
        return {"roster": str(value.path), "columns": value.columns, "rows": [[r.number, r.values] for r in value.rows]}
    if isinstance(value, PersonInput):
        return {"person": list(astuple(value))}
    return value


def _decode_value(value):
    if isinstance(value, dict) and "roster" in value:
        return Roster(Path(value["roster"]), value["columns"], [Row(n, values) for n, values in value["rows"]])
    if isinstance(value, dict) and "person" in value:
        return PersonInput(*value["person"])
    return value


def perform(session: Session, action: str, *args, **kwargs):
    """Make a change: at once for the office; as a request for college staff. Returns the result or ``Submitted``.

    A dry run is never a request: it is checked (as a rehearsal for college staff) and nothing is written."""
    function = ACTIONS[action]
    session.require(Action.CHANGE)
    if not session.actor.makes_requests:
        return function(session, *args, **kwargs)
    if kwargs.get("dry_run"):
        return _rehearse(session, function, args, kwargs)
    with session.store.transaction() as repo:  # the college's review: every rule, nothing kept (no commit)
        basis = {number: repo.last_event_id(number) for number in _targets(action, args)}
        result = _rehearse(session, function, args, kwargs, action)
    receiving = _receiving(session, action, result)
    payload = {"args": [_encode_value(a) for a in args],
               "kwargs": {k: _encode_value(v) for k, v in kwargs.items() if k not in ("progress", "session")},
               "basis": basis}
    with session.store.transaction() as repo:
        request_id = repo.add_request(action, session.scope, next(iter(basis), None), payload, session.operator,
                                      session.account, receiving)
        repo.commit()
    return Submitted(request_id, action)


def _rehearse(session: Session, function, args, kwargs, action: str = ""):
    """The change as the college's review: every rule checked, confined to the college; written only if the caller's
    unit of work commits (it never does for a college)."""
    session.rehearsal = True
    try:
        result = function(session, *args, **kwargs)
    finally:
        session.rehearsal = False
    if action != "change_major":  # a change of major may leave the college: the service checked it was its student
        _confined(session.scope, result)
    return result


def _receiving(session: Session, action: str, result) -> str | None:
    """The college a change of major moves a student into, when it is not the requesting one: it must agree."""
    if action == "change_major" and session.scope and result.current.college != session.scope:
        return result.current.college
    return None


def _touched(result) -> list:
    students = result if isinstance(result, list) else (
        getattr(result, "enrolled", None) or getattr(result, "closed", None))
    if students is None and hasattr(result, "student_no"):
        students = [result]
    return list(students or [])


def _confined(college: str | None, result) -> None:
    """Scope is checked on what a change touches: every student it changed must belong to the request's college."""
    if college is None:
        return
    for student in _touched(result):
        if student.current.college != college:
            raise PermissionDenied(N_("This change would touch {student_no}, who is not a student of college "
                                      "{college}."), student_no=student.student_no, college=college)


def approve(session: Session, request_id: str, doc_no: str | None = None):
    """Apply a pending request as the office, re-checked now and confined to the requesting college; stale requests
    are refused."""
    session.require(Action.DECIDE)
    number = _request_id(request_id)
    doc = v.label(doc_no, "doc_no", required=False, max_len=100)
    with session.store.transaction() as repo:
        request = _pending(repo, number)
        if request.receiving and request.agreed_at is None:
            raise RuleViolation(N_("Request {id} moves a student into college {college}, which has not agreed yet."),
                                hint=N_("Its staff agree with `xueji agree {id}` (or refuse with `xueji reject`)."),
                                id=number, college=request.receiving)
        for student_no, last in request.payload["basis"].items():
            current = repo.get(student_no)
            if current is None or repo.last_event_id(student_no) != last:
                raise RuleViolation(
                    N_("Request {id} is stale: {student_no} has changed since it was submitted (now {status})."),
                    hint=N_("Reject it with `xueji reject`, and let the college submit it again."),
                    id=number, student_no=student_no, status=current.status.label if current else "?",
                )
        kwargs = {k: _decode_value(v) for k, v in request.payload["kwargs"].items()}
        args = [_decode_value(a) for a in request.payload["args"]]
        if doc:
            kwargs["doc_no"] = doc
        session.approval = (request.submitted_by, number)
        scope = session.scope
        session.scope = request.college  # the office applies the college's request within the college's scope
        try:
            result = ACTIONS[request.action](session, *args, **kwargs)
            if request.action != "change_major":
                _confined(request.college, result)
        finally:
            session.approval = None
            session.scope = scope
        repo.decide_request(number, "approved", session.operator, session.account, doc, None, _summary(result))
        repo.commit()
    return result


def reject(session: Session, request_id: str, reason: str | None) -> Request:
    """The office rejects a request; a change of major between colleges either college may refuse."""
    number = _request_id(request_id)
    why = v.label(reason, "reason")
    with session.store.transaction() as repo:
        if session.actor.may(Action.DECIDE):
            _pending(repo, number)
        else:  # a college refuses only a move between it and another college; anything else is the office's
            session.require(Action.REQUESTS)
            request = repo.get_request(number)
            if request is None or not (request.receiving and session.scope in (request.college, request.receiving)):
                session.require(Action.DECIDE)
            _pending(repo, number)
        repo.decide_request(number, "rejected", session.operator, session.account, None, why, None)
        repo.commit()
        return repo.get_request(number)


def agree(session: Session, request_id: str) -> Request:
    """The receiving college agrees to a change of major into it (the office still approves or rejects it)."""
    session.require(Action.REQUESTS)
    number = _request_id(request_id)
    with session.store.transaction() as repo:
        request = _pending(repo, number)
        if not request.receiving or request.receiving != session.scope:
            raise PermissionDenied(N_("Only staff of the college a request moves a student into may agree to it; "
                                      "request {id} asks nothing of {operator}."), id=number, operator=session.operator)
        if request.agreed_at is not None:
            raise RuleViolation(N_("College {college} already agreed to request {id} ({who})."), college=request.receiving,
                                id=number, who=request.agreed_by)
        repo.agree_request(number, request.receiving, session.operator, session.account)
        repo.commit()
        return repo.get_request(number)


def listing(session: Session, status: str | None = None, college: str | None = None) -> list[Request]:
    session.require(Action.REQUESTS)
    if status is not None and status not in STATUSES:
        from xueji.domain.errors import InvalidData

        raise InvalidData.one("status", status, N_("The request status must be pending, approved or rejected."))
    code = None
    if college is not None:  # by code or by name, as everywhere else
        codes = session.codes_table
        code = codes.college(college).code if codes else v.two_digit_code(college, "college")
    if session.scope:
        return session.store.reader().requests(status, session.scope, receiving=True)
    return session.store.reader().requests(status, code)


def _request_id(text: str) -> int:
    return v.whole_number(text, "request", N_("A request number is a whole number, like 12."))


def _pending(repo, number: int) -> Request:
    request = repo.get_request(number)
    if request is None:
        raise RuleViolation(N_("There is no request {id}."), id=number)
    if request.status != "pending":
        raise RuleViolation(N_("Request {id} was already {status} by {who}."), id=number,
                            status=REQUEST_STATES[request.status], who=request.decided_by)
    return request


def _summary(result) -> dict:
    students = result if isinstance(result, list) else getattr(result, "enrolled", None) or getattr(result, "closed", None)
    if students is None and hasattr(result, "student_no"):
        students = [result]
    return {"students": [s.student_no for s in students or []]}

