"""A whole registry from one store into another, row for row: SQLite → PostgreSQL (``xueji migrate --to``) and
PostgreSQL → a SQLite file (``xueji backup`` of a shared registry: the portable archive).

Every column is carried as stored, so the chains' hashes (which cover the rows) are the same on both sides: the
caller compares the heads and verifies the copy before trusting it. Rows stream in chunks; nothing of a million
students is held at once.
"""

from __future__ import annotations

from xueji.domain import audit

# Parents before children (the foreign keys hold at every row), each with its columns and its order.
TABLES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("operators", audit.OPERATOR_FIELDS),
    ("colleges", ("code", "name")),
    ("majors", ("college", "code", "name", "national_code")),
    ("requests", ("id", "action", "college", "student_no", "payload", "status", "submitted_by", "submitted_at",
                  "decided_by", "decided_at", "doc_no", "decision_reason", "result", "account", "receiving",
                  "agreed_by", "agreed_at", "agreed_account")),
    ("students", ("id", "student_no", "name", "gender", "birth_date", "id_type", "id_number", "exam_no",
                  "enroll_year", "college", "major", "class", "seat", "cur_year", "cur_college", "cur_major",
                  "cur_class", "status", "status_since", "suspended_until", "origin", "created_at", "ethnicity",
                  "political", "region")),
    ("name_keys", ("student_id", "key")),
    ("events", ("id", "student_id", "kind", "jyt_code", "effective_date", "recorded_at", "operator", "reason",
                "doc_no", "status_before", "status_after", "detail", "submitted_by", "approved_by", "request_id",
                "record_hash", "prev_hash", "hash", "account")),
    ("grants", audit.GRANT_FIELDS),
    ("settings", audit.SETTING_FIELDS),
    ("access_log", ("id", "at", "operator", "command", "filters", "shown", "revealed", "purpose", "requester",
                    "proof", "account", "grant_id")),
    ("access_log_students", ("access_id", "student_no")),
    ("secrets", ("name", "value")),  # the key of the certificates' codes: the copy must verify them too
    ("certificates", audit.CERTIFICATE_FIELDS),
    ("ledger", ("id", "kind", "ref", "at", "account", "operator", "body", "prev_hash", "hash")),
)
_ORDER = {"colleges": "code", "majors": "college, code", "name_keys": "student_id", "secrets": "name",
          "access_log_students": "access_id, student_no"}


def is_empty(repo) -> bool:
    """Nothing a registry's work leaves: no student, event, request, access-log entry or ledger entry."""
    return all(repo.count(table) == 0 for table in ("students", "events", "requests", "access_log")) and \
        repo.heads()[1][0] == 0


def copy_registry(source, target, progress=None) -> dict[str, int]:
    """Every row of ``source`` (a repository inside a snapshot) into ``target`` (a repository inside a unit of
    work): returns the rows copied per table. The target's own bookkeeping (heads, id sequences) follows."""
    copied = {}
    for table, columns in TABLES:
        # operators carry no ledger of their own here: the ledger's rows come across as they are
        rows = source.table_rows(table, columns, _ORDER.get(table, "id"))
        copied[table] = target.insert_rows(table, columns, rows)
        if progress:
            progress(table, copied[table])
    target.after_copy()
    return copied
