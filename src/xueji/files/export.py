"""Writing tables to files: CSV (optionally with a BOM for Excel), XLSX and JSON.

Every file is written through ``files.safe`` (an exclusive temporary name, owner-only, then put in place; an
existing target refused unless forced). CSV and XLSX cells that a spreadsheet would run as a formula are
neutralised, here and on standard output alike. CSV meant for Excel (``excel=True``) also writes every all-digit
cell that Excel would turn into a number (a student, ID or exam number; a code with a leading zero) as ="…", which
Excel and LibreOffice show as text with all its digits.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from pathlib import Path

from xueji.domain.errors import N_, InvalidData

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMATS = (".csv", ".xlsx", ".json")
# A digit string this long is a number to keep, not an amount: Excel's General format shows 12 digits as 2.02501E+11
# and keeps 15 digits of any number (an 18-digit ID number loses its last three).
LONG_DIGITS = 11
_DIGITS = re.compile(r"[0-9]+")  # ASCII digits only: str.isdigit() would also take ² or ١


def neutralise(value):
    """A cell that starts like a formula gets a leading apostrophe, so Excel shows it instead of running it."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def excel_text(value, text: bool = False):
    """A CSV cell for Excel: an all-digit string in a text column (``text``), or of 11 digits or more anywhere, as the
    formula ="…", so Excel and LibreOffice keep it as text with every digit (and its leading zeros).

    Applied after ``neutralise`` and to pure ASCII digit strings only: nothing a person typed is ever turned into a
    formula (a digit string holds no quote, no operator, no function)."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        digits = str(value)
        return f'="{digits}"' if len(digits) >= LONG_DIGITS else value
    if isinstance(value, str) and _DIGITS.fullmatch(value) and (text or len(value) >= LONG_DIGITS):
        return f'="{value}"'
    return value


def check_target(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise InvalidData.one("file", str(path), N_("{path}: write .csv, .xlsx or .json."), path=str(path))
    if not path.parent.is_dir():
        raise InvalidData.one("file", str(path), N_("The folder {path} does not exist."), path=str(path.parent))
    return suffix


def display_width(value) -> int:
    """Columns a value takes in a spreadsheet: a Chinese character is about two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(value if value is not None else ""))


def _cell(value):
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return value


def encode(suffix: str, keys: list[str], headers: list[str], records: list[dict], *, excel: bool = False,
           text_columns: Iterable[str] = (), sheet_title: str = "xueji") -> bytes:
    """The bytes of a .json, .csv or .xlsx file of ``records`` (dicts with ``keys``) under ``headers``."""
    if suffix == ".json":
        return (json.dumps(records, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    if suffix == ".csv":
        buffer = io.StringIO(newline="")
        write_csv(buffer, keys, records, headers=headers, lineterminator="\r\n" if excel else "\n", excel=excel,
                  text_columns=text_columns)
        return buffer.getvalue().encode("utf-8-sig" if excel else "utf-8")
    return _xlsx(keys, headers, records, set(text_columns), sheet_title)


def write_csv(stream, keys, records: Iterable[dict], *, headers=None, lineterminator: str = "\n", excel: bool = False,
              text_columns: Iterable[str] = ()) -> None:
    """CSV rows, every cell formula-safe (files and standard output alike). For Excel, digit strings as ="…"
    (``excel_text``: the text columns' and any of 11 digits or more); otherwise plain, as scripts read them."""
    writer = csv.writer(stream, lineterminator=lineterminator)
    writer.writerow(headers if headers is not None else keys)
    if not excel:
        for record in records:
            writer.writerow([neutralise(_cell(record.get(k))) for k in keys])
        return
    columns = set(text_columns)
    text = [k in columns for k in keys]
    for record in records:
        writer.writerow([excel_text(neutralise(_cell(record.get(k))), t) for k, t in zip(keys, text)])


def prepare(path: Path, keys: list[str], headers: list[str], records: Iterable[dict], *, excel: bool = False,
            text_columns: Iterable[str] = (), sheet_title: str = "xueji", force: bool = False):
    """Write the file under a temporary name; ``publish()`` on the result puts it in place."""
    from xueji.files import safe

    suffix = check_target(path)
    safe.check_new(path, force)
    records = list(records)
    return safe.prepare(path, encode(suffix, keys, headers, records, excel=excel, text_columns=text_columns,
                                     sheet_title=sheet_title), force)


def write(path: Path, keys: list[str], headers: list[str], records: Iterable[dict], *, excel: bool = False,
          text_columns: Iterable[str] = (), sheet_title: str = "xueji", force: bool = False) -> int:
    """Write records (dicts with ``keys``) under ``headers``; returns how many rows were written."""
    records = list(records)
    prepare(path, keys, headers, records, excel=excel, text_columns=text_columns, sheet_title=sheet_title,
            force=force).publish()
    return len(records)


def append_rows(sheet, rows, first: int, text_indexes) -> None:
    """Rows below the header, formula-safe; the given columns as text cells, so 18-digit numbers survive Excel.

    Rows are counted here: openpyxl's sheet.max_row rescans every cell, which made long sheets quadratic."""
    from openpyxl.cell.cell import TYPE_STRING

    for number, row in enumerate(rows, start=first):
        sheet.append([neutralise(v) for v in row])
        for index in text_indexes:
            cell = sheet.cell(row=number, column=index + 1)
            if cell.value is not None:
                cell.value = str(cell.value)
                cell.data_type = TYPE_STRING
                cell.number_format = "@"


def _xlsx(keys, headers, records, text_columns: set[str], title: str) -> bytes:
    from openpyxl import Workbook  # only when a workbook is written
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    text_indexes = [i for i, k in enumerate(keys) if k in text_columns]
    append_rows(sheet, ([_cell(record.get(k)) for k in keys] for record in records), 2, text_indexes)
    for i, key in enumerate(keys):
        width = max([display_width(headers[i])] + [display_width(r.get(key)) for r in records[:200]]) + 2
        sheet.column_dimensions[sheet.cell(row=1, column=i + 1).column_letter].width = min(max(width, 6), 60)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
