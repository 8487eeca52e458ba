"""The registry on PostgreSQL (issue 13): the same commands and exit codes, and what the database itself enforces —
checked as separate database logins, the way a clerk with psql would try it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
import pytest

from tests.conftest import initialised_copy, make_id

XUEJI = str(Path(sys.executable).parent / "xueji")
pytestmark = pytest.mark.slow  # a server, logins and databases of their own: the slow tier, like every PG variant


@pytest.fixture(autouse=True)
def workdir(tmp_path, _initialised):
    """A folder as `init` leaves it (its code table is the registry's). These tests choose their engines themselves
    (a SQLite folder migrating into PostgreSQL, logins of their own): not the suite's both-engines folder."""
    return initialised_copy(tmp_path, _initialised)


def enroll_args(seq: int, college: str = "01", klass: str = "01", name: str = "張三") -> list[str]:
    return ["enroll", "--name", name, "--gender", "男", "--birth-date", "2005-03-01", "--id-number",
            make_id(seq=seq), "--college", college, "--major", "01", "--class", klass, "--year", "2025"]


def one_line(result) -> str:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.fixture
def staffed(xj, pg):
    """The DBA's login is the office; a clerk of college 01 and one of 02, and a viewer, each a login of their own."""
    logins = {"li": pg.login("li"), "wang": pg.login("wang"), "kan": pg.login("kan"), "office": pg.login("zhao")}
    for args in (["operators", "add", pg.server.superuser, "--role", "office"],
                 ["operators", "add", logins["office"], "--role", "office"],
                 ["operators", "add", logins["li"], "--role", "college", "--college", "01"],
                 ["operators", "add", logins["wang"], "--role", "college", "--college", "02"],
                 ["operators", "add", logins["kan"], "--role", "viewer"]):
        result = xj("--db", pg.url(), *args)
        assert result.exit_code == 0, result.output
    for seq, college in ((1, "01"), (2, "02")):
        result = xj("--db", pg.url(), *enroll_args(seq, college))
        assert result.exit_code == 0, result.output
    return logins


def test_the_office_works_on_postgresql_as_on_sqlite(xj, pg):
    result = xj("--db", pg.url(), *enroll_args(1))
    assert result.exit_code == 0 and result.stdout.strip() == "202501010101", result.output
    assert xj("--db", pg.url(), *enroll_args(2)).stdout.strip() == "202501010102"
    shown = xj("--db", pg.url(), "query", "-f", "csv")
    assert shown.exit_code == 0 and "202501010101" in shown.stdout and "202501010102" in shown.stdout
    verify = xj("--db", pg.url(), "audit", "verify")
    assert verify.exit_code == 0 and "intact: 2 events" in verify.stdout
    assert xj("--db", pg.url(), "check").exit_code == 0
    # What the database holds afterwards: two students, a linear chain of two events, its head in the heads row.
    assert pg.value("SELECT count(*) FROM registry.students") == 2
    events = pg.rows("SELECT id, prev_hash, hash FROM registry.events ORDER BY id")
    assert [e[0] for e in events] == [1, 2] and events[1][1] == events[0][2]
    assert pg.rows("SELECT id, hash FROM registry.heads WHERE chain = 'events'") == [(2, events[1][2])]
    assert pg.value("SELECT account FROM registry.events WHERE id = 1") == pg.server.superuser  # the login


def test_a_refused_command_changes_nothing_on_postgresql(xj, pg):
    assert xj("--db", pg.url(), *enroll_args(1)).exit_code == 0
    before = pg.snapshot()
    result = xj("--db", pg.url(), "suspend", "202501010101", "--reason", "病", "--doc-no", "X1", "--date",
                "1999-01-01", "--until", "2027-06-30")
    assert result.exit_code == 3 and "date" in one_line(result)
    result = xj("--db", pg.url(), *enroll_args(1))  # the same person again
    assert result.exit_code == 1 and "202501010101" in one_line(result)
    assert pg.snapshot() == before


def test_identity_is_the_database_login_and_an_unknown_login_is_exit_6(xj, pg, staffed):
    stranger = pg.login("stranger")
    pg.server.admin(f"CREATE ROLE {stranger} LOGIN")
    result = xj("--db", pg.url(stranger), "query")
    assert result.exit_code == 6, result.output
    one_line(result)
    # No environment variable makes anyone else of the login: --operator names an operator, not a login.
    result = xj("--db", pg.url(staffed["li"]), "--operator", staffed["office"], "query")
    assert result.exit_code == 6 and "another operator" in one_line(result)


def test_a_college_login_sees_and_touches_only_its_college_even_from_psql(xj, pg, staffed):
    li = staffed["li"]
    shown = xj("--db", pg.url(li), "query", "-f", "csv")
    assert shown.exit_code == 0
    assert "202501010101" in shown.stdout and "202502010101" not in shown.stdout
    assert pg.value("SELECT count(*) FROM registry.students", user=li) == 1
    assert pg.rows("SELECT * FROM registry.students WHERE student_no = '202502010101'", user=li) == []
    assert pg.value("SELECT count(*) FROM registry.events", user=li) == 1
    with psycopg.connect(pg.url(li), autocommit=True) as conn:
        updated = conn.execute("UPDATE registry.students SET name = '改' WHERE student_no = '202502010101'")
        assert updated.rowcount == 0
        other = pg.value("SELECT id FROM registry.students WHERE student_no = '202502010101'")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):  # WITH CHECK: not onto another college's row
            conn.execute("INSERT INTO registry.events (id, student_id, kind, effective_date, recorded_at, operator, "
                         "status_after) VALUES (999, %s, 'suspend', '2026-01-01', 'x', 'x', 'suspended')", (other,))
    assert pg.value("SELECT name FROM registry.students WHERE student_no = '202502010101'") == "張三"
    # wang (college 02) sees the other one only.
    assert [r[0] for r in pg.rows("SELECT student_no FROM registry.students", user=staffed["wang"])] == [
        "202502010101"]


@pytest.mark.parametrize("who", ["office", "li"])
def test_history_is_append_only_for_the_desks_logins(pg, staffed, who):
    login = staffed[who]
    before = pg.snapshot()
    for sql in ("UPDATE registry.events SET reason = 'x'", "DELETE FROM registry.events",
                "UPDATE registry.ledger SET body = 'x'", "DELETE FROM registry.access_log",
                "DELETE FROM registry.students"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            pg.rows(sql, user=login)
    assert pg.snapshot() == before


def test_even_the_owner_cannot_rewrite_history_by_accident(pg, staffed):
    for sql in ("UPDATE registry.events SET reason = 'x'", "DELETE FROM registry.events WHERE id = 1",
                "UPDATE registry.students SET student_no = '202501010199' WHERE id = 1"):
        with pytest.raises(psycopg.errors.RaiseException):
            pg.rows(sql)


def test_a_viewer_never_reads_an_id_number_unmasked(xj, pg, staffed):
    kan = staffed["kan"]
    for sql in ("SELECT id_number FROM registry.students", "SELECT payload FROM registry.requests",
                "SELECT body FROM registry.ledger", "SELECT detail FROM registry.events"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            pg.rows(sql, user=kan)
    assert {r[0] for r in pg.rows("SELECT kind FROM masked.ledger", user=kan)} == {"operator"}
    masked = pg.rows("SELECT id_number, birth_date FROM masked.students ORDER BY id", user=kan)
    assert masked[0] == (make_id(seq=1)[:6] + "********" + make_id(seq=1)[-4:], "2005-01-01")
    shown = xj("--db", pg.url(kan), "show", "202501010101", "-f", "json")
    assert shown.exit_code == 0 and make_id(seq=1) not in shown.stdout and masked[0][0] in shown.stdout
    refused = xj("--db", pg.url(kan), "show", "202501010101", "--reveal", "--purpose", "x")
    assert refused.exit_code == 6, refused.output


def test_a_college_never_learns_another_college_holds_the_person(xj, pg, staffed):
    """A request for someone live in another college: refused by the database's unique index (the college cannot
    even see that row), in xueji's words, without the other college's number."""
    before = pg.snapshot()
    result = xj("--db", pg.url(staffed["li"]), *enroll_args(2, "01", "02"))
    assert result.exit_code == 1, result.output
    line = one_line(result)
    assert "another college" in line and "202502010101" not in line
    assert pg.snapshot() == before


def test_a_password_is_never_taken_from_a_command_line_or_printed(xj, pg, tmp_path):
    url = pg.url().replace("postgresql:///", "postgresql://someone:s3cret@/")
    result = xj("--db", url, "query")
    assert result.exit_code == 4 and "--db" in one_line(result) and "s3cret" not in result.output
    config = tmp_path / "c.toml"
    config.write_text(f'database = "{pg.url()}&password=s3cret"\n', encoding="utf-8")
    result = xj("--config", str(config), "query")
    assert result.exit_code == 4 and "database" in one_line(result) and "s3cret" not in result.output


def test_a_server_that_cannot_be_reached_is_one_line_exit_4(xj, tmp_path):
    result = xj("--db", f"postgresql:///nothing?host={tmp_path}&port=1", "query")
    assert result.exit_code == 4 and "Cannot connect" in one_line(result)


def test_a_database_that_is_not_a_registry_is_left_alone(xj, pg_server):
    pg_server.admin("DROP DATABASE IF EXISTS xueji_other")
    pg_server.admin("CREATE DATABASE xueji_other")
    try:
        result = xj("--db", pg_server.url("xueji_other"), "query")
        assert result.exit_code == 4 and "not a xueji database" in one_line(result)
        import psycopg as pg_driver

        with pg_driver.connect(pg_server.url("xueji_other")) as conn:
            assert conn.execute("SELECT count(*) FROM pg_namespace WHERE nspname = 'registry'").fetchone()[0] == 0
    finally:
        pg_server.admin("DROP DATABASE IF EXISTS xueji_other WITH (FORCE)")


@pytest.mark.slow  # 100 processes
def test_99_concurrent_enrollments_into_one_class_get_99_seats_and_one_chain(pg, workdir):
    """20 clerks at once, 100 enrollments into one class: seats 01–99 each once, the 100th refused as full, and
    the events in one linear chain that verifies."""
    env = dict(os.environ, XUEJI_DB=pg.url(), XUEJI_LANG="en")

    def enroll(seq: int):
        return subprocess.run([XUEJI, *enroll_args(seq)], cwd=workdir, env=env, capture_output=True, text=True)

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(enroll, range(1, 101)))
    done = [r for r in results if r.returncode == 0]
    refused = [r for r in results if r.returncode != 0]
    assert len(done) == 99, [r.stderr for r in refused]
    assert len(refused) == 1 and refused[0].returncode == 1 and "full" in refused[0].stderr.lower()
    numbers = sorted(r.stdout.strip() for r in done)
    assert numbers == [f"2025010101{seat:02d}" for seat in range(1, 100)]
    events = pg.rows("SELECT id, prev_hash, hash FROM registry.events ORDER BY id")
    assert [e[0] for e in events] == list(range(1, 100))
    assert all(events[i][1] == events[i - 1][2] for i in range(1, len(events)))
    verify = subprocess.run([XUEJI, "audit", "verify"], cwd=workdir, env=env, capture_output=True, text=True)
    assert verify.returncode == 0, verify.stderr


# --- from SQLite to PostgreSQL and back ------------------------------------------------------------------------------

def _busy_registry(xj) -> None:
    """A SQLite registry with a history: students, a status change, an operator, a look in the access log."""
    for seq in range(1, 6):
        assert xj(*enroll_args(seq, "01" if seq % 2 else "02")).exit_code == 0
    assert xj("suspend", "202501010101", "--reason", "病", "--doc-no", "X1", "--until", "2027-06-30").exit_code == 0
    assert xj("show", "202501010102", "--reveal", "--purpose", "核對").exit_code == 0


def test_migrate_copies_a_sqlite_registry_whole_and_both_heads_agree(xj, pg, workdir):
    _busy_registry(xj)
    result = xj("migrate", "--to", pg.url(), "-f", "json")
    assert result.exit_code == 0, result.output
    import json

    moved = json.loads(result.stdout)
    assert moved["students_rows"] == 5 and moved["events"] == 6
    here = xj("audit", "head", "-f", "json").stdout
    there = xj("--db", pg.url(), "audit", "head", "-f", "json").stdout
    assert here == there and '"events": 6' in here.replace(" ", " ")
    assert xj("--db", pg.url(), "audit", "verify").exit_code == 0
    assert xj("--db", pg.url(), "check").exit_code == 0
    assert pg.value("SELECT count(*) FROM registry.access_log") == 1
    # The registry's work goes on there: the next seat, the next event on the same chain.
    assert xj("--db", pg.url(), *enroll_args(9)).stdout.strip() == "202501010104"
    assert xj("--db", pg.url(), "audit", "verify").exit_code == 0
    # A second migration into the same database is refused and changes nothing.
    before = pg.snapshot()
    again = xj("migrate", "--to", pg.url())
    assert again.exit_code == 1 and "already holds a registry" in one_line(again)
    assert pg.snapshot() == before


def test_backup_of_a_postgresql_registry_is_a_verified_sqlite_file_owner_only(xj, pg, workdir):
    _busy_registry(xj)
    assert xj("migrate", "--to", pg.url()).exit_code == 0
    result = xj("--db", pg.url(), "backup", "archive.db")
    assert result.exit_code == 0 and "6 events" in result.stdout, result.output
    archive = workdir / "archive.db"
    assert oct(archive.stat().st_mode & 0o777) == "0o600"
    assert sorted(p.name for p in workdir.iterdir() if p.name.startswith("archive")) == ["archive.db"]
    assert xj("--db", str(archive), "audit", "head").stdout == xj("--db", pg.url(), "audit", "head").stdout
    assert xj("--db", str(archive), "check").exit_code == 0
    refused = xj("--db", pg.url(), "restore", "archive.db", "--force")
    assert refused.exit_code == 1 and "pg_restore" in one_line(refused)


def test_migrate_needs_a_postgresql_address(xj, workdir):
    result = xj("migrate", "--to", "elsewhere.db")
    assert result.exit_code == 3 and "PostgreSQL" in one_line(result)


def test_an_installer_without_superuser_rights_sets_up_the_registry_and_its_logins(xj, pg_server):
    """docs/deployment.md's way: a role with CREATEROLE owns the database, installs, and maps the clerks' logins."""
    import uuid

    suffix = uuid.uuid4().hex[:8]
    dba, clerk, name = f"dba_{suffix}", f"li_{suffix}", f"xueji_dba_{suffix}"
    pg_server.admin(f"CREATE ROLE {dba} LOGIN CREATEROLE")
    pg_server.admin(f"CREATE DATABASE {name} OWNER {dba}")
    try:
        url = pg_server.url(name, dba)
        assert xj("--db", url, "init").exit_code == 0
        for args in (["operators", "add", dba, "--role", "office"],
                     ["operators", "add", clerk, "--role", "college", "--college", "01"], enroll_args(1),
                     enroll_args(2, "02")):
            result = xj("--db", url, *args)
            assert result.exit_code == 0, result.output
        shown = xj("--db", pg_server.url(name, clerk), "query", "-f", "csv")
        assert shown.exit_code == 0 and "202501010101" in shown.stdout and "202502010101" not in shown.stdout
        assert xj("--db", url, "audit", "verify").exit_code == 0
    finally:
        pg_server.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.mark.slow  # 26 processes
def test_two_rosters_and_single_enrollments_in_parallel_collide_nowhere(pg, workdir):
    from tests.rosters import people, write_csv

    env = dict(os.environ, XUEJI_DB=pg.url(), XUEJI_LANG="en")
    write_csv(workdir / "a.csv", people(50, start=0, klass="1"))
    write_csv(workdir / "b.csv", people(40, start=150, klass="2") + people(30, start=300, klass="1"))
    commands = [[XUEJI, "enroll", "--file", name, "--year", "2025", "-q"] for name in ("a.csv", "b.csv")]
    for k, row in enumerate(people(24, start=400)):
        commands.append([XUEJI, "enroll", "--name", row["name"], "--gender", row["gender"], "--birth-date",
                         row["birth_date"], "--id-number", row["id_number"], "--college", "01", "--major", "01",
                         "--class", str(1 + k % 2), "--year", "2025"])
    processes = [subprocess.Popen(c, cwd=workdir, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for c in commands]
    outputs = [p.communicate(timeout=300) for p in processes]
    assert [p.returncode for p in processes] == [0] * 26, [o[1] for o in outputs if o[1]]
    got = [r[0] for r in pg.rows("SELECT student_no FROM registry.students")]
    assert len(got) == 144 and len(set(got)) == 144
    per_class: dict[str, list[int]] = {}
    for number in got:
        per_class.setdefault(number[:10], []).append(int(number[10:]))
    for seats in per_class.values():  # consecutive from 01: none skipped, none twice
        assert sorted(seats) == list(range(1, len(seats) + 1))
    events = pg.rows("SELECT id, prev_hash, hash FROM registry.events ORDER BY id")
    assert [e[0] for e in events] == list(range(1, 145))
    assert all(events[i][1] == events[i - 1][2] for i in range(1, len(events)))


def test_a_roster_by_an_office_login_goes_through_the_policies_and_the_chain_holds(xj, pg, staffed, workdir):
    """270 rows (COPY's size) by a login that row-level security applies to: PostgreSQL refuses COPY there, so the
    rows go through a temporary table and one INSERT … SELECT that the policies check."""
    from tests.rosters import people, write_csv

    office = staffed["office"]
    assert pg.value("SELECT row_security_active('registry.students')", user=office) is True
    path = write_csv(workdir / "r.csv", people(90, start=10, klass="3") + people(90, start=110, klass="4")
                     + people(90, start=210, klass="5"))
    result = xj("--db", pg.url(office), "enroll", "--file", str(path), "--year", "2025", "-q")
    assert result.exit_code == 0, result.output
    assert pg.value("SELECT count(*) FROM registry.students") == 272
    assert pg.value("SELECT count(*) FROM registry.name_keys") == 272
    assert pg.value("SELECT count(*) FROM registry.events WHERE operator = %s", office) == 270
    verify = xj("--db", pg.url(office), "audit", "verify")
    assert verify.exit_code == 0 and "intact: 272 events" in verify.stdout
    assert xj("--db", pg.url(office), "check").exit_code == 0


def test_a_password_in_the_environment_is_refused_too(xj, pg, monkeypatch):
    monkeypatch.setenv("XUEJI_DB", pg.url().replace("postgresql:///", "postgresql://u:s3cret@/"))
    result = xj("query")
    assert result.exit_code == 4 and "$XUEJI_DB" in one_line(result) and "s3cret" not in result.output


def test_a_location_is_never_printed_with_its_password():
    from xueji.store.postgres import shown

    assert shown("postgresql://li:s3cret@db.example.edu:5433/xueji?sslmode=require") == \
        "postgresql://li@db.example.edu:5433/xueji?sslmode=require"
    assert shown("postgresql:///xueji?host=/run/pg") == "postgresql:///xueji?host=/run/pg"


def test_an_office_login_cannot_hand_a_group_to_a_login_that_is_no_operator(pg, staffed):
    """map_login runs with the installer's rights: it grants only what the operator table says."""
    outsider = pg.login("outsider")
    pg.server.admin(f"CREATE ROLE {outsider} LOGIN")
    for call in (f"SELECT registry.map_login('{outsider}', 'xueji_office', false)",
                 f"SELECT registry.map_login('{staffed['li']}', 'xueji_office', false)",  # li is college staff
                 f"SELECT registry.map_login('{staffed['li']}', 'xueji_college', true)"):  # li is not ended
        with pytest.raises(psycopg.errors.RaiseException):
            pg.rows(call, user=staffed["office"])
    member = ("SELECT pg_has_role(%s, 'xueji_office', 'MEMBER')")
    assert pg.value(member, outsider) is False and pg.value(member, staffed["li"]) is False
    assert pg.value("SELECT pg_has_role(%s, 'xueji_college', 'MEMBER')", staffed["li"]) is True


def test_no_login_writes_the_heads_the_database_moves_them(xj, pg, staffed):
    before = pg.rows("SELECT chain, id, hash FROM registry.heads ORDER BY chain")
    for who in ("office", "li"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            pg.rows("UPDATE registry.heads SET id = 1", user=staffed[who])
    assert xj("--db", pg.url(staffed["office"]), *enroll_args(7)).exit_code == 0
    after = dict((c, (i, h)) for c, i, h in pg.rows("SELECT chain, id, hash FROM registry.heads"))
    last = pg.rows("SELECT id, hash FROM registry.events ORDER BY id DESC LIMIT 1")[0]
    assert after["events"] == last and after != dict((c, (i, h)) for c, i, h in before)


@pytest.fixture
def inspected(xj, pg, staffed, workdir):
    """A registry with what an inspector must verify without seeing it: a correction of an ID number and a birth
    date (the person before and after in the event), a college's request holding a whole person, its approval, a
    look logged, a person with the optional fields (record/2); and an inspector's login."""
    staffed["su"] = pg.login("su")
    steps = (
        (None, ["operators", "add", staffed["su"], "--role", "inspector"]),
        (None, ["amend", "202501010101", "--id-number", make_id(seq=7), "--birth-date", "2005-03-01",
                "--reason", '公安機關"更正"\\', "--doc-no", "更正〔2026〕1號"]),
        ("li", enroll_args(3, "01", "02", name="王五")),
        (None, ["approve", "1", "--doc-no", "教務〔2026〕2號"]),
        (None, ["amend", "202502010101", "--ethnicity", "01", "--region", "北京市", "--reason", "補錄"]),
        (None, ["query", "--name", "張"]),
        (None, ["certificate", "202501010101", "--kind", "record", "--requester", "張三 (本人)", "--proof", "身份證",
                "--out", str(workdir / "c.pdf")]),
    )
    for who, args in steps:
        result = xj("--db", pg.url(staffed[who] if who else None), *args)
        assert result.exit_code == 0, (args, result.output)
    return staffed


def _as(xj, pg, login, *args):
    result = xj("--db", pg.url(login), *args)
    return result.exit_code, result.stdout, result.stderr


def test_an_inspector_verifies_and_checks_through_masked_views_as_the_office_does(xj, pg, inspected):
    su = inspected["su"]
    for sql in ("SELECT id_number FROM registry.students", "SELECT birth_date FROM registry.students",
                "SELECT detail FROM registry.events", "SELECT hash FROM registry.events",
                "SELECT payload FROM registry.requests", "SELECT body FROM registry.ledger",
                "SELECT body FROM masked.ledger", "SELECT * FROM registry.students_named",
                "SELECT id FROM registry.students", "SELECT id FROM registry.events", "SELECT id FROM registry.requests"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            pg.rows(sql, user=su)
    # What the inspector reads instead: masked persons, masked details, and whether each still matches.
    assert make_id(seq=7) not in repr(pg.rows("SELECT * FROM masked.students", user=su))
    details = " ".join(r[0] or "" for r in pg.rows("SELECT detail FROM masked.events", user=su))
    assert "amend" not in details and make_id(seq=1) not in details and make_id(seq=7) not in details
    assert make_id(seq=7)[:6] + "********" + make_id(seq=7)[-4:] in details
    assert {r[0] for r in pg.rows("SELECT intact FROM masked.events", user=su)} == {True}
    assert {r[0] for r in pg.rows("SELECT intact FROM masked.students", user=su)} == {True}
    assert {r[0] for r in pg.rows("SELECT same FROM masked.ledger_rows", user=su)} == {True}
    # The events' hashes are the inspector's to write down, never a viewer's (they would match a birth day).
    assert None not in {r[0] for r in pg.rows("SELECT hash FROM masked.events", user=su)}
    assert {r[0] for r in pg.rows("SELECT hash FROM masked.events", user=inspected["kan"])} == {None}
    # The same findings, word for word, as the office reading everything.
    for args in (["audit", "verify"], ["audit", "head"], ["check"]):
        office = _as(xj, pg, None, *args)
        assert office[0] == 0, office
        assert _as(xj, pg, su, *args) == office, args
    shown = _as(xj, pg, su, "audit", "log", "-f", "json")
    assert shown[0] == 0 and make_id(seq=7) not in shown[1] and make_id(seq=1) not in shown[1]


_TAMPERING = {
    "a record": ["UPDATE registry.students SET birth_date = '2005-03-02' WHERE student_no = '202501010101'"],
    "a record/2": ["UPDATE registry.students SET region = '120000' WHERE student_no = '202502010101'"],
    "an event's detail": ["ALTER TABLE registry.events DISABLE TRIGGER events_never_updated",
                          "UPDATE registry.events SET detail = replace(detail, '2005', '2004') WHERE kind = 'amend'",
                          "ALTER TABLE registry.events ENABLE TRIGGER events_never_updated"],
    "a request's payload": ["ALTER TABLE registry.requests DISABLE TRIGGER requests_decided_once",
                            "UPDATE registry.requests SET payload = replace(payload, '王', '汪')",
                            "ALTER TABLE registry.requests ENABLE TRIGGER requests_decided_once"],
    "a request's ledger entry": ["ALTER TABLE registry.ledger DISABLE TRIGGER ledger_never_changed",
                                 "UPDATE registry.ledger SET body = replace(body, '王', '汪') WHERE kind = 'request'",
                                 "ALTER TABLE registry.ledger ENABLE TRIGGER ledger_never_changed"],
    "an access entry's students": ["DELETE FROM registry.access_log_students WHERE student_no = '202501010101'"],
    "a certificate": ["ALTER TABLE registry.certificates DISABLE TRIGGER certificates_never_changed",
                      "UPDATE registry.certificates SET purpose = '留學'",
                      "ALTER TABLE registry.certificates ENABLE TRIGGER certificates_never_changed"],
    "a second live registration": [
        "ALTER TABLE registry.students DISABLE TRIGGER students_number_fixed",
        "DROP INDEX registry.idx_students_live_person",
        "UPDATE registry.students SET id_number = (SELECT id_number FROM registry.students WHERE student_no = "
        "'202501010101') WHERE student_no = '202501010201'"],
}


_FOUND = {"a record": "The record of 202501010101 no longer matches its last event",
          "a record/2": "The record of 202502010101 no longer matches its last event",
          "an event's detail": "(amend, 202501010101) was changed after it was recorded",
          "a request's payload": "The request 1 no longer matches ledger entry",
          "a request's ledger entry": "(request 1) was changed after it was recorded",
          "an access entry's students": "no longer matches ledger entry",
          "a certificate": "The certificate 1 no longer matches ledger entry",
          "a second live registration": "2 live registrations share one ID number (110105…)"}


@pytest.mark.parametrize("what", list(_TAMPERING))
def test_an_inspector_finds_what_was_changed_behind_xuejis_back_without_seeing_it(xj, pg, inspected, what):
    """Every tampering the office's verification finds, the inspector's finds in the same words: the database
    recomputes the hashes over what the inspector may not read."""
    for sql in _TAMPERING[what]:
        pg.server.admin(sql, dbname=pg.name)
    office = {args: _as(xj, pg, None, *args) for args in (("audit", "verify"), ("check",))}
    assert any(result[0] != 0 for result in office.values()), office
    assert _FOUND[what] in repr(office), office
    for args, result in office.items():
        assert _as(xj, pg, inspected["su"], *args) == result, args
    assert make_id(seq=1)[6:14] not in repr(office)  # and no ID number in any finding


def test_the_database_writes_the_canonical_form_as_audit_does(pg):
    """The SQL behind ``intact`` builds the same JSON as the domain's encoder, for every awkward character."""
    import hashlib
    import json

    samples = ['', 'a"b', 'back\\slash', 'tab\tnew\nline\r', '\b\f\x01\x1f\x7f', '張三·阿不都', '😀 U+2028:\u2028',
               '/slash', "it's", 'é\u0301', '\ufeffbom']
    for text in samples:
        expected = json.dumps(text, ensure_ascii=False, separators=(",", ":"))
        assert pg.value("SELECT registry.js(%s::text)", text) == expected, text
        assert pg.value("SELECT registry.sha(%s)", text) == hashlib.sha256(text.encode()).hexdigest()
    assert pg.value("SELECT registry.js(NULL::text) || registry.js(NULL::bigint) || registry.js(42)") == \
        "nullnull42"


def test_a_schema_1_registry_is_brought_up_to_date_by_init_and_refused_before(xj, pg, staffed):
    """Schema 1 let inspectors read the base tables; a newer xueji refuses to work on it until the DBA runs `init`,
    which takes those grants back and installs the views."""
    inspected = staffed | {"su": pg.login("su")}
    assert xj("--db", pg.url(), "operators", "add", inspected["su"], "--role", "inspector").exit_code == 0
    for sql in ("DROP TABLE registry.certificates, registry.secrets CASCADE",  # schema 2's
                "ALTER TABLE registry.requests DROP COLUMN receiving CASCADE, DROP COLUMN agreed_by CASCADE, "
                "DROP COLUMN agreed_at CASCADE, DROP COLUMN agreed_account CASCADE",
                "DROP SCHEMA granted CASCADE", "ALTER TABLE registry.access_log DROP COLUMN grant_id CASCADE",
                "DROP TABLE registry.grants CASCADE", "DROP TABLE registry.settings CASCADE",
                "GRANT SELECT ON registry.students, registry.requests, registry.students_named TO xueji_inspector",
                "GRANT SELECT, INSERT ON registry.events, registry.ledger TO xueji_inspector",
                "UPDATE registry._meta SET value = '1' WHERE key = 'schema_version'"):
        pg.server.admin(sql, dbname=pg.name)
    before = pg.snapshot()
    code, out, err = _as(xj, pg, inspected["su"], "audit", "verify")
    assert code == 4 and "schema 1" in err and "xueji init" in err and out == "", err
    assert _as(xj, pg, None, "query")[0] == 4
    assert pg.snapshot() == before
    code, out, err = _as(xj, pg, None, "init")
    assert code == 0, err
    assert pg.value("SELECT value FROM registry._meta WHERE key = 'schema_version'") == "2"
    assert pg.value("SELECT length(value) FROM registry.secrets WHERE name = 'certificate'") == 64
    assert pg.value("SELECT has_database_privilege('public', current_database(), 'CONNECT')") is False
    assert pg.value("SELECT has_database_privilege(%s, current_database(), 'CONNECT')", inspected["su"]) is True
    assert pg.snapshot() == before  # the registry's rows untouched
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        pg.rows("SELECT id_number FROM registry.students", user=inspected["su"])
    assert _as(xj, pg, inspected["su"], "audit", "verify")[0] == 0


def test_a_registry_from_a_newer_xueji_is_left_alone(xj, pg):
    pg.server.admin("UPDATE registry._meta SET value = '99' WHERE key = 'schema_version'", dbname=pg.name)
    for args in (["init"], ["query"]):
        code, out, err = _as(xj, pg, None, *args)
        assert code == 4 and "newer xueji" in err and "99" in err, err
    assert pg.value("SELECT value FROM registry._meta WHERE key = 'schema_version'") == "99"


def test_a_login_the_server_does_not_know_is_exit_6_in_one_line(xj, pg, staffed):
    """Unknown to the server or to the registry, a login is not let in: exit 6 either way, nothing written."""
    before = pg.snapshot()
    result = xj("--db", pg.url(pg.login("nobody")), *enroll_args(9))
    assert result.exit_code == 6, result.output
    line = one_line(result)
    assert "does not let this login in" in line and pg.login("nobody") in line and "Traceback" not in result.output
    assert pg.snapshot() == before


def test_an_office_login_of_one_school_has_no_way_into_another_schools_registry(xj, pg_server):
    """Many schools, one server: the group roles are the server's, but a login may connect only to the databases
    whose registry names it (init takes CONNECT from PUBLIC; operators add grants it)."""
    import uuid

    suffix = uuid.uuid4().hex[:8]
    schools = [f"xueji_school{n}_{suffix}" for n in (1, 2)]
    office = [f"zhang{n}_{suffix}" for n in (1, 2)]
    try:
        for name, login in zip(schools, office):
            pg_server.admin(f"CREATE DATABASE {name}")
            url = pg_server.url(name)
            for args in (["init"], ["operators", "add", pg_server.superuser, "--role", "office"],
                         ["operators", "add", login, "--role", "office"], enroll_args(1)):
                result = xj("--db", url, *args)
                assert result.exit_code == 0, result.output
        assert xj("--db", pg_server.url(schools[0], office[0]), "query").exit_code == 0
        with pytest.raises(psycopg.OperationalError, match="permission denied for database"):
            psycopg.connect(pg_server.url(schools[1], office[0])).close()
        result = xj("--db", pg_server.url(schools[1], office[0]), *enroll_args(2))
        assert result.exit_code == 6 and "does not let this login in" in one_line(result), result.output
        # An operator ended loses the way in too.
        assert xj("--db", pg_server.url(schools[1]), "operators", "remove", office[1], "--reason", "調離").exit_code == 0
        with pytest.raises(psycopg.OperationalError, match="permission denied for database"):
            psycopg.connect(pg_server.url(schools[1], office[1])).close()
    finally:
        for name in schools:
            pg_server.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_a_change_of_major_between_colleges_as_the_two_colleges_logins(xj, pg, staffed):
    """Row-level security lets the receiving college see and agree to the request naming it; after the office's
    approval the student is the receiving college's, from psql too."""
    li, wang = staffed["li"], staffed["wang"]
    result = xj("--db", pg.url(li), "change-major", "202501010101", "--college", "02", "--major", "01", "--class",
                "01", "--reason", "本人申請")
    assert result.exit_code == 0, result.output
    assert pg.rows("SELECT id, college, receiving FROM registry.requests", user=wang) == [(1, "01", "02")]
    assert xj("--db", pg.url(wang), "agree", "1").exit_code == 0
    assert xj("--db", pg.url(staffed["office"]), "approve", "1").exit_code == 0
    assert pg.value("SELECT count(*) FROM registry.students WHERE student_no = '202501010101'", user=li) == 0
    assert pg.value("SELECT cur_college FROM registry.students WHERE student_no = '202501010101'", user=wang) == "02"
    assert xj("--db", pg.url(), "audit", "verify").exit_code == 0


def test_a_department_login_reads_only_what_its_grant_opens_even_from_psql(xj, pg, staffed):
    """granted.students holds the students some grant of the login covers today, each value only where a grant
    opens it; the base tables are closed to it; a revoked grant closes the view."""
    finance = pg.login("finance")
    assert xj("--db", pg.url(), "operators", "add", finance, "--role", "department").exit_code == 0
    assert xj("--db", pg.url(), "grants", "add", "--operator", finance, "--purpose", "學費核對", "--fields",
              "student_no,name", "--college", "01", "--until", "2099-01-31", "--doc-no", "D1").exit_code == 0
    for sql in ("SELECT * FROM registry.students", "SELECT id_number FROM masked.students",
                "SELECT * FROM registry.events", "SELECT payload FROM registry.requests"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            pg.rows(sql, user=finance)
    rows = pg.rows("SELECT student_no, name, id_number, birth_date, cur_college FROM granted.students", user=finance)
    assert rows == [("202501010101", "張三", None, "1900-01-01", "01")]  # college 02's student is not there
    shown = xj("--db", pg.url(finance), "query", "-f", "json")
    assert shown.exit_code == 0 and json.loads(shown.stdout) == [{"student_no": "202501010101", "name": "張三"}]
    found = xj("--db", pg.url(finance), "query", "--name", "張", "-f", "json")  # name opened: its keys, in scope
    assert found.exit_code == 0 and [s["student_no"] for s in json.loads(found.stdout)] == ["202501010101"]
    assert pg.rows("SELECT count(*) FROM granted.name_keys", user=finance) == [(1,)]
    assert pg.value("SELECT grant_id FROM registry.access_log ORDER BY id DESC LIMIT 1") == 1
    assert xj("--db", pg.url(), "grants", "revoke", "1", "--reason", "完成").exit_code == 0
    assert pg.rows("SELECT student_no FROM granted.students", user=finance) == []
    assert xj("--db", pg.url(finance), "query").exit_code == 6
    assert xj("--db", pg.url(), "audit", "verify").exit_code == 0
