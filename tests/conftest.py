"""Shared fixtures: every test works in its own folder with its own configuration and database."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from xueji import config as cfg
from xueji import i18n
from xueji.domain.model import PersonInput
from xueji.domain.validate import check_character
from xueji.services import Session
from xueji.services.setup import init
from xueji.store.sqlite import Store

TODAY = date(2026, 11, 28)


def make_id(birth: str = "2005-03-01", male: bool = True, area: str = "110105", seq: int = 0) -> str:
    """A valid GB 11643 number for a birth date and gender; ``seq`` tells people apart."""
    order = (seq % 499) * 2 + (1 if male else 2)
    first17 = f"{area}{birth.replace('-', '')}{order:03d}"
    return first17 + check_character(first17)


def first_version_rows(conn) -> None:
    """A suspended student with the two events of the first schema version (m001–m002: no hashes yet)."""
    columns = ("id, student_no, name, gender, birth_date, id_type, id_number, exam_no, enroll_year, college, major, "
               "class, seat, cur_year, cur_college, cur_major, cur_class, status, status_since, suspended_until, "
               "origin, created_at")
    conn.execute(f"INSERT INTO students ({columns}) VALUES (1, '202301010101', '張三', '1', '2005-03-01', '1', ?, "
                 "NULL, 2023, '01', '01', '01', 1, 2023, '01', '01', '01', 'suspended', '2023-12-01', '2024-08-31', "
                 "'enroll', '2023-09-01T00:00:00+00:00')", (make_id(seq=1),))
    for event_id, kind, before, after in ((1, "enroll", None, "active"), (2, "suspend", "active", "suspended")):
        conn.execute("INSERT INTO events (id, student_id, kind, effective_date, recorded_at, operator, status_before, "
                     "status_after) VALUES (?, 1, ?, '2023-09-01', '2023-09-01T00:00:00+00:00', 'old', ?, ?)",
                     (event_id, kind, before, after))


def person(seq: int = 0, *, name: str = "張三", male: bool = True, birth: str = "2005-03-01") -> PersonInput:
    return PersonInput(name, "男" if male else "女", birth, make_id(birth, male, seq=seq))


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch, tmp_path):
    """No test sees the developer's own configuration, database, language or operator."""
    for name in ("XUEJI_CONFIG", "XUEJI_DB", "XUEJI_LANG", "XUEJI_OPERATOR", "LC_ALL", "LC_MESSAGES", "LANG",
                 "XUEJI_DEBUG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    yield
    i18n.set_language("en")


@pytest.fixture(scope="session")
def _initialised(tmp_path_factory) -> Path:
    """One folder set up by `init` for the whole run: each test gets a copy (init per test cost ~20 s a run)."""
    folder = tmp_path_factory.mktemp("template")
    init(folder / "config.toml")
    return folder


@pytest.fixture
def workdir(tmp_path, _initialised) -> Path:
    """A folder as `init` leaves it: config.toml (the packaged example) and xueji.db — a copy of one made once."""
    import shutil

    for source in _initialised.iterdir():
        shutil.copy2(source, tmp_path / source.name)
    return tmp_path


@pytest.fixture
def session(workdir):
    config = cfg.load(workdir / "config.toml")
    store = Store(config.database, config.busy_timeout)
    yield Session(store, "clerk", TODAY, config.codes, config.limits)
    store.close()


@dataclass
class Db:
    path: Path

    def rows(self, sql: str, *params) -> list[tuple]:
        conn = sqlite3.connect(self.path)
        try:
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()

    def value(self, sql: str, *params):
        return self.rows(sql, *params)[0][0]

    def snapshot(self) -> tuple:
        """Everything a change could touch: compared before and after a refused command."""
        return (self.rows("SELECT * FROM students ORDER BY id"), self.rows("SELECT * FROM events ORDER BY id"))


@pytest.fixture
def db(workdir) -> Db:
    return Db(workdir / "xueji.db")
