"""Reading rosters: CSV saved by Excel (UTF-8, UTF-8 with BOM, GB18030/GBK) and XLSX, with English or Chinese headers.

A roster becomes a list of rows of plain text keyed by field name, each with its spreadsheet row number
(the header is row 1) and the header text the file used, so problems can be reported where the clerk will look.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from sys import intern
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from xueji._gc import paused
from xueji.domain.errors import N_, InvalidData
from xueji.i18n import listed

# Field → the headers that mean it, as admissions and registrar systems write them. Headers are compared after
# NFKC (full-width forms), lower-casing, dropping spaces and marks, and folding Traditional characters to Simplified
# (``_FOLD``), so each alias is written once, in Simplified or English.
HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("name", "姓名", "学生姓名", "考生姓名", "xm"),
    "gender": ("gender", "sex", "性别", "xb"),
    "birth_date": ("birth_date", "birthdate", "birthday", "dob", "出生日期", "出生年月", "出生年月日", "生日", "csrq"),
    "id_number": ("id_number", "idnumber", "id_no", "idno", "身份证号", "身份证号码", "身份证件号", "身份证件号码",
                  "证件号码", "证件号", "公民身份号码", "sfzh"),
    "id_type": ("id_type", "证件类型", "身份证件类型", "证件型别", "身份证件型别"),
    "college": ("college", "学院", "院系", "录取院系", "院系名称", "学院名称", "录取学院"),
    "major": ("major", "专业", "录取专业", "专业名称"),
    "class": ("class", "班级", "行政班", "班号", "行政班级"),
    "exam_no": ("exam_no", "examno", "考生号", "考生编号", "ksh"),
    "year": ("year", "enroll_year", "入学年份", "年级"),
    "student_no": ("student_no", "学号"),
    "status": ("status", "状态", "学籍状态"),
    "status_since": ("status_since", "状态日期"),
    "enroll_date": ("enroll_date", "入学日期"),
    "suspended_until": ("suspended_until", "休学截止", "休学截止日期"),
    "ethnicity": ("ethnicity", "nation", "民族", "mz"),
    "political": ("political", "political_status", "政治面貌", "zzmm"),
    "region": ("region", "origin", "source_region", "生源地", "生源地区", "生源省份", "生源所在地"),
}
FIELDS = tuple(HEADERS)
REPEATED = frozenset({"gender", "college", "major", "class", "id_type", "year", "status", "ethnicity", "political",
                      "region"})
DATE_FIELDS = ("birth_date", "enroll_date", "status_since", "suspended_until")
IDENTIFIER_FIELDS = ("id_number", "exam_no", "student_no")
# The Traditional characters of the aliases above, folded to Simplified for comparison.
_FOLD = str.maketrans("學號碼證類別專業級錄稱編態狀區備註務處國際齡貌屬戶籍顯示錄", "学号码证类别专业级录称编态状区备注务处国际龄貌属户籍显示录")
_MARKS = re.compile(r"[\s*:()\[\]【】<>《》\-_/\\.]")
_NOTE = re.compile(r"[(\[【<《].*?[)\]】>》]")  # a note after a header: 身份证号（必填）, 出生日期(yyyy-mm-dd)
HEADER_SCAN = 10  # rows looked at for the header, below title rows


def normalise_header(header: object) -> str:
    text = unicodedata.normalize("NFKC", str(header or "")).replace("\ufeff", "").strip().lower()
    return _MARKS.sub("", text).translate(_FOLD)


_LOOKUP = {normalise_header(alias): name for name, aliases in HEADERS.items() for alias in aliases}


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
    ignored: list[str] = field(default_factory=list)  # headers of columns the registry does not keep
    header_row: int = 1

    def column(self, name: str) -> str:
        return self.columns.get(name, name)


def _bad_file(path: Path, message: str, **params) -> InvalidData:
    return InvalidData.one("file", str(path), message, path=str(path), **params)


def parse_mapping(items: list[str] | None) -> dict[str, str]:
    """--map 'HEADER=field' (repeatable): a header the built-in names do not cover."""
    mapping: dict[str, str] = {}
    for item in items or []:
        header, sep, name = (item or "").partition("=")
        name = name.strip()
        if not sep or not header.strip() or name not in FIELDS:
            raise InvalidData.one("map", item, N_("--map takes HEADER=FIELD, with FIELD one of {fields}."),
                                  fields=listed(FIELDS))
        mapping[normalise_header(header)] = name
    return mapping


def _known(cell: object, mapping: dict[str, str]) -> str | None:
    key = normalise_header(cell)
    found = mapping.get(key) or _LOOKUP.get(key)
    if found is None and cell is not None:
        bare = normalise_header(_NOTE.sub("", unicodedata.normalize("NFKC", str(cell))))
        found = mapping.get(bare) or _LOOKUP.get(bare)
    return found


def _columns(header: list, path: Path, mapping: dict[str, str]) -> tuple[dict[str, str], list[str | None], list[str]]:
    columns: dict[str, str] = {}
    order: list[str | None] = []
    ignored: list[str] = []
    for cell in header:
        name = _known(cell, mapping)
        if name and name in columns:
            raise _bad_file(path, N_("Two columns of {path} mean the same field: {first} and {second}."),
                            first=columns[name], second=str(cell).strip())
        if name:
            columns[name] = str(cell).strip()
        elif cell is not None and str(cell).strip():
            ignored.append(str(cell).strip())
        order.append(name)
    if not columns:
        raise _bad_file(path, N_("{path} has no column xueji knows (姓名, 性別, 出生日期, 身份證號, 學院, 專業, 班級…)."))
    return columns, order, ignored


def _header_index(rows: list[list], mapping: dict[str, str]) -> int:
    """The header among the first rows: the one naming the most known fields; on a tie the later one (a title block
    of "学院: 文学院" pairs sits above the real header, never below it)."""
    best, best_count = 0, 0
    for index, row in enumerate(rows):
        count = len({_known(cell, mapping) for cell in row} - {None})
        if count >= best_count and count > 0:
            best, best_count = index, count
    return best


def _date_text(text: str) -> str:
    """A date cell's text: five digits are an Excel serial number (a date column saved as numbers)."""
    if len(text) == 5 and text.isdigit():
        return _serial(int(text)) or text
    return text


def _text(value: object, field_name: str | None) -> str:
    if type(value) is str:  # every CSV cell: the common case first
        text = value.strip()
        return _date_text(text) if field_name in DATE_FIELDS else text
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):
        if field_name == "id_number" and isinstance(value, float) and abs(value) >= 1e15:
            # Excel keeps 15 significant digits: an 18-digit number stored as a number has lost some.
            return f"{float(value):.5E}"
        if field_name in DATE_FIELDS and float(value).is_integer():
            return _serial(int(value)) or str(int(value))
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)
    return str(value).strip()


def _serial(number: int) -> str | None:
    """An Excel date serial (days since 1899-12-30) as an ISO date, for plausible dates only (1900–2100)."""
    if not 1 <= number <= 73050:
        return None
    return (date(1899, 12, 30) + timedelta(days=number)).isoformat()


def _decode(data: bytes, encoding: str | None, path: Path) -> str:
    if encoding:
        try:
            return data.decode(encoding)
        except LookupError:
            raise _bad_file(path, N_("Unknown encoding {encoding}."), encoding=repr(encoding)) from None
        except UnicodeDecodeError:
            raise _bad_file(path, N_("{path} is not in the encoding {encoding}."), encoding=repr(encoding)) from None
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode Text": UTF-16 with its byte-order mark
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise _bad_file(path, N_("{path} is not in the encoding {encoding}."), encoding="utf-16") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = None
    if text is None or not _names_a_field(text):
        # Big5 (Taiwan, Hong Kong) often decodes as GB18030 too, into nonsense: take it when only Big5 shows headers.
        try:
            other = data.decode("big5")
        except UnicodeDecodeError:
            other = None
        if other is not None and _names_a_field(other):
            return other
    if text is None:
        raise _bad_file(path, N_("Cannot tell the encoding of {path}; give it with --encoding (utf-8, gb18030…).")) from None
    return text


def _names_a_field(text: str) -> bool:
    """Whether one of the first rows of a CSV text holds a header xueji knows."""
    for line in text.splitlines()[:HEADER_SCAN]:
        if any(_known(cell.strip().strip('"'), {}) for cell in re.split(r"[,\t]", line)):
            return True
    return False


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

    def records():
        try:
            yield from reader
        except csv.Error as error:
            raise _bad_file(path, N_("{path} is not a readable CSV file: {detail}."), detail=str(error)) from None

    return records(), None


# A workbook's sheets and shared strings compress about 5–15 to 1; a few kilobytes that unpack to hundreds of
# megabytes (one enormous cell) would be read into memory whole. Such a part is refused before it is read.
XLSX_PART_LIMIT = 16 * 2**20   # bytes unpacked above which a part must also compress like a real sheet
XLSX_RATIO_LIMIT = 100         # unpacked / packed


def _not_a_bomb(path: Path, damaged) -> None:
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            for part in archive.infolist():
                if part.file_size > XLSX_PART_LIMIT and part.file_size > XLSX_RATIO_LIMIT * max(part.compress_size, 1):
                    raise _bad_file(path, N_("{path} holds a part that unpacks to {size} MB from {packed} KB (a "
                                             "cell far too large for a roster): it is not read."),
                                    size=part.file_size // 2**20, packed=max(part.compress_size // 1024, 1))
    except damaged as error:
        raise _bad_file(path, N_("{path} is not a readable XLSX workbook: {detail}."),
                        detail=type(error).__name__) from None


def _read_xlsx(path: Path, sheet: str | None):
    import zipfile

    import zlib
    from xml.etree.ElementTree import ParseError

    from openpyxl import load_workbook  # only when a workbook is read

    damaged = (ParseError, zipfile.BadZipFile, zlib.error, EOFError, KeyError, ValueError, TypeError)
    _not_a_bomb(path, damaged)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (*damaged, OSError) as error:
        raise _bad_file(path, N_("{path} is not a readable XLSX workbook: {detail}."), detail=type(error).__name__) from None
    try:
        if sheet is not None:
            if sheet not in workbook.sheetnames:
                raise _bad_file(path, N_("{path} has no sheet {sheet}; it has {sheets}."), sheet=sheet,
                                sheets=listed(workbook.sheetnames))
            worksheet = workbook[sheet]
        else:
            worksheet = workbook.worksheets[0]
        rows = worksheet.iter_rows(values_only=True)
    except damaged as error:
        workbook.close()
        raise _bad_file(path, N_("{path} is not a readable XLSX workbook: {detail}."),
                        detail=type(error).__name__) from None
    except BaseException:
        workbook.close()
        raise

    def guarded():  # the sheet is parsed as it is read: a damaged one fails here, named as the file's problem
        try:
            yield from rows
        except damaged as error:
            raise _bad_file(path, N_("{path} is not a readable XLSX workbook: {detail}."),
                            detail=type(error).__name__) from None

    return guarded(), workbook


def read(path: Path, *, sheet: str | None = None, encoding: str | None = None, header_row: int | None = None,
         mapping: dict[str, str] | None = None) -> Roster:
    """Read a roster file; refuses unreadable files, unknown formats and header-less sheets (exit 3).

    The header is the row among the first ten that names the most known fields (title rows above it are skipped),
    or ``header_row`` (1-based). Columns the registry does not keep are listed in ``ignored``."""
    with paused():  # see xueji._gc
        return _read(path, sheet=sheet, encoding=encoding, header_row=header_row, mapping=mapping)


def _read(path, *, sheet, encoding, header_row, mapping) -> Roster:
    path = Path(path)
    if not path.is_file():
        if path.exists():
            raise _bad_file(path, N_("{path} is not a file (a folder, a pipe or a device): give the roster file."))
        raise _bad_file(path, N_("There is no file {path}."))
    mapping = mapping or {}
    suffix = path.suffix.lower()
    if suffix == ".csv" or suffix == ".txt":
        records, workbook = _read_csv(path, encoding)
    elif suffix in (".xlsx", ".xlsm"):
        records, workbook = _read_xlsx(path, sheet)
    else:
        raise _bad_file(path, N_("{path}: xueji reads .csv and .xlsx rosters (save .xls files as .xlsx)."))
    try:
        records = iter(records)
        if header_row is not None and header_row < 1:
            raise InvalidData.one("header_row", str(header_row), N_("The header row is a row number from 1 to 1000."))
        limit = header_row if header_row is not None else HEADER_SCAN
        top = []
        for record in records:
            top.append(list(record))
            if len(top) >= limit:
                break
        if header_row is not None:
            if len(top) < header_row:
                raise _bad_file(path, N_("{path} has no row {row} to read the header from."), row=header_row)
            index = header_row - 1
        else:
            if not any(any(c not in (None, "") for c in row) for row in top):
                raise _bad_file(path, N_("{path} is empty."))
            index = _header_index(top, mapping)
        columns, order, ignored = _columns(top[index], path, mapping)
        roster = Roster(path, columns, ignored=ignored, header_row=index + 1)
        wanted = [(i, name) for i, name in enumerate(order) if name]
        shared = [name for _, name in wanted if name in REPEATED]

        def rest():
            yield from top[index + 1:]
            yield from records

        dates = [name for _, name in wanted if name in DATE_FIELDS]
        reach = max((i for i, _ in wanted), default=-1) + 1
        for number, record in enumerate(rest(), start=index + 2):
            width = len(record)
            if workbook is None and width >= reach:  # a CSV row: every cell is text (what _text does, inline)
                values = {name: record[i].strip() for i, name in wanted}
                for name in dates:
                    values[name] = _date_text(values[name])
            else:
                values = {name: _text(record[i] if i < width else None, name) for i, name in wanted}
            if any(values.values()):
                for name in shared:  # the same few colleges, majors, genders… on every row: one string each
                    values[name] = intern(values[name])
                roster.rows.append(Row(number, values))
    finally:
        if workbook is not None:
            workbook.close()
    return roster
