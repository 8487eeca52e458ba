"""Look-up of one student by number: `xueji query` against `sqlite-utils query`, whole processes, same database.

    python benchmarks/bench_query.py [--students 100000] [--runs 21] [--keep DIR] [--seed 2025] [--check] [--json]

Run it with the project's virtualenv (`.venv/bin/python benchmarks/bench_query.py`): both commands are taken from
the folder of ``sys.executable``, so xueji and sqlite-utils come from the same environment.

1. Builds a registry in a temporary folder (or DIR with ``--keep``): `xueji init` creates config.toml and the
   database with the real schema and migrations; then N students and their events are inserted directly with
   sqlite3 in one transaction. Every row is one xueji could have written: 12-digit numbers YYYYCCMMKKSS from the
   example code table (cohorts 2019–2025, the 14 majors of colleges 01–05, classes 01–30, seats 01–40 in order),
   GB 11643 ID numbers with the right check character, birth date and sex digit, Chinese names, 14-digit exam
   numbers, one `enroll` event each — and, for the ~2 % who are suspended (since 2025) or withdrawn, the event
   that led there — all chained by hash exactly as ``Repository.add_events`` does, so `xueji check` and
   `xueji audit verify` pass on the result (``--check`` runs both).
2. Picks the student in the middle and times, as whole processes, ``--runs`` interleaved runs of
     (a) xueji --db DB query NUMBER -f json
     (b) sqlite-utils query DB "select * from students where student_no = :n" -p n NUMBER
   after 2 warm-up runs of each; every run must exit 0 and print the number.
3. Reports both medians, the ratio xueji / sqlite-utils against the target (≤ 0.8), the Python version and the
   machine; ``--json`` prints the same figures as JSON.

Bytecode: both commands run with PYTHONPYCACHEPREFIX=<folder>/pycache and without PYTHONDONTWRITEBYTECODE, so after
the warm-ups every module of both tools loads from cached bytecode, as in a normal installation. Without this, an
editable install under PYTHONDONTWRITEBYTECODE=1 recompiles xueji's own modules from source on every run (~40-50 ms)
while sqlite-utils' installed .pyc files are used: an unfair comparison. ``--env-as-is`` keeps the inherited
environment instead. Nothing is written to the source tree either way.

Note: `xueji query` shows personal data, so each run also appends one entry to the access log (a small write
transaction); that is part of what is measured, as it is part of what a user waits for.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shlex
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

TARGET_RATIO = 0.8  # issue 11: a look-up by number starts faster than sqlite-utils by a fifth
WARMUP = 2
BIN = Path(sys.executable).parent  # not resolved: a venv's python is a symlink to the base interpreter
XUEJI = BIN / "xueji"
SQLITE_UTILS = BIN / "sqlite-utils"

YEARS = range(2019, 2026)
# (college, major) pairs of the example code table (config.toml.example): college 05 has majors 01 and 02 only.
MAJORS = [(c, m) for c in ("01", "02", "03", "04") for m in ("01", "02", "03")] + [("05", "01"), ("05", "02")]
MAX_CLASSES, MAX_SEATS = 30, 40

SURNAMES = (
    "王李張劉陳楊黃趙吳周徐孫馬朱胡郭何林高羅鄭梁謝宋唐許韓馮鄧曹彭曾蕭田董袁潘于蔣蔡余杜葉程蘇魏呂丁任沈"
    "姚盧姜崔鍾譚陸汪范金石廖賈夏韋傅方白鄒孟熊秦邱江尹薛閻段雷侯龍史陶黎賀顧毛郝龔邵萬錢嚴覃武戴莫孔向湯"
)
COMPOUND_SURNAMES = ("歐陽", "司馬", "上官", "諸葛", "司徒")
GIVEN_MALE = "偉強磊軍洋勇傑濤明超輝鵬浩宇軒晨博文昊然睿澤俊凱天翔辰皓嘉豪銘逸瑞航志建家宏鑫昱哲梓宸煜承彥恒一峰康"
GIVEN_FEMALE = "芳娜敏靜麗艷婷雪慧穎琳欣怡萱涵雨佳悅思詩夢瑤琪晗婉嘉曉彤可馨語桐若妍蕊韻菲靈璐潔雅倩依沐雯蓉瑾晴玥"
# Real county codes (all in the national division list that xueji checks against).
COUNTIES = ("110105", "110108", "310104", "440106", "440305", "510107", "330106", "420111", "370102", "320102",
            "500103", "610113", "210102", "350203", "430104", "410105")
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK = "10X98765432"
OPERATOR = "registrar"

STUDENT_COLUMNS = (
    "id", "student_no", "name", "gender", "birth_date", "id_type", "id_number", "exam_no", "enroll_year", "college",
    "major", "class", "seat", "cur_year", "cur_college", "cur_major", "cur_class", "status", "status_since",
    "suspended_until", "origin", "created_at",
)
EVENT_COLUMNS = (
    "id", "student_id", "kind", "jyt_code", "effective_date", "recorded_at", "operator", "reason", "doc_no",
    "status_before", "status_after", "detail", "submitted_by", "approved_by", "request_id", "record_hash",
    "prev_hash", "hash",
)


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def check_character(first17: str) -> str:
    """GB 11643 check character: ISO 7064 MOD 11-2 over the first 17 digits."""
    return CHECK[sum(int(d) * w for d, w in zip(first17, WEIGHTS)) % 11]


# --- building the registry ----------------------------------------------------------------------------------


def placements(n: int) -> list[tuple[int, str, str, int, int]]:
    """(year, college, major, class, seat) for n students in number order: cohorts and majors as even as
    possible, each major split into even classes of at most 40, seats 1.. without gaps."""
    groups = [(y, c, m) for y in YEARS for c, m in MAJORS]
    capacity = len(groups) * MAX_CLASSES * MAX_SEATS
    if not 1 <= n <= capacity:
        raise SystemExit(f"--students must be 1 to {capacity} (the example code table's capacity)")
    base, extra = divmod(n, len(groups))
    out = []
    for index, (year, college, major) in enumerate(groups):
        count = base + (index < extra)
        if not count:
            continue
        classes = -(-count // MAX_SEATS)
        size, more = divmod(count, classes)
        for klass in range(1, classes + 1):
            out.extend((year, college, major, klass, seat) for seat in range(1, size + (klass <= more) + 1))
    return out


def generate(n: int, seed: int):
    """Student rows and event rows (hash-chained) ready for executemany."""
    from xueji.domain import audit  # the chain must hash exactly as xueji does

    rng = random.Random(seed)
    used_ids: set[str] = set()
    exam_serial: dict[tuple[int, str], int] = {}
    students, events = [], []  # events: (recorded_at, order, row-without-id/prev/hash, student_id)
    for sid, (year, college, major, klass, seat) in enumerate(placements(n), start=1):
        number = f"{year:04d}{college}{major}{klass:02d}{seat:02d}"
        male = rng.random() < 0.52
        pool = GIVEN_MALE if male else GIVEN_FEMALE
        surname = rng.choice(COMPOUND_SURNAMES) if rng.random() < 0.01 else rng.choice(SURNAMES)
        given = rng.choice(pool) + (rng.choice(pool) if rng.random() < 0.8 else "")
        born = date(year - 18, 1, 1) + timedelta(days=rng.randrange(365))
        county = rng.choice(COUNTIES)
        while True:  # order code: odd for men, even (never 000) for women
            order = rng.randrange(500) * 2 + 1 if male else rng.randrange(1, 500) * 2
            first17 = f"{county}{born:%Y%m%d}{order:03d}"
            if first17 not in used_ids:
                used_ids.add(first17)
                break
        id_number = first17 + check_character(first17)
        key = (year, county[:4])
        exam_serial[key] = exam_serial.get(key, 0) + 1
        exam_no = f"{year % 100:02d}{county[:4]}1{exam_serial[key]:07d}"  # 考生號: year, province+city, serial
        enrolled = date(year, 9, 1)
        recorded = f"{year}-09-01T01:00:00+00:00"
        record = {
            "student_no": number, "name": surname + given, "gender": "1" if male else "2",
            "birth_date": born.isoformat(), "id_type": "1", "id_number": id_number, "exam_no": exam_no,
            "enroll_year": year, "college": college, "major": major, "class": f"{klass:02d}", "seat": seat,
            "cur_year": year, "cur_college": college, "cur_major": major, "cur_class": f"{klass:02d}",
            "status": "active", "status_since": enrolled.isoformat(), "suspended_until": None,
        }
        events.append((recorded, sid, 0, {
            "student_no": number, "kind": "enroll", "jyt_code": None, "effective_date": enrolled.isoformat(),
            "recorded_at": recorded, "operator": OPERATOR, "reason": None, "doc_no": None, "status_before": None,
            "status_after": "active", "detail": None, "submitted_by": OPERATOR, "approved_by": OPERATOR,
            "request_id": None, "record_hash": audit.record_hash(record)}))
        # A few students are no longer simply active; their record's last event says how they got there.
        roll = rng.random()
        if year < 2025 and roll < (0.03 if year >= 2021 else 0.01):
            if roll < 0.01:  # withdrew in the spring after enrolling
                on = date(year + 1, 3, 1) + timedelta(days=rng.randrange(60))
            else:  # suspended for a year from spring 2025 (so most suspensions are still running)
                on = date(2025, 3, 1) + timedelta(days=rng.randrange(150))
                until = date(on.year + 1, on.month, on.day) - timedelta(days=1)
            if roll < 0.01:
                record.update(status="withdrawn", status_since=on.isoformat())
                kind, jyt, reason, doc, detail = "withdraw", "31", "本人申請", f"教務〔{on.year}〕{sid % 90 + 1}號", None
            else:
                record.update(status="suspended", status_since=on.isoformat(), suspended_until=until.isoformat())
                kind, jyt, reason, doc, detail = "suspend", "11", "因病", None, json.dumps({"until": until.isoformat()})
            when = f"{on.isoformat()}T02:00:00+00:00"
            events.append((when, sid, 1, {
                "student_no": number, "kind": kind, "jyt_code": jyt, "effective_date": on.isoformat(),
                "recorded_at": when, "operator": OPERATOR, "reason": reason, "doc_no": doc, "status_before": "active",
                "status_after": record["status"], "detail": detail, "submitted_by": OPERATOR,
                "approved_by": OPERATOR, "request_id": None, "record_hash": audit.record_hash(record)}))
        students.append((sid, *(record[k] for k in audit.RECORD_FIELDS), "enroll", recorded))
    # Events get their ids in the order they were recorded; each is hashed with the one before it.
    events.sort(key=lambda e: (e[0], e[1], e[2]))
    rows, prev = [], audit.GENESIS
    for event_id, (_, sid, _, values) in enumerate(events, start=1):
        values["id"] = event_id
        digest = audit.event_hash(values, prev)
        rows.append((event_id, sid, *(values[k] for k in audit.EVENT_FIELDS[2:]), prev, digest))
        prev = digest
    return students, rows


def fill_search_keys(conn) -> None:
    """Each student's name-search key, as xueji writes it with the student (migration m006 does the same)."""
    from xueji.domain.order import search_key

    rows = conn.execute("SELECT id, name FROM students WHERE id NOT IN (SELECT student_id FROM name_keys)").fetchall()
    conn.executemany("INSERT INTO name_keys (student_id, key) VALUES (?, ?)", ((i, search_key(n)) for i, n in rows))


def build(folder: Path, n: int, seed: int) -> Path:
    env = dict(os.environ, XUEJI_CONFIG=str(folder / "config.toml"))
    env.pop("XUEJI_DB", None)
    done = subprocess.run([str(XUEJI), "init"], cwd=folder, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"xueji init failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    db = folder / "xueji.db"
    started = time.perf_counter()
    students, events = generate(n, seed)
    generated = time.perf_counter()
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(f"INSERT INTO students ({', '.join(STUDENT_COLUMNS)}) "
                         f"VALUES ({', '.join('?' for _ in STUDENT_COLUMNS)})", students)
        conn.executemany(f"INSERT INTO events ({', '.join(EVENT_COLUMNS)}) "
                         f"VALUES ({', '.join('?' for _ in EVENT_COLUMNS)})", events)
        fill_search_keys(conn)
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # both tools start from the same, checkpointed file
    finally:
        conn.close()
    say(f"built {len(students)} students and {len(events)} events in {folder} "
        f"(generate {generated - started:.1f} s, insert {time.perf_counter() - generated:.1f} s)")
    return db


def existing(folder: Path) -> Path | None:
    """A registry built by an earlier --keep run, to be reused."""
    db = folder / "xueji.db"
    if not ((folder / "config.toml").exists() and db.exists()):
        return None
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return db if conn.execute("SELECT count(*) FROM students").fetchone()[0] else None
    except sqlite3.Error:
        return None
    finally:
        conn.close()


def check_registry(folder: Path, db: Path) -> None:
    env = dict(os.environ, XUEJI_CONFIG=str(folder / "config.toml"))
    for args in (["check", "-f", "json"], ["audit", "verify", "-f", "json"]):
        done = subprocess.run([str(XUEJI), "--db", str(db), *args], env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"xueji {' '.join(args)} failed ({done.returncode}):\n{done.stdout[:2000]}{done.stderr}")
        say(f"xueji {' '.join(args[:-2])}: ok")


# --- timing -------------------------------------------------------------------------------------------------


def timed(argv: list[str], env: dict, number: str) -> float:
    started = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0 or number not in done.stdout:
        raise SystemExit(f"{shlex.join(argv)} exited {done.returncode} without the number:\n"
                         f"{done.stdout[:2000]}{done.stderr[:2000]}")
    return elapsed


def workspace(keep: Path | None, prefix: str, parser) -> tuple[Path, Path | None, Path | None]:
    """(folder, the temporary folder to remove afterwards or None, a registry already there to reuse or None)."""
    if keep is None:
        folder = Path(tempfile.mkdtemp(prefix=prefix)).absolute()
        return folder, folder, None
    folder = keep.expanduser().absolute()
    folder.mkdir(parents=True, exist_ok=True)
    db = existing(folder)
    if db is not None:
        say(f"reusing the registry in {folder}")
    elif any(folder.iterdir()):
        parser.error(f"{folder} is not empty and holds no registry to reuse")
    return folder, None, db


def machine() -> dict:
    """Where the figures were measured (shared by the benchmark scripts)."""
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "sqlite": sqlite3.sqlite_version,
        "machine": platform.platform(),
        "processor": platform.machine(),
        "cpus": os.cpu_count(),
    }


def summary(samples: list[float]) -> dict:
    ms = sorted(s * 1000 for s in samples)
    quartiles = statistics.quantiles(ms, n=4) if len(ms) > 1 else [ms[0]] * 3
    return {"median_ms": round(statistics.median(ms), 1), "min_ms": round(ms[0], 1), "max_ms": round(ms[-1], 1),
            "p25_ms": round(quartiles[0], 1), "p75_ms": round(quartiles[2], 1), "runs": len(ms),
            "samples_ms": [round(s * 1000, 1) for s in samples]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time `xueji query NUMBER` against `sqlite-utils query` on a "
                                                 "registry of N students (whole processes, medians).")
    parser.add_argument("--students", type=int, default=100_000, help="registry size (default 100000)")
    parser.add_argument("--runs", type=int, default=21, help="timed runs of each command (default 21)")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="build the registry in DIR and keep it; a registry already there is reused")
    parser.add_argument("--seed", type=int, default=2025, help="random seed for the data (default 2025)")
    parser.add_argument("--check", action="store_true", help="run `xueji check` and `xueji audit verify` first")
    parser.add_argument("--env-as-is", action="store_true",
                        help="keep the inherited bytecode settings (PYTHONDONTWRITEBYTECODE, PYTHONPYCACHEPREFIX)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON instead of the report")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    for tool in (XUEJI, SQLITE_UTILS):
        if not tool.exists():
            parser.error(f"{tool} not found: run this script with the project's virtualenv python")

    folder, temporary, db = workspace(args.keep, "xueji-bench-", parser)
    try:
        if db is None:
            db = build(folder, args.students, args.seed)
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            total = conn.execute("SELECT count(*) FROM students").fetchone()[0]
            number = conn.execute("SELECT student_no FROM students ORDER BY id LIMIT 1 OFFSET ?",
                                  (total // 2,)).fetchone()[0]
        finally:
            conn.close()
        if args.check:
            check_registry(folder, db)

        env = dict(os.environ, XUEJI_CONFIG=str(folder / "config.toml"))
        env.pop("XUEJI_DB", None)
        if args.env_as_is:
            bytecode = ("as inherited: PYTHONDONTWRITEBYTECODE=" + os.environ.get("PYTHONDONTWRITEBYTECODE", "")
                        + ", PYTHONPYCACHEPREFIX=" + os.environ.get("PYTHONPYCACHEPREFIX", ""))
        else:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = str(folder / "pycache")
            bytecode = "cached (PYTHONPYCACHEPREFIX in the registry folder, written during the warm-ups)"
        commands = {
            "xueji": [str(XUEJI), "--db", str(db), "query", number, "-f", "json"],
            "sqlite-utils": [str(SQLITE_UTILS), "query", str(db), "select * from students where student_no = :n",
                             "-p", "n", number],
        }
        for _ in range(WARMUP):
            for argv_ in commands.values():
                timed(argv_, env, number)
        samples: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.runs):  # interleaved, so load on the machine falls on both alike
            for name, argv_ in commands.items():
                samples[name].append(timed(argv_, env, number))
    finally:
        if temporary is not None:
            shutil.rmtree(temporary, ignore_errors=True)

    a, b = summary(samples["xueji"]), summary(samples["sqlite-utils"])
    ratio = round(a["median_ms"] / b["median_ms"], 3)
    script = Path(__file__)
    try:
        script = script.resolve().relative_to(Path.cwd())
    except ValueError:
        pass
    reproduce = shlex.join([sys.executable, str(script), "--students", str(args.students), "--runs", str(args.runs),
                            "--seed", str(args.seed)] + (["--env-as-is"] if args.env_as_is else []))
    result = {
        "benchmark": "query one student by number (whole process)",
        "students": total,
        "student_no": number,
        "runs": args.runs,
        "warmup": WARMUP,
        "xueji": a,
        "sqlite_utils": b,
        "ratio": ratio,
        "target": f"<= {TARGET_RATIO}",
        "pass": ratio <= TARGET_RATIO,
        "commands": {name: shlex.join(argv_) for name, argv_ in commands.items()},
        "bytecode": bytecode,
        **machine(),
        "reproduce": reproduce,
    }
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return 0
    print(f"query one student by number — {total} students, {args.runs} interleaved runs each "
          f"(after {WARMUP} warm-ups), student {number}")
    for label, s in (("xueji query -f json", a), ("sqlite-utils query", b)):
        print(f"  {label:<22} median {s['median_ms']:7.1f} ms   (min {s['min_ms']:.1f}, "
              f"p25 {s['p25_ms']:.1f}, p75 {s['p75_ms']:.1f}, max {s['max_ms']:.1f})")
    print(f"  ratio xueji / sqlite-utils: {ratio:.3f}   target ≤ {TARGET_RATIO:.1f}   "
          f"{'PASS' if result['pass'] else 'FAIL'}")
    print(f"  bytecode: {bytecode}")
    print(f"  Python {result['python']} ({result['implementation']}), SQLite {result['sqlite']}, "
          f"{result['machine']}, {result['cpus']} CPUs")
    print(f"  reproduce: {reproduce}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
