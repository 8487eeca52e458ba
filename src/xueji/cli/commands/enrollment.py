"""Registrations that begin: enroll (one student or a roster), transfer in, import of numbered records."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from xueji.cli import render
from xueji.cli.app import app, transfer_app
from xueji.cli.options import (
    Format, Date, DocNo, Name, Gender, Birth, IdNumber, College, Major, Klass, Year, IdType, ExamNo, Ethnicity,
    Political, Region, MapOption, HeaderRow, _header_row,
)
from xueji.cli.steps import _batch_views, _perform, _shown, _state
from xueji.domain.errors import N_
from xueji.i18n import listed


def _enroll(ctx, fmt, from_school=None, **fields) -> None:
    from xueji.domain.model import PersonInput

    person = PersonInput(*(fields.pop(f) for f in ("name", "gender", "birth_date", "id_number", "id_type", "exam_no",
                                                     "ethnicity", "political", "region")))
    student = _perform(ctx, "enroll", person, needs_codes=True, from_school=from_school, **fields)
    if render.submitted(student, fmt):
        return
    if fmt == "table":
        print(student.student_no)
    else:
        render.data(_shown(ctx, [student]), fmt, many=False)


def _optional(option: str, help: str):
    return Annotated[Optional[str], typer.Option(option, help=help + " Required without --file.", show_default=False)]


@app.command()
def enroll(
    ctx: typer.Context,
    name: _optional("--name", "Name (姓名).") = None,
    gender: _optional("--gender", "Gender (性別): 男/女, M/F or 1/2.") = None,
    birth_date: _optional("--birth-date", "Birth date (出生日期) YYYY-MM-DD.") = None,
    id_number: _optional("--id-number", "ID number (身份證件號).") = None,
    college: _optional("--college", "College code or name (學院).") = None,
    major: _optional("--major", "Major code or name (專業).") = None,
    klass: _optional("--class", "Class 01–99 (班級).") = None,
    year: Year = None, id_type: IdType = "1", exam_no: ExamNo = None, date: Date = None, doc_no: DocNo = None,
    ethnicity: Ethnicity = None, political: Political = None, region: Region = None,
    file: Annotated[Optional[Path], typer.Option("--file", help="Enroll a roster (.csv or .xlsx) in one transaction.", show_default=False)] = None,
    sheet: Annotated[Optional[str], typer.Option("--sheet", help="Worksheet of an .xlsx roster (default: the first).")] = None,
    encoding: Annotated[Optional[str], typer.Option("--encoding", help="Encoding of a CSV roster (default: detected).")] = None,
    mapping: MapOption = None, header_row: HeaderRow = None,
    order: Annotated[Optional[str], typer.Option("--order", help="Seat order: input, pinyin or exam-no (default: the config's).")] = None,
    class_size: Annotated[Optional[str], typer.Option("--class-size", help="Form classes of at most N when the roster has no class column.")] = None,
    skip_existing: Annotated[bool, typer.Option("--skip-existing", help="Skip people already enrolled in the same year, college and major.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show the numbers that would be given; write nothing.")] = False,
    errors_out: Annotated[Optional[Path], typer.Option("--errors-out", help="Write every problem to this .csv or .xlsx.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing --errors-out file.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary (for cron).")] = False,
    fmt: Format = "table",
) -> None:
    """Enroll a student, or a whole roster with --file, and issue numbers (學籍建立). Prints the number(s).

    Example: xueji enroll --name 李華 --gender 女 --birth-date 2005-06-01 --id-number 11010520050601002X --college 01 --major 01 --class 01 --year 2025

    Example: xueji enroll --file 2025新生.xlsx --year 2025 --order pinyin --skip-existing
    """
    if file is not None:
        _enroll_file(ctx, file, year=year, sheet=sheet, encoding=encoding, order=order, class_size=class_size,
                     skip_existing=skip_existing, dry_run=dry_run, errors_out=errors_out, quiet=quiet, fmt=fmt,
                     date=date, doc_no=doc_no, force=force, mapping=mapping, header_row=header_row)
        return
    fields = {"--name": name, "--gender": gender, "--birth-date": birth_date, "--id-number": id_number,
              "--college": college, "--major": major, "--class": klass}
    missing = [flag for flag, value in fields.items() if value is None]
    if missing:
        from xueji.cli.edge import wrong

        raise wrong(N_("Missing {options} (or give a roster with --file)."), options=listed(missing))
    _enroll(ctx, fmt, name=name, gender=gender, birth_date=birth_date, id_number=id_number, college=college,
            major=major, klass=klass, year=year, id_type=id_type, exam_no=exam_no, date=date, doc_no=doc_no,
            ethnicity=ethnicity, political=political, region=region)


def _enroll_file(ctx, file: Path, *, errors_out: Optional[Path], quiet: bool, fmt: str, **options) -> None:
    from xueji.files import roster as rosters
    from xueji.services import batch

    state = _state(ctx)
    session = state.session()
    if options["order"] is None:
        options["order"] = state.config().seat_order
    force = options.pop("force")
    if errors_out is not None:
        render.check_errors_out(errors_out, file, force)
    roster = rosters.read(file, sheet=options.pop("sheet"), encoding=options.pop("encoding"),
                          header_row=_header_row(options.pop("header_row")),
                          mapping=rosters.parse_mapping(options.pop("mapping")))
    try:
        with render.progress(quiet) as tick:
            result = _perform(ctx, "enroll_roster", session=session, roster=roster, progress=tick, **options)
    except batch.RosterInvalid as error:
        render.roster_problems(error, fmt, errors_out, force)
        ctx.exit(error.exit_code)
    if render.submitted(result, fmt):
        return
    render.roster_result(result, _batch_views(ctx, result.enrolled, result.dry_run, fmt, quiet), fmt, quiet,
                         session.codes_table)


@transfer_app.command("in")
def transfer_in(
    ctx: typer.Context,
    from_school: Annotated[str, typer.Option("--from-school", help="School the student comes from.", show_default=False)],
    name: Name, gender: Gender, birth_date: Birth, id_number: IdNumber, college: College, major: Major,
    klass: Klass, year: Year = None, id_type: IdType = "1", exam_no: ExamNo = None, date: Date = None,
    doc_no: DocNo = None, ethnicity: Ethnicity = None, political: Political = None, region: Region = None,
    fmt: Format = "table",
) -> None:
    """Register a transfer-in student under a new number (轉入). Prints the number.

    Example: xueji transfer in --from-school 某某大學 --name 王五 --gender 男 --birth-date 2004-01-01 --id-number 440524200401010012 --college 02 --major 02 --class 01
    """
    _enroll(ctx, fmt, from_school=from_school, name=name, gender=gender, birth_date=birth_date,
            id_number=id_number, college=college, major=major, klass=klass, year=year, id_type=id_type,
            exam_no=exam_no, date=date, doc_no=doc_no, ethnicity=ethnicity, political=political, region=region)


@app.command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Option("--file", help="Records with their numbers (.csv or .xlsx).", show_default=False)],
    sheet: Annotated[Optional[str], typer.Option("--sheet", help="Worksheet of an .xlsx file (default: the first).")] = None,
    encoding: Annotated[Optional[str], typer.Option("--encoding", help="Encoding of a CSV file (default: detected).")] = None,
    mapping: MapOption = None, header_row: HeaderRow = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check everything; write nothing.")] = False,
    errors_out: Annotated[Optional[Path], typer.Option("--errors-out", help="Write every problem to this .csv or .xlsx.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing --errors-out file.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary (for cron).")] = False,
    fmt: Format = "table",
) -> None:
    """Import existing records that already have numbers (既有學籍導入); checked, never renumbered, all or none.

    Example: xueji import --file 舊系統學籍.xlsx --dry-run --errors-out 問題.xlsx
    """
    from xueji.files import roster as rosters
    from xueji.services import batch

    session = _state(ctx).session()
    if errors_out is not None:
        render.check_errors_out(errors_out, file, force)
    roster = rosters.read(file, sheet=sheet, encoding=encoding, header_row=_header_row(header_row),
                          mapping=rosters.parse_mapping(mapping))
    try:
        with render.progress(quiet) as tick:
            result = batch.import_records(session, roster, dry_run=dry_run, progress=tick)
    except batch.RosterInvalid as error:
        render.roster_problems(error, fmt, errors_out, force)
        ctx.exit(error.exit_code)
    render.import_result(result, _batch_views(ctx, result.imported, result.dry_run, fmt, quiet or fmt == "table"),
                         fmt, quiet)
