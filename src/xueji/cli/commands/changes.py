"""Changes of status and corrections: suspend, resume, withdraw, graduate, cancel, transfer out, amend, reinstate."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from xueji.cli import render
from xueji.cli.app import app, transfer_app
from xueji.cli.options import Format, Date, DocNo, Reason, Number, Ethnicity, Political, Region
from xueji.cli.steps import _batch_views, _change, _perform, _shown, _state
from xueji.domain.errors import N_


@transfer_app.command("out")
def transfer_out(
    ctx: typer.Context, number: Number,
    to_school: Annotated[str, typer.Option("--to-school", help="Receiving school.", show_default=False)],
    reason: Reason = None, date: Date = None, doc_no: DocNo = None, fmt: Format = "table",
) -> None:
    """Transfer a student out to another school (轉出); the number is never reused.

    Example: xueji transfer out 202301010105 --to-school 某某大學 --doc-no 教務〔2025〕12號
    """

    _change(ctx, fmt, N_("{student_no} transferred out to {school}."), "transfer_out", number, to_school=to_school,
            reason=reason, date=date, doc_no=doc_no, params={"school": to_school.strip()})


@app.command()
def suspend(
    ctx: typer.Context, number: Number,
    reason: Annotated[str, typer.Option("--reason", help="Reason (原因).", show_default=False)],
    until: Annotated[str, typer.Option("--until", help="Last day of the suspension, YYYY-MM-DD.", show_default=False)],
    date: Date = None, doc_no: DocNo = None, fmt: Format = "table",
) -> None:
    """Suspend a student (休學); the registration and number are kept.

    Example: xueji suspend 202301010105 --reason 因病 --until 2026-08-31
    """

    _change(ctx, fmt, N_("{student_no} suspended until {until}."), "suspend", number, reason=reason, until=until,
            date=date, doc_no=doc_no)


@app.command()
def resume(
    ctx: typer.Context, number: Number, date: Date = None,
    klass: Annotated[Optional[str], typer.Option("--class", help="Resume into another class (01–99).")] = None,
    cohort: Annotated[Optional[str], typer.Option("--cohort", help="Resume into a later cohort (year).")] = None,
    doc_no: DocNo = None, fmt: Format = "table",
) -> None:
    """Resume a suspended student (復學) under the same number.

    Example: xueji resume 202301010105 --class 02 --cohort 2024
    """

    _change(ctx, fmt, N_("{student_no} resumed (class {klass} of {year})."), "resume", number, date=date, klass=klass,
            cohort=cohort, doc_no=doc_no)


@app.command()
def withdraw(
    ctx: typer.Context, number: Number,
    reason: Annotated[str, typer.Option("--reason", help="Reason (原因).", show_default=False)],
    date: Date = None, doc_no: DocNo = None, fmt: Format = "table",
) -> None:
    """Withdraw a student (退學); the number is retired for good.

    Example: xueji withdraw 202301010105 --reason 本人申請 --doc-no 教務〔2025〕3號
    """

    _change(ctx, fmt, N_("{student_no} withdrawn."), "withdraw", number, reason=reason, date=date, doc_no=doc_no)


@app.command()
def graduate(
    ctx: typer.Context,
    numbers: Annotated[Optional[list[str]], typer.Argument(metavar="[STUDENT_NO]...", help="Student numbers (or use --year).", show_default=False)] = None,
    year: Annotated[Optional[str], typer.Option("--year", help="Close the whole cohort of this year (current placement).")] = None,
    college: Annotated[Optional[str], typer.Option("--college", help="With --year: only this college.")] = None,
    major: Annotated[Optional[str], typer.Option("--major", help="With --year and --college: only this major.")] = None,
    klass: Annotated[Optional[str], typer.Option("--class", help="With --year: only this class.")] = None,
    excepted: Annotated[Optional[list[str]], typer.Option("--except", help="With --year: leave this student out (repeatable).")] = None,
    outcome: Annotated[str, typer.Option("--outcome", help="graduated (畢業), completed (結業) or incomplete (肄業).")] = "graduated",
    date: Date = None, doc_no: DocNo = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="With --year: list what would happen; write nothing.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary (for cron).")] = False,
    fmt: Format = "table",
) -> None:
    """Close registrations by graduation, completion or incompletion (畢業/結業/肄業); all or none.

    Example: xueji graduate 202101010101 202101010102 --outcome graduated --date 2025-06-30

    Example: xueji graduate --year 2021 --college 01 --except 202101010105 --date 2025-06-30 --dry-run
    """

    from xueji.cli.edge import wrong

    if numbers and year is not None:
        raise wrong(N_("Give student numbers or --year, not both."))
    if year is None:
        if not numbers:
            raise wrong(N_("Give one or more student numbers, or --year."))
        if college or major or klass or excepted or dry_run:
            raise wrong(N_("--college, --major, --class, --except and --dry-run go with --year."))
        done = _perform(ctx, "graduate", numbers, outcome=outcome, date=date, doc_no=doc_no)
        if render.submitted(done, fmt):
            return
        if fmt == "table":
            render.say(N_("Closed as {status}: {count}."), count=len(done), status=done[0].status.label)
        else:
            render.data(_shown(ctx, done), fmt, many=True)
        return
    result = _perform(ctx, "graduate_cohort", needs_codes=True, year=year, college=college, major=major, klass=klass,
                      excepted=excepted, outcome=outcome, date=date, doc_no=doc_no, dry_run=dry_run)
    if render.submitted(result, fmt):
        return
    session = _state(ctx).session()
    shown = [] if result.dry_run else _batch_views(ctx, result.closed + [s for s, _ in result.skipped], False, fmt,
                                                   quiet)
    render.cohort_result(result, {s.student_no: s for s in shown}, fmt, quiet, session.codes_table)


@app.command()
def cancel(
    ctx: typer.Context, number: Number,
    cause: Annotated[str, typer.Option("--cause", help="deceased (死亡) or missing (失蹤).", show_default=False)],
    reason: Reason = None, date: Date = None, doc_no: DocNo = None, fmt: Format = "table",
) -> None:
    """Cancel a registration for death or a missing student (注銷).

    Example: xueji cancel 202301010105 --cause missing --reason 經核實下落不明
    """

    _change(ctx, fmt, N_("{student_no} cancelled: {status}."), "cancel", number, cause=cause, reason=reason, date=date,
            doc_no=doc_no)


@app.command()
def amend(
    ctx: typer.Context, number: Number,
    reason: Annotated[str, typer.Option("--reason", help="Why the data is corrected.", show_default=False)],
    name: Annotated[Optional[str], typer.Option("--name", help="Corrected name (needs --doc-no).")] = None,
    gender: Annotated[Optional[str], typer.Option("--gender", help="Corrected gender.")] = None,
    birth_date: Annotated[Optional[str], typer.Option("--birth-date", help="Corrected birth date (needs --doc-no).")] = None,
    id_number: Annotated[Optional[str], typer.Option("--id-number", help="Corrected ID number.")] = None,
    id_type: Annotated[Optional[str], typer.Option("--id-type", help="Corrected ID document type.")] = None,
    exam_no: Annotated[Optional[str], typer.Option("--exam-no", help="Corrected exam number.")] = None,
    ethnicity: Ethnicity = None, political: Political = None, region: Region = None,
    doc_no: DocNo = None, fmt: Format = "table",
) -> None:
    """Correct a student's personal data (信息更正); the event keeps before and after, the number never changes.

    Example: xueji amend 202301010105 --name 張三豐 --reason 公安機關更名 --doc-no 更名證明〔2025〕8號
    """

    _change(ctx, fmt, N_("{student_no} corrected."), "amend", number, name=name, gender=gender, birth_date=birth_date,
            id_number=id_number, id_type=id_type, exam_no=exam_no, ethnicity=ethnicity, political=political,
            region=region, reason=reason, doc_no=doc_no)


@app.command()
def reinstate(
    ctx: typer.Context, number: Number,
    reason: Annotated[str, typer.Option("--reason", help="Why the registration is restored.", show_default=False)],
    doc_no: Annotated[str, typer.Option("--doc-no", help="Approval document number (批准文號).", show_default=False)],
    fmt: Format = "table",
) -> None:
    """Restore a registration closed by mistake, or a missing student who returned (恢復學籍, JY/T 17).

    Example: xueji reinstate 202301010105 --reason 誤辦退學 --doc-no 教務〔2025〕40號
    """

    _change(ctx, fmt, N_("{student_no} reinstated: {status}."), "reinstate", number, reason=reason, doc_no=doc_no)


Reason_ = Annotated[str, typer.Option("--reason", help="Reason (原因).", show_default=False)]
Class_ = Annotated[str, typer.Option("--class", help="The class (01–99).", show_default=False)]


@app.command("change-major")
def change_major(
    ctx: typer.Context, number: Number,
    college: Annotated[str, typer.Option("--college", help="College code or name.", show_default=False)],
    major: Annotated[str, typer.Option("--major", help="Major code or name.", show_default=False)],
    klass: Class_, reason: Reason_, date: Date = None, doc_no: DocNo = None, fmt: Format = "table",
) -> None:
    """Change a student's major (轉專業), within the college or to another; the number stays.

    Example: xueji change-major 202501010101 --college 02 --major 01 --class 01 --reason 本人申請 --doc-no 教務〔2026〕5號
    """

    _change(ctx, fmt, N_("{student_no} moved to class {klass} of {year}, major {major} of college {college}."),
            "change_major", number, college=college, major=major, klass=klass, reason=reason, date=date,
            doc_no=doc_no, needs_codes=True)


@app.command("change-class")
def change_class(
    ctx: typer.Context, number: Number, klass: Class_, reason: Reason_, date: Date = None, doc_no: DocNo = None,
    fmt: Format = "table",
) -> None:
    """Move a student to another class of the same cohort and major (轉班); the number stays.

    Example: xueji change-class 202501010101 --class 02 --reason 分班調整
    """

    _change(ctx, fmt, N_("{student_no} moved to class {klass} of {year}, major {major} of college {college}."),
            "change_class", number, klass=klass, reason=reason, date=date, doc_no=doc_no)


@app.command("change-cohort")
def change_cohort(
    ctx: typer.Context, number: Number,
    cohort: Annotated[str, typer.Option("--cohort", help="The later cohort (year).", show_default=False)],
    reason: Reason_,
    klass: Annotated[Optional[str], typer.Option("--class", help="The class in that cohort (default: the same number).")] = None,
    date: Date = None, doc_no: DocNo = None, fmt: Format = "table",
) -> None:
    """Move a student to a later cohort (降級 / 留級), never an earlier one; the number stays.

    Example: xueji change-cohort 202401010101 --cohort 2025 --reason 休學期滿降級
    """

    _change(ctx, fmt, N_("{student_no} moved to class {klass} of {year}, major {major} of college {college}."),
            "change_cohort", number, cohort=cohort, klass=klass, reason=reason, date=date, doc_no=doc_no)
