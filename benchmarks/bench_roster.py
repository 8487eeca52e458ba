"""Roster enrollment against its floor (issue 10, "Speed"): whole-process wall times, median of several runs.

    python benchmarks/bench_roster.py [--rows 100000] [--pinyin-rows 10000] [--runs 3] [--seed 1]
                                      [--class-size N] [--registry-size N [--registry-dir DIR]] [--json]

Run it with the project's virtualenv (`.venv/bin/python benchmarks/bench_roster.py`): `xueji` is taken from the
folder of ``sys.executable``, so it is the one installed from this checkout, and the floor runs on the same Python.

In a temporary folder it writes (benchmarks/roster_gen.py) a ``--rows`` roster in the admissions office's real
format (GBK, a title row, Simplified headers and names, colleges and majors by Simplified name, extra columns,
dates as 2007/4/16, 20061201 and 2007年1月1日, IDs as '…, ="…" and bare, a blank class column), the same number
of rows in the plain format (UTF-8 with BOM, codes, a class column) as CSV and XLSX, and a ``--pinyin-rows``
plain roster. Then it times, each run in a fresh `xueji init` folder (the `init` is not timed):

1. real   `xueji enroll --file real.csv --year 2025 --class-size N -q` against the floor,
          `python benchmarks/floor_roster.py --db xueji.db --file real.csv --year 2025 --class-size N`: the leanest
          Python doing the same checks and writes into the same schema (see its docstring).
          Targets: xueji / floor ≤ 1.5, xueji's peak memory (max RSS) ≤ 300 MiB.
          N (``--class-size``) defaults to the smallest size ≥ 60 that keeps every major within classes 01–99.
2. sqlite3 (reference, no target): the sqlite3 shell importing the plain CSV into a bare table of its eight
          columns with a UNIQUE index on the ID number (`.mode csv`, `.import --skip 1`).
3. CSV    `xueji enroll --file roster.csv --year 2025 -q` on the plain CSV; XLSX the same roster as a workbook,
          reported against the plain CSV time.
4. order  the --pinyin-rows roster with `--order pinyin` against `--order input`.
5. with ``--registry-size N``: a registry of N students and their events is built once (bench_reports.py's builder:
          cohorts up to 2024, so the 2025 roster forms classes of its own, every event chained as xueji chains
          it), copied for every run (the copy is not timed), and the real roster is enrolled into the copy as in 1.
          Reported: time per row against the empty registry of 1. Target ≤ 1.3×. The roster's people come from
          other counties than the registry's, so none of them is already registered. ``--registry-dir DIR`` builds
          it in DIR and keeps it; a registry of the same size already there is reused.

Every run must exit 0, and afterwards the database must hold exactly the expected number of students. Runs are
interleaved (one of each per round) so that drift in the machine's speed falls on every contender alike. In the
first round the floor's database is checked with `xueji audit verify` and `xueji check`, and compared with xueji's
database of the same round: the same students (every column but created_at) and the same record hash in every
event, i.e. the floor did the same work.

Peak memory comes from `/usr/bin/time -f %M` around every run, or, without it, from getrusage(RUSAGE_CHILDREN) in
a small wrapper process around one extra run. Bytecode: every command runs with PYTHONPYCACHEPREFIX in the
temporary folder and without PYTHONDONTWRITEBYTECODE, after one untimed warm-up of each kind on small rosters, so
modules load from cached bytecode as in a normal installation and nothing is written to the source tree.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import roster_gen  # noqa: E402

YEAR = "2025"
FLOOR = HERE / "floor_roster.py"
FLOOR_TARGET = 1.5
REGISTRY_TARGET = 1.3
MEMORY_TARGET_MIB = 300
WARMUP_ROWS = 300
GNU_TIME = Path("/usr/bin/time")
SQLITE_SCHEMA = (
    "CREATE TABLE t (name TEXT, gender TEXT, birth_date TEXT, id_number TEXT, college TEXT, major TEXT, "
    "class TEXT, exam_no TEXT);\n"
    "CREATE UNIQUE INDEX t_id_number ON t (id_number);\n"
)
# Runs a command (its output discarded) and prints the command's peak RSS in KiB as the last line of stderr.
RUSAGE_WRAPPER = (
    "import resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode\n"
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
    "print(peak // 1024 if sys.platform == 'darwin' else peak, file=sys.stderr)\n"
    "sys.exit(code)\n"
)
# What the floor must have written as xueji did: every stored column of a student but created_at, and the record
# hash (and the rest but the timestamps and chain hashes) of every event.
STUDENT_COMPARED = (
    "id, student_no, name, gender, birth_date, id_type, id_number, exam_no, enroll_year, college, major, class, seat, "
    "cur_year, cur_college, cur_major, cur_class, status, status_since, suspended_until, origin, ethnicity, political, "
    "region")
EVENT_COMPARED = (
    "id, student_id, kind, jyt_code, effective_date, operator, reason, doc_no, status_before, status_after, detail, "
    "submitted_by, approved_by, request_id, record_hash, account")


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def bench_environment(root: Path) -> dict:
    """The environment every timed command runs in: no XUEJI_ settings of the caller's, English, and bytecode cached
    in the run's own folder (modules load as in a normal installation; nothing written to the source tree)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("XUEJI_")}
    env["XUEJI_LANG"] = "en"
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(root / "pycache")
    return env


class Bench:
    def __init__(self, root: Path, xueji: Path, sqlite: str):
        self.root = root
        self.xueji = xueji
        self.sqlite = sqlite
        self.env = bench_environment(root)
        self.folders = 0

    def folder(self, label: str) -> Path:
        self.folders += 1
        path = self.root / f"{self.folders:03d}-{label}"
        path.mkdir()
        return path

    def run(self, command: list[str], cwd: Path, stdin: str | None = None) -> tuple[float, int | None]:
        """Wall time of the whole process (seconds) and its peak RSS (KiB) when /usr/bin/time can tell."""
        peak_file = cwd / ".peak"
        wrapped = [str(GNU_TIME), "-f", "%M", "-o", str(peak_file), *command] if GNU_TIME.exists() else command
        started = time.perf_counter()
        done = subprocess.run(wrapped, cwd=cwd, env=self.env, input=stdin, capture_output=True, text=True)
        elapsed = time.perf_counter() - started
        if done.returncode != 0:
            raise SystemExit(f"failed (exit {done.returncode}): {shlex.join(command)}\n{done.stdout[-2000:]}"
                             f"{done.stderr[-4000:]}")
        peak = None
        if peak_file.exists():
            peak = int(peak_file.read_text().split()[-1])
            peak_file.unlink()
        return elapsed, peak

    def peak_by_rusage(self, command: list[str], cwd: Path) -> int:
        done = subprocess.run([sys.executable, "-c", RUSAGE_WRAPPER, *command], cwd=cwd, env=self.env,
                              capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"failed (exit {done.returncode}): {shlex.join(command)}")
        return int(done.stderr.split()[-1])

    def xueji_folder(self, label: str) -> Path:
        folder = self.folder(label)
        subprocess.run([str(self.xueji), "init"], cwd=folder, env=self.env, check=True, capture_output=True)
        return folder

    def enroll_command(self, roster: Path, *extra: str) -> list[str]:
        return [str(self.xueji), "enroll", "--file", str(roster), "--year", YEAR, "-q", *extra]

    def floor_command(self, roster: Path, class_size: int) -> list[str]:
        return [sys.executable, str(FLOOR), "--db", "xueji.db", "--file", str(roster), "--year", YEAR,
                "--class-size", str(class_size)]

    def timed(self, label: str, command: list[str], folder: Path, expected: int) -> tuple[float, int | None]:
        result = self.run(command, folder)
        students = count(folder / "xueji.db", "students")
        if students != expected:
            raise SystemExit(f"{label}: the database holds {students} students, expected {expected}")
        return result

    def xueji_run(self, label: str, roster: Path, rows: int, *extra: str, keep: bool = False):
        folder = self.xueji_folder(label)
        result = self.timed(label, self.enroll_command(roster, *extra), folder, rows)
        return result, folder if keep else discard(folder)

    def floor_run(self, roster: Path, rows: int, class_size: int, keep: bool = False):
        folder = self.xueji_folder("floor")
        result = self.timed("floor", self.floor_command(roster, class_size), folder, rows)
        return result, folder if keep else discard(folder)

    def registry_run(self, registry: Path, roster: Path, before: int, rows: int, class_size: int):
        folder = self.xueji_folder("registry")
        for suffix in ("", "-wal", "-shm"):
            (folder / f"xueji.db{suffix}").unlink(missing_ok=True)
        shutil.copyfile(registry, folder / "xueji.db")
        result = self.timed("registry", self.enroll_command(roster, "--class-size", str(class_size)), folder,
                            before + rows)
        discard(folder)
        return result

    def sqlite_run(self, roster: Path, rows: int) -> tuple[float, int | None]:
        folder = self.folder("sqlite3")
        quoted = '"' + str(roster).replace("\\", "\\\\").replace('"', '\\"') + '"'
        script = f"{SQLITE_SCHEMA}.mode csv\n.import --skip 1 {quoted} t\n"
        result = self.run([self.sqlite, str(folder / "bare.db")], folder, stdin=script)
        loaded = count(folder / "bare.db", "t")
        if loaded != rows:
            raise SystemExit(f"sqlite3 .import loaded {loaded} rows, expected {rows}")
        discard(folder)
        return result

    def xueji_once(self, folder: Path, *args: str) -> dict:
        started = time.perf_counter()
        done = subprocess.run([str(self.xueji), *args], cwd=folder, env=self.env, capture_output=True, text=True)
        seconds = time.perf_counter() - started
        output = (done.stdout + done.stderr).strip()
        say(f"xueji {' '.join(args)} on the floor's database: exit {done.returncode} ({seconds:.1f} s)")
        return {"ok": done.returncode == 0, "exit": done.returncode, "seconds": round(seconds, 2),
                "output": output[:300]}


def discard(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


def count(database: Path, table: str) -> int:
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
        return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def same_work(floor_db: Path, xueji_db: Path) -> dict:
    """Rows of the floor's database that xueji's lacks, and the other way round (0 and 0: the same work)."""
    conn = sqlite3.connect(f"file:{floor_db}?mode=ro", uri=True)
    try:
        conn.execute("ATTACH DATABASE ? AS x", (f"file:{xueji_db}?mode=ro",))
        differ = {}
        compared = [("students", STUDENT_COMPARED), ("events", EVENT_COMPARED)]
        if all(conn.execute(f"SELECT 1 FROM {schema}.sqlite_master WHERE name = 'name_keys'").fetchone()
               for schema in ("main", "x")):
            compared.append(("name_keys", "student_id, key"))  # the names' search keys, where the schema has them
        for table, columns in compared:
            differ[table] = sum(conn.execute(
                f"SELECT count(*) FROM (SELECT {columns} FROM {a}.{table} EXCEPT SELECT {columns} FROM {b}.{table})"
            ).fetchone()[0] for a, b in (("main", "x"), ("x", "main")))
    finally:
        conn.close()
    differ["same"] = not any(differ.values())
    return differ


def registry_years(n: int) -> list[int]:
    """Cohorts ending in 2024 (the year before the roster's) that hold n students in classes and seats of ≤ 99."""
    import bench_reports as br

    per_year = len(br.MAJORS) * br.MAX_CLASSES * br.MAX_SEATS
    last = int(YEAR) - 1
    first = last
    while (last - first + 1) * per_year < n:
        first -= 1
    return list(range(first, last + 1))


def prebuilt_registry(size: int, keep: Path | None, root: Path, seed: int) -> tuple[Path, dict]:
    """The registry of ``size`` students to copy for every run: built once, or reused from ``keep``."""
    import bench_reports as br

    folder = keep.expanduser().absolute() if keep else root / "registry"
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "xueji.db"
    if keep and db.exists() and (folder / "config.toml").exists():
        students = count(db, "students")
        if students == size:
            say(f"reusing the registry of {students} students in {folder}")
            return db, {"reused": str(folder), "students": students, "events": count(db, "events")}
        raise SystemExit(f"{folder} holds a registry of {students} students, not {size}: give another --registry-dir")
    if any(folder.iterdir()):
        raise SystemExit(f"{folder} is not empty and holds no registry to reuse")
    years = registry_years(size)
    db, built = br.build(folder, size, seed, years)
    built["cohorts"] = f"{years[0]}–{years[-1]}"
    for suffix in ("-wal", "-shm"):
        (folder / f"xueji.db{suffix}").unlink(missing_ok=True)
    return db, built


def migrated(registry: Path, bench: Bench) -> list[str]:
    """Bring the prebuilt registry to the schema of the xueji being measured, once and untimed (a registry built or
    kept by an older checkout would otherwise be migrated inside the timed run), and checkpoint its WAL so that the
    file alone is the whole registry. Returns the migrations it holds."""
    reference = bench.xueji_folder("schema")
    wanted = migration_names(reference / "xueji.db")
    discard(reference)
    if not set(wanted) <= set(migration_names(registry)):
        say(f"migrating the registry to the current schema ({', '.join(sorted(set(wanted) - set(migration_names(registry))))})")
        env = dict(bench.env, XUEJI_CONFIG=str(registry.parent / "config.toml"))
        done = subprocess.run([str(bench.xueji), "--db", str(registry), "stats", "--by", "status", "-f", "json"],
                              env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"could not open the registry with xueji:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    conn = sqlite3.connect(registry)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{registry}{suffix}").unlink(missing_ok=True)
    held = migration_names(registry)
    if not set(wanted) <= set(held):
        raise SystemExit(f"the registry lacks migrations {sorted(set(wanted) - set(held))}")
    return held


def migration_names(database: Path) -> list[str]:
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
        return [r[0] for r in db.execute("SELECT name FROM _migrations ORDER BY name")]


def median(values: list[float]) -> float:
    return statistics.median(values)


def peak(values: list[int | None]) -> int | None:
    known = [v for v in values if v is not None]
    return max(known) if known else None


def mib(values: list[int | None]) -> float | None:
    p = peak(values)
    return round(p / 1024, 1) if p is not None else None


def source_state() -> str:
    """The commit of the checkout xueji runs from, and whether src/ had uncommitted changes when measured."""
    head = version(["git", "-C", str(HERE.parent), "rev-parse", "--short", "HEAD"])
    dirty = version(["git", "-C", str(HERE.parent), "status", "--porcelain", "--", "src"])
    return head + (" + uncommitted changes in src/" if dirty and dirty != "?" else "")


def version(command: list[str]) -> str:
    try:
        return subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"


def measure(args: argparse.Namespace) -> dict:
    xueji = Path(sys.executable).with_name("xueji")
    if not xueji.exists():
        raise SystemExit(f"no xueji executable next to {sys.executable}: install xueji in this environment first")
    sqlite = shutil.which("sqlite3") or "/usr/bin/sqlite3"
    with tempfile.TemporaryDirectory(prefix="xueji-bench-roster-") as tmp:
        root = Path(tmp)
        bench = Bench(root, xueji, sqlite)
        say(f"generating {args.rows} real-format + {args.rows} plain + {args.pinyin_rows} rows (seed {args.seed}) "
            f"in {root}")
        started = time.perf_counter()
        real = roster_gen.generate_real(args.rows, args.seed)
        class_size = args.class_size or roster_gen.class_size_for(real)
        real_path = roster_gen.write_real_csv(root / "real.csv", real, int(YEAR), args.seed)
        per_major: dict[tuple[str, str], int] = {}
        for r in real:
            per_major[(r["college"], r["major"])] = per_major.get((r["college"], r["major"]), 0) + 1
        del real
        rows = roster_gen.generate(args.rows, args.seed)
        csv_path = roster_gen.write_csv(root / "roster.csv", rows)
        xlsx_path = roster_gen.write_xlsx(root / "roster.xlsx", rows)
        small_path = roster_gen.write_csv(root / "roster-small.csv", roster_gen.generate(args.pinyin_rows, args.seed))
        sizes: dict[tuple[str, str, str], int] = {}
        for r in rows:
            key = (r["college"], r["major"], r["class"])
            sizes[key] = sizes.get(key, 0) + 1
        del rows
        warm = roster_gen.generate_real(WARMUP_ROWS, args.seed + 1)
        warm_real = roster_gen.write_real_csv(root / "warm-real.csv", warm, int(YEAR), args.seed + 1)
        warm_plain = roster_gen.generate(WARMUP_ROWS, args.seed + 1)
        warm_csv = roster_gen.write_csv(root / "warm.csv", warm_plain)
        warm_xlsx = roster_gen.write_xlsx(root / "warm.xlsx", warm_plain)
        generated = time.perf_counter() - started
        classes_per_major = max(-(-n // class_size) for n in per_major.values())
        if classes_per_major > 99:
            raise SystemExit(f"--class-size {class_size} needs {classes_per_major} classes in a major (99 at most)")

        registry = built = None
        if args.registry_size:
            registry, built = prebuilt_registry(args.registry_size, args.registry_dir, root, args.seed + 2025)
            built["migrations"] = migrated(registry, bench)

        say("warm-up (untimed, small rosters): compiling bytecode into the cache")
        warm_size = str(roster_gen.class_size_for(warm))
        bench.xueji_run("warm", warm_real, WARMUP_ROWS, "--class-size", warm_size)
        bench.floor_run(warm_real, WARMUP_ROWS, int(warm_size))
        bench.xueji_run("warm", warm_csv, WARMUP_ROWS, "--order", "pinyin")
        bench.xueji_run("warm", warm_xlsx, WARMUP_ROWS)

        labels = ["sqlite3", "real", "floor", "csv", "xlsx", "input", "pinyin"] + (["registry"] if registry else [])
        times: dict[str, list[float]] = {label: [] for label in labels}
        peaks: dict[str, list[int | None]] = {label: [] for label in labels}
        floor_checks: dict = {}
        for i in range(1, args.runs + 1):
            first = i == 1
            kept: dict[str, Path] = {}
            for label in labels:
                if label == "sqlite3":
                    seconds, kib = bench.sqlite_run(csv_path, args.rows)
                elif label == "real":
                    (seconds, kib), kept["real"] = bench.xueji_run("real", real_path, args.rows, "--class-size",
                                                                   str(class_size), keep=first)
                elif label == "floor":
                    (seconds, kib), kept["floor"] = bench.floor_run(real_path, args.rows, class_size, keep=first)
                elif label == "csv":
                    (seconds, kib), _ = bench.xueji_run("csv", csv_path, args.rows)
                elif label == "xlsx":
                    (seconds, kib), _ = bench.xueji_run("xlsx", xlsx_path, args.rows)
                elif label in ("input", "pinyin"):
                    (seconds, kib), _ = bench.xueji_run(label, small_path, args.pinyin_rows, "--order", label)
                else:
                    seconds, kib = bench.registry_run(registry, real_path, args.registry_size, args.rows, class_size)
                times[label].append(seconds)
                peaks[label].append(kib)
                say(f"run {i}/{args.runs} {label:8} {seconds:8.3f} s" + (f"  {kib / 1024:7.1f} MiB" if kib else ""))
            if first:
                floor_checks = {
                    "audit_verify": bench.xueji_once(kept["floor"], "audit", "verify"),
                    "check": bench.xueji_once(kept["floor"], "check"),
                    "same_as_xueji": same_work(kept["floor"] / "xueji.db", kept["real"] / "xueji.db"),
                }
                say(f"floor's database against xueji's: {floor_checks['same_as_xueji']}")
                for folder in kept.values():
                    discard(folder)
        memory_method = f"{GNU_TIME} -f %M (max over the runs)"
        if peak(peaks["real"]) is None:
            memory_method = "getrusage(RUSAGE_CHILDREN).ru_maxrss of one extra run"
            peaks["real"] = [bench.peak_by_rusage(bench.enroll_command(real_path, "--class-size", str(class_size)),
                                                  bench.xueji_folder("memory"))]

    med = {label: median(values) for label, values in times.items()}
    ratio = med["real"] / med["floor"]
    real_peak = peak(peaks["real"]) / 1024
    script = Path(__file__)
    try:
        script = script.resolve().relative_to(Path.cwd())
    except ValueError:
        pass
    python = sys.executable if not sys.executable.startswith(os.getcwd()) else os.path.relpath(sys.executable)
    reproduce = [python, str(script), "--rows", str(args.rows), "--pinyin-rows", str(args.pinyin_rows),
                 "--runs", str(args.runs), "--seed", str(args.seed)]
    if args.class_size:
        reproduce += ["--class-size", str(args.class_size)]
    if args.registry_size:
        reproduce += ["--registry-size", str(args.registry_size)]
    result = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "xueji": version([str(xueji), "--version"]),
        "source": source_state(),
        "sqlite3_shell": version([sqlite, "--version"]).split(" ")[0],
        "sqlite_library": sqlite3.sqlite_version,
        "rows": args.rows,
        "pinyin_rows": args.pinyin_rows,
        "runs": args.runs,
        "seed": args.seed,
        "generation_seconds": round(generated, 2),
        "real": {
            "format": "GBK CSV, title row, 15 Simplified headers, Simplified college/major names, blank class column, "
                      "dates 2007/4/16 | 20061201 | 2007年1月1日, IDs '… | =\"…\" | bare",
            "class_size": class_size,
            "classes_per_major_max": classes_per_major,
            "xueji_seconds": round(med["real"], 3),
            "floor_seconds": round(med["floor"], 3),
            "ratio": round(ratio, 2),
            "ratio_target": FLOOR_TARGET,
            "ratio_ok": ratio <= FLOOR_TARGET,
            "xueji_us_per_row": round(med["real"] / args.rows * 1e6, 1),
            "floor_us_per_row": round(med["floor"] / args.rows * 1e6, 1),
            "xueji_peak_mib": round(real_peak, 1),
            "floor_peak_mib": mib(peaks["floor"]),
            "memory_target_mib": MEMORY_TARGET_MIB,
            "memory_ok": real_peak <= MEMORY_TARGET_MIB,
            "memory_method": memory_method,
            "floor_database": floor_checks,
        },
        "sqlite3": {
            "seconds": round(med["sqlite3"], 3),
            "peak_mib": mib(peaks["sqlite3"]),
            "real_ratio": round(med["real"] / med["sqlite3"], 2),
            "csv_ratio": round(med["csv"] / med["sqlite3"], 2),
        },
        "csv": {
            "classes": len(sizes),
            "largest_class": max(sizes.values()),
            "xueji_seconds": round(med["csv"], 3),
            "xueji_peak_mib": mib(peaks["csv"]),
        },
        "xlsx": {
            "xueji_seconds": round(med["xlsx"], 3),
            "ratio_to_csv": round(med["xlsx"] / med["csv"], 2),
            "xueji_peak_mib": mib(peaks["xlsx"]),
        },
        "pinyin": {
            "rows": args.pinyin_rows,
            "pinyin_seconds": round(med["pinyin"], 3),
            "input_seconds": round(med["input"], 3),
            "ratio": round(med["pinyin"] / med["input"], 2),
        },
        "all_runs_seconds": {label: [round(t, 3) for t in values] for label, values in times.items()},
        "command": shlex.join(reproduce),
        "commands": {
            "real": f"xueji enroll --file real.csv --year {YEAR} --class-size {class_size} -q",
            "floor": f"python benchmarks/floor_roster.py --db xueji.db --file real.csv --year {YEAR} "
                     f"--class-size {class_size}",
            "csv": f"xueji enroll --file roster.csv --year {YEAR} -q   (also roster.xlsx; --order input|pinyin)",
            "sqlite3": "sqlite3 bare.db < (CREATE TABLE t (8 columns); CREATE UNIQUE INDEX ON t (id_number); "
                       ".mode csv; .import --skip 1 roster.csv t)",
        },
    }
    if registry:
        per_row_empty = med["real"] / args.rows
        per_row_full = med["registry"] / args.rows
        growth = per_row_full / per_row_empty
        result["registry"] = {
            "students": args.registry_size,
            "build": built,
            "xueji_seconds": round(med["registry"], 3),
            "empty_seconds": round(med["real"], 3),
            "us_per_row": round(per_row_full * 1e6, 1),
            "empty_us_per_row": round(per_row_empty * 1e6, 1),
            "ratio": round(growth, 2),
            "ratio_target": REGISTRY_TARGET,
            "ratio_ok": growth <= REGISTRY_TARGET,
            "xueji_peak_mib": mib(peaks["registry"]),
        }
    return result


def report(r: dict) -> str:
    real, s, c, x, p = r["real"], r["sqlite3"], r["csv"], r["xlsx"], r["pinyin"]

    def mark(ok: bool) -> str:
        return "ok" if ok else "MISSED"

    def ok(check: dict) -> str:
        return "ok" if check.get("ok") else f"FAILED (exit {check.get('exit')})"

    fd = real["floor_database"]
    same = fd["same_as_xueji"]
    lines = [
        f"roster enrollment — Python {r['python']}, {r['platform']}, {r['cpus']} CPUs (load average after: "
        f"{' '.join(map(str, r['load_average_after']))}), {r['xueji']} at {r['source']}, SQLite {r['sqlite_library']}, "
        f"sqlite3 shell {r['sqlite3_shell']}",
        f"{r['rows']} rows; median of {r['runs']} interleaved runs, whole-process wall time, fresh `xueji init` "
        f"folder each run",
        f"  real    admissions format ({real['format']}); --class-size {real['class_size']} "
        f"(≤ {real['classes_per_major_max']} classes a major)",
        f"          xueji {real['xueji_seconds']:.3f} s ({real['xueji_us_per_row']:.0f} µs/row)   floor "
        f"{real['floor_seconds']:.3f} s ({real['floor_us_per_row']:.0f} µs/row)   ratio {real['ratio']:.2f} "
        f"(target ≤ {real['ratio_target']}: {mark(real['ratio_ok'])})",
        f"          xueji peak memory {real['xueji_peak_mib']:.1f} MiB (target ≤ {real['memory_target_mib']}: "
        f"{mark(real['memory_ok'])}; {real['memory_method']})"
        + (f"; floor {real['floor_peak_mib']:.1f} MiB" if real["floor_peak_mib"] else ""),
        f"          floor's database: audit verify {ok(fd['audit_verify'])}, check {ok(fd['check'])}; against "
        f"xueji's: " + ("the same students and record hashes" if same["same"] else
                        f"DIFFERENT ({same['students']} student rows, {same['events']} event rows differ)"),
        f"  sqlite3 .import of the plain CSV (reference, no target) {s['seconds']:.3f} s"
        + (f", {s['peak_mib']:.1f} MiB" if s["peak_mib"] else "")
        + f": xueji real {s['real_ratio']:.1f}×, xueji plain CSV {s['csv_ratio']:.1f}×",
        f"  CSV     plain format (UTF-8 BOM, codes, class column; {c['classes']} classes, largest {c['largest_class']}) "
        f"xueji {c['xueji_seconds']:.3f} s" + (f"   peak {c['xueji_peak_mib']:.1f} MiB" if c["xueji_peak_mib"] else ""),
        f"  XLSX    the same roster: xueji {x['xueji_seconds']:.3f} s   {x['ratio_to_csv']:.2f}× the plain CSV time"
        + (f"   peak {x['xueji_peak_mib']:.1f} MiB" if x["xueji_peak_mib"] else ""),
        f"  order   {p['rows']} rows: pinyin {p['pinyin_seconds']:.3f} s   input {p['input_seconds']:.3f} s   "
        f"ratio {p['ratio']:.2f}",
    ]
    if "registry" in r:
        g = r["registry"]
        b = g["build"] or {}
        how = (f"reused from {b['reused']}" if "reused" in b else
               f"built in {b.get('seconds')} s, cohorts {b.get('cohorts')}, {b.get('events')} events")
        lines += [
            f"  registry the real roster into a registry of {g['students']} students ({how}): xueji "
            f"{g['xueji_seconds']:.3f} s ({g['us_per_row']:.0f} µs/row) against {g['empty_seconds']:.3f} s "
            f"({g['empty_us_per_row']:.0f} µs/row) into an empty one: ratio {g['ratio']:.2f} "
            f"(target ≤ {g['ratio_target']}: {mark(g['ratio_ok'])})"
            + (f"; peak {g['xueji_peak_mib']:.1f} MiB" if g["xueji_peak_mib"] else ""),
        ]
    lines.append(f"reproduce: {r['command']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time `xueji enroll --file` on the admissions office's real format "
                                                 "against its floor (benchmarks/floor_roster.py), with the sqlite3 "
                                                 "shell's .import, XLSX, pinyin order and a large registry.")
    parser.add_argument("--rows", type=int, default=100_000, help="roster size (default 100000)")
    parser.add_argument("--pinyin-rows", type=int, default=10_000, help="roster size for the order test (default 10000)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each measurement; the median is reported (default 3)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated rosters (default 1)")
    parser.add_argument("--class-size", type=int, default=0,
                        help="--class-size for the real roster (default: the smallest ≥ 60 keeping classes ≤ 99)")
    parser.add_argument("--registry-size", type=int, default=0, metavar="N",
                        help="also enroll the real roster into a prebuilt registry of N students (default: no)")
    parser.add_argument("--registry-dir", type=Path, metavar="DIR",
                        help="build the --registry-size registry in DIR and keep it; reuse one already there")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if args.rows < 1 or args.pinyin_rows < 1 or args.runs < 1 or args.registry_size < 0:
        parser.error("--rows, --pinyin-rows and --runs must be at least 1, --registry-size not negative")
    if args.class_size and not 1 <= args.class_size <= 99:
        parser.error("--class-size must be 1 to 99")
    if args.registry_dir and not args.registry_size:
        parser.error("--registry-dir goes with --registry-size")
    result = measure(args)
    print(json.dumps(result, ensure_ascii=False, indent=2) if args.json else report(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
