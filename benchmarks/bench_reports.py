"""Statistics, the annual report and a name search on a registry of a million students: whole-process wall times.

    python benchmarks/bench_reports.py [--students 1000000] [--runs 5] [--seed 2025] [--keep DIR] [--json]

Run it with the project's virtualenv (`.venv/bin/python benchmarks/bench_reports.py`): `xueji` is taken from the
folder of ``sys.executable``, so it is the one installed from this checkout.

1. Builds a registry in a temporary folder (or DIR with ``--keep``; a registry already there is reused): `xueji init`
   creates config.toml and the database with the real schema and migrations; then the students and their events
   are generated in chunks and inserted with ``executemany`` in one transaction (memory stays flat: only the few
   percent of later events wait in a heap until their turn in the chain). Rows are built the way
   ``bench_query.py`` builds them (its names, ID numbers, exam numbers and helpers are imported from it), but
   classes hold up to 99 students, so that a million students fit the example code table:

   - numbers YYYYCCMMKKSS over the 14 majors of colleges 01–05 of config.toml.example, cohorts 2019–2025, each
     (cohort, major) split into the fewest even classes of at most 99, seats 01.. without gaps. 2019–2025 hold at
     most 7 × 14 × 99 × 99 = 960 498 students; a larger ``--students`` adds earlier cohorts (2018, …) until it
     fits, and the report says so;
   - one `enroll` event each (effective on 1 September of the cohort year), and for a few percent a later story:
     graduation (or completion / incompletion) on 30 June four years on for cohorts up to 2021 (3 %); withdrawal in
     the spring after enrolling (1 %); a suspension in spring and an early resumption in autumn, half of them into
     the next cohort (1 %); a suspension in 2025 that is still running (0.8 %); a suspension in 2023 that ran out
     in 2024 without resumption (0.3 %, cohorts up to 2022 — the annual report's overdue list). No event is dated
     after 2025-12-31.
   - every event hashed into the audit chain exactly as ``Repository.add_events`` does it
     (``xueji.domain.audit.record_hash`` of the record after the event, ``event_hash`` with the previous hash),
     event ids in the order the events were recorded, so `xueji check` and `xueji audit verify` pass.
2. Times `xueji check` and `xueji audit verify` once each, and `benchmarks/floor_verify.py` (the same hashes over
   the same rows, nothing else) right after verify: target verify ≤ 2× the floor (informative: their exit codes are reported as the
   registry's validity, and do not stop the benchmark).
3. Times, as whole processes, after one warm-up run of each, ``--runs`` interleaved runs of
     (a) xueji --db DB stats --by college,status -f json                target < 2 s
     (b) xueji --db DB report annual --year 2024 --out annual-N.xlsx    target < 2 s (a fresh file every run)
     (c) xueji --db DB query --name 張 -f json --limit 100               target < 0.5 s
   Every run must exit 0; the stats must add up to the number of students, the workbook must be a zip file and the
   query must return 100 students (all of them, if fewer match) whose names contain 張.
4. Reports the medians (and min / max), PASS / FAIL against each target, the Python version, the machine and the
   command to reproduce; ``--json`` prints the same figures (and every sample) as JSON.

Bytecode: every command runs with PYTHONPYCACHEPREFIX=<folder>/pycache and without PYTHONDONTWRITEBYTECODE, so after
the warm-up every module loads from cached bytecode, as in a normal installation (see bench_query.py). Nothing is
written to the source tree.

Note: `query` shows personal data and the annual report lists the overdue students by name, so runs append to the
access log (a small write transaction); that is part of what a user waits for, and is measured.
"""

from __future__ import annotations

import argparse
import heapq
import json
import os
import random
import shlex
import shutil
import sqlite3
import subprocess
import sys
import time
import zipfile
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_query as bq  # names, ID numbers, column lists, helpers

XUEJI = bq.XUEJI
MAJORS = bq.MAJORS  # the 14 (college, major) pairs of config.toml.example
FIRST_YEAR, LAST_YEAR = 2019, 2025
MAX_CLASSES, MAX_SEATS = 99, 99  # class 01–99, seat 01–99: the number format's limits
HORIZON = date(2025, 12, 31)  # no event is dated later
CHUNK = 20_000  # students generated and inserted at a time
WARMUP = 1
REPORT_YEAR = 2024
NAME = "張"
LIMIT = 100
TARGETS_S = {"stats": 2.0, "annual": 2.0, "query": 0.5}
LABELS = {
    "stats": "stats --by college,status -f json",
    "annual": f"report annual --year {REPORT_YEAR} --out X.xlsx",
    "query": f"query --name {NAME} -f json --limit {LIMIT}",
}
OUTCOMES = (("graduate", "graduated"), ("complete", "completed"), ("incomplete", "incomplete"))

say = bq.say


# --- building the registry ----------------------------------------------------------------------------------


def cohorts(n: int) -> list[int]:
    """2019–2025, plus as many earlier cohorts as a registry of n students needs (classes and seats ≤ 99)."""
    if n < 1:
        raise SystemExit("--students must be at least 1")
    per_year = len(MAJORS) * MAX_CLASSES * MAX_SEATS
    first = FIRST_YEAR
    while (LAST_YEAR - first + 1) * per_year < n:
        first -= 1
    if first < 1990:
        raise SystemExit(f"--students {n} is more than cohorts 1990–{LAST_YEAR} of the example code table hold")
    return list(range(first, LAST_YEAR + 1))


def placements(n: int, years: list[int]):
    """(year, college, major, class, seat) for n students in number order, lazily: cohorts and majors as even as
    possible, each (cohort, major) split into the fewest even classes of at most 99, seats 1.. without gaps."""
    groups = [(y, c, m) for y in years for c, m in MAJORS]
    base, extra = divmod(n, len(groups))
    for index, (year, college, major) in enumerate(groups):
        count = base + (index < extra)
        if not count:
            continue
        classes = -(-count // MAX_SEATS)
        size, more = divmod(count, classes)
        for klass in range(1, classes + 1):
            for seat in range(1, size + (klass <= more) + 1):
                yield year, college, major, klass, seat


def plus_year(day: date) -> date:
    """The last day of a twelve-month suspension starting on ``day``."""
    try:
        return date(day.year + 1, day.month, day.day) - timedelta(days=1)
    except ValueError:  # 29 February
        return date(day.year + 1, 2, 28)


def later_story(rng: random.Random, year: int, sid: int) -> list[tuple]:
    """What happened after enrollment, as (date, kind, jyt_code, reason, doc_no, status_after, changes, detail)
    steps; ``changes`` are the record fields the step sets. Empty for ~95 % of students."""
    roll = rng.random()
    doc = f"教務〔{{}}〕{sid % 97 + 1}號"
    if year <= 2021 and roll < 0.03:
        on = date(year + 4, 6, 30)
        pick = rng.random()
        kind, status = OUTCOMES[0 if pick < 0.90 else 1 if pick < 0.97 else 2]
        jyt = {"graduate": None, "complete": "62", "incomplete": "63"}[kind]
        return [(on, kind, jyt, None, f"校發〔{on.year}〕{20 + int(year) % 7}號", status,
                 {"status": status, "status_since": on.isoformat(), "suspended_until": None}, None)]
    roll -= 0.03
    if year > 2024 or roll < 0:
        return []
    if roll < 0.010:  # withdrew in the spring after enrolling
        on = date(year + 1, 3, 1) + timedelta(days=rng.randrange(120))
        return [(on, "withdraw", "31", "本人申請", doc.format(on.year), "withdrawn",
                 {"status": "withdrawn", "status_since": on.isoformat(), "suspended_until": None}, None)]
    if roll < 0.020:  # suspended in a spring, back early in the autumn; half join the next cohort
        on = date(rng.randint(year + 1, min(year + 3, 2025)), 3, 1) + timedelta(days=rng.randrange(60))
        until = plus_year(on)
        back = date(on.year, 9, 1) + timedelta(days=rng.randrange(10))
        steps = [(on, "suspend", "11", "因病", doc.format(on.year), "suspended",
                  {"status": "suspended", "status_since": on.isoformat(), "suspended_until": until.isoformat()},
                  {"until": until.isoformat()})]
        changes = {"status": "active", "status_since": back.isoformat(), "suspended_until": None}
        detail = None
        if rng.random() < 0.5:
            changes["cur_year"] = year + 1
            detail = "next cohort"  # filled in with the placements below
        steps.append((back, "resume", "12", None, doc.format(back.year), "active", changes, detail))
        return steps
    if roll < 0.028:  # suspended in 2025, still running
        on = date(2025, 3, 1) + timedelta(days=rng.randrange(180))
        until = plus_year(on)
        return [(on, "suspend", "11", "因病", doc.format(on.year), "suspended",
                 {"status": "suspended", "status_since": on.isoformat(), "suspended_until": until.isoformat()},
                 {"until": until.isoformat()})]
    if year <= 2022 and roll < 0.031:  # suspended in 2023 for a year, ran out in 2024, never resumed
        on = date(2023, 3, 1) + timedelta(days=rng.randrange(300))
        until = plus_year(on)
        return [(on, "suspend", "11", "個人原因", doc.format(on.year), "suspended",
                 {"status": "suspended", "status_since": on.isoformat(), "suspended_until": until.isoformat()},
                 {"until": until.isoformat()})]
    return []


def generate(n: int, seed: int, years: list[int]):
    """Chunks of (student rows, event rows) in insertion order: every event row is ready for executemany, with its
    id, prev_hash and hash; ids follow the order the events were recorded (as xueji would have written them)."""
    from xueji.domain import audit  # the chain must hash exactly as xueji does

    rng = random.Random(seed)
    later: list[tuple] = []  # heap of (recorded_at, student id, step, values) not yet in the chain
    prev, next_id = audit.GENESIS, 1

    def chained(values: dict, sid: int) -> tuple:
        nonlocal prev, next_id
        values["id"] = next_id
        digest = audit.event_hash(values, prev)
        row = (next_id, sid, *(values[k] for k in audit.EVENT_FIELDS[2:]), prev, digest)
        prev, next_id = digest, next_id + 1
        return row

    def event(number, kind, jyt, on: date, recorded, reason, doc, before, after, detail, record) -> dict:
        return {"student_no": number, "kind": kind, "jyt_code": jyt, "effective_date": on.isoformat(),
                "recorded_at": recorded, "operator": bq.OPERATOR, "reason": reason, "doc_no": doc,
                "status_before": before, "status_after": after,
                "detail": json.dumps(detail, ensure_ascii=False, sort_keys=True) if detail else None,
                "submitted_by": bq.OPERATOR, "approved_by": bq.OPERATOR, "request_id": None,
                "record_hash": audit.record_hash(record)}

    students: list[tuple] = []
    events: list[tuple] = []
    cohort = None
    used_ids: set[str] = set()
    exam_serial: dict[tuple[int, str], int] = {}
    for sid, (year, college, major, klass, seat) in enumerate(placements(n, years), start=1):
        if year != cohort:  # a new cohort: first the later events recorded before its enrollment day
            if students:
                yield students, events
                students, events = [], []
            cohort = year
            used_ids.clear()  # birth dates (hence ID numbers) of different cohorts never collide
            boundary = f"{year}-09-01T01:00:00+00:00"
            while later and later[0][0] < boundary:
                _, lsid, _, values = heapq.heappop(later)
                events.append(chained(values, lsid))
        number = f"{year:04d}{college}{major}{klass:02d}{seat:02d}"
        male = rng.random() < 0.52
        pool = bq.GIVEN_MALE if male else bq.GIVEN_FEMALE
        surname = rng.choice(bq.COMPOUND_SURNAMES) if rng.random() < 0.01 else rng.choice(bq.SURNAMES)
        given = rng.choice(pool) + (rng.choice(pool) if rng.random() < 0.8 else "")
        born = date(year - 18, 1, 1) + timedelta(days=rng.randrange(365))
        county = rng.choice(bq.COUNTIES)
        while True:  # order code: odd for men, even (never 000) for women
            order = rng.randrange(500) * 2 + 1 if male else rng.randrange(1, 500) * 2
            first17 = f"{county}{born:%Y%m%d}{order:03d}"
            if first17 not in used_ids:
                used_ids.add(first17)
                break
        key = (year, county[:4])
        exam_serial[key] = exam_serial.get(key, 0) + 1
        enrolled = date(year, 9, 1)
        recorded = f"{year}-09-01T01:00:00+00:00"
        record = {
            "student_no": number, "name": surname + given, "gender": "1" if male else "2",
            "birth_date": born.isoformat(), "id_type": "1", "id_number": first17 + bq.check_character(first17),
            "exam_no": f"{year % 100:02d}{county[:4]}1{exam_serial[key]:07d}", "enroll_year": year,
            "college": college, "major": major, "class": f"{klass:02d}", "seat": seat, "cur_year": year,
            "cur_college": college, "cur_major": major, "cur_class": f"{klass:02d}", "status": "active",
            "status_since": enrolled.isoformat(), "suspended_until": None,
        }
        enroll = event(number, "enroll", None, enrolled, recorded, None, None, None, "active", None, record)
        status = "active"
        for step, (on, kind, jyt, reason, doc, after, changes, detail) in enumerate(later_story(rng, year, sid), 1):
            assert enrolled < on <= HORIZON, (number, kind, on)
            if detail == "next cohort":
                before_text = f"{record['cur_year']}/{college}/{major}/{klass:02d}"
                detail = {"placement_before": before_text,
                          "placement_after": f"{changes['cur_year']}/{college}/{major}/{klass:02d}"}
            record.update(changes)
            when = f"{on.isoformat()}T02:00:00+00:00"
            heapq.heappush(later, (when, sid, step, event(number, kind, jyt, on, when, reason, doc, status, after,
                                                          detail, record)))
            status = after
        students.append((sid, *(record[k] for k in audit.RECORD_FIELDS), "enroll", recorded))
        events.append(chained(enroll, sid))
        if len(students) >= CHUNK:
            yield students, events
            students, events = [], []
    while later:
        _, lsid, _, values = heapq.heappop(later)
        events.append(chained(values, lsid))
    yield students, events


def build(folder: Path, n: int, seed: int, years: list[int]) -> tuple[Path, dict]:
    env = dict(os.environ, XUEJI_CONFIG=str(folder / "config.toml"))
    env.pop("XUEJI_DB", None)
    done = subprocess.run([str(XUEJI), "init"], cwd=folder, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"xueji init failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    db = folder / "xueji.db"
    say(f"building {n} students (cohorts {years[0]}–{years[-1]}) in {folder} …")
    started = time.perf_counter()
    students = events = 0
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA cache_size = -262144")  # 256 MiB for the index b-trees while inserting
        conn.execute("BEGIN IMMEDIATE")
        insert_students = (f"INSERT INTO students ({', '.join(bq.STUDENT_COLUMNS)}) "
                           f"VALUES ({', '.join('?' for _ in bq.STUDENT_COLUMNS)})")
        insert_events = (f"INSERT INTO events ({', '.join(bq.EVENT_COLUMNS)}) "
                         f"VALUES ({', '.join('?' for _ in bq.EVENT_COLUMNS)})")
        reported = 0
        for student_rows, event_rows in generate(n, seed, years):
            conn.executemany(insert_students, student_rows)  # before their events (foreign key)
            conn.executemany(insert_events, event_rows)
            students += len(student_rows)
            events += len(event_rows)
            if students - reported >= 100_000 or students == n:
                reported = students
                say(f"  {students:>9} students, {events:>9} events  ({time.perf_counter() - started:.0f} s)")
        bq.fill_search_keys(conn)
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    seconds = time.perf_counter() - started
    say(f"built {students} students and {events} events in {seconds:.1f} s ({db.stat().st_size / 2**20:.0f} MiB)")
    return db, {"seconds": round(seconds, 1), "students": students, "events": events}


# --- timing -------------------------------------------------------------------------------------------------


def run(argv: list[str], env: dict, cwd: Path) -> tuple[float, subprocess.CompletedProcess]:
    started = time.perf_counter()
    done = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True, check=False)
    return time.perf_counter() - started, done


def failed(argv: list[str], done: subprocess.CompletedProcess, why: str) -> SystemExit:
    return SystemExit(f"{shlex.join(argv)}: {why} (exit {done.returncode}):\n{done.stdout[:2000]}{done.stderr[:2000]}")


def checked(name: str, argv: list[str], done: subprocess.CompletedProcess, total: int, out: Path | None,
            named: int) -> None:
    """Each run must have done its job, not merely exited."""
    if done.returncode != 0:
        raise failed(argv, done, "failed")
    if name == "stats":
        counted = sum(r["count"] for r in json.loads(done.stdout))
        if counted != total:
            raise failed(argv, done, f"counted {counted} students, not {total}")
    elif name == "annual":
        if not (out and out.exists() and zipfile.is_zipfile(out)):
            raise failed(argv, done, f"no workbook at {out}")
    elif name == "query":
        found = json.loads(done.stdout)
        if len(found) != min(LIMIT, named) or not all(NAME in s["name"] for s in found):
            raise failed(argv, done, f"expected {min(LIMIT, named)} students named …{NAME}…, got {len(found)}")


def once(name: str, argv: list[str], env: dict, cwd: Path) -> dict:
    """An informative single run (check, audit verify)."""
    seconds, done = run(argv, env, cwd)
    say(f"xueji {name}: exit {done.returncode} in {seconds:.1f} s")
    return {"seconds": round(seconds, 2), "exit": done.returncode, "ok": done.returncode == 0,
            "command": shlex.join(argv), "output": (done.stdout + done.stderr).strip()[:400]}


def stats_of(samples: list[float], target: float) -> dict:
    s = bq.summary(samples)
    median = s["median_ms"] / 1000
    return {"median_s": round(median, 3), "min_s": round(s["min_ms"] / 1000, 3), "max_s": round(s["max_ms"] / 1000, 3),
            "samples_s": [round(x, 3) for x in samples], "runs": len(samples), "target_s": target,
            "pass": median < target}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time `xueji stats`, `xueji report annual` and `xueji query --name` "
                                                 "on a registry of N students (whole processes, medians).")
    parser.add_argument("--students", type=int, default=1_000_000, help="registry size (default 1000000)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each command (default 5)")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="build the registry in DIR and keep it; a registry already there is reused")
    parser.add_argument("--seed", type=int, default=2025, help="random seed for the data (default 2025)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON instead of the report")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if not XUEJI.exists():
        parser.error(f"{XUEJI} not found: run this script with the project's virtualenv python")
    years = cohorts(args.students)

    built = None
    folder, temporary, db = bq.workspace(args.keep, "xueji-bench-reports-", parser)
    try:
        if db is None:
            db, built = build(folder, args.students, args.seed, years)
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            total = conn.execute("SELECT count(*) FROM students").fetchone()[0]
            n_events = conn.execute("SELECT count(*) FROM events").fetchone()[0]
            span = conn.execute("SELECT min(enroll_year), max(enroll_year), max(seat), max(class) FROM students"
                                ).fetchone()
            statuses = dict(conn.execute("SELECT status, count(*) FROM students GROUP BY status").fetchall())
            named = conn.execute("SELECT count(*) FROM students WHERE instr(name, ?) > 0", (NAME,)).fetchone()[0]
        finally:
            conn.close()

        env = dict(os.environ, XUEJI_CONFIG=str(folder / "config.toml"))
        env.pop("XUEJI_DB", None)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(folder / "pycache")
        xueji = [str(XUEJI), "--db", str(db)]

        informative = {
            "check": once("check", xueji + ["check", "-f", "json"], env, folder),
            "audit_verify": once("audit verify", xueji + ["audit", "verify", "-f", "json"], env, folder),
        }
        # audit verify against its floor (floor_verify.py: the same hashes over the same rows, nothing else),
        # run right after it so the two see the same machine.
        floor_seconds, floor_done = run([sys.executable, str(Path(__file__).parent / "floor_verify.py"), "--db",
                                         str(db)], env, folder)
        say(f"floor of audit verify: exit {floor_done.returncode} in {floor_seconds:.1f} s")
        verify_floor = {"seconds": round(floor_seconds, 2), "exit": floor_done.returncode,
                        "ratio": round(informative["audit_verify"]["seconds"] / floor_seconds, 2),
                        "target_ratio": 2.0}
        verify_floor["pass"] = floor_done.returncode == 0 and verify_floor["ratio"] <= 2.0

        def command(name: str, tag: str) -> tuple[list[str], Path | None]:
            if name == "stats":
                return xueji + ["stats", "--by", "college,status", "-f", "json"], None
            if name == "annual":
                out = folder / f"annual-{REPORT_YEAR}-{tag}.xlsx"
                return xueji + ["report", "annual", "--year", str(REPORT_YEAR), "--out", str(out)], out
            return xueji + ["query", "--name", NAME, "-f", "json", "--limit", str(LIMIT)], None

        stamp = time.strftime("%H%M%S")
        for w in range(WARMUP):
            for name in TARGETS_S:
                argv_, out = command(name, f"{stamp}-warmup{w + 1}")
                seconds, done = run(argv_, env, folder)
                checked(name, argv_, done, total, out, named)
                say(f"warm-up {name}: {seconds:.2f} s")
        samples: dict[str, list[float]] = {name: [] for name in TARGETS_S}
        for i in range(args.runs):  # interleaved, so load on the machine falls on all alike
            for name in TARGETS_S:
                argv_, out = command(name, f"{stamp}-run{i + 1}")
                seconds, done = run(argv_, env, folder)
                checked(name, argv_, done, total, out, named)
                samples[name].append(seconds)
            say(f"run {i + 1}/{args.runs}: " + ", ".join(f"{k} {v[-1]:.2f} s" for k, v in samples.items()))
        commands = {name: shlex.join(command(name, "N")[0]) for name in TARGETS_S}
        db_mib = round(db.stat().st_size / 2**20)
    finally:
        if temporary is not None:
            shutil.rmtree(temporary, ignore_errors=True)

    figures = {name: stats_of(samples[name], target) for name, target in TARGETS_S.items()}
    script = Path(__file__)
    try:
        script = script.resolve().relative_to(Path.cwd())
    except ValueError:
        pass
    reproduce = shlex.join([sys.executable, str(script), "--students", str(args.students), "--runs", str(args.runs),
                            "--seed", str(args.seed)])
    result = {
        "benchmark": "stats, annual report and name search on a large registry (whole processes)",
        "students": total,
        "events": n_events,
        "cohorts": f"{span[0]}–{span[1]}",
        "largest_class": span[2],
        "highest_class": span[3],
        "statuses": statuses,
        "database_mib": db_mib,
        "build": built,
        "runs": args.runs,
        "warmup": WARMUP,
        "results": figures,
        "all_pass": all(f["pass"] for f in figures.values()),
        "informative": informative,
        "verify_floor": verify_floor,
        "registry_valid": all(i["ok"] for i in informative.values()),
        "commands": commands,
        "bytecode": "cached (PYTHONPYCACHEPREFIX in the registry folder, written during the warm-up)",
        **bq.machine(),
        "reproduce": reproduce,
    }
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return 0
    print(f"xueji reports — {total} students, {n_events} events, cohorts {span[0]}–{span[1]} "
          f"(classes ≤ {span[2]} students), {db_mib} MiB; {args.runs} interleaved runs each after {WARMUP} warm-up")
    if span[0] < FIRST_YEAR:
        print(f"  note: cohorts {FIRST_YEAR}–{LAST_YEAR} hold at most "
              f"{(LAST_YEAR - FIRST_YEAR + 1) * len(MAJORS) * MAX_CLASSES * MAX_SEATS} students in classes of ≤ 99, "
              f"so the registry starts in {span[0]}")
    if built:
        print(f"  built in {built['seconds']:.1f} s")
    for name, f in figures.items():
        print(f"  xueji {LABELS[name]:<42} median {f['median_s']:6.3f} s  (min {f['min_s']:.3f}, max {f['max_s']:.3f})"
              f"   target < {f['target_s']:g} s   {'PASS' if f['pass'] else 'FAIL'}")
    for name, i in informative.items():
        label = name.replace("_", " ")
        verdict = "ok" if i["ok"] else f"FAILED (exit {i['exit']})"
        print(f"  xueji {label:<42} {i['seconds']:7.2f} s once   {verdict}   (informative, no target)")
    print(f"  floor of audit verify (benchmarks/floor_verify.py) {verify_floor['seconds']:.2f} s: xueji / floor "
          f"{verify_floor['ratio']:.2f}   target ≤ 2.0   {'PASS' if verify_floor['pass'] else 'FAIL'}")
    print(f"  bytecode: {result['bytecode']}")
    print(f"  Python {result['python']} ({result['implementation']}), SQLite {result['sqlite']}, "
          f"{result['machine']}, {result['cpus']} CPUs")
    print(f"  reproduce: {reproduce}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
