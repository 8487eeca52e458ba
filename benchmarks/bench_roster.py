"""Roster enrollment against the sqlite3 shell: whole-process wall times, median of several runs.

    python benchmarks/bench_roster.py [--rows 100000] [--pinyin-rows 10000] [--runs 3] [--seed 1] [--json]

In a temporary folder it writes a realistic roster (benchmarks/roster_gen.py) as CSV (UTF-8 with BOM) and XLSX,
then times, each run in a fresh `xueji init` folder (the `init` itself is not timed):

1. `xueji enroll --file roster.csv --year 2025 -q` against the sqlite3 shell importing the same CSV into a bare
   table of the eight columns with a UNIQUE index on the ID number (`.mode csv`, `.import --skip 1`);
   targets: xueji/sqlite3 ≤ 3.0 and xueji's peak memory (max RSS) ≤ 300 MiB;
2. the same roster as XLSX, against the CSV time;
3. a --pinyin-rows roster with `--order pinyin` against `--order input`.

After every run the database is checked to hold exactly the roster's rows. Runs are interleaved (sqlite3, CSV,
XLSX; input, pinyin) so that drift in the machine's speed falls on every contender alike. Peak memory comes from
`/usr/bin/time -f %M` around every run (both tools are wrapped, so the wrapper's cost is the same for both), or,
without it, from getrusage(RUSAGE_CHILDREN) in a small wrapper process around one extra run.
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

sys.path.insert(0, str(Path(__file__).resolve().parent))
import roster_gen  # noqa: E402

YEAR = "2025"
RATIO_TARGET = 3.0
MEMORY_TARGET_MIB = 300
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


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class Bench:
    def __init__(self, root: Path, xueji: Path, sqlite: str):
        self.root = root
        self.xueji = xueji
        self.sqlite = sqlite
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("XUEJI_")}
        self.env["XUEJI_LANG"] = "en"
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

    def xueji_run(self, label: str, roster: Path, rows: int, *extra: str) -> tuple[float, int | None]:
        folder = self.xueji_folder(label)
        result = self.run(self.enroll_command(roster, *extra), folder)
        students = count(folder / "xueji.db", "students")
        if students != rows:
            raise SystemExit(f"{label}: the database holds {students} students, expected {rows}")
        return result

    def sqlite_run(self, roster: Path, rows: int) -> tuple[float, int | None]:
        folder = self.folder("sqlite3")
        quoted = '"' + str(roster).replace("\\", "\\\\").replace('"', '\\"') + '"'
        script = f"{SQLITE_SCHEMA}.mode csv\n.import --skip 1 {quoted} t\n"
        result = self.run([self.sqlite, str(folder / "bare.db")], folder, stdin=script)
        loaded = count(folder / "bare.db", "t")
        if loaded != rows:
            raise SystemExit(f"sqlite3 .import loaded {loaded} rows, expected {rows}")
        return result


def count(database: Path, table: str) -> int:
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
        return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def median(values: list[float]) -> float:
    return statistics.median(values)


def peak(values: list[int | None]) -> int | None:
    known = [v for v in values if v is not None]
    return max(known) if known else None


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
        say(f"generating {args.rows} + {args.pinyin_rows} rows (seed {args.seed}) in {root}")
        started = time.perf_counter()
        rows = roster_gen.generate(args.rows, args.seed)
        csv_path = roster_gen.write_csv(root / "roster.csv", rows)
        xlsx_path = roster_gen.write_xlsx(root / "roster.xlsx", rows)
        small_path = roster_gen.write_csv(root / "roster-small.csv", roster_gen.generate(args.pinyin_rows, args.seed))
        generated = time.perf_counter() - started
        sizes: dict[tuple[str, str, str], int] = {}
        for r in rows:
            key = (r["college"], r["major"], r["class"])
            sizes[key] = sizes.get(key, 0) + 1
        del rows

        times: dict[str, list[float]] = {"sqlite3": [], "csv": [], "xlsx": [], "input": [], "pinyin": []}
        peaks: dict[str, list[int | None]] = {k: [] for k in times}
        for i in range(1, args.runs + 1):
            for label, action in (
                ("sqlite3", lambda: bench.sqlite_run(csv_path, args.rows)),
                ("csv", lambda: bench.xueji_run("csv", csv_path, args.rows)),
                ("xlsx", lambda: bench.xueji_run("xlsx", xlsx_path, args.rows)),
                ("input", lambda: bench.xueji_run("input", small_path, args.pinyin_rows, "--order", "input")),
                ("pinyin", lambda: bench.xueji_run("pinyin", small_path, args.pinyin_rows, "--order", "pinyin")),
            ):
                seconds, kib = action()
                times[label].append(seconds)
                peaks[label].append(kib)
                say(f"run {i}/{args.runs} {label:8} {seconds:8.3f} s" + (f"  {kib / 1024:7.1f} MiB" if kib else ""))
        memory_method = f"{GNU_TIME} -f %M (max over the runs)"
        if peak(peaks["csv"]) is None:
            memory_method = "getrusage(RUSAGE_CHILDREN).ru_maxrss of one extra run"
            peaks["csv"] = [bench.peak_by_rusage(bench.enroll_command(csv_path), bench.xueji_folder("memory"))]

    med = {label: median(values) for label, values in times.items()}
    xueji_peak_mib = peak(peaks["csv"]) / 1024
    ratio = med["csv"] / med["sqlite3"]
    reproduce = shlex.join([
        sys.executable if not sys.executable.startswith(os.getcwd()) else os.path.relpath(sys.executable),
        "benchmarks/bench_roster.py", "--rows", str(args.rows), "--pinyin-rows", str(args.pinyin_rows),
        "--runs", str(args.runs), "--seed", str(args.seed),
    ])
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "xueji": version([str(xueji), "--version"]),
        "sqlite3_shell": version([sqlite, "--version"]).split(" ")[0],
        "rows": args.rows,
        "pinyin_rows": args.pinyin_rows,
        "runs": args.runs,
        "seed": args.seed,
        "classes": len(sizes),
        "largest_class": max(sizes.values()),
        "generation_seconds": round(generated, 2),
        "csv": {
            "xueji_seconds": round(med["csv"], 3),
            "sqlite3_seconds": round(med["sqlite3"], 3),
            "ratio": round(ratio, 2),
            "ratio_target": RATIO_TARGET,
            "ratio_ok": ratio <= RATIO_TARGET,
            "xueji_peak_mib": round(xueji_peak_mib, 1),
            "sqlite3_peak_mib": round(peak(peaks["sqlite3"]) / 1024, 1) if peak(peaks["sqlite3"]) else None,
            "memory_target_mib": MEMORY_TARGET_MIB,
            "memory_ok": xueji_peak_mib <= MEMORY_TARGET_MIB,
            "memory_method": memory_method,
        },
        "xlsx": {
            "xueji_seconds": round(med["xlsx"], 3),
            "ratio_to_csv": round(med["xlsx"] / med["csv"], 2),
            "xueji_peak_mib": round(peak(peaks["xlsx"]) / 1024, 1) if peak(peaks["xlsx"]) else None,
        },
        "pinyin": {
            "rows": args.pinyin_rows,
            "pinyin_seconds": round(med["pinyin"], 3),
            "input_seconds": round(med["input"], 3),
            "ratio": round(med["pinyin"] / med["input"], 2),
        },
        "all_runs_seconds": {label: [round(t, 3) for t in values] for label, values in times.items()},
        "command": reproduce,
        "commands": {
            "xueji": f"xueji enroll --file roster.csv --year {YEAR} -q   (also roster.xlsx; --order input|pinyin)",
            "sqlite3": "sqlite3 bare.db < (CREATE TABLE t (8 columns); CREATE UNIQUE INDEX ON t (id_number); "
                       ".mode csv; .import --skip 1 roster.csv t)",
        },
    }


def report(r: dict) -> str:
    c, x, p = r["csv"], r["xlsx"], r["pinyin"]

    def mark(ok: bool) -> str:
        return "ok" if ok else "MISSED"

    return "\n".join([
        f"roster enrollment — Python {r['python']}, {r['platform']}, {r['cpus']} CPUs, {r['xueji']}, "
        f"sqlite3 shell {r['sqlite3_shell']}",
        f"{r['rows']} rows in {r['classes']} classes (largest {r['largest_class']}), {r['pinyin_rows']} rows for "
        f"the order test; median of {r['runs']} runs, whole-process wall time, fresh folder each run",
        f"  CSV    xueji {c['xueji_seconds']:.3f} s   sqlite3 .import {c['sqlite3_seconds']:.3f} s   "
        f"ratio {c['ratio']:.2f} (target ≤ {c['ratio_target']}: {mark(c['ratio_ok'])})",
        f"         xueji peak memory {c['xueji_peak_mib']:.1f} MiB (target ≤ {c['memory_target_mib']}: "
        f"{mark(c['memory_ok'])}; {c['memory_method']})"
        + (f"; sqlite3 {c['sqlite3_peak_mib']:.1f} MiB" if c["sqlite3_peak_mib"] else ""),
        f"  XLSX   xueji {x['xueji_seconds']:.3f} s   {x['ratio_to_csv']:.2f}× the CSV time"
        + (f"   peak {x['xueji_peak_mib']:.1f} MiB" if x["xueji_peak_mib"] else ""),
        f"  order  {p['rows']} rows: pinyin {p['pinyin_seconds']:.3f} s   input {p['input_seconds']:.3f} s   "
        f"ratio {p['ratio']:.2f}",
        f"reproduce: {r['command']}",
    ])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time `xueji enroll --file` against the sqlite3 shell's .import.")
    parser.add_argument("--rows", type=int, default=100_000, help="roster size (default 100000)")
    parser.add_argument("--pinyin-rows", type=int, default=10_000, help="roster size for the order test (default 10000)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each measurement; the median is reported (default 3)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated rosters (default 1)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if args.rows < 1 or args.pinyin_rows < 1 or args.runs < 1:
        parser.error("--rows, --pinyin-rows and --runs must be at least 1")
    result = measure(args)
    print(json.dumps(result, ensure_ascii=False, indent=2) if args.json else report(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
