"""Papers: the annual report and the class list."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from xueji.cli import render
from xueji.cli.app import app, report_app
from xueji.cli.options import Force, Purpose, Reveal
from xueji.cli.steps import _state, _reading, _paper_target
from xueji.domain.errors import N_


@report_app.command("annual")
def report_annual(
    ctx: typer.Context,
    year: Annotated[str, typer.Option("--year", help="The year reported on.", show_default=False)],
    out: Annotated[Path, typer.Option("--out", help="The report to write: .xlsx or .pdf.", show_default=False)],
    force: Force = False,
) -> None:
    """Write the year's report: enrollments, status changes, headcount, graduates, overdue suspensions, with totals
    and charts; A4 landscape, as a workbook or a PDF.

    Example: xueji report annual --year 2025 --out 2025年度學籍報告.xlsx
    """
    from xueji.services import reports

    state = _state(ctx)
    session = state.session()
    _paper_target(out)
    from xueji.files import safe

    safe.check_new(out, force)
    _reading(ctx, False, None)
    reports.annual(session, year, state.config().school,
                   prepare=lambda report: render.annual_report(report, out, session.codes_table, session.operator,
                                                               session.today, force))
    render.note(N_("Wrote the annual report for {year} to {path}."), year=year, path=str(out))


@app.command()
def roster(
    ctx: typer.Context,
    year: Annotated[str, typer.Option("--year", help="Cohort year.", show_default=False)],
    college: Annotated[str, typer.Option("--college", help="College code or name.", show_default=False)],
    major: Annotated[str, typer.Option("--major", help="Major code or name.", show_default=False)],
    klass: Annotated[str, typer.Option("--class", help="Class.", show_default=False)],
    out: Annotated[Path, typer.Option("--out", help="The class list to write: .xlsx or .pdf.", show_default=False)],
    sign: Annotated[bool, typer.Option("--sign", help="A column to sign in (a sign-in sheet).")] = False,
    reveal: Reveal = False, purpose: Purpose = None,
    force: Force = False,
) -> None:
    """Write the printable class list (花名冊): A4, title and header on every page, page X of Y, numbers as text.

    Example: xueji roster --year 2025 --college 01 --major 01 --class 01 --out 2025級漢語言文學1班.pdf
    """
    from xueji.services import reports

    state = _state(ctx)
    session = state.session()
    _paper_target(out)
    from xueji.files import safe

    safe.check_new(out, force)
    _reading(ctx, reveal, purpose)
    _, students = reports.class_list(
        session, year=year, college=college, major=major, klass=klass,
        prepare=lambda found: render.class_list(*found, out, state.config().school, session.operator, session.today,
                                                sign=sign, force=force))
    render.note(N_("Wrote the class list ({count} students) to {path}."), count=len(students), path=str(out))
