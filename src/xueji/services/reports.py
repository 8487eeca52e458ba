"""Statistics and reports (§四.3 statistics and analysis, §十.4 the year's evaluation): counts, the annual workbook's
figures and class lists. Counts carry codes; names and labels are the renderer's business."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from xueji.domain import validate as v
from xueji.domain.access import Action
from xueji.domain.errors import N_, InvalidData
from xueji.domain.model import Student
from xueji.domain.status import Status
from xueji.domain.suspension import overdue
from xueji.services import Session
from xueji.services.disclosure import disclose, publish
from xueji.services.queries import _status
from xueji.store.repository import StudentFilter

DIMENSIONS = ("college", "major", "class", "status", "gender", "year")


def _dimensions(by: str | None) -> list[str]:
    names = [d.strip() for d in (by or "college,status").split(",") if d.strip()]
    unknown = [d for d in names if d not in DIMENSIONS]
    if unknown or not names or len(set(names)) != len(names):
        raise InvalidData.one("by", by, N_("--by takes dimensions from {choices}, each once, separated by commas."),
                              choices=",".join(DIMENSIONS))
    return names


def stats(session: Session, *, by: str | None = None, year: str | None = None, college: str | None = None,
          statuses: list[str] | None = None) -> tuple[list[str], list[tuple]]:
    """Counts of students in scope grouped by the dimensions (leaf groups only), sorted by the dimensions."""
    session.require(Action.READ)
    check = v.Collector()
    dims = check(lambda: _dimensions(by))
    f = StudentFilter(scope=session.scope)
    if year is not None:
        f.year = check(lambda: v.year(year, session.today))
    if college is not None:
        codes = session.codes_table
        f.college = check(lambda: codes.college(college).code if codes else v.two_digit_code(college, "college"))
    f.statuses = [check(lambda s=s: _status(s)) for s in statuses or []]
    check.done()
    with session.store.snapshot() as repo:
        return dims, repo.counts(f, dims)


@dataclass
class Annual:
    year: int
    school: str
    enrollments: list[tuple] = field(default_factory=list)      # (college, major, count)
    changes: list[tuple] = field(default_factory=list)          # (kind, jyt_code, college, count)
    headcount: list[tuple] = field(default_factory=list)        # (status, count) at the year's end
    outcomes: list[tuple] = field(default_factory=list)         # (college, kind, count)
    overdue: list[tuple[Student, int]] = field(default_factory=list)


def annual(session: Session, year: str | None, school: str = "", prepare=None) -> Annual:
    """The year's figures; the overdue students in it are a logged look. With ``prepare`` (a function that lays the
    report out as a file not yet visible), the file is put in place once the look is logged."""
    session.require(Action.READ)
    y = v.year(year, session.today)

    def work(repo) -> Annual:
        end = date(y, 12, 31)
        report = Annual(y, school)
        report.enrollments = repo.enrollments_in(y, session.scope)
        report.changes = repo.changes_in(y, session.scope)
        report.headcount = repo.headcount_at(end, session.scope)
        report.outcomes = [row for row in report.changes if row[0] in ("graduate", "complete", "incomplete")]
        day = min(end, session.today)
        suspended, _ = repo.query(StudentFilter(statuses=[Status.SUSPENDED.value], scope=session.scope), 0)
        late = overdue(suspended, day)
        shown = disclose(session, repo, [s for s, _ in late], {"year": y})
        report.overdue = [(view, days) for view, (_, days) in zip(shown, late)]
        return report

    return publish(session, work, prepare or _nothing)


def class_list(session: Session, *, year: str | None, college: str | None, major: str | None,
               klass: str | None, prepare=None) -> tuple[tuple, list[Student]]:
    """The students currently placed in one class (花名冊), by number: a logged look."""
    session.require(Action.READ)
    check = v.Collector()
    y = check(lambda: v.year(year, session.today))
    found = check(lambda: session.codes.college(college))
    m = check(lambda: session.codes.major(found, major)) if found else None
    k = check(lambda: v.class_code(klass))
    check.done()

    def work(repo):
        students, _ = repo.query(StudentFilter(year=y, college=found.code, major=m.code, klass=k, scope=session.scope), 0)
        shown = disclose(session, repo, sorted(students, key=lambda s: s.student_no),
                         {"year": y, "college": found.code, "major": m.code, "class": k})
        return (y, found, m, k), shown

    return publish(session, work, prepare or _nothing)


class _Nothing:
    path = None

    def publish(self) -> None:
        pass

    def discard(self) -> None:
        pass


def _nothing(_result) -> _Nothing:
    return _Nothing()
