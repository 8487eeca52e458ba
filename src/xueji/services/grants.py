"""Departments' access (§八.2): the office grants a department's operator a purpose, fields, a scope and an expiry;
the department reads through it and nothing else, every read logged with the grant."""

from __future__ import annotations

import json
from dataclasses import replace

from xueji.domain import validate as v
from xueji.domain.access import Action, PersonView, Role
from xueji.domain.errors import N_, InvalidData, PermissionDenied, RuleViolation
from xueji.domain.grants import FIELDS, Grant
from xueji.i18n import listed
from xueji.services import Session
from xueji.store.repository import now


def add(session: Session, *, operator: str | None, purpose: str | None, fields: str | None, until: str | None,
        doc_no: str | None, college: str | None = None, year: str | None = None,
        statuses: list[str] | None = None) -> Grant:
    """A grant (office only): to an operator of the role `department`, in force until its last day."""
    session.require(Action.GRANTS)
    check = v.Collector()
    who = check(lambda: v.label(operator, "operator", max_len=64))
    why = check(lambda: v.label(purpose, "purpose"))
    opened = check(lambda: _fields(fields))
    last = check(lambda: v.iso_date(until, "valid_until"))
    doc = check(lambda: v.label(doc_no, "doc_no", max_len=100))
    codes = session.codes_table
    where = check(lambda: (codes.college(college).code if codes else v.two_digit_code(college, "college"))) \
        if college else None
    cohort = check(lambda: v.year(year, session.today)) if year else None
    wanted = [status.value for status in (check(lambda t=text: v.status(t)) for text in statuses or []) if status]
    if last is not None and last < session.today:
        check.fail(InvalidData.one("valid_until", until, N_("A grant ends on or after today ({today}), not on {day}."),
                                   today=session.today.isoformat(), day=last.isoformat()))
    check.done()
    with session.store.transaction() as repo:
        holders = [r for r in repo.operators() if r["name"] == who]
        if not holders or holders[0]["role"] != Role.DEPARTMENT.value:
            raise RuleViolation(N_("{operator} is not an operator of the role department: grants are for "
                                   "departments."), operator=who,
                                hint=N_("Add it first: xueji operators add {operator} --role department."))
        row = repo.add_grant({"operator": who, "purpose": why, "fields": json.dumps(list(opened)), "college": where,
                              "year": cohort, "statuses": json.dumps(wanted), "until": last.isoformat(),
                              "doc_no": doc, "granted_by": session.operator, "granted_at": now(),
                              "granted_account": session.account})
        repo.commit()
    return Grant.from_row(row)


def revoke(session: Session, grant_id: str, reason: str | None) -> Grant:
    session.require(Action.GRANTS)
    number = grant_number(grant_id)
    why = v.label(reason, "reason")
    with session.store.transaction() as repo:
        found = repo.grants(grant_id=number)
        if not found:
            raise RuleViolation(N_("There is no grant {id}."), id=number)
        if found[0]["revoked_at"] is not None:
            raise RuleViolation(N_("Grant {id} was already revoked."), id=number)
        row = repo.revoke_grant(found[0], session.operator, session.account, why)
        repo.commit()
    return Grant.from_row(row)


def listing(session: Session) -> list[Grant]:
    """Every grant (office and inspectors); a department sees its own."""
    if session.actor.may(Action.GRANTED):
        rows = session.store.reader().grants(operator=session.operator)
    else:
        if not session.actor.may(Action.AUDIT):
            session.require(Action.GRANTS)
        rows = session.store.reader().grants()
    return [Grant.from_row(r) for r in rows]


def in_force(session: Session, repo, grant_id: str | None) -> Grant:
    """The grant a department reads under: the one named, or its only grant in force; refused (exit 6, naming the
    grant) when revoked, expired, or not its own."""
    session.require(Action.GRANTED)
    rows = [Grant.from_row(r) for r in repo.grants(operator=session.operator)]
    if grant_id is not None:
        number = grant_number(grant_id)
        chosen = [g for g in rows if g.id == number]
        if not chosen:
            raise PermissionDenied(N_("Grant {id} is not a grant to {operator}."), id=number, operator=session.operator)
        chosen[0].in_force(session.today)
        return chosen[0]
    live = [g for g in rows if g.revoked_at is None and g.until >= session.today]
    if len(live) == 1:
        return live[0]
    if not live:
        if rows:
            rows[-1].in_force(session.today)  # says why the newest no longer holds
        raise PermissionDenied(N_("{operator} holds no grant: a department reads only what the office granted."),
                               operator=session.operator, hint=N_("Ask the office: xueji grants add …"))
    raise InvalidData.one("grant", "", N_("{operator} holds {count} grants in force: name one with --grant ({ids})."),
                          operator=session.operator, count=len(live), ids=listed(str(g.id) for g in live))


def narrowed(grant: Grant, f) -> None:
    """A department's filters inside its grant: what it asks must be covered, and the grant's scope always applies."""
    for field, value in (("student_no", f.student_no), ("name", f.name), ("id_number", f.id_number),
                         ("college", f.college), ("year", f.year), ("major", f.major), ("class", f.klass)):
        if value is not None:
            grant.covers(field, value)
    for status in f.statuses:
        grant.covers("status", status)
    f.college = f.college or grant.college
    f.year = f.year or grant.year
    if not f.statuses and grant.statuses:
        f.statuses = list(grant.statuses)


def shown(grant: Grant, student):
    """A student as the grant shows it: the fields it opens, the rest absent (``fields`` says which are there)."""
    person = student.person
    opened = set(grant.fields)
    view = PersonView(person.name if "name" in opened else "", person.gender if "gender" in opened else "",
                      person.birth_date.isoformat() if "birth_date" in opened else "",
                      person.id_type if "id_type" in opened else "",
                      person.id_number if "id_number" in opened else "",
                      person.exam_no if "exam_no" in opened else None,
                      person.ethnicity if "ethnicity" in opened else None,
                      person.political if "political" in opened else None,
                      person.region if "region" in opened else None)
    return replace(student, person=view)


def _fields(text: str | None) -> tuple[str, ...]:
    wanted = tuple(dict.fromkeys(part.strip() for part in (text or "").split(",") if part.strip()))
    unknown = [f for f in wanted if f not in FIELDS]
    if not wanted or unknown:
        raise InvalidData.one("fields", text, N_("Fields are a comma-separated list of {choices}; {value!r} is not."),
                              choices=listed(FIELDS), value=", ".join(unknown) or (text or ""))
    return wanted


def grant_number(text: str) -> int:
    return v.whole_number(text, "grant", N_("A grant number is a whole number, like 3."))
