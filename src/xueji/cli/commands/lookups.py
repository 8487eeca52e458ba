"""Looking things up: query, show, due, export, stats."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from xueji.cli import render
from xueji.cli.app import app
from xueji.cli.options import (
    Format, Number, FilterName, FilterId, FilterYear, FilterCollege, FilterMajor, FilterClass, FilterStatus,
    Force, Reveal, Purpose,
)
from xueji.cli.steps import _state, _reading

Grant = Annotated[Optional[str], typer.Option("--grant", help="A department's grant to read under (needed when it holds several).")]
from xueji.domain.errors import N_


@app.command()
def query(
    ctx: typer.Context,
    number: Annotated[Optional[str], typer.Argument(metavar="[STUDENT_NO]", help="A student number.", show_default=False)] = None,
    name: FilterName = None, id_number: FilterId = None, year: FilterYear = None, college: FilterCollege = None,
    major: FilterMajor = None, klass: FilterClass = None, status: FilterStatus = None,
    limit: Annotated[str, typer.Option("--limit", help="At most N students, 0 for all.")] = "100",
    reveal: Reveal = False, purpose: Purpose = None, grant: Grant = None, fmt: Format = "table",
) -> None:
    """Find students (查詢), newest first.

    Example: xueji query --college 01 --status suspended -f csv
    """
    from xueji.services import queries

    session = _reading(ctx, reveal, purpose)
    found, total = queries.query(session, student_no=number, name=name, id_number=id_number, year=year,
                                 college=college, major=major, klass=klass, statuses=status, limit=limit, grant=grant)
    if session.look.fields is not None:  # a department: the fields its grant opens, no others
        render.granted_students(found, total, fmt, session.look.fields, session.codes_table)
    else:
        render.students(found, total, fmt, session.codes_table)


@app.command()
def show(
    ctx: typer.Context, number: Number, reveal: Reveal = False, purpose: Purpose = None,
    requester: Annotated[Optional[str], typer.Option("--requester", help="A student's or guardian's own request: \"NAME (本人|監護人)\".")] = None,
    proof: Annotated[Optional[str], typer.Option("--proof", help="The identity document the requester showed.")] = None,
    fmt: Format = "table",
) -> None:
    """Show a student's record and whole history (學籍檔案).

    Example: xueji show 202301010105 -f json
    """
    from xueji.services import queries

    session = _reading(ctx, reveal, purpose, requester, proof)
    student, events = queries.show(session, number)
    render.student_view(student, events, fmt, session.codes_table)


@app.command()
def due(
    ctx: typer.Context,
    on: Annotated[Optional[str], typer.Option("--on", help="The day to judge by, YYYY-MM-DD (default: today).")] = None,
    reveal: Reveal = False, purpose: Purpose = None, fmt: Format = "table",
) -> None:
    """List suspensions that ran out without a resumption (休學期滿), with days overdue — the nightly report.

    Example: xueji due --on 2026-09-01 -f csv
    """
    from xueji.services import registry

    session = _reading(ctx, reveal, purpose)
    render.overdue(registry.overdue(session, on), fmt, session.codes_table)


@app.command()
def export(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", help="File to write: .csv, .xlsx or .json.", show_default=False)],
    name: FilterName = None, id_number: FilterId = None, year: FilterYear = None, college: FilterCollege = None,
    major: FilterMajor = None, klass: FilterClass = None, status: FilterStatus = None,
    excel: Annotated[bool, typer.Option("--excel", help="CSV for Excel: UTF-8 with a BOM, so Excel shows Chinese correctly, and long numbers written so that Excel keeps every digit.")] = False,
    codes: Annotated[bool, typer.Option("--codes", help="CSV and XLSX with codes only, in the columns of JSON (the machine form): no names or labels beside them.")] = False,
    reveal: Reveal = False, purpose: Purpose = None, grant: Grant = None, force: Force = False,
) -> None:
    """Export students to a file (導出): CSV, XLSX (numbers kept as text) or JSON.

    CSV and XLSX show names and labels in the language, each code in its own column beside them (--codes: codes only).

    Example: xueji export --out 2025級.xlsx --year 2025
    """
    from xueji.services import queries

    session = _reading(ctx, reveal, purpose)
    prepare = render.export_file(out, excel=excel, force=force, machine=codes, codes=session.codes_table)
    prepare = render.granted_export(session, out, excel=excel, force=force, otherwise=prepare)
    path, count = queries.export(session, prepare, grant=grant, name=name, id_number=id_number, year=year, college=college,
                                 major=major, klass=klass, statuses=status)
    render.note(N_("Wrote {count} students to {path}."), count=count, path=str(path))


@app.command()
def stats(
    ctx: typer.Context,
    year: Annotated[Optional[str], typer.Option("--year", help="Cohort year.")] = None,
    college: Annotated[Optional[str], typer.Option("--college", help="College code or name.")] = None,
    status: FilterStatus = None,
    by: Annotated[str, typer.Option("--by", help="Dimensions: college,major,class,status,gender,year.")] = "college,status",
    fmt: Format = "table",
) -> None:
    """Count students by the chosen dimensions, with subtotals, a total and bars (統計).

    Example: xueji stats --year 2025 --by college,gender
    """
    from xueji.services import reports

    session = _state(ctx).session(needs_codes=False)
    dims, rows = reports.stats(session, by=by, year=year, college=college, statuses=status)
    render.stats(dims, rows, fmt, session.codes_table)
