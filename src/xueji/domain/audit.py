"""The audit chain (§三 completeness, §九 supervision): every event carries the hash of the one before it.

hash = SHA-256 over a canonical serialisation of the event's content, the student's record after the event
(``record_hash``) and the previous event's hash. Changing, removing or reordering any event, or changing a
record behind its events' back, breaks the chain at a place ``verify`` can name.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

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


def record_hash(record: dict) -> str:
    """The canonical form is a JSON array in the fixed field order, tagged with its version."""
    values = ["record/1", *(record[k] for k in RECORD_FIELDS)]
    return hashlib.sha256(_ENCODER.encode(values).encode("utf-8")).hexdigest()


def event_hash(event: dict, prev_hash: str) -> str:
    values = ["event/1", *(event[k] for k in EVENT_FIELDS), prev_hash]
    return hashlib.sha256(_ENCODER.encode(values).encode("utf-8")).hexdigest()


def chain(events: Iterable[dict], prev_hash: str) -> Iterator[tuple[dict, str, str]]:
    """(event, prev_hash, hash) for new events appended after ``prev_hash``."""
    for event in events:
        digest = event_hash(event, prev_hash)
        yield event, prev_hash, digest
        prev_hash = digest


@dataclass(frozen=True)
class Break:
    """Where the chain or a record stops matching: the event to look at, and what is wrong."""

    event_id: int | None
    student_no: str | None
    message: str
    params: dict


def verify(events: Iterable[dict], records: Iterable[dict]) -> tuple[int, str, list[Break]]:
    """Recompute the chain over stored events (in id order, each with ``prev_hash`` and ``hash``) and compare each
    student's record with its last event. Both are read as streams. Returns (events read, head hash, breaks — the
    first one first)."""
    from xueji.domain.errors import N_

    breaks: list[Break] = []
    expected_prev = GENESIS
    count = 0
    last_of: dict[str, dict] = {}
    head = GENESIS
    for event in events:
        count += 1
        if event["prev_hash"] != expected_prev:
            breaks.append(Break(event["id"], event["student_no"], N_(
                "Event {id} ({kind}, {student_no}) does not follow the event before it: an event was removed, "
                "inserted or changed before it."), {"id": event["id"], "kind": event["kind"],
                                                   "student_no": event["student_no"]}))
        if event_hash(event, event["prev_hash"]) != event["hash"]:
            breaks.append(Break(event["id"], event["student_no"], N_(
                "Event {id} ({kind}, {student_no}) was changed after it was recorded."),
                {"id": event["id"], "kind": event["kind"], "student_no": event["student_no"]}))
        expected_prev = event["hash"]
        head = event["hash"]
        # Only what the record check needs: a million whole events would not fit in memory comfortably.
        last_of[event["student_no"]] = {"id": event["id"], "kind": event["kind"], "record_hash": event["record_hash"]}
    seen: set[str] = set()
    for record in records:
        student_no = record["student_no"]
        seen.add(student_no)
        last = last_of.get(student_no)
        if last is None:
            breaks.append(Break(None, student_no, N_("The record of {student_no} has no events."),
                                {"student_no": student_no}))
        elif last["record_hash"] is not None and record_hash(record) != last["record_hash"]:
            breaks.append(Break(last["id"], student_no, N_(
                "The record of {student_no} no longer matches its last event {id} ({kind}): it was changed "
                "outside xueji."), {"student_no": student_no, "id": last["id"], "kind": last["kind"]}))
    missing = set(last_of) - seen
    for student_no in sorted(missing):
        breaks.append(Break(last_of[student_no]["id"], student_no, N_(
            "Event {id} belongs to {student_no}, whose record is missing."),
            {"id": last_of[student_no]["id"], "student_no": student_no}))
    breaks.sort(key=lambda b: (b.event_id is None, b.event_id or 0))
    return count, head, breaks
