"""The installed `xueji` command in real processes: start-up weight, exit codes, pipes and the demo sandbox."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import make_id

pytestmark = pytest.mark.slow  # every test here runs the installed command in processes

BIN = Path(sys.executable).parent / "xueji"
XUEJI = str(BIN) if BIN.exists() else shutil.which("xueji")


def run(*args, cwd, env=None, check=True):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("XUEJI_")}
    environment.update({"LANG": "C.UTF-8", "NO_COLOR": "1"}, **(env or {}))
    result = subprocess.run([XUEJI, *args], cwd=cwd, env=environment, capture_output=True, text=True, timeout=120)
    if check:
        assert result.returncode == 0, result.stderr
    return result


@pytest.fixture(scope="module", autouse=True)
def installed():
    if XUEJI is None:
        pytest.fail("the xueji command is not installed in this environment (pip install -e '.[test]')")


def _modules_after(argv: list[str]) -> set[str]:
    code = (
        "import sys\n"
        f"sys.argv = {['xueji', *argv]!r}\n"
        "from xueji.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(' '.join(sorted(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    return set(out.stdout.split()[-2000:])


def test_version_imports_neither_rich_nor_sqlite_utils():
    loaded = _modules_after(["--version"])
    assert "xueji" in loaded
    assert not {m for m in loaded if m == "rich" or m.startswith(("rich.", "sqlite_utils"))}


def test_version_prints_the_version_and_python_m_works_alike(tmp_path):
    from xueji import __version__

    assert run("--version", cwd=tmp_path).stdout.strip() == f"xueji {__version__}"
    module = subprocess.run([sys.executable, "-m", "xueji", "--version"], capture_output=True, text=True, check=True)
    assert module.stdout.strip() == f"xueji {__version__}"


def test_a_json_query_by_number_does_not_import_rich_or_sqlite_utils_or_psycopg(tmp_path):
    run("init", cwd=tmp_path)
    code = (
        "import os, sys\n"
        f"os.chdir({str(tmp_path)!r})\n"
        "sys.argv = ['xueji', 'query', '202301010101', '-f', 'json']\n"
        "from xueji.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('LOADED:' + ','.join(sorted(m for m in sys.modules if m.startswith(('rich', 'sqlite_utils', 'psycopg')))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    lines = out.stdout.strip().splitlines()
    assert lines[0] == "[]"  # the query ran and found nobody
    assert lines[-1] == "LOADED:"


def test_a_clerk_session_in_real_processes(tmp_path):
    run("init", cwd=tmp_path)
    number = run("enroll", "--name", "李華", "--gender", "女", "--birth-date", "2005-06-01", "--id-number",
                 make_id("2005-06-01", male=False, seq=4), "--college", "01", "--major", "01", "--class", "01",
                 "--year", "2023", cwd=tmp_path).stdout.strip()
    assert number == "202301010101"
    refused = run("suspend", number, "--reason", "因病", "--until", "1999-01-01", cwd=tmp_path, check=False)
    assert refused.returncode == 3 and refused.stderr.startswith("Error:") and "Traceback" not in refused.stderr
    shown = json.loads(run("show", number, "-f", "json", cwd=tmp_path).stdout)
    assert shown["student"]["name"] == "李華" and len(shown["events"]) == 1
    table = run("query", cwd=tmp_path).stdout
    assert "李華" in table and "\x1b[" not in table


def test_four_commands_enrolling_into_one_class_at_once_get_distinct_seats(tmp_path):
    run("init", cwd=tmp_path)
    environment = {k: v for k, v in os.environ.items() if not k.startswith("XUEJI_")}
    procs = [
        subprocess.Popen([XUEJI, "enroll", "--name", "張三", "--gender", "男", "--birth-date", "2005-03-01",
                          "--id-number", make_id(seq=k), "--college", "02", "--major", "02", "--class", "01",
                          "--year", "2024"], cwd=tmp_path, env=environment, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
        for k in range(4)
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], outputs
    assert sorted(o[0].strip() for o in outputs) == [f"2024020201{s:02d}" for s in range(1, 5)]


def test_demo_builds_a_sandbox_and_never_touches_the_working_database(tmp_path):
    run("init", cwd=tmp_path)
    before = (tmp_path / "xueji.db").read_bytes()
    result = run("demo", "--dir", "practice", cwd=tmp_path)
    assert "practice" in result.stdout and "query" in result.stdout
    assert (tmp_path / "xueji.db").read_bytes() == before
    sandbox = ["--config", str(tmp_path / "practice" / "config.toml")]
    students = json.loads(run(*sandbox, "query", "--limit", "0", "-f", "json", cwd=tmp_path).stdout)
    statuses = {s["status"] for s in students}
    assert len(students) >= 30
    assert {"active", "suspended", "withdrawn", "graduated", "transferred_out"} <= statuses
    assert_the_tour_runs_as_printed(result.stdout, tmp_path)


def assert_the_tour_runs_as_printed(tour: str, cwd: Path, environment: dict | None = None) -> int:
    """Every command the tour prints runs, word for word, from where the demo was built; the list with mistakes is
    refused with exit 3 (that is its lesson), every other command exits 0."""
    environment = environment or {k: v for k, v in os.environ.items() if not k.startswith("XUEJI_")}
    ran = 0
    for line in tour.splitlines():
        words = shlex.split(line) if " --config " in line else []
        if not words or words[0] not in ("xueji", XUEJI) and words[1:3] != ["-m", "xueji"]:
            continue
        if words[0] == "xueji":
            assert shutil.which("xueji", path=environment.get("PATH")) == XUEJI, line
        done = subprocess.run(words, cwd=cwd, env=environment, capture_output=True, text=True, timeout=120)
        faulty = any("-有錯" in w or "-有错" in w or "mistakes" in w for w in words)
        assert done.returncode == (3 if faulty else 0), (line, done.stdout, done.stderr)
        ran += 1
    assert ran >= 15, tour
    return ran


def test_the_tour_names_the_path_of_this_xueji_when_another_or_none_is_on_path(tmp_path):
    elsewhere = {k: v for k, v in os.environ.items() if not k.startswith("XUEJI_")}
    elsewhere["PATH"] = "/usr/bin:/bin"  # no xueji here: the tour must print where this one is
    tour = run("demo", "--dir", "p", cwd=tmp_path, env={"PATH": "/usr/bin:/bin"}).stdout
    assert f"  {XUEJI} --config " in tour and "\n  xueji " not in tour
    assert_the_tour_runs_as_printed(tour, tmp_path, elsewhere)
    on_path = dict(elsewhere, PATH=f"{Path(XUEJI).parent}:/usr/bin:/bin")
    tour = run("demo", "--dir", "p", cwd=tmp_path, env={"PATH": on_path["PATH"]}).stdout
    assert "\n  xueji --config " in tour
    assert "新生名單.csv" in tour and "新生名單-有錯.csv" in tour  # the two admissions lists, by name
    assert "clerk01" in tour


def test_a_demo_follows_the_language_it_is_run_in_and_writes_its_data_in_that_script(tmp_path):
    built = run("--lang", "zh-Hans", "demo", "--dir", "练习", "-f", "json", cwd=tmp_path)
    data = json.loads(built.stdout)
    folder = tmp_path / "练习"
    assert [Path(p).name for p in data["admissions"]] == ["新生名单.csv", "新生名单-有错.csv"]
    config = (folder / "config.toml").read_text(encoding="utf-8")
    assert not [line for line in config.splitlines() if line.strip().startswith("locale")]  # no language pinned
    assert 'name = "文学院"' in config
    assert (folder / "新生名单.csv").read_text(encoding="utf-8-sig").startswith("姓名,性别,出生日期,身份证号,学院,专业")
    students = json.loads(run("--config", str(folder / "config.toml"), "query", "--limit", "0", "-f", "json",
                              cwd=tmp_path).stdout)
    names = "".join(s["name"] for s in students)
    assert "陈" in names and "陳" not in names and "张" in names and "張" not in names
    sandbox = ["--config", str(folder / "config.toml")]
    hant = run(*sandbox, "query", "--status", "withdrawn", cwd=tmp_path, env={"LANG": "zh_TW.UTF-8"}).stdout
    hans = run(*sandbox, "--lang", "zh-Hans", "query", "--status", "withdrawn", cwd=tmp_path).stdout
    english = run(*sandbox, "query", "--status", "withdrawn", cwd=tmp_path).stdout
    assert "退學" in hant and "退学" in hans and "Withdrawn" in english  # the sandbox speaks as it is asked
    traditional = json.loads(run("--lang", "zh-Hant", "demo", "--dir", "練習", "-f", "json", cwd=tmp_path).stdout)
    assert [Path(p).name for p in traditional["admissions"]] == ["新生名單.csv", "新生名單-有錯.csv"]
    assert 'name = "文學院"' in (tmp_path / "練習" / "config.toml").read_text(encoding="utf-8")


def test_demo_run_twice_rebuilds_its_own_sandbox_but_refuses_a_foreign_folder(tmp_path):
    run("demo", cwd=tmp_path)
    again = run("demo", cwd=tmp_path)
    assert again.returncode == 0
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.docx").write_text("precious", encoding="utf-8")
    refused = run("demo", "--dir", "mine", cwd=tmp_path, check=False)
    assert refused.returncode == 1 and "--dir" in refused.stderr
    assert (tmp_path / "mine" / "thesis.docx").read_text(encoding="utf-8") == "precious"
    assert not (tmp_path / "mine" / "xueji.db").exists()


def test_two_rosters_and_a_stream_of_single_enrollments_in_parallel_never_collide(tmp_path):
    from tests.rosters import people, write_csv

    run("init", cwd=tmp_path)
    environment = {k: v for k, v in os.environ.items() if not k.startswith("XUEJI_")}
    write_csv(tmp_path / "a.csv", people(50, start=0, klass="1"))
    write_csv(tmp_path / "b.csv", people(40, start=150, klass="2") + people(30, start=300, klass="1"))
    batches = [
        subprocess.Popen([XUEJI, "enroll", "--file", name, "--year", "2025", "-q"], cwd=tmp_path, env=environment,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for name in ("a.csv", "b.csv")
    ]
    singles = []
    for k, row in enumerate(people(24, start=400)):
        singles.append(subprocess.Popen(
            [XUEJI, "enroll", "--name", row["name"], "--gender", row["gender"], "--birth-date", row["birth_date"],
             "--id-number", row["id_number"], "--college", "01", "--major", "01", "--class", str(1 + k % 2),
             "--year", "2025"], cwd=tmp_path, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True))
    outputs = [p.communicate(timeout=300) for p in batches + singles]
    assert [p.returncode for p in batches + singles] == [0] * 26, [o[1] for o in outputs if o[1]]
    students = json.loads(run("query", "--limit", "0", "-f", "json", cwd=tmp_path).stdout)
    got = [s["student_no"] for s in students]
    assert len(got) == 144 and len(set(got)) == 144
    per_class = {}
    for number in got:
        per_class.setdefault(number[:10], []).append(int(number[10:]))
    for seats in per_class.values():  # seats are consecutive from 01: none skipped, none twice
        assert sorted(seats) == list(range(1, len(seats) + 1))


def test_demo_as_json_describes_the_sandbox(tmp_path):
    data = json.loads(run("demo", "--dir", "j", "-f", "json", cwd=tmp_path).stdout)
    assert data["students"] > 1900 and data["counts"]["active"] > 1000
    assert Path(data["database"]).exists()


def test_a_rebuilt_demo_lets_its_tour_write_its_reports_again(tmp_path):
    run("demo", "--dir", "d", cwd=tmp_path)
    args = ["--config", str(tmp_path / "d" / "config.toml"), "report", "annual", "--year", "2025", "--out",
            str(tmp_path / "d" / "annual.xlsx")]
    run(*args, cwd=tmp_path)
    assert run(*args, cwd=tmp_path, check=False).returncode == 1  # never over an existing file without --force
    run("demo", "--dir", "d", cwd=tmp_path)
    run(*args, cwd=tmp_path)


def test_a_demo_built_as_of_a_school_year_holds_the_same_history_whenever_it_is_built(tmp_path):
    """The guides build `demo --year 2026`: years later the sandbox must still be the one they were written on."""
    from datetime import date

    from xueji.services import demo

    def history(folder, today):
        result = demo.build(tmp_path / folder, operator="guide", language="en", today=today, year="2026")
        import sqlite3

        conn = sqlite3.connect(result.database)
        try:
            return (conn.execute("SELECT student_no, status, status_since, suspended_until FROM students "
                                 "ORDER BY student_no").fetchall(),
                    conn.execute("SELECT kind, effective_date FROM events ORDER BY id").fetchall(), result.samples)
        finally:
            conn.close()

    written = history("then", date(2026, 12, 2))
    assert history("later", date(2031, 3, 15)) == written
    assert history("end-of-year", date(2027, 8, 31)) == written


@pytest.mark.parametrize("group", ["certificate", "grants", "report", "audit"])
def test_a_group_without_a_command_prints_its_help_once_and_exits_2(group, tmp_path):
    done = subprocess.run([XUEJI, group], cwd=tmp_path, capture_output=True, text=True,
                          env={k: v for k, v in os.environ.items() if not k.startswith("XUEJI_")})
    assert done.returncode == 2
    assert (done.stdout + done.stderr).count("Usage:") == 1, done.stdout + done.stderr
