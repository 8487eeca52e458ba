"""The audit chain (§三 completeness, §九 supervision): every event carries the hash of the one before it.

hash = SHA-256 over a canonical serialisation of the event's content, the student's record after the event
(``record_hash``) and the previous event's hash. Changing, removing or reordering any event, or changing a
record behind its events' back, breaks the chain at a place ``verify`` can name.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass

from xueji.domain.errors import N_

GENESIS = "0" * 64

# The event fields the hash covers, in the order they are stored.
EVENT_FIELDS = (
    "id", "student_no", "kind", "jyt_code", "effective_date", "recorded_at", "operator", "reason", "doc_no",
    "status_before", "status_after", "detail", "submitted_by", "approved_by", "request_id", "record_hash",
)
# The student fields a record hash covers.
RECORD_FIELDS = (
    "student_no", "name", "gender", "birth_date", "id_type", "id_number", "exam_no", "enroll_year", "college",
    "major", "class", "seat", "cur_year", "cur_college", "cur_major", "cur_class", "status", "status_since",
    "suspended_until",
)


# One encoder, built once: hashing is on the hot path of every batch and of every verification.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


# Person fields kept since record/2; a record with none of them hashes as record/1, so older hashes still verify
# and filling one in changes the form.
RECORD_FIELDS_2 = ("ethnicity", "political", "region")


def record_hash(record: dict) -> str:
    """The canonical form is a JSON array in the fixed field order, tagged with its version."""
    return record_hash_of([record[k] for k in RECORD_FIELDS], [record.get(k) for k in RECORD_FIELDS_2])


def record_hash_of(values: list, extra: list) -> str:
    """``record_hash`` from the values in ``RECORD_FIELDS`` and ``RECORD_FIELDS_2`` order (no dict on the hot path)."""
    if any(value is not None for value in extra):
        payload = ["record/2", *values, *extra]
    else:
        payload = ["record/1", *values]
    return hashlib.sha256(_ENCODER.encode(payload).encode("utf-8")).hexdigest()


def event_hash(event: dict, prev_hash: str) -> str:
    """event/2 adds the OS account behind the operator; events recorded before accounts were kept stay event/1
    (changing an account afterwards changes the form, so the stored hash no longer matches either way)."""
    return event_hash_of([event[k] for k in EVENT_FIELDS], event.get("account"), prev_hash)


def event_hash_of(values: list, account: str | None, prev_hash: str) -> str:
    """``event_hash`` from the values in ``EVENT_FIELDS`` order (no dict on the hot path)."""
    if account is None:
        payload = ["event/1", *values, prev_hash]
    else:
        payload = ["event/2", *values, account, prev_hash]
    return hashlib.sha256(_ENCODER.encode(payload).encode("utf-8")).hexdigest()


# --- the ledger: everything that is not a student's event, in a chain of its own ------------------
#
# Access-log entries, requests and their decisions, and changes of operators. Each entry holds the canonical body
# of the row it records; verification recomputes the body from the row, so a row changed, removed or added behind
# xueji's back, or a ledger entry removed or changed, is found.

ACCESS_FIELDS = ("id", "at", "operator", "account", "command", "filters", "shown", "revealed", "purpose", "requester",
                 "proof")
REQUEST_FIELDS = ("id", "action", "college", "student_no", "payload", "submitted_by", "submitted_at", "account")
DECISION_FIELDS = ("id", "status", "decided_by", "decided_at", "doc_no", "decision_reason", "result")
OPERATOR_FIELDS = ("id", "name", "role", "college", "act_as", "added_at", "added_by", "added_account", "ended_at",
                   "ended_by", "end_reason")
SETTING_FIELDS = ("id", "name", "value", "set_by", "set_at", "set_account")
GRANT_FIELDS = ("id", "operator", "purpose", "fields", "college", "year", "statuses", "until", "doc_no", "granted_by",
                "granted_at", "granted_account", "revoked_by", "revoked_at", "revoked_account", "revoke_reason")
AGREEMENT_FIELDS = ("id", "receiving", "agreed_by", "agreed_at", "agreed_account")
CERTIFICATE_FIELDS = ("id", "code", "kind", "student_no", "lang", "facts", "head_event", "head", "issued_at",
                      "operator", "account", "requester", "proof", "purpose")
LEDGER_FIELDS = ("id", "kind", "ref", "at", "account", "operator", "body")


def body(kind: str, row: dict, students: Iterable[str] = ()) -> str:
    """The canonical text of a row as the ledger records it."""
    fields = {"access": ACCESS_FIELDS, "request": REQUEST_FIELDS, "decision": DECISION_FIELDS,
              "operator": OPERATOR_FIELDS, "certificate": CERTIFICATE_FIELDS, "agreement": AGREEMENT_FIELDS,
              "grant": GRANT_FIELDS, "setting": SETTING_FIELDS}[kind]
    values = [f"{kind}/1", *(row[k] for k in fields)]
    if kind == "request" and row.get("receiving") is not None:  # a move into another college names it (request/2)
        values = ["request/2", *values[1:], row["receiving"]]
    if kind == "access":
        values.append(hashlib.sha256("\n".join(sorted(students)).encode("utf-8")).hexdigest())
        if row.get("grant_id") is not None:  # a department's read under a grant names it (access/2)
            values = ["access/2", *values[1:], row["grant_id"]]
    return _ENCODER.encode(values)


def ledger_hash(entry: dict, prev_hash: str) -> str:
    values = ["ledger/1", *(entry[k] for k in LEDGER_FIELDS), prev_hash]
    return hashlib.sha256(_ENCODER.encode(values).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Break:
    """Where the chain or a record stops matching: the event to look at, and what is wrong."""

    event_id: int | None
    student_no: str | None
    message: str
    params: dict


def verify(events: Iterable[dict], records: Iterable[dict], orphans: Iterable[tuple] = ()) -> tuple[int, str, list[Break]]:
    """Recompute the chain over stored events (in id order, each with ``prev_hash`` and ``hash``) and compare each
    student's record with its last event (``record["last"]``: id, kind, record hash; None without events).
    ``orphans``: (event id, student id) of events whose record is gone. All three are read as streams: memory stays
    flat at any registry size. Returns (events read, head hash, breaks — the first one first)."""
    breaks: list[Break] = []
    expected_prev = GENESIS
    count = 0
    head = GENESIS
    for event in events:
        count += 1
        if event["prev_hash"] != expected_prev:
            breaks.append(Break(event["id"], event["student_no"], N_(
                "Event {id} ({kind}, {student_no}) does not follow the event before it: an event was removed, "
                "inserted or changed before it."), {"id": event["id"], "kind": event["kind"],
                                                   "student_no": event["student_no"]}))
        if not _intact(event):
            breaks.append(Break(event["id"], event["student_no"], N_(
                "Event {id} ({kind}, {student_no}) was changed after it was recorded."),
                {"id": event["id"], "kind": event["kind"], "student_no": event["student_no"]}))
        expected_prev = event["hash"]
        head = event["hash"]
    for record in records:
        student_no = record["student_no"]
        last = record.get("last")
        if last is None:
            breaks.append(Break(None, student_no, N_("The record of {student_no} has no events."),
                                {"student_no": student_no}))
        elif not _record_intact(record, last):
            breaks.append(Break(last["id"], student_no, N_(
                "The record of {student_no} no longer matches its last event {id} ({kind}): it was changed "
                "outside xueji."), {"student_no": student_no, "id": last["id"], "kind": last["kind"]}))
    for event_id, _student_id in orphans:
        breaks.append(Break(event_id, None, N_("Event {id} belongs to {student_no}, whose record is missing."),
                            {"id": event_id, "student_no": "—"}))
    breaks.sort(key=lambda b: (b.event_id is None, b.event_id or 0))
    return count, head, breaks


def _intact(event: dict) -> bool:
    """Whether an event still hashes to its stored hash; a database that masks what the hash covers recomputes it
    itself and says so (``intact``)."""
    if "intact" in event:
        return bool(event["intact"])
    return event_hash(event, event["prev_hash"]) == event["hash"]


def _record_intact(record: dict, last: dict) -> bool:
    """Whether a record still hashes to what its last event recorded (None there: nothing to compare), or what the
    database found when it compared them itself (``intact``: None when the event recorded no hash)."""
    if "intact" in record:
        return record["intact"] is not False
    return last["record_hash"] is None or record_hash(record) == last["record_hash"]


_LEDGER_SUBJECTS = {"access": N_("access-log entry"), "request": N_("request"), "decision": N_("decision on request"),
                    "operator": N_("operator record"), "certificate": N_("certificate"),
                    "agreement": N_("receiving college's agreement to request"), "grant": N_("grant"),
                    "setting": N_("office setting")}


def verify_ledger(entries: Iterable[dict], rows: dict[tuple[str, int], str | bool]) -> tuple[int, str, list[Break]]:
    """Recompute the ledger's chain and compare each recorded row (``rows``: (kind, ref) → the body of the row as it
    stands now, or whether it still matches its last entry where the database, masking the bodies, compared them
    itself) with its last ledger entry. Entries may carry ``intact`` likewise. Returns (entries read, head hash,
    breaks)."""
    from xueji.domain.errors import Msgid

    breaks: list[Break] = []
    expected_prev = GENESIS
    head = GENESIS
    count = 0
    last: dict[tuple[str, int], tuple[int, str]] = {}
    for entry in entries:
        count += 1
        params = {"id": entry["id"], "kind": Msgid(_LEDGER_SUBJECTS.get(entry["kind"], entry["kind"])),
                  "ref": entry["ref"]}
        if entry["prev_hash"] != expected_prev:
            breaks.append(Break(None, None, N_(
                "Ledger entry {id} ({kind} {ref}) does not follow the entry before it: an entry was removed, inserted "
                "or changed before it."), params))
        if not (entry["intact"] if "intact" in entry else ledger_hash(entry, entry["prev_hash"]) == entry["hash"]):
            breaks.append(Break(None, None, N_("Ledger entry {id} ({kind} {ref}) was changed after it was recorded."),
                                params))
        expected_prev = head = entry["hash"]
        last[(entry["kind"], entry["ref"])] = (entry["id"], entry["body"])
    for key, text in rows.items():
        kind, ref = key
        params = {"kind": Msgid(_LEDGER_SUBJECTS[kind]), "ref": ref}
        if key not in last:
            breaks.append(Break(None, None, N_("The {kind} {ref} is not in the ledger: it was added outside xueji."),
                                params))
        elif text is False or (text is not True and last[key][1] != text):
            breaks.append(Break(None, None, N_(
                "The {kind} {ref} no longer matches ledger entry {id}: it was changed outside xueji."),
                params | {"id": last[key][0]}))
    for key, (entry_id, _) in last.items():
        if key not in rows:
            kind, ref = key
            breaks.append(Break(None, None, N_("The {kind} {ref} recorded in ledger entry {id} is missing: it was "
                                               "removed outside xueji."),
                                {"kind": Msgid(_LEDGER_SUBJECTS.get(kind, kind)), "ref": ref, "id": entry_id}))
    return count, head, breaks
