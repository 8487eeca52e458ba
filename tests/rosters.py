"""Rosters made by the tests themselves: CSV in the encodings Excel writes, and XLSX."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import make_id

CHINESE = {"name": "姓名", "gender": "性別", "birth_date": "出生日期", "id_number": "身份證號", "college": "學院",
           "major": "專業", "class": "班級", "exam_no": "考生號", "student_no": "學號", "status": "狀態",
           "suspended_until": "休學截止日期", "year": "入學年份"}
SIMPLIFIED = {"name": "姓名", "gender": "性别", "birth_date": "出生日期", "id_number": "身份证号", "college": "学院",
              "major": "专业", "class": "班级", "exam_no": "考生号"}


def people(count: int, *, start: int = 0, college: str = "01", major: str = "01", klass: str | None = "1",
           names: list[str] | None = None) -> list[dict]:
    rows = []
    for i in range(start, start + count):
        male = i % 2 == 0
        birth = f"2006-{1 + i % 12:02d}-{1 + i % 28:02d}"
        row = {
            "name": (names[i - start] if names else f"學生{'甲乙丙丁戊己庚辛壬癸'[i % 10]}{'子丑寅卯辰巳午未申酉戌亥'[i // 10 % 12]}"),
            "gender": "男" if male else "女",
            "birth_date": birth,
            "id_number": make_id(birth, male, seq=i // 24),
            "college": college,
            "major": major,
        }
        if klass is not None:
            row["class"] = klass
        rows.append(row)
    return rows


def write_csv(path: Path, rows: list[dict], *, encoding: str = "utf-8", headers: dict | None = None) -> Path:
    keys = list(rows[0].keys())
    lines = [",".join((headers or {}).get(k, k) for k in keys)]
    lines += [",".join(str(r.get(k, "")) for k in keys) for r in rows]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def write_xlsx(path: Path, rows: list[dict], *, headers: dict | None = None, numeric_ids: bool = False,
               sheet: str = "Sheet1") -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    ws = workbook.active
    ws.title = sheet
    keys = list(rows[0].keys())
    ws.append([(headers or {}).get(k, k) for k in keys])
    for r in rows:
        values = []
        for k in keys:
            value = r.get(k, "")
            if numeric_ids and k == "id_number" and value[:17].isdigit():
                value = float(value[:17] + "0")  # what Excel keeps of an 18-digit number
            values.append(value)
        ws.append(values)
    workbook.save(path)
    return path


# --- rosters as a mainland admissions office exports them ------------------------------------------------------

ADMISSIONS_HEADER = ["序号", "考生号", "姓名", "性别", "出生日期", "身份证号", "民族", "政治面貌", "生源地", "录取院系",
                     "录取专业", "科类", "总分", "班级", "备注"]
TITLE = "2025年普通本科招生录取名单（第一批）"
_DATE_FORMS = (lambda d: f"{d.year}/{d.month}/{d.day}", lambda d: d.strftime("%Y%m%d"),
               lambda d: f"{d.year}年{d.month}月{d.day}日")
_WRAPS = (lambda i: "'" + i, lambda i: f'="{i}"', lambda i: i)


def admissions(count: int, *, start: int = 0, college: str = "文学院", major: str = "汉语言文学") -> list[list]:
    """Rows as the admissions office writes them: Simplified names, dates in three forms, IDs kept as text two ways,
    a blank class column and columns the registry does not keep."""
    from datetime import date

    rows = []
    for i in range(start, start + count):
        male = i % 2 == 0
        born = date(2007, 1 + i % 12, 1 + i % 28)
        number = make_id(born.isoformat(), male, area="440106", seq=i // 24)
        rows.append([
            str(i + 1), f"25440106{i:06d}", f"陈{'浩兰明月华'[i % 5]}{'一二三四五六七八九十'[i // 5 % 10]}",
            "男" if male else "女", _DATE_FORMS[i % 3](born), _WRAPS[i % 3](number), ("汉族", "回族", "壮")[i % 3],
            ("共青团员", "群众", "中共预备党员")[i % 3], ("广东省", "440106", "广西")[i % 3], college, major,
            "物理类", str(600 - i % 50), "", "",
        ])
    return rows


def write_admissions_csv(path: Path, rows: list[list], *, encoding: str = "gbk", title: bool = True) -> Path:
    import csv
    import io

    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    if title:
        writer.writerow([TITLE] + [""] * (len(ADMISSIONS_HEADER) - 1))
    writer.writerow(ADMISSIONS_HEADER)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_admissions_xlsx(path: Path, rows: list[list]) -> Path:
    """With a merged title row, real date cells for one date form and Excel serial numbers for another."""
    from datetime import date, datetime

    from openpyxl import Workbook

    workbook = Workbook()
    ws = workbook.active
    ws.append([TITLE])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(ADMISSIONS_HEADER))
    ws.append(ADMISSIONS_HEADER)
    for i, row in enumerate(rows):
        row = list(row)
        text = row[4]
        if "/" in text:
            y, m, d = (int(x) for x in text.split("/"))
            row[4] = datetime(y, m, d)  # a date cell
        elif text.isdigit():
            row[4] = (date(int(text[:4]), int(text[4:6]), int(text[6:])) - date(1899, 12, 30)).days  # a serial
        # In a workbook an ID is kept as text by the cell's type (Excel's ' prefix is a style, not part of the value).
        row[5] = row[5].removeprefix("'").removeprefix('="').removesuffix('"')
        ws.append(row)
        ws.cell(row=ws.max_row, column=6).quotePrefix = True
    workbook.save(path)
    return path
