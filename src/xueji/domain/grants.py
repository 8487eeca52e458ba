"""Departments' access (§八.2): "學校各部門因工作需要查詢學生學籍學號信息的，應向教務處提出申請，經教務處批準後，在規定的範圍內
進行查詢和使用." A grant names a department's operator, a purpose, the fields it may read, the students it covers
(a college, a cohort, statuses) and an expiry; the office gives and revokes it, and every use is logged with it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from xueji.domain.errors import N_, PermissionDenied

# What a grant may open: the keys of a student as exports write them.
FIELDS = ("student_no", "name", "gender", "birth_date", "id_type", "id_number", "exam_no", "enroll_year", "college",
          "major", "class", "seat", "status", "status_since", "suspended_until", "current_year", "current_college",
          "current_major", "current_class", "ethnicity", "political", "region")


# A query's filter and the field it reads.
_FILTERED = {"year": "current_year", "college": "current_college", "major": "current_major", "class": "current_class"}


@dataclass(frozen=True)
class Grant:
    id: int
    operator: str
    purpose: str
    fields: tuple[str, ...]
    college: str | None
    year: int | None
    statuses: tuple[str, ...]
    until: date
    doc_no: str
    granted_by: str
    granted_at: str
    revoked_by: str | None = None
    revoked_at: str | None = None
    revoke_reason: str | None = None

    @classmethod
    def from_row(cls, row: dict) -> "Grant":
        return cls(row["id"], row["operator"], row["purpose"], tuple(json.loads(row["fields"])), row["college"],
                   row["year"], tuple(json.loads(row["statuses"] or "[]")), date.fromisoformat(row["until"]),
                   row["doc_no"], row["granted_by"], row["granted_at"], row["revoked_by"], row["revoked_at"],
                   row["revoke_reason"])

    def in_force(self, today: date) -> None:
        """Refused (exit 6, naming the grant) once revoked or past its last day."""
        if self.revoked_at is not None:
            raise PermissionDenied(N_("Grant {id} ({purpose}) was revoked on {day}: {reason}."), id=self.id,
                                   purpose=self.purpose, day=self.revoked_at[:10], reason=self.revoke_reason or "—",
                                   hint=N_("Ask the office for a new grant."))
        if today > self.until:
            raise PermissionDenied(N_("Grant {id} ({purpose}) expired on {day}."), id=self.id, purpose=self.purpose,
                                   day=self.until.isoformat(), hint=N_("Ask the office for a new grant."))

    def covers(self, field: str, value) -> None:
        """A filter on ``field`` must stay inside the grant: a field it opens (or its own scope), its college, its
        cohort, its statuses — filtering by a field it does not open would read that field."""
        limits = {"college": self.college, "year": self.year}
        opened = {_FILTERED.get(field, field), field}  # filtering follows the current placement; either field opens it
        own = field in limits and limits[field] == value or field == "status" and value in self.statuses
        if field in limits and limits[field] is not None and value != limits[field]:
            raise PermissionDenied(N_("Grant {id} ({purpose}) covers {field} {allowed} only, not {value}."),
                                   id=self.id, purpose=self.purpose, field=field, allowed=limits[field], value=value)
        if field == "status" and self.statuses and value not in self.statuses:
            raise PermissionDenied(N_("Grant {id} ({purpose}) covers {field} {allowed} only, not {value}."),
                                   id=self.id, purpose=self.purpose, field=field, allowed=", ".join(self.statuses),
                                   value=value)
        if field == "id_number" or (not opened & set(self.fields) and not own):
            raise PermissionDenied(N_("Grant {id} ({purpose}) does not open the field {field}."), id=self.id,
                                   purpose=self.purpose, field=field)
