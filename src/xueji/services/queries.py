"""Looks at the registry: finding students, a record with its history, views after a change, exports.

Each reads through ``disclosure``: masked unless revealed, one access-log entry in the same unit of work."""

from __future__ import annotations

from dataclasses import replace

from xueji.domain import validate as v
from xueji.domain.access import Action, masked_detail
from xueji.domain.errors import N_, InvalidData
from xueji.domain.model import Event, Student
from xueji.domain.number import parse_number
from xueji.services import Session
from xueji.services.disclosure import disclose, publish, record, viewing
from xueji.store.repository import StudentFilter


def _filter(session: Session, *, student_no=None, name=None, id_number=None, year=None, college=None, major=None,
            klass=None, statuses=None) -> StudentFilter:
    """The filters of a query or an export, validated together."""
    check = v.Collector()
    f = StudentFilter(scope=session.scope)
    if student_no is not None:
        f.student_no = check(lambda: str(parse_number(student_no)))
    if name is not None:
        f.name = check(lambda: v.label(name, "name", max_len=v.NAME_MAX))
    if id_number is not None:
        # Finding someone by a full ID number discloses it (a masked number plus a birth year leaves ~34 guesses):
        # only a role that may reveal, with a purpose, and logged.
        session.require(Action.REVEAL)
        if not (session.look.purpose or "").strip():
            check.fail(InvalidData.one("purpose", "", N_("Searching by ID number needs --purpose: say why.")))
        f.id_number = check(lambda: _id_search(id_number))
    if year is not None:
        f.year = check(lambda: v.year(year, session.today))
    codes = session.codes_table
    if college is not None:
        f.college = check(lambda: codes.college(college).code if codes else v.two_digit_code(college, "college"))
    if major is not None:
        if codes and f.college:
            f.major = check(lambda: codes.major(codes.college(f.college), major).code)
        else:
            f.major = check(lambda: v.two_digit_code(major, "major"))
    if klass is not None:
        f.klass = check(lambda: v.class_code(klass))
    for status in statuses or []:
        f.statuses.append(check(lambda s=status: _status(s)))
    check.done()
    return f


def _asked(f: StudentFilter, **extra) -> dict:
    return {"student_no": f.student_no, "name": f.name, "id_number": f.id_number, "year": f.year,
            "college": f.college, "major": f.major, "class": f.klass, "status": list(f.statuses), **extra}


def query(
    session: Session,
    *,
    student_no: str | None = None,
    name: str | None = None,
    id_number: str | None = None,
    year: str | None = None,
    college: str | None = None,
    major: str | None = None,
    klass: str | None = None,
    statuses: list[str] | None = None,
    limit: str | None = "100",
    grant: str | None = None,
) -> tuple[list[Student], int]:
    """Students matching every filter given, newest first (masked views, logged); and how many match in all. A
    department reads through its grant (``grant``: its number, needed only when it holds several)."""
    if session.actor.may(Action.GRANTED):
        return _granted(session, grant, dict(student_no=student_no, name=name, id_number=id_number, year=year,
                                             college=college, major=major, klass=klass, statuses=statuses), limit)
    session.require(Action.READ)
    check = v.Collector()
    f = check(lambda: _filter(session, student_no=student_no, name=name, id_number=id_number, year=year,
                              college=college, major=major, klass=klass, statuses=statuses))
    count = check(lambda: v.limit(limit if limit is not None else "100"))
    check.done()
    with viewing(session) as repo:
        found, total = repo.query(f, count)
        views = disclose(session, repo, found, _asked(f, limit=count))
        repo.commit()
    return views, total


def export(session: Session, prepare, grant: str | None = None, **filters):
    """Students matching the filters, handed to ``prepare`` (which writes a file not yet visible); the access-log
    entry is committed before the file is put in place, and no file appears if it cannot be. A department exports
    through its grant: the fields it opens, the students it covers."""
    if not session.actor.may(Action.GRANTED):
        session.require(Action.READ)
    f = _filter(session, **filters)
    written = {}

    def work(repo):
        if session.actor.may(Action.GRANTED):
            return _under_grant(session, repo, grant, f, 0)[0]
        found, _ = repo.query(f, 0)
        return disclose(session, repo, found, _asked(f))

    def lay_out(views):
        written["pending"] = prepare(views)
        return written["pending"]

    views = publish(session, work, lay_out)
    return written["pending"].path, len(views)


def _granted(session: Session, grant: str | None, filters: dict, limit: str | None) -> tuple[list[Student], int]:
    check = v.Collector()
    f = check(lambda: _filter(session, **filters))
    count = check(lambda: v.limit(limit if limit is not None else "100"))
    check.done()
    with viewing(session) as repo:
        found, total = _under_grant(session, repo, grant, f, count)
        repo.commit()
    return found, total


def _under_grant(session: Session, repo, grant: str | None, f: StudentFilter, count: int):
    """A department's look: its grant in force, its filters inside the grant, the grant's fields only, logged with
    the grant's number."""
    from xueji.services import grants

    chosen = grants.in_force(session, repo, grant)
    grants.narrowed(chosen, f)
    found, total = repo.query(f, count)
    session.look.grant_id, session.look.fields = chosen.id, chosen.fields
    session.look.purpose = session.look.purpose or chosen.purpose
    record(session, repo, [s.student_no for s in found], _asked(f) | {"grant": chosen.id})
    return [grants.shown(chosen, s) for s in found], total


def views(session: Session, student_nos: list[str], filters: dict | None = None) -> list[Student]:
    """Students by number as they may be shown, e.g. after a change printed as data (one logged look)."""
    session.require(Action.READ)
    with viewing(session) as repo:
        found = [repo.get(no) for no in student_nos]
        shown = disclose(session, repo, [s for s in found if s is not None and
                                         (not session.scope or s.current.college == session.scope)], filters)
        repo.commit()
    return shown


def _id_search(value: str) -> str:
    text = "".join(value.split()).upper()
    if not text:
        raise InvalidData.one("id_number", value, N_("The ID number is empty."))
    return text


def _status(value: str) -> str:
    return v.status(value).value


def show(session: Session, student_no: str) -> tuple[Student, list[Event]]:
    """A record and its whole history, as it may be shown (one logged look, in every output format)."""
    session.require(Action.READ)
    number = str(parse_number(student_no))
    with viewing(session) as repo:
        student = session.visible(repo.get(number), number)
        events = repo.events(student)
        view = disclose(session, repo, [student], {"student_no": number})[0]
        repo.commit()
    reveal = session.look.reveal
    return view, [replace(e, detail=masked_detail(e.detail, reveal)) for e in events]
