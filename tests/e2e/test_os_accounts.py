"""The access policy as real OS accounts: throwaway users and a group, each command run under its own user id.

Nothing here uses --operator to pretend: identity comes from the process's uid. Commands run in a forked child that
drops to the account (setgroups/setgid/setuid) and invokes the app in-process, so the checkout and the venv need
not be readable by those accounts; everything the commands import is imported before the fork.
"""

from __future__ import annotations

import importlib
import io
import json
import os
import pkgutil
import pwd
import secrets
import shutil
import sqlite3
import stat
import subprocess
import tempfile
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import pytest

from tests.conftest import make_id

pytestmark = pytest.mark.slow

ROLES = {  # short name -> [operators] entry (None: a group member who is not an operator)
    "office": {"role": "office"},
    "col01": {"role": "college", "college": "01"},
    "col02": {"role": "college", "college": "02"},
    "insp": {"role": "inspector"},
    "view": {"role": "viewer"},
    "cron": {"role": "office", "act_as": True},
    "hostile": None,
}
PRELOAD = ("typer.testing", "rich.console", "rich.table", "rich.progress", "rich.markup", "sqlite_utils", "openpyxl",
           "tomli_w", "tomllib", "csv", "tempfile", "encodings.utf_8_sig", "unicodedata", "pydoc", "stdnum.numdb",
           "typer._click.decorators")  # the last ones are imported lazily by their packages
A, B, C = "202301020101", "202301020102", "202302020101"  # two students of college 01, one of college 02
ID_A, ID_B, ID_C = make_id(seq=1), make_id(seq=2), make_id(seq=3)
TABLES = ("students", "events", "requests", "access_log", "access_log_students", "ledger", "operators")


class Account(NamedTuple):
    name: str
    uid: int
    gid: int


class Run(NamedTuple):
    code: int
    out: str
    err: str

    @property
    def output(self) -> str:
        return self.out + self.err


def _preload() -> None:
    """Import every module a command may import lazily: after setuid the source may be unreadable."""
    import xueji

    for info in pkgutil.walk_packages(xueji.__path__, "xueji."):
        if not info.name.endswith("__main__"):
            importlib.import_module(info.name)
    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError:  # another version of a dependency: nothing to preload
            pass
    from rich.console import Console
    from rich.table import Table

    table = Table("張三", "[account x]")  # rich loads its width and emoji tables on first use
    table.add_row("學籍 ✓", ":smile: [bold]x[/bold]")
    Console(file=io.StringIO(), width=80).print(table)
    from xueji.domain.validate import county_exists

    county_exists("110105")  # loads python-stdnum's division table (a data file, read lazily)


def as_account(account: Account, fn, *args):
    """Run ``fn(*args)`` in a forked child under ``account``; its JSON-able result, or the child's exception text."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        try:
            os.close(read)
            try:
                os.setgroups([account.gid])
                os.setgid(account.gid)
                os.setuid(account.uid)
                os.umask(0o007)
                payload = {"value": fn(*args)}
            except BaseException as error:  # noqa: BLE001 - everything goes back to the parent
                payload = {"error": type(error).__name__, "detail": traceback.format_exc()}
            with os.fdopen(write, "wb") as pipe:
                pipe.write(json.dumps(payload, ensure_ascii=False).encode("utf-8"))
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        data = pipe.read()
    _, status = os.waitpid(pid, 0)
    assert data, f"the child for {account.name} died (status {status})"
    return json.loads(data)


def _cli(cwd: str, argv: list[str], env: dict) -> list:
    from typer.testing import CliRunner

    from xueji.cli.app import app

    os.chdir(cwd)
    for name in list(os.environ):
        if name.startswith("XUEJI_") or name in ("LANG", "LC_ALL", "LC_MESSAGES"):
            del os.environ[name]
    result = CliRunner().invoke(app, ["--lang", "en", *argv], env=env, catch_exceptions=False)
    return [result.exit_code, result.stdout, result.stderr]


def _write(path: str, text: str) -> None:
    Path(path).write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def accounts():
    """Throwaway users, one per role, and their group; removed afterwards whatever happens."""
    if os.geteuid() != 0:
        message = "creating throwaway OS accounts needs root"
        if os.environ.get("CI"):
            pytest.fail(f"{message}, and CI must run these tests")
        pytest.skip(message)
    _preload()
    suffix = secrets.token_hex(3)
    group = f"xjg{suffix}"
    made: list[str] = []
    try:
        subprocess.run(["groupadd", group], check=True, capture_output=True)
        for short in ROLES:
            name = f"xj{short}{suffix}"
            subprocess.run(["useradd", "-M", "-N", "-g", group, "-s", "/usr/sbin/nologin", name], check=True,
                           capture_output=True)
            made.append(name)
        yield {short: Account(name, pwd.getpwnam(name).pw_uid, pwd.getpwnam(name).pw_gid)
               for short, name in zip(ROLES, made)}
    finally:
        for name in made:
            subprocess.run(["userdel", name], capture_output=True)
        subprocess.run(["groupdel", group], capture_output=True)


@dataclass
class Registry:
    folder: Path
    users: dict

    @property
    def db(self) -> Path:
        return self.folder / "xueji.db"

    def do(self, who: str, fn, *args):
        """``fn(*args)`` as ``who``, which must not raise."""
        result = as_account(self.users[who], fn, *args)
        assert "error" not in result, result.get("detail")
        return result["value"]

    def run(self, who: str, *argv: str, cwd: Path | None = None, env: dict | None = None) -> Run:
        return Run(*self.do(who, _cli, str(cwd or self.folder), list(argv), env or {}))

    def rows(self, sql: str, *params) -> list[tuple]:
        conn = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True)
        try:
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()

    def snapshot(self) -> dict:
        return {table: self.rows(f"SELECT * FROM {table} ORDER BY rowid") for table in TABLES}


def _enroll(id_number: str, college: str) -> list[str]:
    return ["enroll", "--name", "張三", "--gender", "男", "--birth-date", "2005-03-01", "--id-number", id_number,
            "--college", college, "--major", "02", "--class", "01", "--year", "2023", "--date", "2023-09-01"]


@pytest.fixture
def registry(accounts):
    """A shared folder (group, 2770) where the office ran `init` with every role's account in [operators], the
    database made 660, and A, B (college 01) and C (college 02) enrolled by the office."""
    from xueji import config as cfg

    folder = Path(tempfile.mkdtemp(prefix="xueji-shared-", dir="/tmp"))
    try:
        os.chown(folder, 0, accounts["office"].gid)
        os.chmod(folder, 0o2770)
        table = "".join(f"\n[operators.{accounts[short].name}]\n" + "".join(
            f"{key} = {json.dumps(value)}\n" for key, value in entry.items())
            for short, entry in ROLES.items() if entry is not None)
        reg = Registry(folder, accounts)
        reg.do("office", _write, str(folder / "config.toml"), cfg.example_text() + table)
        result = reg.run("office", "init")
        assert result.code == 0, result.output
        reg.do("office", os.chmod, str(reg.db), 0o660)
        assert {r[0] for r in reg.rows("SELECT name FROM operators")} == {
            accounts[s].name for s, e in ROLES.items() if e is not None}
        for id_number, college in ((ID_A, "01"), (ID_B, "01"), (ID_C, "02")):
            result = reg.run("office", *_enroll(id_number, college))
            assert result.code == 0, result.output
        assert [r[0] for r in reg.rows("SELECT student_no FROM students ORDER BY id")] == [A, B, C]
        yield reg
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# --- 1. a viewer with a configuration of their own ----------------------------------------------------

@pytest.mark.parametrize("claims_office", [False, True], ids=["no-operators-table", "claiming-office-in-own-config"])
def test_a_viewer_with_their_own_config_cannot_act_as_the_office_or_reveal_and_reads_masked_under_their_account(
        registry, claims_office):
    viewer, office = registry.users["view"].name, registry.users["office"].name
    own = Path(tempfile.mkdtemp(prefix="xueji-own-", dir="/tmp"))  # a folder of the viewer's own, mode 0700
    os.chown(own, registry.users["view"].uid, registry.users["view"].gid)
    try:
        text = f'database = "{registry.db}"\n'
        if claims_office:
            text += f'\n[operators.{viewer}]\nrole = "office"\nact_as = true\n'
        registry.do("view", _write, str(own / "own.toml"), text)
        before = registry.snapshot()
        result = registry.run("view", "--config", "own.toml", "--operator", office, "withdraw", A, "--reason", "x",
                              cwd=own)
        assert result.code == 6, result.output
        assert viewer in result.err and "another operator" in result.err
        result = registry.run("view", "--config", "own.toml", "query", "--reveal", "--purpose", "x", cwd=own)
        assert result.code == 6, result.output
        assert registry.snapshot() == before  # nothing written, not even an access-log entry

        result = registry.run("view", "--config", "own.toml", "query", "-f", "json", cwd=own)
        assert result.code == 0, result.output
        shown = json.loads(result.out)
        assert sorted(s["student_no"] for s in shown) == [A, B, C]
        assert all("********" in s["id_number"] for s in shown)
        assert not any(i in result.output for i in (ID_A, ID_B, ID_C))
        assert registry.rows("SELECT operator, account, revealed FROM access_log ORDER BY id DESC LIMIT 1") == [
            (viewer, viewer, 0)]
        assert registry.snapshot()["students"] == before["students"]
    finally:
        shutil.rmtree(own, ignore_errors=True)


# --- 2. events record the real account ----------------------------------------------------------------

def test_a_change_records_the_real_account_beside_the_operator_it_was_made_for(registry):
    office, cron = registry.users["office"].name, registry.users["cron"].name
    assert registry.run("office", "withdraw", A, "--reason", "x").code == 0
    assert registry.run("cron", "--operator", office, "withdraw", B, "--reason", "x").code == 0
    rows = registry.rows("SELECT s.student_no, e.operator, e.account, e.submitted_by, e.approved_by FROM events e "
                         "JOIN students s ON s.id = e.student_id WHERE e.kind = 'withdraw' ORDER BY e.id")
    assert rows == [(A, office, office, office, office), (B, office, cron, office, office)]

    shown = registry.run("office", "show", B)
    assert shown.code == 0, shown.output
    assert f"[account {cron}]" in shown.out
    events = json.loads(registry.run("office", "show", B, "-f", "json").out)["events"]
    assert (events[-1]["account"], events[-1]["submitted_by"], events[-1]["approved_by"]) == (cron, office, office)


# --- 3. a college's scope -----------------------------------------------------------------------------

def test_college_staff_see_and_graduate_only_their_own_college_and_the_approval_stays_in_it(registry):
    col01, office = registry.users["col01"].name, registry.users["office"].name
    result = registry.run("col01", "query", "-f", "json")
    assert result.code == 0, result.output
    assert sorted(s["student_no"] for s in json.loads(result.out)) == [A, B]

    result = registry.run("col01", "show", C)
    assert result.code == 1 and "No student has the number" in result.err

    before = registry.snapshot()
    result = registry.run("col01", "graduate", "--year", "2023", "--college", "02")
    assert result.code == 6, result.output
    assert registry.snapshot() == before

    result = registry.run("col01", "graduate", "--year", "2023")
    assert result.code == 0, result.output
    requests = registry.rows("SELECT id, action, college, status, submitted_by FROM requests")
    assert [r[1:] for r in requests] == [("graduate_cohort", "01", "pending", col01)]
    assert registry.rows("SELECT student_no, status FROM students ORDER BY id") == [
        (A, "active"), (B, "active"), (C, "active")]

    result = registry.run("office", "approve", str(requests[0][0]))
    assert result.code == 0, result.output
    assert registry.rows("SELECT student_no, status FROM students ORDER BY id") == [
        (A, "graduated"), (B, "graduated"), (C, "active")]
    assert set(registry.rows("SELECT operator, account, submitted_by, approved_by FROM events "
                             "WHERE kind = 'graduate'")) == {(office, office, col01, office)}


# --- 4. one person, one live registration, without leaking another college's number -------------------

def test_a_college_enrolling_someone_registered_in_another_college_is_refused_without_their_number(registry):
    before = registry.snapshot()
    result = registry.run("col01", *_enroll(ID_C, "01"))
    assert result.code == 1, result.output
    assert "another college" in result.output
    assert C not in result.output
    assert registry.snapshot() == before


# --- 5. searching by a full ID number -----------------------------------------------------------------

def test_searching_by_a_full_id_number_needs_the_office_and_a_purpose_and_is_logged_masked(registry):
    office = registry.users["office"].name
    before = registry.snapshot()
    assert registry.run("view", "query", "--id-number", ID_A).code == 6
    result = registry.run("office", "query", "--id-number", ID_A)
    assert result.code == 3 and "purpose" in result.err
    assert registry.snapshot() == before

    result = registry.run("office", "query", "--id-number", ID_A, "--purpose", "核對", "-f", "json")
    assert result.code == 0, result.output
    assert [s["student_no"] for s in json.loads(result.out)] == [A]
    logged = registry.rows("SELECT operator, account, purpose, filters FROM access_log ORDER BY id DESC LIMIT 1")
    assert logged[0][:3] == (office, office, "核對")
    assert json.loads(logged[0][3])["id_number"] == ID_A[:6] + "********" + ID_A[-4:]
    assert not any(ID_A in (filters or "") for (filters,) in registry.rows("SELECT filters FROM access_log"))


# --- 6. a planted link at an export's target ----------------------------------------------------------

def test_an_export_refuses_a_link_planted_by_a_group_member_and_writes_a_file_only_the_office_can_read(registry):
    office, folder = registry.users["office"], registry.folder
    bait = folder / "hostile.txt"
    registry.do("hostile", _write, str(bait), "bait\n")
    registry.do("hostile", os.symlink, str(bait), str(folder / "out.csv"))
    registry.do("hostile", os.symlink, str(folder / "nowhere.csv"), str(folder / "dangling.csv"))

    before = registry.snapshot()
    for target in ("out.csv", "dangling.csv"):
        result = registry.run("office", "export", "--out", target, "--reveal", "--purpose", "x")
        assert result.code == 4, result.output
        assert "link" in result.err
    assert bait.read_text(encoding="utf-8") == "bait\n"
    assert not os.path.lexists(folder / "nowhere.csv")
    assert os.path.islink(folder / "out.csv") and os.path.islink(folder / "dangling.csv")
    assert not [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]
    assert registry.snapshot() == before  # refused before anything was read: no access-log entry either

    result = registry.run("office", "export", "--out", "fresh.csv", "--reveal", "--purpose", "x")
    assert result.code == 0, result.output
    info = os.lstat(folder / "fresh.csv")
    assert stat.S_ISREG(info.st_mode) and info.st_uid == office.uid and stat.S_IMODE(info.st_mode) == 0o600
    assert ID_A in (folder / "fresh.csv").read_text(encoding="utf-8-sig")
    probe = as_account(registry.users["hostile"], Path.read_bytes, folder / "fresh.csv")
    assert probe.get("error") == "PermissionError", probe


# --- 7. planted files around the code table -----------------------------------------------------------

@pytest.mark.parametrize("link", [True, False], ids=["codes.toml-is-a-planted-link", "temporary-names-planted"])
def test_adding_a_college_never_writes_through_a_planted_codes_toml_link_or_temporary_name(registry, link):
    office, folder = registry.users["office"], registry.folder
    private = folder / "office-only.toml"
    secret = "# the office's own notes: not for the group\n"
    registry.do("office", _write, str(private), secret)
    registry.do("office", os.chmod, str(private), 0o600)
    planted = {name: f"planted {name}\n" for name in ("codes.tmp", ".codes.toml.tmp", "codes.toml.tmp")}
    for name, text in planted.items():
        registry.do("hostile", _write, str(folder / name), text)
    if link:
        registry.do("hostile", os.symlink, str(private), str(folder / "codes.toml"))

    result = registry.run("office", "codes", "add-college", "09", "新學院")
    assert private.read_text(encoding="utf-8") == secret
    assert stat.S_IMODE(os.stat(private).st_mode) == 0o600
    for name, text in planted.items():
        assert (folder / name).read_text(encoding="utf-8") == text
    if link and result.code == 4:  # refused because codes.toml is a link
        assert "link" in result.err and os.readlink(folder / "codes.toml") == str(private)
    else:  # a file of the office's, put in place by rename (a link would be replaced, never written through)
        assert result.code == 0, result.output
        info = os.lstat(folder / "codes.toml")
        assert stat.S_ISREG(info.st_mode) and info.st_uid == office.uid
        assert "新學院" in (folder / "codes.toml").read_text(encoding="utf-8")
        config_mode = stat.S_IMODE(os.stat(folder / "config.toml").st_mode)
        assert stat.S_IMODE(info.st_mode) == (config_mode & 0o444) | 0o600
        assert registry.run("col01", "codes", "-f", "json").out.count("新學院") == 1
    assert not [p.name for p in folder.iterdir() if p.name.startswith(".codes.toml.") and p.name not in planted]


# --- 8. reading the logs and the chain ------------------------------------------------------------------

def test_the_inspector_reads_the_access_log_and_verifies_the_chain_and_the_viewer_and_outsiders_cannot(registry):
    viewer = registry.users["view"].name
    assert registry.run("view", "query", C).code == 0
    result = registry.run("insp", "access-log", "-f", "json")
    assert result.code == 0, result.output
    assert [(e["operator"], e["account"]) for e in json.loads(result.out)] == [(viewer, viewer)]
    result = registry.run("insp", "audit", "verify")
    assert result.code == 0, result.output
    before = registry.snapshot()
    for args in (("access-log", "-f", "json"), ("audit", "verify")):
        assert registry.run("view", *args).code == 6
    result = registry.run("hostile", "query")
    assert result.code == 6 and registry.users["hostile"].name in result.err
    assert registry.snapshot() == before


# --- a change of major between colleges, as the three desks' own accounts (issue 15) ---------------------------

def test_a_change_of_major_between_colleges_needs_the_receiving_colleges_agreement_then_the_offices(registry):
    col01, col02, office = (registry.users[s].name for s in ("col01", "col02", "office"))
    result = registry.run("col01", "change-major", A, "--college", "02", "--major", "01", "--class", "01",
                          "--reason", "本人申請")
    assert result.code == 0 and "Request 1 submitted" in result.out, result.output
    assert registry.rows("SELECT action, college, receiving, status, submitted_by FROM requests") == [
        ("change_major", "01", "02", "pending", col01)]
    before = registry.snapshot()
    result = registry.run("office", "approve", "1")  # not yet: college 02 has not agreed
    assert result.code == 1 and "has not agreed yet" in result.err and "xueji agree 1" in result.err, result.output
    assert registry.snapshot() == before
    assert registry.run("col01", "agree", "1").code == 6  # the sending college cannot agree for the receiving one
    shown = registry.run("col02", "requests", "-f", "json")  # college 02 sees the request naming it
    assert shown.code == 0 and [r["id"] for r in json.loads(shown.out)] == [1], shown.output
    result = registry.run("col02", "agree", "1")
    assert result.code == 0 and "College 02 agreed to request 1" in result.out, result.output
    assert registry.rows("SELECT agreed_by, status FROM requests") == [(col02, "pending")]
    assert registry.run("col02", "agree", "1").code == 1  # once
    result = registry.run("office", "approve", "1", "--doc-no", "教務〔2026〕9號")
    assert result.code == 0, result.output
    assert registry.rows("SELECT student_no, cur_college, cur_major, status FROM students WHERE student_no = ?", A) == [
        (A, "02", "01", "active")]
    assert registry.rows("SELECT kind, jyt_code, submitted_by, approved_by, account FROM events "
                         "WHERE kind = 'change_major'") == [("change_major", "23", col01, office, office)]
    # the student now belongs to college 02's desk, and no longer to college 01's
    assert A in registry.run("col02", "query", "-f", "csv").out
    assert A not in registry.run("col01", "query", "-f", "csv").out
    assert registry.run("office", "audit", "verify").code == 0
    assert registry.run("office", "check").code == 0


def test_either_college_may_refuse_a_change_of_major_between_them(registry):
    assert registry.run("col01", "change-major", A, "--college", "02", "--major", "01", "--class", "01",
                        "--reason", "本人申請").code == 0
    assert registry.run("col01", "change-major", B, "--college", "02", "--major", "01", "--class", "01",
                        "--reason", "本人申請").code == 0
    result = registry.run("col02", "reject", "1", "--reason", "名額已滿")
    assert result.code == 0, result.output
    result = registry.run("col01", "reject", "2", "--reason", "學生撤回")
    assert result.code == 0, result.output
    assert registry.rows("SELECT id, status, decided_by FROM requests ORDER BY id") == [
        (1, "rejected", registry.users["col02"].name), (2, "rejected", registry.users["col01"].name)]
    assert registry.rows("SELECT cur_college FROM students WHERE student_no IN (?, ?)", A, B) == [("01",), ("01",)]
