"""Certificates (在讀證明 / 學籍證明, §八.1): what a certificate states, and the code that lets anyone check it.

A certificate states facts of one student's record on the day it is issued. Its **verification code** is an
HMAC-SHA256, keyed by a secret kept in the registry, over the serial number, the student number, the kind, the
facts printed and the head of the audit chain at issue — 16 characters from an alphabet without look-alikes
(no 0/O, 1/I/L), printed in groups of four. Checking a code finds the issued certificate by it, recomputes the HMAC
from what was recorded (a record changed behind xueji's back no longer matches) and compares the facts printed with
the record as it stands now.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from enum import StrEnum

from xueji.domain.errors import N_, Msgid
from xueji.domain.model import Student
from xueji.domain.status import Status

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # 31 characters, none that reads as another
CODE_LENGTH = 16  # 16 × log2(31) ≈ 79 bits: not guessable, short enough to type from paper
KEY_BYTES = 32


class Kind(StrEnum):
    ENROLLMENT = "enrollment"  # 在讀證明: the student is studying here now
    RECORD = "record"          # 學籍證明: the record as it stands (also for a graduate or a student who left)

    @property
    def label(self) -> str:
        return Msgid(_KIND_LABELS[self])


_KIND_LABELS = {Kind.ENROLLMENT: N_("Certificate of Enrollment"), Kind.RECORD: N_("Certificate of Student Status")}

# Statuses a kind makes sense for, unless the office's configuration says otherwise ([certificates] in config.toml).
DEFAULT_STATUSES = {Kind.ENROLLMENT: (Status.ACTIVE,), Kind.RECORD: tuple(Status)}

# The facts a certificate prints, in a fixed order (they are hashed): codes, never labels, so a renamed college does
# not make a certificate false.
FACTS = ("student_no", "name", "gender", "birth_date", "year", "college", "major", "class", "status", "status_since")


def facts_of(student: Student) -> dict:
    """What a certificate of ``student`` states (the current placement: where the student is now)."""
    person, current = student.person, student.current
    birth = person.birth_date
    return {"student_no": student.student_no, "name": person.name, "gender": person.gender,
            "birth_date": birth if isinstance(birth, str) else birth.isoformat(), "year": current.year,
            "college": current.college, "major": current.major, "class": current.klass,
            "status": student.status.value, "status_since": student.status_since.isoformat()}


def changed(printed: dict, now: dict) -> list[tuple[str, object, object]]:
    """(fact, as printed, as it stands now) for every fact that is no longer true."""
    return [(key, printed.get(key), now.get(key)) for key in FACTS if printed.get(key) != now.get(key)]


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def code(key: bytes, serial: int, student_no: str, kind: str, facts: dict, head_event: int, head: str) -> str:
    """The verification code (16 characters of ALPHABET, ungrouped)."""
    message = _ENCODER.encode(["certificate/1", serial, student_no, kind, facts, head_event, head]).encode("utf-8")
    number = int.from_bytes(hmac.new(key, message, hashlib.sha256).digest(), "big")
    out = []
    for _ in range(CODE_LENGTH):
        number, digit = divmod(number, len(ALPHABET))
        out.append(ALPHABET[digit])
    return "".join(out)


def grouped(text: str) -> str:
    """K7QM-3HXP-9RTV-WD4C: four groups of four, as printed."""
    return "-".join(text[i:i + 4] for i in range(0, len(text), 4))


def parse_code(text: str | None) -> str | None:
    """A code as typed (any case, with or without spaces and dashes) in its stored form; None if it cannot be one."""
    import unicodedata

    folded = unicodedata.normalize("NFKC", text or "")  # full-width letters and digits, as typed on a Chinese keyboard
    cleaned = "".join(ch for ch in folded.upper() if ch not in " -\t")
    if len(cleaned) != CODE_LENGTH or any(ch not in ALPHABET for ch in cleaned):
        return None
    return cleaned


def digest(facts: dict) -> str:
    """The facts as stored with the certificate (canonical JSON)."""
    return _ENCODER.encode(facts)
