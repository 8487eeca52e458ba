"""Issue 14 and 15's commands as the registry grows: a certificate issued and checked, a department's query under a
grant, a class list as a PDF — against `xueji query NUMBER -f json` (the one-student look every clerk runs), side by
side, on a small and a large registry.

    python benchmarks/bench_papers.py [--sizes 1000,100000] [--runs 9] [--seed 2025] [--json]

Run it with the project's virtualenv (`.venv/bin/python benchmarks/bench_papers.py`). Each registry is built as
bench_query.py builds it (`xueji init`, then N students with their chained events inserted directly); an office
operator (this OS account), a department `finance` holding one grant (student_no, name, status of college 01), and
one certificate are added through xueji itself. Then, after 2 warm-ups each, ``--runs`` interleaved whole-process
runs of:

    reference   xueji query NUMBER -f json
    issue       xueji certificate NUMBER --kind record --requester "… (本人)" --proof 身份證 --out F.pdf --force
    verify      xueji certificate verify CODE
    department  xueji --operator finance query --college 01 --limit 100 -f json
    class list  xueji roster --year Y --college CC --major MM --class KK --out F.pdf --force

Figures: medians (ms) and each command's ratio to the reference at the same size; what matters is that the ratios
do not grow with the registry (every one of these reads a student, a class or a grant by index, never the whole
registry). Each run writes what the command writes (an access-log entry; a certificate row) — part of what a clerk
waits for.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_query import XUEJI, build, machine  # noqa: E402

ME = __import__("pwd").getpwuid(os.getuid()).pw_name


def run(argv: list[str], env: dict, cwd: Path) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} exited {done.returncode}:\n{done.stdout[-1500:]}{done.stderr[-1500:]}")
    return elapsed, done.stdout + done.stderr


def prepare(folder: Path, n: int, seed: int) -> dict:
    db = build(folder, n, seed)
    with open(folder / "config.toml", "a", encoding="utf-8") as handle:
        handle.write(f'\n[operators.{ME}]\nrole = "office"\nact_as = true\n\n[operators.finance]\n'
                     f'role = "department"\n')
    env = dict(os.environ, XUEJI_CONFIG=str(folder / "config.toml"), PYTHONPYCACHEPREFIX=str(folder / "pycache"))
    env.pop("XUEJI_DB", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        rows = conn.execute("SELECT student_no, name, cur_year, cur_college, cur_major, cur_class FROM students "
                            "WHERE status = 'active' AND cur_college = '01' ORDER BY id").fetchall()
    number, name, year, college, major, klass = rows[len(rows) // 2]
    xueji = [str(XUEJI), "--db", str(db)]
    run(xueji + ["operators", "list"], env, folder)  # takes the [operators] table into the registry
    run(xueji + ["grants", "add", "--operator", "finance", "--purpose", "學費核對", "--fields",
                 "student_no,name,status", "--college", "01", "--until", "2099-12-31", "--doc-no", "D1"], env, folder)
    certificate = xueji + ["certificate", number, "--kind", "record", "--requester", f"{name} (本人)", "--proof",
                           "身份證", "--out", str(folder / "c.pdf"), "--force"]
    _, said = run(certificate, env, folder)
    code = said.split("(")[1].split(")")[0]
    return {"env": env, "commands": {
        "reference": xueji + ["query", number, "-f", "json"],
        "issue": certificate,
        "verify": xueji + ["certificate", "verify", code],
        "department": xueji + ["--operator", "finance", "query", "--college", "01", "--limit", "100", "-f", "json"],
        "class list": xueji + ["roster", "--year", str(year), "--college", college, "--major", major, "--class",
                               klass, "--out", str(folder / "class.pdf"), "--force"],
    }}


def measure(n: int, runs: int, seed: int) -> dict:
    folder = Path(tempfile.mkdtemp(prefix=f"xueji-bench-papers-{n}-"))
    try:
        setup = prepare(folder, n, seed)
        env, commands = setup["env"], setup["commands"]
        for _ in range(2):
            for argv in commands.values():
                run(argv, env, folder)
        samples = {name: [] for name in commands}
        for _ in range(runs):
            for name, argv in commands.items():
                samples[name].append(run(argv, env, folder)[0])
        medians = {name: statistics.median(s) * 1000 for name, s in samples.items()}
        return {"students": n, "median_ms": {k: round(v, 1) for k, v in medians.items()},
                "ratio_to_reference": {k: round(v / medians["reference"], 2) for k, v in medians.items()}}
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,100000")
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    results = [measure(int(size), args.runs, args.seed) for size in args.sizes.split(",")]
    report = {"machine": machine(), "runs": args.runs, "results": results}
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return 0
    names = list(results[0]["median_ms"])
    print(f"{'students':>9} " + " ".join(f"{name:>18}" for name in names))
    for r in results:
        print(f"{r['students']:>9} " + " ".join(
            f"{r['median_ms'][k]:>8.0f} ms ({r['ratio_to_reference'][k]:>4.2f})" for k in names))
    print(f"medians of {args.runs} interleaved whole-process runs; (ratio to `xueji query NUMBER -f json` at that size)")
    print("machine: " + ", ".join(f"{k} {v}" for k, v in report["machine"].items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
