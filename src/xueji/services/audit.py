"""Supervision (§九): verifying the audit chain, the head hash inspectors write down, the event log, and the
consistency check of the registry's invariants."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from xueji.domain import audit
from xueji.domain import validate as v
from xueji.domain.access import Action
from xueji.domain.errors import N_, IntegrityFailure, InvalidData
from xueji.domain.number import parse_number
from xueji.domain.status import EventKind, Status
from xueji.services import Session


@dataclass
class Verification:
    events: int
    head: str
    breaks: list[audit.Break] = field(default_factory=list)


def verify(session: Session, head: str | None = None) -> Verification:
    """Recompute the chain and each record's link to its last event; with ``head``, prove nothing before it changed."""
    session.require(Action.AUDIT)
    wanted = (head or "").strip().lower() or None
    if wanted is not None and (len(wanted) != 64 or any(c not in "0123456789abcdef" for c in wanted)):
        raise InvalidData.one("head", head, N_("A head hash has 64 hexadecimal characters."))
    repo = session.store.reader()
    seen = False

    def events():
        nonlocal seen
        for event in repo.chain_events():
            if wanted and event["hash"] == wanted:
                seen = True
            yield event

    count, last, breaks = audit.verify(events(), repo.records())
    result = Verification(count, last, breaks)
    if wanted and not seen and wanted != audit.GENESIS:
        result.breaks.insert(0, audit.Break(None, None, N_(
            "The head {head} written down earlier is not in the chain: events up to it were changed or removed."),
            {"head": wanted}))
    return result


def head(session: Session) -> tuple[int, str]:
    session.require(Action.AUDIT)
    return session.store.reader().head()


def log(session: Session, student: str | None = None, since: str | None = None, kind: str | None = None) -> list[dict]:
    session.require(Action.AUDIT)
    check = v.Collector()
    number = check(lambda: str(parse_number(student))) if student else None
    day = check(lambda: v.iso_date(since, "date").isoformat()) if since else None
    if kind is not None and kind not in {k.value for k in EventKind}:
        check.fail(InvalidData.one("kind", kind, N_("Unknown event kind {value!r}: use one of {choices}."),
                                   value=kind, choices=", ".join(k.value for k in EventKind)))
    check.done()
    return list(session.store.reader().chain_events(number, day, kind))


@dataclass
class CheckReport:
    violations: list[tuple[str, dict]] = field(default_factory=list)
    warnings: list[tuple[str, dict]] = field(default_factory=list)
    students: int = 0


def check(session: Session) -> CheckReport:
    """The registry's invariants; an IntegrityFailure (exit 7) is raised by the caller when any is violated."""
    session.require(Action.AUDIT)
    repo = session.store.reader()
    report = CheckReport()
    bad = report.violations.append
    integrity = repo.conn.execute("PRAGMA integrity_check").fetchall()
    if integrity != [("ok",)]:
        bad((N_("SQLite's integrity check failed: {detail}"), {"detail": "; ".join(r[0] for r in integrity[:5])}))
    records = {r["student_no"]: r for r in repo.records()}
    report.students = len(records)
    codes = session.codes_table
    live = Counter()
    seats = repo.conn.execute("SELECT student_no, seat FROM students").fetchall()
    seat_of = dict(seats)
    numbers = Counter(no for no, _ in seats)
    for no, count in numbers.items():
        if count > 1:
            bad((N_("The number {student_no} is held by {count} records."), {"student_no": no, "count": count}))
    last_status = dict(repo.conn.execute(
        "SELECT s.student_no, e.status_after FROM events e JOIN students s ON s.id = e.student_id "
        "WHERE e.id IN (SELECT max(id) FROM events GROUP BY student_id)").fetchall())
    removed = set()
    for no, r in records.items():
        if not (len(no) == 12 and no.isdigit() and no.isascii()) or (
                no[:4], no[4:6], no[6:8], no[8:10], no[10:]) != (
                f"{r['enroll_year']:04d}", r["college"], r["major"], r["class"], f"{seat_of[no]:02d}"):
            bad((N_("The number {student_no} does not match its stored year, college, major, class and seat."),
                 {"student_no": no}))
        if r["status"] in (Status.ACTIVE.value, Status.SUSPENDED.value):
            live[(r["id_type"], r["id_number"])] += 1
        if last_status.get(no) != r["status"]:
            bad((N_("{student_no} has status {status}, but its events lead to {expected}."),
                 {"student_no": no, "status": r["status"], "expected": last_status.get(no) or "—"}))
        if codes is not None:
            for college, major in ((r["college"], r["major"]), (r["cur_college"], r["cur_major"])):
                if college not in codes.colleges or major not in codes.colleges[college].majors:
                    removed.add((college, major))
    for (id_type, id_number), count in live.items():
        if count > 1:
            bad((N_("{count} live registrations share one ID number ({masked})."),
                 {"count": count, "masked": id_number[:6] + "…"}))
    for college, major in sorted(removed):
        report.warnings.append((N_("College {college}, major {major} is in use but no longer in the code table."),
                                {"college": college, "major": major}))
    return report


def failure(count: int) -> IntegrityFailure:
    return IntegrityFailure(N_("Integrity problems found: {count}."), count=count)
