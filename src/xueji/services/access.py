"""The access log (§八): every look at personal data leaves a trace — who, when, what, how much, and why."""

from __future__ import annotations

from xueji.domain import validate as v
from xueji.domain.access import Action
from xueji.domain.number import parse_number
from xueji.services import Session


def record(session: Session, command: str, filters: dict, student_nos: list[str], *, revealed: bool,
           purpose: str | None = None, requester: str | None = None, proof: str | None = None) -> int:
    """One entry for one command that showed or exported personal data."""
    entry = {"operator": session.operator, "command": command, "filters": filters, "revealed": revealed,
             "purpose": purpose, "requester": requester, "proof": proof}
    with session.store.transaction() as repo:
        return repo.log_access(entry, student_nos)


def entries(session: Session, operator: str | None = None, since: str | None = None,
            student: str | None = None) -> list[dict]:
    session.require(Action.AUDIT)
    check = v.Collector()
    day = check(lambda: v.iso_date(since, "date").isoformat()) if since else None
    number = check(lambda: str(parse_number(student))) if student else None
    who = check(lambda: v.label(operator, "operator")) if operator else None
    check.done()
    return session.store.reader().access_log(who, day, number)
