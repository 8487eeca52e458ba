"""The options and arguments commands share, declared once (type, help text, checks, completion)."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from xueji.cli.state import State
from xueji.domain.errors import N_


def _format(value: str) -> str:
    from xueji.cli.edge import bad

    if value not in ("table", "json", "csv"):
        raise bad(N_("{value!r} is not one of table, json, csv."), value=value)
    return value


Format = Annotated[str, typer.Option("--format", "-f", help="Output: table, json or csv.", callback=_format)]
Date = Annotated[Optional[str], typer.Option("--date", help="Effective date YYYY-MM-DD (default: today).")]
DocNo = Annotated[Optional[str], typer.Option("--doc-no", help="Approval document number (批准文號).")]
Reason = Annotated[Optional[str], typer.Option("--reason", help="Reason (原因).")]
Number = Annotated[str, typer.Argument(metavar="STUDENT_NO", help="12-digit student number (學號).", show_default=False)]
# Person and placement options, shared by `enroll` and `transfer in`. Values are plain text checked by the domain.
Name = Annotated[str, typer.Option("--name", help="Name (姓名).", show_default=False)]
Gender = Annotated[str, typer.Option("--gender", help="Gender (性別): 男/女, M/F or 1/2.", show_default=False)]
Birth = Annotated[str, typer.Option("--birth-date", help="Birth date (出生日期) YYYY-MM-DD.", show_default=False)]
IdNumber = Annotated[str, typer.Option("--id-number", help="ID number (身份證件號).", show_default=False)]
College = Annotated[str, typer.Option("--college", help="College code or name (學院).", show_default=False)]
Major = Annotated[str, typer.Option("--major", help="Major code or name (專業).", show_default=False)]
Klass = Annotated[str, typer.Option("--class", help="Class 01–99 (班級).", show_default=False)]
Year = Annotated[Optional[str], typer.Option("--year", help="Enrollment year (default: this year).")]
IdType = Annotated[str, typer.Option("--id-type", help="ID document type: 1 resident card, 6, 7, 8, 9, A passport, Z.")]
ExamNo = Annotated[Optional[str], typer.Option("--exam-no", help="Exam number (考生號), 14 digits.")]
Ethnicity = Annotated[Optional[str], typer.Option("--ethnicity", help="Ethnicity (民族): GB/T 3304 code or name, e.g. 01 or 漢族.")]
Political = Annotated[Optional[str], typer.Option("--political", help="Political status (政治面貌): GB/T 4762 code or name, e.g. 13 or 群眾.")]
Region = Annotated[Optional[str], typer.Option("--region", help="Place of origin (生源地): province name or code, or county code.")]

def _complete_status(incomplete: str):
    from xueji.domain.status import Status

    return [s.value for s in Status if s.value.startswith(incomplete)]


def _complete_college(ctx: typer.Context, incomplete: str):
    return [(code, name) for code, name in _codes(ctx) if code.startswith(incomplete)]


def _complete_major(ctx: typer.Context, incomplete: str):
    college = (ctx.params.get("college") or "").strip()
    try:
        table = _completion_config(ctx).codes
        found = table.college(college) if college else None
    except Exception:  # no configuration yet: nothing to offer
        return []
    majors = found.majors.values() if found else [m for c in table.colleges.values() for m in c.majors.values()]
    return sorted({(m.code, m.name) for m in majors if m.code.startswith(incomplete)})


def _codes(ctx) -> list[tuple[str, str]]:
    try:
        table = _completion_config(ctx).codes
    except Exception:  # no configuration here: nothing to offer
        return []
    return sorted((c.code, c.name) for c in table.colleges.values())


def _completion_config(ctx):
    """The configuration while completing: the root callback has not run, so from --config or the environment."""
    state = ctx.find_root().obj
    if not isinstance(state, State):
        state = State(ctx.find_root().params.get("config"), None, None, None)
    return state.config()


# Filters shared by `query` and `export` (current placement).
FilterName = Annotated[Optional[str], typer.Option("--name", help="Part of the name.")]
FilterId = Annotated[Optional[str], typer.Option("--id-number", help="ID number.")]
FilterYear = Annotated[Optional[str], typer.Option("--year", help="Cohort year.")]
FilterCollege = Annotated[Optional[str], typer.Option("--college", help="College code or name.",
                                                     autocompletion=_complete_college)]
FilterMajor = Annotated[Optional[str], typer.Option("--major", help="Major code or name.",
                                                   autocompletion=_complete_major)]
FilterClass = Annotated[Optional[str], typer.Option("--class", help="Class.")]
FilterStatus = Annotated[Optional[list[str]], typer.Option("--status", help="Status (repeatable): active, suspended, …",
                                                           autocompletion=_complete_status)]


Force = Annotated[bool, typer.Option("--force", help="Replace the file if it exists.")]
MapOption = Annotated[Optional[list[str]], typer.Option("--map", help="HEADER=FIELD: read a column under another name (repeatable), e.g. --map '录取类别=id_type'.")]
HeaderRow = Annotated[Optional[str], typer.Option("--header-row", help="The row holding the column names (default: found among the first 10).")]


def _header_row(value: Optional[str]) -> Optional[int]:
    if value is None:
        return None
    text = value.strip()
    if not text.isdigit() or not text.isascii() or not 1 <= int(text) <= 1000:
        from xueji.domain.errors import InvalidData

        raise InvalidData.one("header_row", value, N_("The header row is a row number from 1 to 1000."))
    return int(text)
Reveal = Annotated[bool, typer.Option("--reveal", help="Show full ID numbers and birth dates (office only; needs --purpose).")]
Purpose = Annotated[Optional[str], typer.Option("--purpose", help="Why personal data is revealed; goes to the access log.")]
