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
from xueji.store import open_store
from xueji.store.repository import StudentFilter

MARKER = ".xueji-demo"
ADMISSIONS = "新生名單.csv"
ADMISSIONS_WITH_ERRORS = "新生名單-有錯.csv"
LEGACY = "舊系統學籍.csv"  # records the old system numbered before xueji: `xueji import` brings them in
SANDBOX_FILES = ("config.toml", "codes.toml", "xueji.db", "xueji.db-wal", "xueji.db-shm", MARKER, ADMISSIONS,
                 ADMISSIONS_WITH_ERRORS, "新生名单.csv", "新生名单-有错.csv", "舊系統學籍.csv", "旧系统学籍.csv",
                 "annual.xlsx", "class.xlsx")  # the tour's reports: a rebuild starts afresh
# Practice operators besides the person who built the sandbox: college clerks whose changes become requests, and an
# inspector. The builder's own account is office staff who may act as them (--operator NAME) to practise approvals.
PRACTICE_OPERATORS = (("clerk01", "college", "01"), ("clerk05", "college", "05"), ("inspector", "inspector", None))
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
    admissions: tuple[str, str] = (ADMISSIONS, ADMISSIONS_WITH_ERRORS)  # the clean list, the one with mistakes
    operators: tuple = ()  # (name, role, college) the sandbox knows besides its builder
    legacy: str = LEGACY


def _scribe(script: str):
    """Text of the sample school in the script it is built in: the sources are Traditional."""
    if script == "zh-Hans":
        from xueji.domain.national import simplified

        return simplified
    return lambda text: text


def _person(rng: random.Random, cohort: int, local=lambda text: text) -> PersonInput:
    male = rng.random() < 0.5
    name = local(rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2)))))
    born = date(cohort - 18, 1, 1) + timedelta(days=rng.randrange(365))
    sequence = rng.randrange(0, 499) * 2 + (1 if male else 0)
    first17 = f"{rng.choice(AREAS)}{born:%Y%m%d}{sequence:03d}"
    exam = f"{cohort % 100:02d}{rng.randrange(10**12):012d}"
    return PersonInput(name, "男" if male else "女", born.isoformat(), first17 + check_character(first17), "1", exam)


def _admissions(folder: Path, local) -> tuple[str, str]:
    """Practice admissions lists for next year's 歷史學 and 日語 classes (majors the sample school leaves empty),
    one clean and one with the mistakes registrars meet: the guide enrolls them."""
    import csv
    import io

    rng = random.Random(11)
    rows = []
    seen = set()
    while len(rows) < 30:
        male = rng.random() < 0.45
        born = date(2007, 9, 1) + timedelta(days=rng.randrange(365))
        first17 = f"{rng.choice(('350102', '430102', '210102'))}{born:%Y%m%d}{rng.randrange(499) * 2 + (1 if male else 0):03d}"
        if first17 in seen:
            continue
        seen.add(first17)
        name = local(rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2)))))
        college, major = ("01", "03") if len(rows) < 20 else ("05", "02")
        rows.append([name, "男" if male else "女", born.isoformat(), first17 + check_character(first17),
                     college, major, f"26{len(rows) + 1:012d}"])
    header = [local(title) for title in ("姓名", "性別", "出生日期", "身份證號", "學院", "專業", "考生號")]

    def write(name: str, data: list[list]) -> None:
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(data)
        (folder / name).write_bytes(buffer.getvalue().encode("utf-8-sig"))

    clean, with_errors = local(ADMISSIONS), local(ADMISSIONS_WITH_ERRORS)
    write(clean, rows)
    faulty = [list(r) for r in rows]
    faulty[3][2] = "2007-02-30"            # no such day
    faulty[8][3] = faulty[8][3][:-1] + ("0" if faulty[8][3][-1] != "0" else "1")  # a mistyped check character
    faulty[15][1] = "M?"                   # an unreadable gender
    faulty.append(list(rows[0]))           # the same student twice
    write(with_errors, faulty)
    return clean, with_errors


def _legacy(folder: Path, local, cohort: int) -> str:
    """The old system's records of a cohort before the sandbox's first (class 01 of 漢語言文學): numbered already,
    graduated but for one who withdrew."""
    import csv
    import io

    rng = random.Random(7)
    rows, seen = [], set()
    while len(rows) < 12:
        person = _person(rng, cohort, local)
        if person.id_number in seen:
            continue
        seen.add(person.id_number)
        withdrew = len(rows) == 4
        rows.append([f"{cohort}010101{len(rows) + 1:02d}", person.name, person.gender, person.birth_date,
                     person.id_number, local("退學" if withdrew else "畢業"),
                     f"{cohort + 1}-03-01" if withdrew else f"{cohort + 4}-06-30"])
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([local(t) for t in ("學號", "姓名", "性別", "出生日期", "身份證號", "學籍狀態", "狀態日期")])
    writer.writerows(rows)
    name = local(LEGACY)
    (folder / name).write_bytes(buffer.getvalue().encode("utf-8-sig"))
    return name


def _prepare(folder: Path) -> None:
    if folder.exists() and not folder.is_dir() or any(p.exists() and not p.is_dir() for p in folder.parents):
        raise RuleViolation(N_("{path} exists and is not a xueji sandbox; the demo will not write there."),
                            hint=N_("Choose another folder with --dir."), path=str(folder))
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


PER_COHORT = 400


def build(folder: Path, operator: str, language: str, today: date | None = None, year: str | None = None) -> DemoResult:
    """Five cohorts of a practice school (about 2 000 students) and a few years of the office's work.

    The sandbox's configuration pins no language (it follows --lang, $XUEJI_LANG and $LANG like any school's); its
    names, reasons and files are in the script of ``language``: Simplified for zh-Hans, Traditional otherwise.
    ``year``: the school year the sandbox is built as of (its newest cohort), e.g. the one a guide was written in;
    a later day is taken as that school year's last (31 August), so the sandbox holds the same history whenever it
    is built."""
    today = today or date.today()
    if year is not None:
        from xueji.domain import validate as v

        newest = v.year(year, today)
        today = min(today, date(newest + 1, 8, 31))
    script = "zh-Hans" if language == "zh-Hans" else "zh-Hant"
    local = _scribe(script)
    _prepare(folder)
    setup = init(folder / "config.toml", script=script)
    config = cfg.load(setup.config_path)
    session = Session(open_store(setup.database_path, config.busy_timeout), operator, today, config.codes, config.limits)
    lists = _admissions(folder, local)
    rng = random.Random(2023)
    latest = newest if year is not None else today.year if today.month >= 9 else today.year - 1
    cohorts: dict[int, list[str]] = {}
    try:
        for cohort in range(latest - 4, latest + 1):
            # A cohort arrives as a roster: the same admit-then-register steps as `enroll --file`.
            admissions = []
            seen = set()
            while len(admissions) < PER_COHORT:
                index = len(admissions)
                person = _person(rng, cohort, local)
                if person.id_number in seen:
                    continue
                seen.add(person.id_number)
                college, major = PLACES[index % len(PLACES)]
                admissions.append(registry.admit(
                    session, person, college=college, major=major, klass=str(index // (len(PLACES) * 25) + 1),
                    year=str(cohort), date=date(cohort, 9, 1).isoformat(), doc_no=local(f"招生〔{cohort}〕1號")))
            with session.store.transaction() as repo:
                students = registry.register(repo, admissions, session)
                repo.commit()
            cohorts[cohort] = [s.student_no for s in students]
        _walk(session, cohorts, latest, rng, today, local)
        legacy = _legacy(folder, local, latest - 5)
        operators = _operators(session, operator)
        counts: dict[str, int] = {}
        for student in session.store.reader().query(StudentFilter(), 0)[0]:
            counts[student.status.value] = counts.get(student.status.value, 0) + 1
    finally:
        session.store.close()
    samples = {
        "active": cohorts[latest][0],
        "suspended": sorted(_SUSPENDED_NOW)[0],
        "graduated": cohorts[latest - 4][0],
        "year": latest,
        "class": cohorts[latest][0],
    }
    return DemoResult(folder, setup.config_path, setup.database_path, counts, samples, lists, operators, legacy)


def _operators(session: Session, builder: str) -> tuple:
    """The builder (office, may act as the others) and the practice operators, through the real use case. An
    account name xueji cannot keep (rare on real systems) leaves the sandbox without operators, open to its builder."""
    from xueji.domain.errors import InvalidData
    from xueji.services import identity

    try:
        identity.add(session, session.account, "office", act_as=True)
    except InvalidData:
        return ()
    if builder != session.account:
        try:
            identity.add(session, builder, "office", act_as=True)
        except InvalidData:
            pass  # a builder name that is not an account name (XUEJI_OPERATOR=王老師) stays unlisted
    for name, role, college in PRACTICE_OPERATORS:
        identity.add(session, name, role, college)
    return PRACTICE_OPERATORS


_SUSPENDED_NOW: set[str] = set()


def _walk(session: Session, cohorts: dict[int, list[str]], latest: int, rng: random.Random, today: date,
          local=lambda text: text) -> None:
    """A few years of the office's work: suspensions (some resumed, some overdue), transfers, withdrawals,
    a missing student, a transfer in, and the oldest cohort's graduation."""
    _SUSPENDED_NOW.clear()
    n = 0

    def doc(kind: str) -> str:
        nonlocal n
        n += 1
        return local(f"教務〔{latest}〕{kind}字{n}號")

    for cohort, numbers in cohorts.items():
        picks = rng.sample(numbers, 24)
        start = date(cohort + 1, 3, 1)
        if date(cohort + 1, 9, 1) > today:  # only what has already happened
            continue
        for number in picks[:6]:  # suspended a term, then resumed
            registry.suspend(session, number, reason=local("因病休學"), until=date(cohort + 1, 8, 31).isoformat(),
                             date=start.isoformat(), doc_no=doc("休"))
            registry.resume(session, number, date=date(cohort + 1, 9, 1).isoformat(), doc_no=doc("復"))
        for number in picks[6:8]:  # suspended and never came back: overdue if the period has ended
            until = date(cohort + 1, 8, 31)
            registry.suspend(session, number, reason=local("家庭原因休學"), until=until.isoformat(),
                             date=start.isoformat(), doc_no=doc("休"))
            if until >= today:
                _SUSPENDED_NOW.add(number)
        for number in picks[8:10]:
            registry.withdraw(session, number, reason=local("本人申請退學"), date=date(cohort + 1, 4, 1).isoformat(),
                              doc_no=doc("退"))
        registry.transfer_out(session, picks[10], to_school=local("華南理工示範大學"), reason=local("家庭遷居"),
                              date=date(cohort + 1, 7, 1).isoformat(), doc_no=doc("轉"))
        if cohort == latest - 2:
            registry.cancel(session, picks[11], cause="missing", reason=local("經學院報告、教務處核實下落不明"),
                            date=date(cohort + 1, 5, 20).isoformat(), doc_no=doc("注"))
    current = cohorts[latest]
    for number in current[-3:]:  # this term's suspensions, still running
        registry.suspend(session, number, reason=local("因病休學"), until=date(latest + 1, 8, 31).isoformat(),
                         date=min(today, date(latest, 11, 1)).isoformat(), doc_no=doc("休"))
        _SUSPENDED_NOW.add(number)
    oldest = cohorts[latest - 4]
    grad = date(latest, 6, 30).isoformat()
    active = [n for n in oldest if session.store.reader().get(n).status.value == "active"]
    registry.graduate(session, active[:4], outcome="completed", date=grad, doc_no=doc("結"))
    registry.graduate(session, active[4:6], outcome="incomplete", date=grad, doc_no=doc("肄"))
    registry.graduate_cohort(session, year=str(latest - 4), date=grad, doc_no=doc("畢"))
    for k in range(5):
        registry.enroll(session, _person(rng, latest - 1, local), college="03", major="01", klass="01", year=str(latest),
                        date=date(latest, 9, 5).isoformat(), doc_no=doc("轉"), from_school=local("東海示範學院"))
