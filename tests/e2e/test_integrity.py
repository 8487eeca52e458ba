"""Integrity, supervision and durability: the audit chain, tampering, checks, corrections, backups and faults."""

from __future__ import annotations

import json
import os
from contextlib import closing
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import first_version_rows, make_id

ENROLL = ["enroll", "--name", "張三", "--gender", "男", "--birth-date", "2005-03-01", "--college", "01",
          "--major", "01", "--class", "01", "--year", "2023", "--date", "2023-09-01"]
NO1, NO2, NO3 = "202301010101", "202301010102", "202301010103"


@pytest.fixture
def registry(xj, workdir, db):
    """Three students, one suspended and one withdrawn: a small history to verify and tamper with."""
    for seq in (1, 2, 3):
        assert xj(*ENROLL, "--id-number", make_id(seq=seq)).exit_code == 0
    assert xj("suspend", NO2, "--reason", "因病", "--until", "2024-08-31", "--date", "2023-12-01").exit_code == 0
    assert xj("withdraw", NO3, "--reason", "本人申請", "--date", "2024-01-10").exit_code == 0
    return db


def tamper(db, *statements):
    """Someone with the file and the sqlite3 shell (or a superuser with psql): triggers and CHECK constraints are no
    obstacle to them."""
    db.tamper(*statements)


# --- the chain ---------------------------------------------------------------------------------

def test_the_chain_of_a_normal_history_verifies_and_its_head_is_the_last_hash(xj, registry):
    head = json.loads(xj("audit", "head", "-f", "json").stdout)
    assert head["events"] == 5
    assert head["head"] == registry.value("SELECT hash FROM events ORDER BY id DESC LIMIT 1")
    result = xj("audit", "verify")
    assert result.exit_code == 0 and "5 events" in result.stdout
    rows = registry.rows("SELECT prev_hash, hash FROM events ORDER BY id")
    assert rows[0][0] == "0" * 64 and all(rows[i][0] == rows[i - 1][1] for i in range(1, len(rows)))


def test_verify_with_an_earlier_head_proves_nothing_before_it_changed(xj, registry):
    earlier = json.loads(xj("audit", "head", "-f", "json").stdout)["head"]
    xj("resume", NO2, "--date", "2024-09-01")
    assert xj("audit", "verify", "--head", earlier).exit_code == 0
    unknown = xj("audit", "verify", "--head", "ab" * 32)
    assert unknown.exit_code == 7 and "not in the chain" in unknown.stderr
    assert xj("audit", "verify", "--head", "xyz").exit_code == 3


def test_a_status_changed_directly_in_sqlite_is_caught_naming_the_event(xj, registry):
    last = registry.value("SELECT max(e.id) FROM events e JOIN students s ON s.id = e.student_id "
                          "WHERE s.student_no = ?", NO1)
    tamper(registry, f"UPDATE students SET status = 'graduated' WHERE student_no = '{NO1}'")
    result = xj("audit", "verify", "-f", "json")
    assert result.exit_code == 7
    breaks = json.loads(result.stdout)["breaks"]
    assert breaks[0]["event_id"] == last and breaks[0]["student_no"] == NO1
    assert xj("check").exit_code == 7


def test_an_events_reason_changed_directly_is_caught_naming_that_event(xj, registry):
    event = registry.value("SELECT id FROM events WHERE kind = 'suspend'")
    tamper(registry, f"UPDATE events SET reason = '本人申請' WHERE id = {event}")
    result = xj("audit", "verify", "-f", "json")
    assert result.exit_code == 7
    assert json.loads(result.stdout)["breaks"][0]["event_id"] == event
    assert f"event {event}" in result.stderr


def test_a_deleted_event_is_caught_at_the_event_after_the_gap(xj, registry):
    tamper(registry, "DELETE FROM events WHERE id = 2")
    result = xj("audit", "verify", "-f", "json")
    assert result.exit_code == 7
    assert json.loads(result.stdout)["breaks"][0]["event_id"] == 3


def test_the_migration_chains_the_events_of_a_database_from_the_previous_version(tmp_path):
    from sqlite_utils import Database

    from xueji.store.sqlite import migrations
    from xueji.store.sqlite import Store

    path = tmp_path / "v2.db"
    conn = sqlite3.connect(path)
    db = Database(conn, execute_plugins=False)
    db["_migrations"].create({"name": str, "applied_at": str}, pk="name")
    previous = [m for m in migrations.MIGRATIONS if m[0] != "m003_audit_chain"]
    for name, fn in previous:
        fn(db)
        db["_migrations"].insert({"name": name, "applied_at": "2026-01-01T00:00:00+00:00"})
    first_version_rows(conn)
    conn.commit()
    conn.close()
    store = Store(path)
    from xueji.services.audit import verify as verify_chain
    from xueji.services import Session

    result = verify_chain(Session(store, "inspector"))
    assert (result.events, result.breaks) == (2, [])
    assert store.conn.execute("SELECT count(*) FROM events WHERE hash IS NULL").fetchone()[0] == 0


# --- the consistency check ----------------------------------------------------------------------

def test_check_passes_on_a_clean_registry(xj, registry):
    result = xj("check", "-f", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"ok": True, "students": 3, "violations": [], "warnings": []}


def test_check_lists_a_number_that_disagrees_with_its_segments(xj, registry):
    tamper(registry, f"UPDATE students SET seat = 9 WHERE student_no = '{NO1}'")
    result = xj("check", "-f", "json")
    assert result.exit_code == 7
    assert any(NO1 in v["message"] for v in json.loads(result.stdout)["violations"])


def test_check_lists_two_live_registrations_of_one_person(xj, registry):
    tamper(registry, "DROP INDEX idx_students_live_person",
           f"UPDATE students SET id_number = (SELECT id_number FROM students WHERE student_no = '{NO1}') "
           f"WHERE student_no = '{NO2}'")
    result = xj("check", "-f", "json")
    assert result.exit_code == 7 and "live registrations share" in result.stdout


def test_a_code_removed_from_the_table_is_a_warning_not_a_failure(xj, registry, workdir):
    config = workdir / "config.toml"
    text = config.read_text(encoding="utf-8")
    start = text.index("[colleges.01.majors.01]")
    config.write_text(text[:start] + text[text.index("[colleges.01.majors.02]"):], encoding="utf-8")
    result = xj("check")
    assert result.exit_code == 0 and "no longer in the code table" in result.stderr


# --- corrections ---------------------------------------------------------------------------------

def test_amend_keeps_before_and_after_and_never_changes_the_number(xj, registry):
    result = xj("amend", NO1, "--name", "張三豐", "--reason", "公安機關更名", "--doc-no", "更名證明8號", "-f", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["student_no"] == NO1
    assert registry.rows("SELECT name FROM students WHERE student_no = ?", NO1) == [("張三豐",)]
    kind, detail, doc = registry.rows("SELECT kind, detail, doc_no FROM events ORDER BY id DESC LIMIT 1")[0]
    assert (kind, json.loads(detail), doc) == ("amend", {"after": {"name": "張三豐"}, "before": {"name": "張三"}},
                                               "更名證明8號")
    assert xj("audit", "verify").exit_code == 0


@pytest.mark.parametrize("args", [["--name", "張三豐"],
                                  ["--birth-date", "2005-03-02", "--id-number", make_id("2005-03-02", seq=1)]])
def test_a_name_or_birth_date_change_needs_a_document_number(xj, registry, args):
    before = registry.snapshot()
    result = xj("amend", NO1, *args, "--reason", "更正")
    assert result.exit_code == 3 and "--doc-no" in result.stderr
    assert registry.snapshot() == before


def test_a_corrected_id_number_must_still_agree_with_the_birth_date_and_be_unique(xj, registry):
    wrong = make_id("2005-03-02", seq=7)
    assert xj("amend", NO1, "--id-number", wrong, "--reason", "更正").exit_code == 3
    taken = xj("amend", NO1, "--id-number", make_id(seq=2), "--reason", "更正")
    assert taken.exit_code == 1 and NO2 in taken.stderr
    fixed = xj("amend", NO1, "--id-number", make_id(seq=7), "--reason", "更正", "-f", "json")
    assert fixed.exit_code == 0 and json.loads(fixed.stdout)["id_number"].endswith(make_id(seq=7)[-4:])
    detail = json.loads(xj("show", NO1, "-f", "json").stdout)["events"][-1]["detail"]
    assert "*" in detail["before"]["id_number"] and "*" in detail["after"]["id_number"]


def test_reinstate_undoes_a_mistaken_withdrawal_under_the_same_number(xj, registry):
    result = xj("reinstate", NO3, "--reason", "誤辦退學", "--doc-no", "教務40號", "-f", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["status"] == "active"
    assert registry.rows("SELECT kind, jyt_code, status_before, status_after FROM events ORDER BY id DESC LIMIT 1") == [
        ("reinstate", "17", "withdrawn", "active")]


def test_reinstate_returns_a_missing_student_to_suspension_with_its_end_date(xj, registry):
    xj("cancel", NO2, "--cause", "missing", "--date", "2024-02-01")
    result = xj("reinstate", NO2, "--reason", "學生返校", "--doc-no", "教務41號", "-f", "json")
    student = json.loads(result.stdout)
    assert (student["status"], student["suspended_until"]) == ("suspended", "2024-08-31")


def test_reinstate_is_refused_for_an_active_student_or_one_enrolled_again(xj, registry):
    active = xj("reinstate", NO1, "--reason", "x", "--doc-no", "y")
    assert active.exit_code == 1 and "Active" in active.stderr
    args = list(ENROLL)
    args[args.index("--year") + 1] = "2024"
    args[args.index("--date") + 1] = "2024-09-01"  # an enrollment cannot precede its cohort's year
    assert xj(*args, "--id-number", make_id(seq=3)).exit_code == 0
    again = xj("reinstate", NO3, "--reason", "x", "--doc-no", "y")
    assert again.exit_code == 1 and "live registration" in again.stderr


# --- backups -------------------------------------------------------------------------------------

def test_a_backup_is_verified_and_reports_its_events_and_head(xj, registry, workdir):
    result = xj("backup", str(workdir / "b.db"), "-f", "json")
    assert result.exit_code == 0
    copy = json.loads(result.stdout)
    head = json.loads(xj("audit", "head", "-f", "json").stdout)
    assert (copy["events"], copy["head"]) == (head["events"], head["head"])
    assert os.stat(workdir / "b.db").st_mode & 0o077 == 0
    assert xj("backup", str(workdir / "b.db")).exit_code == 1


@pytest.mark.sqlite_only  # the file itself (its path, mode, copies, restores)
def test_restore_verifies_the_source_keeps_the_current_database_and_needs_force(xj, registry, workdir):
    xj("backup", str(workdir / "b.db"))
    xj("resume", NO2, "--date", "2024-09-01")
    before = registry.snapshot()
    refused = xj("restore", str(workdir / "b.db"))
    assert refused.exit_code == 1 and "--force" in refused.stderr and registry.snapshot() == before
    done = xj("restore", str(workdir / "b.db"), "--force")
    assert done.exit_code == 0
    assert registry.value("SELECT status FROM students WHERE student_no = ?", NO2) == "suspended"
    kept = list(workdir.glob("xueji.db.before-restore-*"))
    assert len(kept) == 1
    assert sqlite3.connect(kept[0]).execute(f"SELECT status FROM students WHERE student_no = '{NO2}'").fetchone() == ("active",)


@pytest.mark.sqlite_only  # the file itself (its path, mode, copies, restores)
def test_restoring_a_tampered_backup_is_refused_with_exit_7(xj, registry, workdir):
    xj("backup", str(workdir / "b.db"))
    bad = type(registry)(workdir / "b.db")
    tamper(bad, "UPDATE events SET reason = 'x' WHERE id = 1")
    before = registry.snapshot()
    assert xj("restore", str(workdir / "b.db"), "--force").exit_code == 7
    assert registry.snapshot() == before


# --- faults ----------------------------------------------------------------------------------------

XUEJI = str(Path(sys.executable).parent / "xueji")


def _environment():
    env = {k: v for k, v in os.environ.items() if not k.startswith("XUEJI_")}
    env.update({"LANG": "C.UTF-8"})
    return env


@pytest.mark.slow
def test_a_batch_killed_at_random_moments_leaves_all_or_nothing(tmp_path):
    from tests.rosters import people, write_csv

    rows = []
    for k in range(20000):
        rows.extend(people(1, start=k % 480 + (k // 480) * 1000, college="01", major="01", klass=str(k // 95 % 99 + 1)))
    # make the 20 000 people distinct: vary the birth year across the classes
    seen = set()
    unique = []
    for k, row in enumerate(rows):
        year = 2003 + k % 4
        row["birth_date"] = f"{year}{row['birth_date'][4:]}"
        row["id_number"] = make_id(row["birth_date"], row["gender"] == "男", seq=(k // 48) % 499)
        row["class"] = str(k // 90 % 99 + 1)  # at most 90 a class: the roster is one that can be enrolled whole
        row["major"] = ("01", "02", "03")[k // (90 * 99) % 3]
        if row["id_number"] not in seen:
            seen.add(row["id_number"])
            unique.append(row)
    path = write_csv(tmp_path / "big.csv", unique)
    rng = random.Random(20261128)
    inside = 0
    for attempt in range(4):
        folder = tmp_path / f"run{attempt}"
        folder.mkdir()
        subprocess.run([XUEJI, "init"], cwd=folder, env=_environment(), check=True, capture_output=True)
        proc = subprocess.Popen([XUEJI, "enroll", "--file", str(path), "--year", "2025", "-q"], cwd=folder,
                                env=_environment(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        held = False
        if attempt < 3:  # wait for the batch's signal that it is writing: it holds the database's write lock
            held = _wait_for_write_lock(folder / "xueji.db", proc)
            time.sleep(rng.uniform(0.0, 0.3))  # somewhere inside the transaction (20 000 rows take seconds)
            held = held and proc.poll() is None
        proc.send_signal(signal.SIGKILL) if attempt < 3 else proc.wait(timeout=300)  # the last one: let it finish
        proc.wait()
        count = sqlite3.connect(folder / "xueji.db").execute("SELECT count(*) FROM students").fetchone()[0]
        events = sqlite3.connect(folder / "xueji.db").execute("SELECT count(*) FROM events").fetchone()[0]
        assert (count, events) in ((0, 0), (len(unique), len(unique))), (attempt, count, events)
        if held:  # killed while it held the write lock, before it could commit: nothing of it may remain
            assert (count, events) == (0, 0), (attempt, count, events)
            inside += 1
        if attempt == 3:
            assert (count, events) == (len(unique), len(unique))  # all, when not killed
        for command in (["check"], ["audit", "verify"]):
            result = subprocess.run([XUEJI, *command], cwd=folder, env=_environment(), capture_output=True, text=True)
            assert result.returncode == 0, (command, result.stderr)
    assert inside >= 1, "no kill landed inside the write transaction"
    assert len(unique) > 19000


def _wait_for_write_lock(db: Path, proc, timeout: float = 120.0) -> bool:
    """True once another connection cannot take the write lock (the batch is inside its write transaction);
    False if the batch ended first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        probe = sqlite3.connect(db, timeout=0, isolation_level=None)
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.execute("ROLLBACK")
        except sqlite3.OperationalError as error:
            if "locked" in str(error) or "busy" in str(error):
                return True
        finally:
            probe.close()
        time.sleep(0.02)
    return False


@pytest.mark.slow
def test_writers_a_batch_and_a_backup_at_once_lose_nothing_and_the_backup_verifies(tmp_path):
    from tests.rosters import people, write_csv

    subprocess.run([XUEJI, "init"], cwd=tmp_path, env=_environment(), check=True, capture_output=True)
    write_csv(tmp_path / "r.csv", people(300, start=0, klass="1")[:90] + people(200, start=500, klass="2")[:90])
    procs = [subprocess.Popen([XUEJI, "enroll", "--file", "r.csv", "--year", "2025", "-q"], cwd=tmp_path,
                              env=_environment(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)]
    for k, row in enumerate(people(12, start=900)):
        procs.append(subprocess.Popen(
            [XUEJI, "enroll", "--name", row["name"], "--gender", row["gender"], "--birth-date", row["birth_date"],
             "--id-number", row["id_number"], "--college", "02", "--major", "02", "--class", "01", "--year", "2025"],
            cwd=tmp_path, env=_environment(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    procs.append(subprocess.Popen([XUEJI, "backup", "copy.db"], cwd=tmp_path, env=_environment(),
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    results = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0] * len(procs), [r[1] for r in results if r[1]]
    conn = sqlite3.connect(tmp_path / "xueji.db")
    numbers = [r[0] for r in conn.execute("SELECT student_no FROM students")]
    assert len(numbers) == len(set(numbers)) == 192
    assert conn.execute("SELECT count(*) FROM events").fetchone()[0] == 192
    for command in (["check"], ["audit", "verify"], ["--db", "copy.db", "audit", "verify"]):
        result = subprocess.run([XUEJI, *command], cwd=tmp_path, env=_environment(), capture_output=True, text=True)
        assert result.returncode == 0, (command, result.stderr)


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.binary(max_size=2000), suffix=st.sampled_from([".csv", ".xlsx"]))
def test_arbitrary_bytes_as_a_roster_are_a_clean_refusal(xj, workdir, content, suffix):
    path = workdir / f"fuzz{suffix}"
    path.write_bytes(content)
    result = xj("enroll", "--file", str(path), "--year", "2025")
    assert result.exit_code == 3, result.output
    assert "Traceback" not in result.output


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.fixed_dictionaries({k: st.text(max_size=30) for k in (
    "--name", "--gender", "--birth-date", "--id-number", "--college", "--major", "--class", "--year", "--exam-no",
    "--date")}))
@pytest.mark.slow
def test_arbitrary_text_in_every_enroll_option_is_a_clean_answer(xj, workdir, values):
    args = ["enroll"]
    for option, value in values.items():
        args += [f"{option}={value}"]
    result = xj(*args)
    assert result.exit_code in (0, 2, 3), result.output
    assert "Traceback" not in result.output


@pytest.fixture
def mounted(tmp_path):
    """A small filesystem of our own (root only: CI runs as root), unmounted afterwards."""
    if os.geteuid() != 0:
        pytest.skip("needs root to mount a filesystem; CI runs as root")
    mounts = []

    def mount(name: str, size: str) -> Path:
        point = tmp_path / name
        point.mkdir()
        subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(point)], check=True)
        mounts.append(point)
        return point

    yield mount
    for point in mounts:
        subprocess.run(["umount", "-l", str(point)], check=False)


@pytest.mark.slow
def test_a_read_only_database_can_be_read_but_every_write_is_a_clear_exit_4(mounted):
    folder = mounted("ro", "8m")
    subprocess.run([XUEJI, "init"], cwd=folder, env=_environment(), check=True, capture_output=True)
    subprocess.run([XUEJI, *ENROLL, "--id-number", make_id(seq=1)], cwd=folder, env=_environment(), check=True,
                   capture_output=True)
    subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
    codes = subprocess.run([XUEJI, "check"], cwd=folder, env=_environment(), capture_output=True, text=True)
    assert codes.returncode == 0
    look = subprocess.run([XUEJI, "query", "-f", "json"], cwd=folder, env=_environment(), capture_output=True, text=True)
    assert look.returncode == 0 and json.loads(look.stdout)[0]["student_no"] == "202301010101"
    assert "not written to the access log" in look.stderr
    write = subprocess.run([XUEJI, *ENROLL, "--id-number", make_id(seq=2)], cwd=folder, env=_environment(),
                           capture_output=True, text=True)
    assert write.returncode == 4 and "read-only" in write.stderr and "Traceback" not in write.stderr


@pytest.mark.slow
def test_a_full_disk_is_a_clear_exit_4_with_nothing_half_written(mounted):
    from tests.rosters import people, write_csv

    folder = mounted("full", "512k")  # room for `init` (184 KB with m013), not for 2 000 students
    subprocess.run([XUEJI, "init"], cwd=folder, env=_environment(), check=True, capture_output=True)
    roster = write_csv(folder.parent / "r.csv", [r | {"class": str(i // 90 + 1)} for i, r in enumerate(people(2000))])
    result = subprocess.run([XUEJI, "enroll", "--file", str(roster), "--year", "2025"], cwd=folder,
                            env=_environment(), capture_output=True, text=True)
    assert result.returncode == 4 and "disk is full" in result.stderr
    with closing(sqlite3.connect(folder / "xueji.db")) as conn:
        assert conn.execute("SELECT count(*) FROM students").fetchone() == (0,)
    assert subprocess.run([XUEJI, "check"], cwd=folder, env=_environment(), capture_output=True).returncode == 0


def test_a_database_in_a_missing_folder_is_a_configuration_error(xj, workdir):
    result = xj("--db", str(workdir / "nowhere" / "x.db"), "query")
    assert result.exit_code == 4 and "no database" in result.stderr.lower()
    created = xj("--config", str(workdir / "nowhere" / "config.toml"), "init")
    assert created.exit_code == 4 and "does not exist" in created.stderr


def test_the_audit_log_lists_events_by_student_day_and_kind(xj, registry):
    everything = json.loads(xj("audit", "log", "-f", "json").stdout)
    assert [e["kind"] for e in everything] == ["enroll", "enroll", "enroll", "suspend", "withdraw"]
    assert all(len(e["hash"]) == 64 for e in everything)
    by_student = json.loads(xj("audit", "log", "--student", NO2, "-f", "json").stdout)
    assert [e["kind"] for e in by_student] == ["enroll", "suspend"]
    assert [e["student_no"] for e in json.loads(xj("audit", "log", "--kind", "withdraw", "-f", "json").stdout)] == [NO3]
    assert json.loads(xj("audit", "log", "--since", "2099-01-01", "-f", "json").stdout) == []
    assert xj("audit", "log", "--kind", "graduation").exit_code == 3


@pytest.mark.sqlite_only  # the file itself (its path, mode, copies, restores)
def test_a_backup_keeps_the_mode_of_a_shared_database(xj, registry, workdir):
    os.chmod(registry.path, 0o660)
    assert xj("backup", str(workdir / "shared.db")).exit_code == 0
    assert os.stat(workdir / "shared.db").st_mode & 0o777 == 0o660


@pytest.mark.slow
def test_papers_written_onto_a_read_only_or_full_disk_or_through_a_link_are_one_clear_line(mounted, tmp_path):
    """export, report, roster and backup: exit 4 naming the file on a read-only or full disk or a dangling link
    (never written through); one line, no file left behind, the database unchanged."""
    home = tmp_path / "office"
    home.mkdir()
    subprocess.run([XUEJI, "init"], cwd=home, env=_environment(), check=True, capture_output=True)
    subprocess.run([XUEJI, *ENROLL, "--id-number", make_id(seq=1)], cwd=home, env=_environment(), check=True,
                   capture_output=True)
    readonly = mounted("ro", "1m")
    subprocess.run(["mount", "-o", "remount,ro", str(readonly)], check=True)
    full = mounted("full", "64k")
    subprocess.run(["dd", "if=/dev/zero", f"of={full / 'fill'}", "bs=4k"], capture_output=True)  # until ENOSPC
    (home / "dangling.xlsx").symlink_to(tmp_path / "nowhere" / "x.xlsx")
    before = (home / "xueji.db").read_bytes()

    def papers(folder: Path, name: str):
        return {
            "export csv": ["export", "--out", str(folder / f"{name}.csv")],
            "export xlsx": ["export", "--out", str(folder / f"{name}.xlsx")],
            "report": ["report", "annual", "--year", "2023", "--out", str(folder / f"{name}-r.xlsx")],
            "roster": ["roster", "--year", "2023", "--college", "01", "--major", "01", "--class", "01", "--out",
                       str(folder / f"{name}-c.xlsx")],
            "backup": ["backup", str(folder / f"{name}.db")],
        }

    for where, folder, expected in (("read-only", readonly, "Read-only"), ("full", full, "full")):
        for paper, args in papers(folder, "out").items():
            result = subprocess.run([XUEJI, *args], cwd=home, env=_environment(), capture_output=True, text=True)
            lines = [line for line in result.stderr.splitlines() if line.strip()]
            assert result.returncode == 4 and len(lines) == 1 and expected in lines[0], (where, paper, result.stderr)
        assert sorted(p.name for p in folder.iterdir()) == ([] if folder == readonly else ["fill"]), where
    for args in (["export", "--out", "dangling.xlsx"], ["report", "annual", "--year", "2023", "--out", "dangling.xlsx"],
                 ["roster", "--year", "2023", "--college", "01", "--major", "01", "--class", "01", "--out",
                  "dangling.xlsx"], ["backup", "dangling.xlsx"]):
        result = subprocess.run([XUEJI, *args], cwd=home, env=_environment(), capture_output=True, text=True)
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert result.returncode == 4 and len(lines) == 1 and "symbolic link" in lines[0], (args, result.stderr)
        assert not (tmp_path / "nowhere").exists()
    assert (home / "xueji.db").read_bytes() == before
