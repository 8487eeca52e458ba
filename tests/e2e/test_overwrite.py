"""Every command that writes a file refuses one that exists (exit 1, one line, the file and the registry untouched)
unless --force, which replaces it (issue 14). A backup never overwrites anything, --force or not."""

from __future__ import annotations

import pytest

from tests.conftest import make_id
from tests.rosters import people, write_csv

NO = "202501010101"
MINE = b"mine, not xueji's"


@pytest.fixture
def one(workdir, xj):
    result = xj("enroll", "--name", "張三", "--gender", "男", "--birth-date", "2005-03-01", "--id-number",
                make_id(seq=1), "--college", "01", "--major", "01", "--class", "01", "--year", "2025")
    assert result.exit_code == 0, result.output
    return workdir


def _bad_roster(folder, numbered: bool = False):
    rows = people(2)
    rows[0]["class"] = "0"
    if numbered:  # the old system's records: numbered already
        for seq, row in enumerate(rows, start=1):
            row["student_no"] = f"20200101010{seq}"
    return str(write_csv(folder / "roster.csv", rows))


COMMANDS = {
    "export csv": (lambda f: ["export", "--out", str(f / "t.csv")], "t.csv", 0),
    "export xlsx": (lambda f: ["export", "--out", str(f / "t.xlsx")], "t.xlsx", 0),
    "export json": (lambda f: ["export", "--out", str(f / "t.json")], "t.json", 0),
    "annual xlsx": (lambda f: ["report", "annual", "--year", "2025", "--out", str(f / "t.xlsx")], "t.xlsx", 0),
    "annual pdf": (lambda f: ["report", "annual", "--year", "2025", "--out", str(f / "t.pdf")], "t.pdf", 0),
    "roster xlsx": (lambda f: ["roster", "--year", "2025", "--college", "01", "--major", "01", "--class", "01",
                               "--out", str(f / "t.xlsx")], "t.xlsx", 0),
    "roster pdf": (lambda f: ["roster", "--year", "2025", "--college", "01", "--major", "01", "--class", "01",
                              "--out", str(f / "t.pdf")], "t.pdf", 0),
    "certificate": (lambda f: ["certificate", NO, "--kind", "record", "--requester", "張三 (本人)", "--proof",
                               "居民身份證", "--out", str(f / "t.pdf")], "t.pdf", 0),
    "enroll problems": (lambda f: ["enroll", "--file", _bad_roster(f), "--year", "2025", "--errors-out",
                                   str(f / "t.csv")], "t.csv", 3),
    "import problems": (lambda f: ["import", "--file", _bad_roster(f, True), "--errors-out", str(f / "t.xlsx")],
                        "t.xlsx", 3),
}


@pytest.mark.parametrize("what", list(COMMANDS))
def test_an_existing_file_is_refused_unless_forced(xj, one, db, what):
    args, name, code_when_forced = COMMANDS[what]
    target = one / name
    target.write_bytes(MINE)
    command = args(one)
    before = db.state()
    result = xj(*command)
    assert result.exit_code == 1, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert any("already exists" in line for line in lines), result.stderr
    assert target.read_bytes() == MINE
    assert db.state() == before
    forced = xj(*command, "--force")
    assert forced.exit_code == code_when_forced, forced.output
    assert target.read_bytes() != MINE and target.stat().st_size > 0


def test_a_backup_never_overwrites_a_file(xj, one, engine):
    target = one / "backup.db"
    target.write_bytes(MINE)
    result = xj("backup", str(target))
    assert result.exit_code == 1 and "never overwrites" in result.stderr, result.output
    assert target.read_bytes() == MINE
