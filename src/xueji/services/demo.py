"""The practice sandbox (§十一): a folder with its own configuration and database, filled through the real services."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from xueji import config as cfg
from xueji.domain.errors import N_, RuleViolation
from xueji.domain.model import PersonInput
from xueji.domain.validate import check_character
from xueji.services import Session, registry
from xueji.services.setup import init
from xueji.store.db import Store
from xueji.store.repository import StudentFilter

MARKER = ".xueji-demo"
SANDBOX_FILES = ("config.toml", "codes.toml", "xueji.db", "xueji.db-wal", "xueji.db-shm", MARKER)
SURNAMES = "王李張劉陳楊趙黃周吳徐孫胡朱高林何郭馬羅梁宋鄭謝韓唐馮于董蕭程曹袁鄧許傅沈曾彭呂"
GIVEN = "偉芳娜秀英敏靜麗強磊軍洋勇艷傑娟濤明超蘭霞平剛桂英華玉萍紅娥玲芬燕鵬輝建國文斌宇浩凱晨欣怡雨涵子軒梓萱"
AREAS = ("110105", "310104", "440106", "510107", "330106", "420111", "610113", "320102", "370102", "500103")
PLACES = (("01", "01"), ("01", "02"), ("02", "02"), ("02", "01"), ("03", "01"), ("03", "02"), ("04", "02"), ("05", "01"))


@dataclass
class DemoResult:
    folder: Path
    config_path: Path
    database: Path
    counts: dict = field(default_factory=dict)
    samples: dict = field(default_factory=dict)


def _person(rng: random.Random, cohort: int) -> PersonInput:
    male = rng.random() < 0.5
    name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
    born = date(cohort - 18, 1, 1) + timedelta(days=rng.randrange(365))
    sequence = rng.randrange(0, 499) * 2 + (1 if male else 0)
    first17 = f"{rng.choice(AREAS)}{born:%Y%m%d}{sequence:03d}"
    exam = f"{cohort % 100:02d}{rng.randrange(10**12):012d}"
    return PersonInput(name, "男" if male else "女", born.isoformat(), first17 + check_character(first17), "1", exam)


def _prepare(folder: Path) -> None:
    if folder.exists() and any(folder.iterdir()):
        if not (folder / MARKER).exists():
            raise RuleViolation(
                N_("{path} exists and is not a xueji sandbox; the demo will not write there."),
                hint=N_("Choose another folder with --dir."),
                path=str(folder),
            )
        for name in SANDBOX_FILES:
            (folder / name).unlink(missing_ok=True)  # only the sandbox's own files are replaced
    folder.mkdir(parents=True, exist_ok=True)
    (folder / MARKER).write_text("xueji practice sandbox: `xueji demo` rebuilds this folder.\n", encoding="utf-8")


def build(folder: Path, operator: str, language: str, today: date | None = None) -> DemoResult:
    today = today or date.today()
    _prepare(folder)
    setup = init(folder / "config.toml", locale=language)
    config = cfg.load(setup.config_path)
    session = Session(Store(setup.database_path, config.busy_timeout), operator, today, config.codes, config.limits)
    rng = random.Random(2023)
    latest = today.year if today.month >= 9 else today.year - 1
    cohorts: dict[int, list[str]] = {}
    try:
        for cohort in range(latest - 4, latest + 1):
            start = date(cohort, 9, 1).isoformat()
            for index in range(8):
                college, major = PLACES[index % len(PLACES)] if cohort != latest - 1 else ("01", "01")
                student = registry.enroll(session, _person(rng, cohort), college=college, major=major,
                                          klass="01" if index % 3 else "02", year=str(cohort), date=start,
                                          doc_no=f"招生〔{cohort}〕1號")
                cohorts.setdefault(cohort, []).append(student.student_no)
        _walk(session, cohorts, latest, rng)
        counts: dict[str, int] = {}
        for student in session.store.reader().query(StudentFilter(), 0)[0]:
            counts[student.status.value] = counts.get(student.status.value, 0) + 1
    finally:
        session.store.close()
    samples = {
        "active": cohorts[latest][0],
        "suspended": cohorts[latest - 1][2],
        "graduated": cohorts[latest - 4][0],
    }
    return DemoResult(folder, setup.config_path, setup.database_path, counts, samples)


def _walk(session: Session, cohorts: dict[int, list[str]], latest: int, rng: random.Random) -> None:
    """Walk some students through the lifecycle, the way a year at the office goes."""
    oldest = cohorts[latest - 4]
    grad = date(latest, 6, 30).isoformat()
    registry.suspend(session, oldest[7], reason="因病休學", until=date(latest - 1, 8, 31).isoformat(),
                     date=date(latest - 2, 9, 1).isoformat(), doc_no="教務〔休〕1號")
    registry.graduate(session, oldest[:5], outcome="graduated", date=grad, doc_no=f"教務〔{latest}〕畢字1號")
    registry.graduate(session, [oldest[5]], outcome="completed", date=grad, doc_no=f"教務〔{latest}〕結字1號")
    registry.graduate(session, [oldest[6]], outcome="incomplete", date=grad, doc_no=f"教務〔{latest}〕肄字1號")
    second = cohorts[latest - 1]
    registry.suspend(session, second[2], reason="因病休學", until=date(latest + 1, 8, 31).isoformat(),
                     date=date(latest, 9, 1).isoformat(), doc_no=f"教務〔{latest}〕休字3號")
    registry.suspend(session, second[3], reason="應征入伍", until=date(latest, 2, 28).isoformat(),
                     date=date(latest - 1, 9, 10).isoformat(), doc_no=f"教務〔{latest - 1}〕休字2號")
    registry.resume(session, second[3], date=date(latest, 3, 1).isoformat(), klass="02", doc_no=f"教務〔{latest}〕復字1號")
    third = cohorts[latest - 2]
    registry.transfer_out(session, third[1], to_school="華南理工示範大學", reason="家庭遷居",
                          date=date(latest, 7, 1).isoformat(), doc_no=f"教務〔{latest}〕轉字2號")
    registry.withdraw(session, third[4], reason="本人申請退學", date=date(latest, 3, 15).isoformat(),
                      doc_no=f"教務〔{latest}〕退字1號")
    registry.cancel(session, cohorts[latest - 3][6], cause="missing", reason="經學院報告、教務處核實下落不明",
                    date=date(latest, 5, 20).isoformat(), doc_no=f"教務〔{latest}〕注字1號")
    registry.enroll(session, _person(rng, latest - 1), college="03", major="01", klass="01", year=str(latest),
                    date=date(latest, 9, 5).isoformat(), doc_no=f"教務〔{latest}〕轉字5號", from_school="東海示範學院")
