"""The access log (§八): every look at personal data leaves a trace — who, when, what, how much, and why.

Entries are written by ``disclosure``; this module reads them."""

from __future__ import annotations

from xueji.domain import validate as v
from xueji.domain.access import Action
from xueji.domain.number import parse_number
from xueji.services import Session
from xueji.services.disclosure import masked_filters


def entries(session: Session, operator: str | None = None, since: str | None = None,
            student: str | None = None, grant: str | None = None) -> list[dict]:
    """The access log (office and inspectors), by operator, day, student or grant (what was read under it)."""
    session.require(Action.AUDIT)
    check = v.Collector()
    from xueji.services.grants import grant_number

    grant_id = check(lambda: grant_number(grant)) if grant is not None else None
    day = check(lambda: v.iso_date(since, "date").isoformat()) if since else None
    number = check(lambda: str(parse_number(student))) if student else None
    who = check(lambda: v.label(operator, "operator")) if operator else None
    check.done()
    # Entries written before filters were masked on the way in are masked on the way out.
    return [entry | {"filters": masked_filters(entry["filters"])}
            for entry in session.store.reader().access_log(who, day, number, grant_id)]


def under_grants(session: Session, year: str | None) -> list[dict]:
    """A year's reads under grants, per department and purpose, for the supervision group (§九)."""
    session.require(Action.AUDIT)
    y = v.year(year, session.today)
    keys = ("grant", "department", "purpose", "looks", "students")
    return [dict(zip(keys, row)) for row in session.store.reader().reads_under_grants(y)]
