"""Reading rosters: CSV saved by Excel (UTF-8, UTF-8 with BOM, GB18030/GBK) and XLSX, with English or Chinese headers.

A roster becomes a list of rows of plain text keyed by field name, each with its spreadsheet row number
(the header is row 1) and the header text the file used, so problems can be reported where the clerk will look.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from xueji.domain.errors import N_, InvalidData

# Field → the headers that mean it (compared after trimming, lower-casing and dropping spaces and marks).
HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("name", "姓名"),
    "gender": ("gender", "sex", "性別", "性别"),
    "birth_date": ("birth_date", "birthdate", "出生日期"),
    "id_number": ("id_number", "idnumber", "身份證號", "身份证号", "身份證件號", "身份证件号", "身份證號碼", "身份证号码"),
    "id_type": ("id_type", "證件類型", "证件类型", "身份證件類型", "身份证件类型"),
    "college": ("college", "學院", "学院", "院系"),
    "major": ("major", "專業", "专业"),
    "class": ("class", "班級", "班级"),
    "exam_no": ("exam_no", "examno", "考生號", "考生号"),
    "year": ("year", "enroll_year", "入學年份", "入学年份", "年級", "年级"),
    "student_no": ("student_no", "學號", "学号"),
    "status": ("status", "狀態", "状态", "學籍狀態", "学籍状态"),
    "status_since": ("status_since", "狀態日期", "状态日期"),
    "enroll_date": ("enroll_date", "入學日期", "入学日期"),
    "suspended_until": ("suspended_until", "休學截止", "休学截止", "休學截止日期", "休学截止日期"),
}
_LOOKUP = {alias.lower(): name for name, aliases in HEADERS.items() for alias in aliases}


@dataclass(slots=True)
class Row:
    number: int  # spreadsheet row (the header is row 1)
    values: dict[str, str]

    def get(self, name: str) -> str | None:
        return self.values.get(name)


@dataclass
class Roster:
    path: Path
    columns: dict[str, str]  # field → header as written in the file
    rows: list[Row] = field(default_factory=list)

    def column(self, name: str) -> str:
        return self.columns.get(name, name)


def _normalise(header: object) -> str:
    text = str(header or "").replace("\ufeff", "").strip().lower()
    return re.sub(r"[\s*＊:：()（）]", "", text)


def _bad_file(path: Path, message: str, **params) -> InvalidData:
    return InvalidData.one("file", str(path), message, path=str(path), **params)


def _columns(header: list, path: Path) -> tuple[dict[str, str], list[str | None]]:
    columns: dict[str, str] = {}
    order: list[str | None] = []
    for cell in header:
        name = _LOOKUP.get(_normalise(cell))
        if name and name in columns:
            raise _bad_file(path, N_("Two columns of {path} mean the same field: {first} and {second}."),
                            first=columns[name], second=str(cell).strip())
        if name:
            columns[name] = str(cell).strip()
        order.append(name)
    if not columns:
        raise _bad_file(path, N_("{path} has no column xueji knows (姓名, 性別, 出生日期, 身份證號, 學院, 專業, 班級…)."))
    return columns, order


def _text(value: object, field_name: str | None) -> str:
    if type(value) is str:  # every CSV cell: the common case first
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):
        if field_name == "id_number":
            # Excel keeps 15 significant digits: an 18-digit number stored as a number has lost some.
            return f"{float(value):.5E}"
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)
    return str(value).strip()


def _decode(data: bytes, encoding: str | None, path: Path) -> str:
    if encoding:
        try:
            return data.decode(encoding)
        except LookupError:
            raise _bad_file(path, N_("Unknown encoding {encoding}."), encoding=encoding) from None
        except UnicodeDecodeError:
            raise _bad_file(path, N_("{path} is not in the encoding {encoding}."), encoding=encoding) from None
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise _bad_file(path, N_("Cannot tell the encoding of {path}; give it with --encoding (utf-8, gb18030…).")) from None


def _read_csv(path: Path, encoding: str | None):
    """The header and an iterator over the records: rows are built one at a time, not held twice."""
    try:
        text = _decode(path.read_bytes(), encoding, path)
    except UnicodeDecodeError:
        raise _bad_file(path, N_("{path} is not in the encoding {encoding}."), encoding="utf-8") from None
    if "\x00" in text:
        raise _bad_file(path, N_("{path} is not a CSV text file."))
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader, None)
    except csv.Error as error:
        raise _bad_file(path, N_("{path} is not a readable CSV file: {detail}."), detail=str(error)) from None
    if not header:
        raise _bad_file(path, N_("{path} is empty."))

    def records():
        try:
            yield from reader
        except csv.Error as error:
            raise _bad_file(path, N_("{path} is not a readable CSV file: {detail}."), detail=str(error)) from None

    return header, records(), None


def _read_xlsx(path: Path, sheet: str | None):
    import zipfile

    from openpyxl import load_workbook  # only when a workbook is read

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as error:
        raise _bad_file(path, N_("{path} is not a readable XLSX workbook: {detail}."), detail=type(error).__name__) from None
    try:
        if sheet is not None:
            if sheet not in workbook.sheetnames:
                raise _bad_file(path, N_("{path} has no sheet {sheet}; it has {sheets}."), sheet=sheet,
                                sheets=", ".join(workbook.sheetnames))
            worksheet = workbook[sheet]
        else:
            worksheet = workbook.worksheets[0]
        rows = worksheet.iter_rows(values_only=True)
        header = list(next(rows, None) or [])
        if not header:
            raise _bad_file(path, N_("{path} is empty."))
    except BaseException:
        workbook.close()
        raise
    return header, rows, workbook


def read(path: Path, *, sheet: str | None = None, encoding: str | None = None) -> Roster:
    """Read a roster file; refuses unreadable files, unknown formats and header-less sheets (exit 3)."""
    path = Path(path)
    if not path.is_file():
        raise _bad_file(path, N_("There is no file {path}."))
    suffix = path.suffix.lower()
    if suffix == ".csv" or suffix == ".txt":
        header, records, workbook = _read_csv(path, encoding)
    elif suffix in (".xlsx", ".xlsm"):
        header, records, workbook = _read_xlsx(path, sheet)
    else:
        raise _bad_file(path, N_("{path}: xueji reads .csv and .xlsx rosters (save .xls files as .xlsx)."))
    try:
        columns, order = _columns(header, path)
        roster = Roster(path, columns)
        wanted = [(i, name) for i, name in enumerate(order) if name]
        for index, record in enumerate(records, start=2):
            width = len(record)
            values = {name: _text(record[i] if i < width else None, name) for i, name in wanted}
            if any(values.values()):
                roster.rows.append(Row(index, values))
    finally:
        if workbook is not None:
            workbook.close()
    return roster
