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
