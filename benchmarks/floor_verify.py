"""The floor for `xueji audit verify`: the leanest Python recomputing the same hashes over the same rows.

    python benchmarks/floor_verify.py --db xueji.db

Nothing of xueji is imported. It reads the events in chain order with one query (their student's number joined in,
as xueji reads them) and recomputes every event's hash (event/1 or event/2, over the stored fields and the previous
hash) and the chain's links; then reads every student with the record hash of their last event (one query, a
correlated look-up of the last event per student) and recomputes each record's hash (record/1 or record/2). That
is the work `audit verify` does for the events; the ledger (access log, requests, operators) is left out, as its
rows are few. It prints the number of events, the head and the number of breaks; exit 1 if any.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import sqlite3
import sys
import time

GENESIS = "0" * 64
_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
EVENT_COLUMNS = ("e.id, s.student_no, e.kind, e.jyt_code, e.effective_date, e.recorded_at, e.operator, e.reason, "
                 "e.doc_no, e.status_before, e.status_after, e.detail, e.submitted_by, e.approved_by, e.request_id, "
                 "e.record_hash")
RECORD_COLUMNS = ("student_no, name, gender, birth_date, id_type, id_number, exam_no, enroll_year, college, major, "
                  "class, seat, cur_year, cur_college, cur_major, cur_class, status, status_since, suspended_until")


def verify(db_path: str) -> tuple[int, str, int]:
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    sha256 = hashlib.sha256
    breaks = 0
    prev = GENESIS
    count = 0
    conn.execute("BEGIN")  # one snapshot, as xueji reads
    for row in conn.execute(f"SELECT {EVENT_COLUMNS}, e.account, e.prev_hash, e.hash FROM events e "
                            "LEFT JOIN students s ON s.id = e.student_id ORDER BY e.id"):
        count += 1
        *values, account, prev_hash, digest = row
        if prev_hash != prev:
            breaks += 1
        if account is None:
            payload = ["event/1", *values, prev_hash]
        else:
            payload = ["event/2", *values, account, prev_hash]
        if sha256(_ENCODE(payload).encode()).hexdigest() != digest:
            breaks += 1
        prev = digest
    for row in conn.execute(
            f"SELECT {', '.join('s.' + c.strip() for c in RECORD_COLUMNS.split(','))}, s.ethnicity, s.political, "
            "s.region, e.record_hash FROM students s "
            "LEFT JOIN events e ON e.id = (SELECT max(id) FROM events WHERE student_id = s.id)"):
        *values, ethnicity, political, region, expected = row
        if expected is None:
            continue
        if ethnicity is None and political is None and region is None:
            payload = ["record/1", *values]
        else:
            payload = ["record/2", *values, ethnicity, political, region]
        if sha256(_ENCODE(payload).encode()).hexdigest() != expected:
            breaks += 1
    conn.execute("COMMIT")
    conn.close()
    return count, prev, breaks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    args = parser.parse_args(argv)
    gc.disable()
    started = time.perf_counter()
    count, head, breaks = verify(args.db)
    print(f"{count} events, head {head}, {breaks} breaks in {time.perf_counter() - started:.2f} s", file=sys.stderr)
    return 1 if breaks else 0


if __name__ == "__main__":
    sys.exit(main())
