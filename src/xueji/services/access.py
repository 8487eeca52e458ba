"""The access log (§八): every look at personal data leaves a trace — who, when, what, how much, and why.

Entries are written by ``disclosure``; this module reads them."""

from __future__ import annotations

from xueji.domain import validate as v
from xueji.domain.access import Action
from xueji.domain.number import parse_number
from xueji.services import Session
from xueji.services.disclosure import masked_filters


def entries(session: Session, operator: str | None = None, since: str | None = None,
            student: str | None = None) -> list[dict]:
    session.require(Action.AUDIT)
    check = v.Collector()
    day = check(lambda: v.iso_date(since, "date").isoformat()) if since else None
    number = check(lambda: str(parse_number(student))) if student else None
    who = check(lambda: v.label(operator, "operator")) if operator else None
    check.done()
    # Entries written before filters were masked on the way in are masked on the way out.
    return [entry | {"filters": masked_filters(entry["filters"])}
            for entry in session.store.reader().access_log(who, day, number)]
