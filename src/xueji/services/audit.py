"""Supervision (§九): verifying the audit chain, the head hash inspectors write down, the event log, and the
consistency check of the registry's invariants."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from xueji.domain import audit
from xueji.domain import validate as v
from xueji.domain.access import Action, masked_detail, shows_person
from xueji.domain.errors import N_, InvalidData, Msgid
from xueji.i18n import listed
from xueji.domain.number import parse_number
from xueji.domain.status import EventKind
from xueji.services import Session


@dataclass
class Verification:
    events: int
    head: str
    breaks: list[audit.Break] = field(default_factory=list)
    entries: int = 0                  # ledger entries (access log, requests, operators)
    ledger_head: str = audit.GENESIS
    unwitnessed: int = 0              # events and entries recorded after the last head in the witness file


def _hash(value: str | None, field: str) -> str:
    text = (value or "").strip().lower()
    if len(text) != 64 or any(c not in "0123456789abcdef" for c in text):
        raise InvalidData.one(field, value, N_("A head hash has 64 hexadecimal characters."))
    return text


def verify(session: Session, head: str | None = None, witness: str | Path | None = None) -> Verification:
    """Recompute both chains (events; the ledger of access-log entries, requests and operators) and each record's
    link to its last event, in one snapshot. ``head``: a hash written down earlier that must still be in a chain;
    ``witness``: the file of heads written outside the database after every commit, each of which must still be
    in place."""
    session.require(Action.AUDIT)
    wanted = _hash(head, "head") if head is not None else None
    lines = _witness_lines(Path(witness)) if witness is not None else None
    seen = False
    with session.store.snapshot() as repo:
        def events():
            nonlocal seen
            for event in repo.chain_events():
                if wanted and event["hash"] == wanted:
                    seen = True
                yield event

        count, last, breaks = audit.verify(events(), repo.records(), repo.orphan_events())
        entries, ledger_head, ledger_breaks = audit.verify_ledger(repo.ledger_entries(), repo.ledger_rows())
        if wanted and not seen and wanted != audit.GENESIS:
            seen = any(e["hash"] == wanted for e in repo.ledger_entries())
        result = Verification(count, last, breaks + ledger_breaks, entries, ledger_head)
        if wanted and not seen and wanted != audit.GENESIS:
            result.breaks.insert(0, audit.Break(None, None, N_(
                "The head {head} written down earlier is not in the chain: events up to it were changed or removed."),
                {"head": wanted}))
        if lines is not None:
            _check_witness(repo, lines, result)
    return result


def _witness_lines(path: Path) -> list[tuple[str, int, str, int, str]]:
    try:
        text = path.read_text(encoding="ascii")
    except FileNotFoundError:
        raise InvalidData.one("witness", str(path), N_("There is no witness file {path}."), path=str(path)) from None
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidData.one("witness", str(path), N_("Cannot read the witness file {path}: {detail}."),
                              path=str(path), detail=getattr(error, "strerror", None) or str(error)) from None
    lines = []
    for number, line in enumerate(text.splitlines(), start=1):
        parts = line.split()
        if len(parts) != 7 or parts[1] != "events" or parts[4] != "ledger" or not parts[2].isdigit() \
                or not parts[5].isdigit():
            raise InvalidData.one("witness", line[:80], N_("Line {line} of the witness file {path} is not a head "
                                                           "written by xueji."), line=number, path=str(path))
        lines.append((parts[0], int(parts[2]), parts[3], int(parts[5]), parts[6]))
    return lines


def _check_witness(repo, lines, result: Verification) -> None:
    """Every head the witness wrote down must still be in place: a removed or rewritten newest event is found."""
    for at, events, event_hash, entries, ledger_hash in lines:
        for table, number, digest in (("events", events, event_hash), ("ledger", entries, ledger_hash)):
            if number and repo.hash_at(table, number) != digest:
                result.breaks.insert(0, audit.Break(None, None, N_(
                    "The head witnessed at {at} ({table} {number}, {head}) is no longer in the database: what was "
                    "recorded up to then was changed or removed."),
                    {"at": at, "table": table, "number": number, "head": digest[:16]}))
    if lines:
        (events, _), (entries, _) = repo.heads()
        result.unwitnessed = max(0, events - lines[-1][1]) + max(0, entries - lines[-1][3])


def head(session: Session) -> tuple[tuple[int, str], tuple[int, str]]:
    """(events, head hash) and (ledger entries, ledger head hash)."""
    session.require(Action.AUDIT)
    with session.store.snapshot() as repo:
        return repo.heads()


def log(session: Session, student: str | None = None, since: str | None = None, kind: str | None = None) -> list[dict]:
    """The events of the audit trail. Corrections carry a person's data (before and after): those students' records
    are a look like any other, masked unless revealed and logged."""
    from xueji.services.disclosure import may_reveal, record, viewing

    session.require(Action.AUDIT)
    check = v.Collector()
    number = check(lambda: str(parse_number(student))) if student else None
    day = check(lambda: v.iso_date(since, "date").isoformat()) if since else None
    if kind is not None and kind not in {k.value for k in EventKind}:
        check.fail(InvalidData.one("kind", kind, N_("Unknown event kind {value!r}: use one of {choices}."),
                                   value=kind, choices=listed(k.value for k in EventKind)))
    check.done()
    reveal = may_reveal(session)
    with viewing(session) as repo:
        events = []
        personal = []
        for event in repo.chain_events(number, day, kind):
            detail = json.loads(event["detail"]) if event["detail"] else {}
            if shows_person(detail):
                personal.append(event["student_no"])
            events.append(event | {"detail": masked_detail(detail, reveal)})
        record(session, repo, list(dict.fromkeys(personal)), {"student_no": number, "since": day, "kind": kind})
        repo.commit()
    return events


@dataclass
class CheckReport:
    violations: list[tuple[str, dict]] = field(default_factory=list)
    warnings: list[tuple[str, dict]] = field(default_factory=list)
    students: int = 0


TRIGGERS = ("students_never_deleted", "events_never_deleted", "events_never_updated", "students_number_fixed",
            "access_log_never_changed", "access_log_never_deleted", "requests_never_deleted", "operators_never_deleted",
            "operators_only_ended", "ledger_never_changed", "ledger_never_deleted", "requests_decided_once",
            "certificates_never_changed", "certificates_never_deleted", "grants_never_deleted", "grants_only_revoked",
            "settings_never_changed", "settings_never_deleted")


def check(session: Session) -> CheckReport:
    """The registry's invariants, read in one snapshot (a clerk working meanwhile never causes a violation)."""
    session.require(Action.AUDIT)
    report = CheckReport()
    with session.store.snapshot() as repo:
        _check_records(session, repo, report)
        _check_history(repo, report)
    return report


def _check_records(session: Session, repo, report: CheckReport) -> None:
    """One pass over the students, the rest aggregated by SQLite: memory stays flat at any registry size."""
    bad = report.violations.append
    integrity = repo.integrity_check()
    if integrity != ["ok"]:
        bad((N_("SQLite's integrity check failed: {detail}"), {"detail": "; ".join(integrity[:5])}))
    report.students = repo.student_count()
    for no, count in repo.shared_numbers():
        bad((N_("The number {student_no} is held by {count} records."), {"student_no": no, "count": count}))
    for no, year, college, major, klass, seat, status, expected in repo.numbers_and_statuses():
        if not (len(no) == 12 and no.isdigit() and no.isascii()) or (
                no[:4], no[4:6], no[6:8], no[8:10], no[10:]) != (f"{year:04d}", college, major, klass, f"{seat:02d}"):
            bad((N_("The number {student_no} does not match its stored year, college, major, class and seat."),
                 {"student_no": no}))
        if expected != status:
            bad((N_("{student_no} has status {status}, but its events lead to {expected}."),
                 {"student_no": no, "status": status, "expected": expected or "—"}))
    for _id_type, id_number, count in repo.shared_live_registrations():
        bad((N_("{count} live registrations share one ID number ({masked})."),
             {"count": count, "masked": id_number[:6] + "…"}))
    codes = session.codes_table
    if codes is not None:
        removed = {(college, major) for college, major in repo.codes_in_use()
                   if college not in codes.colleges or major not in codes.colleges[college].majors}
        for college, major in sorted(removed):
            report.warnings.append((N_("College {college}, major {major} is in use but no longer in the code table."),
                                    {"college": college, "major": major}))


def _check_history(repo, report: CheckReport) -> None:
    """What the chain alone cannot see: time running backwards, operators who never existed, events citing a
    request that did not approve them, and guards removed from the schema."""
    bad = report.violations.append
    present = repo.trigger_names()
    for name in TRIGGERS:
        if name not in present:
            bad((N_("The guard {name} is missing from the database: someone changed the schema outside xueji."),
                 {"name": name}))
    for chain, head in repo.recorded_heads().items():
        end = repo.chain_end(chain)
        if head != end:
            bad((N_("The database records the head of the {chain} chain at entry {id}, but the chain ends at entry "
                    "{last}: entries were removed or added outside xueji."),
                 {"chain": chain, "id": head[0], "last": end[0]}))
    for table, label in (("events", N_("Event")), ("ledger", N_("Ledger entry"))):
        for row_id, at, before in repo.times_running_backwards(table):
            bad((N_("{what} {id} was recorded at {at}, before the one preceding it ({before}): time ran backwards."),
                 {"what": Msgid(label), "id": row_id, "at": at, "before": before}))
    history: dict[str, list[tuple[str, str | None]]] = {}
    for row in repo.operators(current=False):
        history.setdefault(row["name"], []).append((row["added_at"], row["ended_at"]))
    if history:
        # From the first event recorded once the registry had operators, every name must be an operator then.
        since = min(start for spans in history.values() for start, _ in spans)
        for event_id, at, *names in repo.events_naming_operators(since):
            for name in dict.fromkeys(n for n in names if n):
                spans = history.get(name, [])
                if not any(start <= at and (end is None or at <= end) for start, end in spans):
                    bad((N_("Event {id} names {operator}, who was not an operator of the registry at {at}."),
                         {"id": event_id, "operator": name, "at": at}))
    requests = {number: (status, json.loads(result) if result else {})
                for number, (status, result) in repo.request_outcomes().items()}
    for event_id, request_id, student_no in repo.events_citing_requests():
        status, result = requests.get(request_id, (None, {}))
        if status != "approved" or student_no not in result.get("students", []):
            bad((N_("Event {id} cites request {request}, which did not approve a change of {student_no}."),
                 {"id": event_id, "request": request_id, "student_no": student_no}))


