"""SQLite against PostgreSQL (issue 13's benchmark list): the same xueji, the same data, one run, one machine.

    python benchmarks/bench_postgres.py [--rows 100000] [--runs 3] [--clerks 20] [--seconds 30]
                                        [--startup-rows 1000] [--startup-runs 21] [--seed 1] [--class-size N]
                                        [--pg-settings durable|test] [--pg-logins per-clerk|shared]
                                        [--verify-timeout 120] [--phases roster,startup,clerks] [--json]

Run it with the project's virtualenv (`.venv/bin/python benchmarks/bench_postgres.py`): `xueji` is taken from the
folder of ``sys.executable``, so it is the one installed from this checkout (with psycopg, its PostgreSQL extra).

**The server.** With $XUEJI_TEST_PG_HOST / _PORT / _USER set (as .ci/run exports them) that server is used, as its
superuser; otherwise a throwaway cluster from tests/pg_cluster.py (initdb in a temporary folder, a Unix socket, no
TCP; as root the server runs as the ``postgres`` account) is started here and stopped at the end. Every database and
login made here is dropped at the end. ``--pg-settings durable`` (the default) starts that cluster with
PostgreSQL's own defaults for durability (fsync, full_page_writes and synchronous_commit on): xueji's SQLite file
is in WAL mode with SQLite's default synchronous=FULL, so both engines make every commit durable and the figures
compare like with like. ``test`` starts it exactly as the test suite does (fsync, full-page writes and synchronous
commit off: fast, not durable). The report says which. The server runs on the same machine as the clients: with
two cores it competes with them for CPU, as SQLite's work (done inside the client) does not.

**Data.** Rosters from benchmarks/roster_gen.py in the admissions office's **real format** (GBK, a title row,
Simplified headers and names, colleges and majors by Simplified name, blank class column; see bench_roster.py),
enrolled with ``--class-size N`` (N: the smallest size ≥ 60 keeping every major within classes 01–99, 73 for 100 000
rows; ``--class-size`` to choose). Every SQLite registry is a fresh `xueji init` folder; every PostgreSQL registry a
fresh database (CREATE DATABASE, then `xueji --db URL init` in a fresh folder, whose config.toml supplies the code
table). Neither set-up is timed. Every command runs with PYTHONPYCACHEPREFIX in the temporary folder, after untimed
warm-ups, so modules load from cached bytecode as in an installation and nothing is written to the source tree.

1. **roster**   `xueji enroll --file real.csv --year 2025 --class-size N -q` with ``--rows`` rows (default 100 000)
                into an empty SQLite registry and into an empty PostgreSQL registry (`xueji --db URL enroll …`),
                ``--runs`` interleaved rounds (default 3: sqlite, postgresql, sqlite, …). Figures: median
                whole-process wall time, µs per row, the ratio PostgreSQL / SQLite; the client's peak RSS and CPU
                time (user + system) from `/usr/bin/time -f "%M %U %S"`; on the cluster started here also the
                server's CPU time during the run (the postmaster's own, its reaped backends' and its live helpers',
                from /proc). Wall − client CPU − server CPU is, roughly, time spent waiting (disk, the other core,
                round trips). After every run the registry must hold exactly ``--rows`` students; in the first round
                `xueji audit verify` must exit 0 on both (its time is reported, not part of the figures). If it has
                not finished after ``--verify-timeout`` seconds (default 120) it is stopped; on PostgreSQL the
                database is then ANALYZEd and it runs again, and both attempts are reported. (Right after a bulk
                load, before autovacuum has analysed the new tables, PostgreSQL 15 plans the verify's
                ``(SELECT max(id) FROM events WHERE student_id = s.id)`` as a backward scan of the events' primary
                key filtered by student: quadratic, hours for 100 000 students.)
2. **startup**  `xueji --db DB query NUMBER -f json` as a whole process, against a SQLite registry and against a
                PostgreSQL registry holding the same ``--startup-rows`` students (default 1 000, the same roster),
                for the student in the middle: 2 warm-ups each, then ``--startup-runs`` interleaved runs each
                (default 21); each must exit 0 and print the number. Median (quartiles, min, max) and the ratio.
                The query writes its access-log entry on both engines: one small write transaction per run.
3. **clerks**   ``--clerks`` processes (default 20) working at once for ``--seconds`` (default 30), first against a
                SQLite registry, then against a PostgreSQL one (each fresh, holding the ``--startup-rows`` roster).
                Each clerk imports xueji and opens its own session the way the CLI does
                (``identity.open_session(location, codes=config.codes, …)`` with the folder's config.toml), says it
                is ready, and when all are ready (the set-up is not timed) loops: enroll one new person (a valid GB
                11643 ID number of its own, a random major and class 01–99 of the 2025 cohort, through
                ``requests.perform(session, "enroll", …)`` as `xueji enroll` does), then query one student of the
                roster, chosen at random, by number (``queries.query`` after ``disclosure.declare``, as `xueji query`
                does, so with its access-log entry). Counted: enrollments and queries completed, DatabaseBusy (what
                `xueji` would exit 5 for) per kind, and every other error by type — counted, never fatal. Figures:
                operations per second (enrollments + queries) over the window (from the common start to the last
                clerk's last operation), enrollments/s and queries/s, median and 95th-percentile latency per kind,
                the machine's CPU busy share over the window (/proc/stat) and, on the cluster started here, the
                server's CPU time; the ratio PostgreSQL / SQLite of operations per second. Afterwards the registry
                must hold the roster plus every enrollment counted, and `xueji audit verify` must exit 0 (one
                linear chain despite the concurrency). On PostgreSQL each clerk is, with ``--pg-logins per-clerk``
                (default), a login of its own made an office operator (`operators add … --role office`, through
                the services; the DBA superuser is added first); with ``shared`` every clerk is the DBA superuser,
                as on SQLite every clerk is the same OS account (a registry without operators: single-user).
                Note: every operation is a write transaction on both engines (an enrollment; a query's access-log
                entry), and both engines admit one writer at a time (SQLite's BEGIN IMMEDIATE, PostgreSQL's
                advisory lock), so this measures how fast the registry serialises short units of work among
                many processes on a machine with ``os.cpu_count()`` cores (reported).

``--phases`` runs a subset (comma-separated). ``--json`` prints every figure and sample as JSON; the readable report
ends with the ``reproduce:`` command. Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
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
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))
import roster_gen  # noqa: E402
from bench_query import summary  # noqa: E402  (the same figures of a list of wall times)
from bench_roster import bench_environment  # noqa: E402
from tests import pg_cluster  # noqa: E402

YEAR = "2025"
WARMUP_ROWS = 300
STARTUP_WARMUP = 2
GNU_TIME = Path("/usr/bin/time")
PHASES = ("roster", "startup", "clerks")
# A county for the clerks' people: none of roster_gen.REAL_COUNTIES, so never someone of the roster.
CLERK_COUNTY = "110105"
CLERK_NAMES = ("張偉", "王芳", "李娜", "劉洋", "陳靜", "楊帆", "趙磊", "黃婷", "周傑", "吳敏", "徐濤", "孫麗", "歐陽明")
BIRTH_START = (2005, 1, 1)
BIRTH_DAYS = 1461  # 2005-01-01 … 2008-12-31: ages a 2025 cohort has


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- the PostgreSQL server -------------------------------------------------------------------------------------


class DurableCluster(pg_cluster.Cluster):
    """tests/pg_cluster.py's cluster, started with PostgreSQL's default durability (fsync, full_page_writes and
    synchronous_commit on) instead of the test suite's speed settings; everything else as there."""

    SPEED: dict = {}


class Server:
    """The PostgreSQL server of this run: $XUEJI_TEST_PG_* if set, else a cluster started (and stopped) here."""

    def __init__(self, settings: str):
        self.cluster = None
        self.tag = uuid.uuid4().hex[:6]
        self.databases: list[str] = []
        self.logins: list[str] = []
        host = os.environ.get(pg_cluster.ENV_HOST)
        if host:
            self.host, self.port = host, int(os.environ.get(pg_cluster.ENV_PORT, "5432"))
            self.superuser = os.environ.get(pg_cluster.ENV_USER, pg_cluster.SUPERUSER)
            self.origin = f"external ($XUEJI_TEST_PG_HOST={host})"
        else:
            self.cluster = (DurableCluster() if settings == "durable" else pg_cluster.Cluster()).start()
            self.host, self.port, self.superuser = self.cluster.host, self.cluster.port, self.cluster.superuser
            self.origin = f"tests/pg_cluster.py cluster ({settings} settings), stopped at the end"

    def url(self, dbname: str = "postgres", user: str | None = None) -> str:
        from urllib.parse import quote

        return (f"postgresql:///{quote(dbname, safe='')}?host={quote(self.host, safe='')}&port={self.port}"
                f"&user={quote(user or self.superuser, safe='')}")

    def sql(self, sql: str, params=None, dbname: str = "postgres"):
        import psycopg

        with psycopg.connect(self.url(dbname), autocommit=True) as conn:
            cursor = conn.execute(sql, params)
            return cursor.fetchall() if cursor.description else None

    def create(self, label: str) -> str:
        name = f"xueji_bench_{self.tag}_{len(self.databases) + 1:02d}_{label}"
        self.sql(f'CREATE DATABASE "{name}"')
        self.databases.append(name)
        return name

    def drop(self, name: str) -> None:
        self.sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if name in self.databases:
            self.databases.remove(name)

    def login(self, index: int) -> str:
        name = f"xueji_clerk{index:02d}_{self.tag}"
        self.logins.append(name)
        return name

    def students(self, dbname: str) -> int:
        return self.sql("SELECT count(*) FROM registry.students", dbname=dbname)[0][0]

    def numbers(self, dbname: str) -> list[str]:
        return [r[0] for r in self.sql("SELECT student_no FROM registry.students ORDER BY id", dbname=dbname)]

    def describe(self) -> dict:
        shown = {name: self.sql(f"SHOW {name}")[0][0] for name in
                 ("server_version", "fsync", "synchronous_commit", "full_page_writes", "shared_buffers", "wal_level")}
        return {"origin": self.origin, **shown}

    def cpu(self) -> float | None:
        """CPU seconds the server has used so far (postmaster + reaped backends + live children), or None."""
        if self.cluster is None:
            return None
        try:
            pid = int((Path(self.cluster.base) / "data" / "postmaster.pid").read_text().split()[0])
            ticks = os.sysconf("SC_CLK_TCK")
            total = 0
            for entry in Path("/proc").iterdir():
                if not entry.name.isdigit():
                    continue
                try:
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                own = int(fields[0 + 11]) + int(fields[12])  # utime, stime (fields 14, 15)
                if int(entry.name) == pid:
                    total += own + int(fields[13]) + int(fields[14])  # + cutime, cstime: its reaped backends
                elif int(fields[1]) == pid:
                    total += own
            return total / ticks
        except (OSError, ValueError, IndexError):
            return None

    def close(self) -> None:
        try:
            for name in list(self.databases):
                self.drop(name)
            for login in self.logins:
                self.sql(f'DROP ROLE IF EXISTS "{login}"')
        finally:
            if self.cluster is not None:
                self.cluster.stop()


def machine_busy() -> tuple[int, int] | None:
    """(busy, total) jiffies of all CPUs so far, from /proc/stat."""
    try:
        values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    except (OSError, ValueError):
        return None
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    return sum(values) - idle, sum(values)


# --- running xueji -------------------------------------------------------------------------------------------


class Bench:
    def __init__(self, root: Path, xueji: Path, server: Server):
        self.root = root
        self.executable = xueji
        self.server = server
        self.env = bench_environment(root)
        self.folders = 0

    def folder(self, label: str) -> Path:
        self.folders += 1
        path = self.root / f"{self.folders:03d}-{label}"
        path.mkdir()
        return path

    def run(self, command: list[str], cwd: Path) -> dict:
        """Wall time of the whole process (s); its peak RSS (KiB) and CPU time (s) when /usr/bin/time can tell."""
        measured = cwd / ".time"
        wrapped = [str(GNU_TIME), "-f", "%M %U %S", "-o", str(measured), *command] if GNU_TIME.exists() else command
        started = time.perf_counter()
        done = subprocess.run(wrapped, cwd=cwd, env=self.env, capture_output=True, text=True)
        elapsed = time.perf_counter() - started
        if done.returncode != 0:
            raise SystemExit(f"failed (exit {done.returncode}): {shlex.join(command)}\n{done.stdout[-2000:]}"
                             f"{done.stderr[-4000:]}")
        result = {"seconds": elapsed, "peak_kib": None, "cpu_seconds": None}
        if measured.exists():
            kib, user, system = measured.read_text().splitlines()[-1].split()
            result.update(peak_kib=int(kib), cpu_seconds=float(user) + float(system))
            measured.unlink()
        return result

    def once(self, command: list[str], cwd: Path, timeout: float | None = None) -> dict:
        started = time.perf_counter()
        try:
            done = subprocess.run(command, cwd=cwd, env=self.env, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return {"ok": False, "exit": None, "timed_out": True, "seconds": round(time.perf_counter() - started, 2),
                    "output": f"killed after {timeout:g} s"}
        return {"ok": done.returncode == 0, "exit": done.returncode, "timed_out": False,
                "seconds": round(time.perf_counter() - started, 2),
                "output": (done.stdout + done.stderr).strip()[:300]}

    def verify(self, registry, engine: str, timeout: float) -> dict:
        """`xueji audit verify` on the registry (untimed), which must exit 0. On PostgreSQL, if it has not finished
        after ``timeout`` seconds, it is stopped (client and backend), the database ANALYZEd, and it is run again;
        both attempts are reported. A non-zero exit stops the benchmark."""
        result = self.once(self.xueji(registry, "audit", "verify"), registry[0], timeout)
        say(f"xueji audit verify on {engine}: " + ("TIMED OUT" if result["timed_out"] else f"exit {result['exit']}")
            + f" ({result['seconds']} s)")
        if result["timed_out"] and registry[2] is not None:
            dbname = registry[2]
            self.server.sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s "
                            "AND pid <> pg_backend_pid()", (dbname,))
            started = time.perf_counter()
            self.server.sql("ANALYZE", dbname=dbname)
            analyzed = round(time.perf_counter() - started, 2)
            again = self.once(self.xueji(registry, "audit", "verify"), registry[0], timeout)
            say(f"xueji audit verify on {engine} after ANALYZE ({analyzed} s): "
                + ("TIMED OUT" if again["timed_out"] else f"exit {again['exit']}") + f" ({again['seconds']} s)")
            result = {**again, "first_attempt": result, "analyze_seconds": analyzed}
        if not result["ok"] and not result["timed_out"]:
            raise SystemExit(f"xueji audit verify failed on {engine}: {result['output']}")
        return result

    # registries: (folder, location, database name or None)

    def sqlite_registry(self, label: str) -> tuple[Path, str, None]:
        folder = self.folder(f"sqlite-{label}")
        done = subprocess.run([str(self.executable), "init"], cwd=folder, env=self.env, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"xueji init failed ({done.returncode}):\n{done.stdout}{done.stderr}")
        return folder, str(folder / "xueji.db"), None

    def pg_registry(self, label: str) -> tuple[Path, str, str]:
        folder = self.folder(f"pg-{label}")
        dbname = self.server.create(label)
        url = self.server.url(dbname)
        done = subprocess.run([str(self.executable), "--db", url, "init"], cwd=folder, env=self.env, capture_output=True,
                              text=True)
        if done.returncode != 0:
            raise SystemExit(f"xueji --db {url} init failed ({done.returncode}):\n{done.stdout}{done.stderr}")
        return folder, url, dbname

    def registry(self, engine: str, label: str):
        return self.sqlite_registry(label) if engine == "sqlite" else self.pg_registry(label)

    def students(self, registry) -> int:
        folder, location, dbname = registry
        if dbname is None:
            with sqlite3.connect(f"file:{location}?mode=ro", uri=True) as db:
                return db.execute("SELECT count(*) FROM students").fetchone()[0]
        return self.server.students(dbname)

    def numbers(self, registry) -> list[str]:
        folder, location, dbname = registry
        if dbname is None:
            with sqlite3.connect(f"file:{location}?mode=ro", uri=True) as db:
                return [r[0] for r in db.execute("SELECT student_no FROM students ORDER BY id")]
        return self.server.numbers(dbname)

    def xueji(self, registry, *args: str) -> list[str]:
        """A xueji command line for the registry: `xueji --db LOCATION ARGS…` (run in the registry's folder)."""
        return [str(self.executable), "--db", registry[1], *args]

    def enroll(self, registry, roster: Path, class_size: int) -> dict:
        return self.run(self.xueji(registry, "enroll", "--file", str(roster), "--year", YEAR, "--class-size",
                                   str(class_size), "-q"), registry[0])

    def discard(self, registry) -> None:
        folder, _, dbname = registry
        if dbname is not None:
            self.server.drop(dbname)
        shutil.rmtree(folder, ignore_errors=True)


# --- 1. roster -------------------------------------------------------------------------------------------------


def roster_phase(bench: Bench, args, roster: Path, class_size: int) -> dict:
    samples: dict[str, list[dict]] = {"sqlite": [], "postgresql": []}
    verify: dict[str, dict] = {}
    for i in range(1, args.runs + 1):
        for engine in ("sqlite", "postgresql"):
            registry = bench.registry(engine, "roster")
            server_before = bench.server.cpu() if engine == "postgresql" else None
            result = bench.enroll(registry, roster, class_size)
            if server_before is not None:
                time.sleep(0.5)  # the backend has exited with the client: let the postmaster reap it
                after = bench.server.cpu()
                result["server_cpu_seconds"] = None if after is None else after - server_before
            students = bench.students(registry)
            if students != args.rows:
                raise SystemExit(f"roster into {engine}: the registry holds {students} students, expected {args.rows}")
            if i == 1:
                verify[engine] = bench.verify(registry, engine, args.verify_timeout)
                if engine == "postgresql":
                    verify["inspector"] = inspector_verify(bench, registry, args.verify_timeout)
            bench.discard(registry)
            samples[engine].append(result)
            extra = "".join(f"  {label} {result[key]:.1f} s" for key, label in
                            (("cpu_seconds", "client CPU"), ("server_cpu_seconds", "server CPU"))
                            if result.get(key) is not None)
            peak_text = f"  {result['peak_kib'] / 1024:.1f} MiB" if result["peak_kib"] else ""
            say(f"roster run {i}/{args.runs} {engine:10} {result['seconds']:8.3f} s{peak_text}{extra}")

    def figures(engine: str) -> dict:
        runs = samples[engine]
        med = statistics.median(r["seconds"] for r in runs)
        out = {"seconds": round(med, 3), "us_per_row": round(med / args.rows * 1e6, 1),
               "all_runs_seconds": [round(r["seconds"], 3) for r in runs],
               "peak_mib": max_or_none([r["peak_kib"] for r in runs], 1 / 1024),
               "client_cpu_seconds": median_or_none([r["cpu_seconds"] for r in runs]),
               "audit_verify": verify[engine]}
        if engine == "postgresql":
            out["server_cpu_seconds"] = median_or_none([r.get("server_cpu_seconds") for r in runs])
            out["audit_verify_inspector"] = verify["inspector"]
        return out

    sqlite_figures, pg_figures = figures("sqlite"), figures("postgresql")
    return {"rows": args.rows, "runs": args.runs, "class_size": class_size,
            "format": "real (admissions office): GBK CSV, title row, Simplified headers/names, blank class column",
            "command": f"xueji [--db URL] enroll --file real.csv --year {YEAR} --class-size {class_size} -q",
            "sqlite": sqlite_figures, "postgresql": pg_figures,
            "ratio": round(pg_figures["seconds"] / sqlite_figures["seconds"], 2)}


def inspector_verify(bench: Bench, registry, timeout: float) -> dict:
    """`xueji audit verify` as an inspector's login (untimed, must exit 0): the same verification through the masked
    views, the database recomputing the hashes over what the inspector may not read."""
    folder, url, dbname = registry
    login = bench.server.login(99)
    for name, role in ((bench.server.superuser, "office"), (login, "inspector")):
        done = subprocess.run(bench.xueji(registry, "operators", "add", name, "--role", role), cwd=folder,
                              env=bench.env, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"operators add {name} failed ({done.returncode}): {done.stderr[-500:]}")
    result = bench.once([str(bench.executable), "--db", bench.server.url(dbname, login), "audit", "verify"], folder,
                        timeout)
    say(f"xueji audit verify as an inspector on postgresql: exit {result['exit']} ({result['seconds']} s)")
    if not result["ok"]:
        raise SystemExit(f"xueji audit verify as an inspector failed: {result['output']}")
    return result


# --- 2. start-up -----------------------------------------------------------------------------------------------


def startup_phase(bench: Bench, args, roster: Path, class_size: int) -> dict:
    registries = {engine: bench.registry(engine, "startup") for engine in ("sqlite", "postgresql")}
    try:
        for registry in registries.values():
            bench.enroll(registry, roster, class_size)
        numbers = bench.numbers(registries["sqlite"])
        number = numbers[len(numbers) // 2]
        if bench.numbers(registries["postgresql"]) != numbers:
            raise SystemExit("the start-up registries differ: the same roster gave other numbers")
        commands = {engine: bench.xueji(registry, "query", number, "-f", "json")
                    for engine, registry in registries.items()}

        def timed(engine: str) -> float:
            started = time.perf_counter()
            done = subprocess.run(commands[engine], cwd=registries[engine][0], env=bench.env, capture_output=True,
                                  text=True)
            elapsed = time.perf_counter() - started
            if done.returncode != 0 or number not in done.stdout:
                raise SystemExit(f"{shlex.join(commands[engine])} exited {done.returncode} without the number:\n"
                                 f"{done.stdout[:2000]}{done.stderr[:2000]}")
            return elapsed

        for _ in range(STARTUP_WARMUP):
            for engine in commands:
                timed(engine)
        samples: dict[str, list[float]] = {engine: [] for engine in commands}
        for _ in range(args.startup_runs):  # interleaved, so load on the machine falls on both alike
            for engine in commands:
                samples[engine].append(timed(engine))
        say("start-up: " + ", ".join(f"{e} median {statistics.median(s) * 1000:.1f} ms" for e, s in samples.items()))
    finally:
        for registry in registries.values():
            bench.discard(registry)
    a, b = summary(samples["sqlite"]), summary(samples["postgresql"])
    return {"students": len(numbers), "student_no": number, "runs": args.startup_runs, "warmup": STARTUP_WARMUP,
            "command": "xueji --db DB query NUMBER -f json", "sqlite": a, "postgresql": b,
            "ratio": round(b["median_ms"] / a["median_ms"], 2),
            "difference_ms": round(b["median_ms"] - a["median_ms"], 1)}


# --- 3. concurrent clerks --------------------------------------------------------------------------------------


def clerk_person(index: int, clerks: int, seq: int):
    """The ``seq``-th new person of clerk ``index``: a valid ID number no other clerk (nor the roster) uses."""
    from datetime import date, timedelta

    from xueji.domain.model import PersonInput

    day, lap = seq % BIRTH_DAYS, seq // BIRTH_DAYS
    slot = index + clerks * lap  # order codes 2·slot+1 (men) and 2·slot+2 (women): disjoint between clerks
    if slot > 498:
        raise RuntimeError(f"clerk {index} ran out of ID numbers after {seq} people")
    male = seq % 2 == 0
    born = date(*BIRTH_START) + timedelta(days=day)
    first17 = f"{CLERK_COUNTY}{born:%Y%m%d}{2 * slot + (1 if male else 2):03d}"
    name = CLERK_NAMES[seq % len(CLERK_NAMES)]
    return PersonInput(name, "男" if male else "女", born.isoformat(), first17 + roster_gen.check_character(first17))


def clerk(index: int, clerks: int, location: str, config_path: str, numbers: list[str], seconds: float, seed: int,
          ready, go, start_at, results) -> None:
    """One clerk, in a process of its own: open a session as the CLI does, say it is ready, wait for the common
    start, then enroll one new person and query one roster student, again and again until the window closes.
    Everything that goes wrong is counted (DatabaseBusy apart, by kind), never raised."""
    out = {"index": index, "enrolled": 0, "queried": 0, "busy_enroll": 0, "busy_query": 0, "errors": {},
           "first_error": None, "enroll_ms": [], "query_ms": [], "finished": None}

    def error(kind: str, exc: BaseException) -> None:
        key = f"{kind}: {type(exc).__name__}"
        out["errors"][key] = out["errors"].get(key, 0) + 1
        if out["first_error"] is None:
            out["first_error"] = f"{key}: {str(exc)[:300]}"

    try:
        from xueji import config as cfg
        from xueji.domain.errors import DatabaseBusy
        from xueji.services import queries
        from xueji.services.disclosure import declare
        from xueji.services.identity import open_session
        from xueji.services.requests import perform

        config = cfg.load(Path(config_path))
        database = cfg.database_location(location, Path.cwd(), "database")
        session = open_session(database, busy_timeout=config.busy_timeout, codes=config.codes, limits=config.limits,
                               configured=config.operators, witness=config.witness)
        majors = roster_gen.example_majors(Path(config_path))
    except Exception as exc:  # noqa: BLE001  reported, never fatal to the run
        error("open", exc)
        out["finished"] = time.time()
        ready.put(index)
        results.put(out)
        return
    def attempt(kind: str, counter: str, action) -> None:
        """One operation, timed; a busy refusal (exit 5) counted, any other error reported, never fatal."""
        began = time.perf_counter()
        try:
            action()
        except DatabaseBusy:
            out[f"busy_{kind}"] += 1
        except Exception as exc:  # noqa: BLE001
            error(kind, exc)
        else:
            out[f"{kind}_ms"].append((time.perf_counter() - began) * 1000)
            out[counter] += 1

    def look_up(number: str) -> None:
        declare(session, "query")
        found, _ = queries.query(session, student_no=number)
        if [s.student_no for s in found] != [number]:
            raise LookupError(f"query {number} found {[s.student_no for s in found]}")

    rng = random.Random(seed * 1000 + index)
    ready.put(index)
    go.wait()
    start = start_at.value
    end = start + seconds
    while time.time() < start:
        time.sleep(0.001)
    seq = 0
    while time.time() < end:
        person = clerk_person(index, clerks, seq)
        seq += 1
        college, major = rng.choice(majors)
        attempt("enroll", "enrolled", lambda: perform(
            session, "enroll", person, college=college, major=major, klass=f"{rng.randint(1, 99):02d}", year=YEAR,
            date=None, doc_no=None))
        if time.time() >= end:
            break
        attempt("query", "queried", lambda: look_up(rng.choice(numbers)))
    out["finished"] = time.time()
    try:
        session.store.close()
    finally:
        results.put(out)


def add_clerk_logins(bench: Bench, registry, clerks: int) -> list[str]:
    """Each clerk a login of its own, an office operator of the registry (the DBA superuser added first, so that
    it stays an operator). Through the services, as `xueji operators add NAME --role office` does."""
    from xueji import config as cfg
    from xueji.services.identity import add, open_session

    folder, url, _ = registry
    config = cfg.load(folder / "config.toml")
    session = open_session(url, busy_timeout=config.busy_timeout, codes=config.codes, limits=config.limits)
    logins = [bench.server.login(i) for i in range(clerks)]
    try:
        add(session, bench.server.superuser, "office")
        for login in logins:
            add(session, login, "office")
    finally:
        session.store.close()
    return logins


def run_clerks(bench: Bench, args, registry, engine: str, numbers: list[str]) -> dict:
    folder, location, dbname = registry
    logins = None
    if engine == "postgresql" and args.pg_logins == "per-clerk":
        logins = add_clerk_logins(bench, registry, args.clerks)
        locations = [bench.server.url(dbname, login) for login in logins]
    else:
        locations = [location] * args.clerks
    context = multiprocessing.get_context("spawn")  # each clerk a fresh interpreter, as a CLI process would be
    ready, results, go = context.Queue(), context.Queue(), context.Event()
    start_at = context.Value("d", 0.0)
    processes = [context.Process(target=clerk, args=(i, args.clerks, locations[i], str(folder / "config.toml"),
                                                     numbers, args.seconds, args.seed, ready, go, start_at, results))
                 for i in range(args.clerks)]
    for process in processes:
        process.start()
    try:
        for _ in processes:
            ready.get(timeout=600)
        say(f"clerks on {engine}: {args.clerks} sessions open, {args.seconds:g} s from now")
        machine_before = machine_busy()
        server_before = bench.server.cpu() if engine == "postgresql" else None
        start_at.value = time.time() + 0.05
        go.set()
        outs = [results.get(timeout=args.seconds + 600) for _ in processes]
        machine_after = machine_busy()
    finally:
        for process in processes:
            process.join(timeout=60)
            if process.is_alive():
                process.kill()
    server_cpu = None
    if server_before is not None:
        time.sleep(0.5)  # the backends exit with the clerks: let the postmaster reap them
        after = bench.server.cpu()
        server_cpu = None if after is None else round(after - server_before, 1)
    start = start_at.value
    window = max(o["finished"] for o in outs) - start
    enrolled, queried = sum(o["enrolled"] for o in outs), sum(o["queried"] for o in outs)
    errors: dict[str, int] = {}
    for o in outs:
        for key, n in o["errors"].items():
            errors[key] = errors.get(key, 0) + n
    first_errors = sorted({o["first_error"] for o in outs if o["first_error"]})[:5]
    enroll_ms = [x for o in outs for x in o["enroll_ms"]]
    query_ms = [x for o in outs for x in o["query_ms"]]
    busy_share = None
    if machine_before and machine_after and machine_after[1] > machine_before[1]:
        busy_share = round((machine_after[0] - machine_before[0]) / (machine_after[1] - machine_before[1]), 3)
    students = bench.students(registry)
    expected = len(numbers) + enrolled
    verify = bench.verify(registry, engine, args.verify_timeout)
    result = {
        "clerks": args.clerks, "seconds": args.seconds, "window_seconds": round(window, 2),
        "logins": ("one login per clerk (office operators)" if logins else
                   "every clerk the DBA superuser" if engine == "postgresql" else "every clerk the same OS account"),
        "enrolled": enrolled, "queried": queried, "operations": enrolled + queried,
        "ops_per_second": round((enrolled + queried) / window, 1),
        "enrollments_per_second": round(enrolled / window, 1), "queries_per_second": round(queried / window, 1),
        "busy_enroll": sum(o["busy_enroll"] for o in outs), "busy_query": sum(o["busy_query"] for o in outs),
        "errors": errors, "first_errors": first_errors,
        "per_clerk_operations": [o["enrolled"] + o["queried"] for o in outs],
        "enroll_latency_ms": latency(enroll_ms), "query_latency_ms": latency(query_ms),
        "machine_cpu_busy_share": busy_share, "server_cpu_seconds": server_cpu,
        "students_after": students, "students_expected": expected, "count_ok": students == expected,
        "audit_verify": verify,
    }
    say(f"clerks on {engine}: {result['ops_per_second']} ops/s ({enrolled} enrollments, {queried} queries in "
        f"{window:.1f} s), busy {result['busy_enroll']}+{result['busy_query']}, errors {errors or 0}, "
        f"students {students}/{expected}, {verified(verify)}")
    return result


def clerks_phase(bench: Bench, args, roster: Path, class_size: int) -> dict:
    out: dict = {}
    for engine in ("sqlite", "postgresql"):
        registry = bench.registry(engine, "clerks")
        try:
            bench.enroll(registry, roster, class_size)
            out[engine] = run_clerks(bench, args, registry, engine, bench.numbers(registry))
        finally:
            bench.discard(registry)
    out["ratio"] = round(out["postgresql"]["ops_per_second"] / out["sqlite"]["ops_per_second"], 2) \
        if out["sqlite"]["ops_per_second"] else None
    out["roster_students"] = args.startup_rows
    return out


# --- figures ---------------------------------------------------------------------------------------------------


def latency(ms: list[float]) -> dict | None:
    if not ms:
        return None
    ordered = sorted(ms)
    return {"median": round(statistics.median(ordered), 1),
            "p95": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))], 1),
            "max": round(ordered[-1], 1)}


def median_or_none(values: list) -> float | None:
    known = [v for v in values if v is not None]
    return round(statistics.median(known), 2) if known else None


def max_or_none(values: list, scale: float = 1.0) -> float | None:
    known = [v for v in values if v is not None]
    return round(max(known) * scale, 1) if known else None


def version(command: list[str]) -> str:
    try:
        return subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"


def source_state() -> str:
    """The commit of the checkout xueji runs from, and whether src/ had uncommitted changes when measured."""
    head = version(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"])
    dirty = version(["git", "-C", str(ROOT), "status", "--porcelain", "--", "src"])
    return head + (" + uncommitted changes in src/" if dirty and dirty != "?" else "")


def measure(args: argparse.Namespace) -> dict:
    xueji = Path(sys.executable).with_name("xueji")
    if not xueji.exists():
        raise SystemExit(f"no xueji executable next to {sys.executable}: install xueji in this environment first")
    import psycopg

    began = time.perf_counter()
    server = Server(args.pg_settings)
    result: dict = {}
    try:
        with tempfile.TemporaryDirectory(prefix="xueji-bench-pg-") as tmp:
            root = Path(tmp)
            bench = Bench(root, xueji, server)
            say(f"PostgreSQL: {server.origin}; working folder {root}")
            started = time.perf_counter()
            real = roster_gen.generate_real(args.rows, args.seed) if "roster" in args.phases else []
            class_size = args.class_size or (roster_gen.class_size_for(real) if real else 0)
            roster = roster_gen.write_real_csv(root / "real.csv", real, int(YEAR), args.seed) if real else None
            del real
            small = roster_gen.generate_real(args.startup_rows, args.seed + 1)
            small_size = args.class_size or roster_gen.class_size_for(small)
            small_roster = roster_gen.write_real_csv(root / "small.csv", small, int(YEAR), args.seed + 1)
            warm = roster_gen.generate_real(WARMUP_ROWS, args.seed + 2)
            warm_roster = roster_gen.write_real_csv(root / "warm.csv", warm, int(YEAR), args.seed + 2)
            say(f"rosters written in {time.perf_counter() - started:.1f} s")

            say("warm-up (untimed, small rosters and a query): compiling bytecode into the cache")
            for engine in ("sqlite", "postgresql"):
                registry = bench.registry(engine, "warm")
                bench.enroll(registry, warm_roster, roster_gen.class_size_for(warm))
                bench.once(bench.xueji(registry, "query", bench.numbers(registry)[0], "-f", "json"), registry[0])
                bench.discard(registry)

            if "roster" in args.phases:
                result["roster"] = roster_phase(bench, args, roster, class_size)
            if "startup" in args.phases:
                result["startup"] = startup_phase(bench, args, small_roster, small_size)
            if "clerks" in args.phases:
                result["clerks"] = clerks_phase(bench, args, small_roster, small_size)
            result["postgresql_server"] = server.describe()
    finally:
        server.close()

    script = Path(__file__)
    try:
        script = script.resolve().relative_to(Path.cwd())
    except ValueError:
        pass
    python = sys.executable if not sys.executable.startswith(os.getcwd()) else os.path.relpath(sys.executable)
    reproduce = [python, str(script), "--rows", str(args.rows), "--runs", str(args.runs), "--clerks", str(args.clerks),
                 "--seconds", f"{args.seconds:g}", "--startup-rows", str(args.startup_rows), "--startup-runs",
                 str(args.startup_runs), "--seed", str(args.seed), "--pg-settings", args.pg_settings, "--pg-logins",
                 args.pg_logins, "--verify-timeout", f"{args.verify_timeout:g}"]
    if args.class_size:
        reproduce += ["--class-size", str(args.class_size)]
    if set(args.phases) != set(PHASES):
        reproduce += ["--phases", ",".join(args.phases)]
    return {
        **result,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "xueji": version([str(xueji), "--version"]),
        "source": source_state(),
        "sqlite_library": sqlite3.sqlite_version,
        "psycopg": f"{psycopg.__version__} ({psycopg.pq.__impl__}, libpq {psycopg.pq.version()})",
        "total_seconds": round(time.perf_counter() - began, 1),
        "command": shlex.join(reproduce),
    }


def verified(v: dict) -> str:
    """How `xueji audit verify` went, in words."""
    def one(x: dict) -> str:
        return f"TIMED OUT after {x['seconds']:g} s" if x.get("timed_out") else f"exit {x['exit']} in {x['seconds']:g} s"

    if "first_attempt" in v:
        return (f"audit verify {one(v['first_attempt'])}; after ANALYZE ({v['analyze_seconds']:g} s) {one(v)}"
                " (untimed)")
    return f"audit verify {one(v)} (untimed)"


def report(r: dict) -> str:
    pg = r["postgresql_server"]
    lines = [
        f"SQLite against PostgreSQL — Python {r['python']}, {r['platform']}, {r['cpus']} CPUs (load average after: "
        f"{' '.join(map(str, r['load_average_after']))}), {r['xueji']} at {r['source']}",
        f"  SQLite {r['sqlite_library']} (WAL, synchronous=FULL: SQLite's default); PostgreSQL {pg['server_version']}: "
        f"{pg['origin']}; fsync={pg['fsync']}, synchronous_commit={pg['synchronous_commit']}, "
        f"full_page_writes={pg['full_page_writes']}, shared_buffers={pg['shared_buffers']}; psycopg {r['psycopg']}; "
        f"server and clients share the {r['cpus']} CPUs",
    ]
    if "roster" in r:
        ro = r["roster"]
        s, p = ro["sqlite"], ro["postgresql"]

        def line(label: str, f: dict) -> str:
            extra = []
            if f.get("peak_mib") is not None:
                extra.append(f"peak RSS {f['peak_mib']:.1f} MiB")
            if f.get("client_cpu_seconds") is not None:
                extra.append(f"client CPU {f['client_cpu_seconds']:.1f} s")
            if f.get("server_cpu_seconds") is not None:
                extra.append(f"server CPU {f['server_cpu_seconds']:.1f} s")
            runs = ", ".join(f"{x:.2f}" for x in f["all_runs_seconds"])
            inspector = (f"; as an inspector (masked views) {verified(f['audit_verify_inspector'])}"
                         if "audit_verify_inspector" in f else "")
            return (f"    {label:11} {f['seconds']:8.2f} s ({f['us_per_row']:.0f} µs/row)   "
                    + "   ".join(extra) + f"   runs: {runs}; {verified(f['audit_verify'])}{inspector}")

        lines += [
            f"1. roster: {ro['rows']} rows, {ro['format']}; `{ro['command']}`; median of {ro['runs']} interleaved "
            f"runs, whole-process wall time, fresh registry each run",
            line("SQLite", s), line("PostgreSQL", p),
            f"    ratio PostgreSQL / SQLite: {ro['ratio']:.2f}",
        ]
    if "startup" in r:
        st = r["startup"]
        lines.append(f"2. start-up: `{st['command']}` on {st['students']} students (student {st['student_no']}), "
                     f"{st['runs']} interleaved runs each after {st['warmup']} warm-ups")
        for label, key in (("SQLite", "sqlite"), ("PostgreSQL", "postgresql")):
            s = st[key]
            lines.append(f"    {label:11} median {s['median_ms']:7.1f} ms   (min {s['min_ms']:.1f}, p25 "
                         f"{s['p25_ms']:.1f}, p75 {s['p75_ms']:.1f}, max {s['max_ms']:.1f})")
        lines.append(f"    ratio PostgreSQL / SQLite: {st['ratio']:.2f} (+{st['difference_ms']:.1f} ms)")
    if "clerks" in r:
        c = r["clerks"]
        first = c["sqlite"]
        lines.append(f"3. clerks: {first['clerks']} processes at once for {first['seconds']:g} s on {r['cpus']} CPUs, "
                     f"each: enroll one new person, query one of the {c['roster_students']} roster students by "
                     f"number, repeat (services in-process, own session each)")
        for label, key in (("SQLite", "sqlite"), ("PostgreSQL", "postgresql")):
            x = c[key]
            e, q = x["enroll_latency_ms"] or {}, x["query_latency_ms"] or {}
            errors = ", ".join(f"{k} ×{n}" for k, n in x["errors"].items()) or "none"
            lines += [
                f"    {label:11} {x['ops_per_second']:7.1f} ops/s  ({x['enrollments_per_second']:.1f} enrollments/s + "
                f"{x['queries_per_second']:.1f} queries/s; {x['enrolled']} + {x['queried']} in "
                f"{x['window_seconds']:.1f} s); {x['logins']}",
                f"                latency enroll median {e.get('median', '–')} ms, p95 {e.get('p95', '–')} ms, max "
                f"{e.get('max', '–')} ms; query median {q.get('median', '–')} ms, p95 {q.get('p95', '–')} ms, max "
                f"{q.get('max', '–')} ms",
                f"                busy (exit 5): {x['busy_enroll']} enrollments, {x['busy_query']} queries; other "
                f"errors: {errors}; per clerk ops min {min(x['per_clerk_operations'])} max "
                f"{max(x['per_clerk_operations'])}",
                f"                CPU busy {x['machine_cpu_busy_share'] * 100:.0f}% of the machine"
                if x["machine_cpu_busy_share"] is not None else "                CPU busy: unknown",
            ]
            if x["server_cpu_seconds"] is not None:
                lines[-1] += f"; server CPU {x['server_cpu_seconds']:.1f} s"
            lines[-1] += (f"; afterwards {x['students_after']} students ("
                          + ("as expected" if x["count_ok"] else f"EXPECTED {x['students_expected']}")
                          + f"), {verified(x['audit_verify'])}")
            for text in x["first_errors"]:
                lines.append(f"                first error: {text}")
        if c["ratio"] is not None:
            lines.append(f"    ratio PostgreSQL / SQLite (ops/s): {c['ratio']:.2f}")
    lines.append(f"total {r['total_seconds']:.0f} s")
    lines.append(f"reproduce: {r['command']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="SQLite against PostgreSQL: a roster enrollment, concurrent clerks "
                                                 "and start-up of `xueji query`, on the same machine in one run.")
    parser.add_argument("--rows", type=int, default=100_000, help="roster size (default 100000)")
    parser.add_argument("--runs", type=int, default=3, help="roster rounds; the median is reported (default 3)")
    parser.add_argument("--clerks", type=int, default=20, help="concurrent clerk processes (default 20)")
    parser.add_argument("--seconds", type=float, default=30.0, help="how long the clerks work (default 30)")
    parser.add_argument("--startup-rows", type=int, default=1000,
                        help="students in the start-up and clerks registries (default 1000)")
    parser.add_argument("--startup-runs", type=int, default=21, help="timed runs of each query (default 21)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated rosters (default 1)")
    parser.add_argument("--class-size", type=int, default=0,
                        help="--class-size for the rosters (default: the smallest ≥ 60 keeping classes ≤ 99)")
    parser.add_argument("--pg-settings", choices=("durable", "test"), default="durable",
                        help="the cluster started here: PostgreSQL's durable defaults, or the test suite's fsync=off "
                             "(default durable; ignored with $XUEJI_TEST_PG_HOST)")
    parser.add_argument("--pg-logins", choices=("per-clerk", "shared"), default="per-clerk",
                        help="PostgreSQL clerks: a login each (office operators) or all the DBA superuser")
    parser.add_argument("--verify-timeout", type=float, default=120.0,
                        help="seconds `xueji audit verify` may take before it is stopped; on PostgreSQL the database "
                             "is then ANALYZEd and it runs again (default 120)")
    parser.add_argument("--phases", default=",".join(PHASES),
                        help=f"comma-separated subset of {','.join(PHASES)} (default all)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    args.phases = [p.strip() for p in args.phases.split(",") if p.strip()]
    if not args.phases or set(args.phases) - set(PHASES):
        parser.error(f"--phases: choose among {', '.join(PHASES)}")
    if min(args.rows, args.runs, args.clerks, args.startup_rows, args.startup_runs) < 1 or args.seconds <= 0:
        parser.error("--rows, --runs, --clerks, --startup-rows, --startup-runs and --seconds must be positive")
    if args.class_size and not 1 <= args.class_size <= 99:
        parser.error("--class-size must be 1 to 99")
    result = measure(args)
    print(json.dumps(result, ensure_ascii=False, indent=2) if args.json else report(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
