"""Exports (issue 14): labels in the operator's language with the codes beside them, --codes for the machine form,
JSON always machine form, and CSV for Excel whose long numbers keep every digit (="…") in Excel and LibreOffice."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess

import pytest

from tests.conftest import make_id
from tests.rosters import people, write_csv
from xueji.cli.views.core import STUDENT_KEYS
from xueji.i18n import translator

A, B = "202501010101", "202502020101"
EXAM = "25110101000123"
BOM = b"\xef\xbb\xbf"


def digits_only_id(birth: str, male: bool) -> str:
    """An ID number of 18 digits (no check character X): the one Excel would cut to 15 digits."""
    return next(n for seq in range(50) if (n := make_id(birth, male, seq=seq)).isdigit())


ID_A = digits_only_id("2005-03-01", True)
ID_B = digits_only_id("2006-07-08", False)

# Today's columns, the machine form (--codes): the headers of the export before issue 14.
MACHINE_HEADERS = [
    "Student number", "Name", "Gender", "Birth date", "ID document type", "ID number", "Exam number",
    "Enrollment year", "College", "Major", "Class", "Seat", "Status", "Since", "Suspended until", "Current cohort",
    "Current college", "Current major", "Current class", "Ethnicity", "Political status", "Place of origin",
]
LABELLED = ["Gender", "ID document type", "College", "Major", "Status", "Current college", "Current major",
            "Ethnicity", "Political status", "Place of origin"]


def labelled_headers(lang: str) -> list[str]:
    """The labelled form's headers: each labelled column followed by its code's column, in the language."""
    t = translator(lang)
    headers = []
    for header in MACHINE_HEADERS:
        headers.append(t(header))
        if header in LABELLED:
            headers.append(t("{label} code").format(label=t(header)))
    return headers


# What student A and B show in each language; the code columns are the same in every language.
LABELS = {
    "en": {A: {"Gender": "Male", "ID document type": "Resident identity card", "College": "文學院",
               "Major": "漢語言文學", "Status": "Active", "Ethnicity": "维吾尔族", "Political status": "群众",
               "Place of origin": "新疆维吾尔自治区"},
           B: {"Gender": "Female", "College": "理學院", "Major": "數學與應用數學", "Status": "Suspended"}},
    "zh-Hant": {A: {"Gender": "男", "ID document type": "居民身份證", "College": "文學院", "Major": "漢語言文學",
                    "Status": "在學", "Ethnicity": "維吾爾族", "Political status": "群眾",
                    "Place of origin": "新疆維吾爾自治區"},
                B: {"Gender": "女", "College": "理學院", "Major": "數學與應用數學", "Status": "休學"}},
    "zh-Hans": {A: {"Gender": "男", "ID document type": "居民身份证", "College": "文学院", "Major": "汉语言文学",
                    "Status": "在读", "Ethnicity": "维吾尔族", "Political status": "群众",
                    "Place of origin": "新疆维吾尔自治区"},
                B: {"Gender": "女", "College": "理学院", "Major": "数学与应用数学", "Status": "休学"}},
}
CODES = {
    A: {"Gender": "1", "ID document type": "1", "College": "01", "Major": "01", "Status": "active",
        "Current college": "01", "Current major": "01", "Ethnicity": "05", "Political status": "13",
        "Place of origin": "650000"},
    B: {"Gender": "2", "ID document type": "1", "College": "02", "Major": "02", "Status": "suspended",
        "Current college": "02", "Current major": "02", "Ethnicity": None, "Political status": None,
        "Place of origin": None},
}


@pytest.fixture
def students(xj, workdir, db):
    """Two students: A active in 01/01 with ethnicity, political status, origin and an exam number; B suspended."""
    result = xj("enroll", "--name", "張三", "--gender", "男", "--birth-date", "2005-03-01", "--id-number", ID_A,
                "--college", "01", "--major", "01", "--class", "01", "--year", "2025", "--date", "2025-09-01",
                "--exam-no", EXAM, "--ethnicity", "05", "--political", "13", "--region", "650000")
    assert result.exit_code == 0, result.output
    result = xj("enroll", "--name", "李華", "--gender", "女", "--birth-date", "2006-07-08", "--id-number", ID_B,
                "--college", "02", "--major", "02", "--class", "01", "--year", "2025", "--date", "2025-09-01")
    assert result.exit_code == 0, result.output
    result = xj("suspend", B, "--reason", "因病", "--until", "2026-08-31", "--date", "2025-10-01")
    assert result.exit_code == 0, result.output
    assert db.rows("SELECT student_no, status FROM students ORDER BY student_no") == [(A, "active"), (B, "suspended")]
    return workdir


def export(xj, path, *args, lang="en"):
    """`xueji export` as the office with --reveal: exit 0 and the confirmation in the language."""
    result = xj("export", "--out", str(path), "--reveal", "--purpose", "x", *args, lang=lang)
    assert result.exit_code == 0, result.output
    assert translator(lang)("Wrote {count} students to {path}.").format(count=2, path=path) in result.stderr
    return result


def by_number(header: list, rows: list) -> dict:
    """Rows as {student number: {header: value}}, whatever the form of the student number cell."""
    out = {}
    for row in rows:
        record = dict(zip(header, row))
        number = str(row[0]).removeprefix('="').removesuffix('"')
        out[number] = record
    return out


def sheet_rows(path, **kw):
    from openpyxl import load_workbook

    book = load_workbook(path, **kw)
    return book, book.active, [[c.value for c in row] for row in book.active.iter_rows()]


def read_csv(path, encoding="utf-8"):
    with open(path, encoding=encoding, newline="") as handle:
        return list(csv.reader(handle))


def logged_exports(db) -> list[tuple]:
    return db.rows("SELECT command, shown, revealed, purpose FROM access_log WHERE command = 'export' ORDER BY id")


# --- XLSX and CSV in the operator's language ------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["en", "zh-Hant", "zh-Hans"])
def test_an_xlsx_export_shows_labels_and_names_in_the_language_with_each_code_beside_its_label(
        xj, students, db, lang):
    path = students / f"students-{lang}.xlsx"
    export(xj, path, lang=lang)
    book, sheet, rows = sheet_rows(path)
    t = translator(lang)
    assert book.sheetnames == [t("Student records")]
    header = rows[0]
    assert header == labelled_headers(lang)
    assert header[:3] == {"en": ["Student number", "Name", "Gender"], "zh-Hant": ["學號", "姓名", "性別"],
                          "zh-Hans": ["学号", "姓名", "性别"]}[lang]
    found = by_number(header, rows[1:])
    assert sorted(found) == [A, B]
    for number in (A, B):
        record = found[number]
        for english, label in LABELS[lang][number].items():
            assert record[t(english)] == label, (number, english)
        for english, code in CODES[number].items():
            column = t("{label} code").format(label=t(english))
            assert header.index(column) == header.index(t(english)) + 1  # the code right beside its label
            assert record[column] == code, (number, english)
        assert record[t("Current college")] == LABELS[lang][number]["College"]
        assert record[t("Current major")] == LABELS[lang][number]["Major"]
    assert (found[A][t("ID number")], found[A][t("Exam number")], found[A][t("Birth date")]) == (ID_A, EXAM,
                                                                                               "2005-03-01")
    assert found[A][t("Name")] == "張三" and found[B][t("Name")] == "李華"
    # numbers and codes are text cells: 18 digits, leading zeros and all
    text = [t("Student number"), t("ID number"), t("Exam number"), t("Class"), t("Current class")] + [
        t("{label} code").format(label=t(h)) for h in ("College", "Major", "Ethnicity", "Place of origin")]
    for row in sheet.iter_rows(min_row=2):
        for column in text:
            cell = row[header.index(column)]
            if cell.value is not None:
                assert cell.data_type == "s" and cell.number_format == "@", column
    assert sheet.freeze_panes == "A2"
    assert logged_exports(db) == [("export", 2, 1, "x")]


def test_csv_follows_the_same_rule_as_xlsx_labels_with_codes_beside_them(xj, students, db):
    export(xj, students / "s.xlsx", lang="zh-Hant")
    export(xj, students / "s.csv", lang="zh-Hant")
    _, _, rows = sheet_rows(students / "s.xlsx")
    written = read_csv(students / "s.csv")
    assert not (students / "s.csv").read_bytes().startswith(BOM)
    assert written[0] == rows[0] == labelled_headers("zh-Hant")
    as_text = {no: {h: "" if v is None else str(v) for h, v in record.items()}
               for no, record in by_number(rows[0], rows[1:]).items()}
    assert by_number(written[0], written[1:]) == as_text
    assert by_number(written[0], written[1:])[B]["學籍狀態"] == "休學"
    assert logged_exports(db) == [("export", 2, 1, "x")] * 2


# --- the machine form: --codes, and JSON always ------------------------------------------------------------------

def test_codes_gives_exactly_the_machine_columns_of_json_in_csv_and_xlsx(xj, students, db):
    export(xj, students / "m.json")
    export(xj, students / "m.json.xlsx", "--codes")
    export(xj, students / "m.csv", "--codes")
    records = {r["student_no"]: r for r in json.loads((students / "m.json").read_text(encoding="utf-8"))}
    keys = list(STUDENT_KEYS)  # the columns of CSV on standard output and of --codes, in this order
    assert set(records[A]) == set(keys) and len(keys) == len(MACHINE_HEADERS)
    assert (records[A]["college"], records[A]["status"], records[A]["gender"], records[A]["ethnicity"]) == (
        "01", "active", "1", "05")
    assert records[B]["status"] == "suspended"

    machine = {no: [r[k] for k in keys] for no, r in records.items()}
    book, sheet, rows = sheet_rows(students / "m.json.xlsx")
    assert rows[0] == MACHINE_HEADERS
    assert {row[0]: row for row in rows[1:]} == machine
    written = read_csv(students / "m.csv")
    assert written[0] == MACHINE_HEADERS
    assert {row[0]: row for row in written[1:]} == {
        no: ["" if v is None else str(v) for v in values] for no, values in machine.items()}
    # the same codes as `query -f csv` gives scripts
    query = xj("query", "--limit", "0", "--reveal", "--purpose", "x", "-f", "csv")
    assert query.exit_code == 0
    queried = list(csv.reader(io.StringIO(query.stdout)))
    assert queried[0] == keys
    assert sorted(queried[1:]) == sorted(written[1:])
    assert logged_exports(db) == [("export", 2, 1, "x")] * 3


@pytest.mark.parametrize("lang", ["zh-Hant", "zh-Hans"])
def test_json_stays_the_machine_form_in_every_language_with_or_without_codes(xj, students, lang):
    export(xj, students / "a.json", lang=lang)
    export(xj, students / "b.json", "--codes", lang=lang)
    first = json.loads((students / "a.json").read_text(encoding="utf-8"))
    assert first == json.loads((students / "b.json").read_text(encoding="utf-8"))
    assert list(first[0])[:3] == ["student_no", "name", "gender"]
    assert {(r["student_no"], r["college"], r["major"], r["status"]) for r in first} == {
        (A, "01", "01", "active"), (B, "02", "02", "suspended")}


def test_codes_in_chinese_keeps_the_headers_in_the_language_and_the_values_as_codes(xj, students):
    export(xj, students / "c.xlsx", "--codes", lang="zh-Hans")
    book, _, rows = sheet_rows(students / "c.xlsx")
    assert book.sheetnames == [translator("zh-Hans")("Student records")]
    assert rows[0][:3] == ["学号", "姓名", "性别"] and len(rows[0]) == len(MACHINE_HEADERS)
    record = by_number(rows[0], rows[1:])[A]
    assert (record["学籍状态"], record["学院"], record["性别"], record["民族"]) == ("active", "01", "1", "05")


# --- CSV for Excel: the BOM and every digit ----------------------------------------------------------------------

def test_excel_csv_has_a_bom_and_writes_long_numbers_and_codes_as_text_formulas(xj, students, db):
    path = students / "excel.csv"
    export(xj, path, "--excel")
    raw = path.read_bytes()
    assert raw.startswith(BOM) and b"\r\n" in raw
    written = read_csv(path, encoding="utf-8-sig")
    assert written[0] == labelled_headers("en")
    found = by_number(written[0], written[1:])
    a, b = found[A], found[B]
    assert a["Student number"] == f'="{A}"' and b["Student number"] == f'="{B}"'
    assert a["ID number"] == f'="{ID_A}"' and b["ID number"] == f'="{ID_B}"'
    assert a["Exam number"] == f'="{EXAM}"' and b["Exam number"] == ""
    assert a["College code"] == '="01"' and b["Major code"] == '="02"' and a["Class"] == '="01"'
    assert a["Place of origin code"] == '="650000"'
    # text stays text, numbers that Excel keeps whole stay numbers
    assert (a["Name"], a["College"], a["Status"], a["Status code"]) == ("張三", "文學院", "Active", "active")
    assert (a["Enrollment year"], a["Seat"], a["Birth date"]) == ("2025", "1", "2005-03-01")
    # the same with --codes
    export(xj, students / "excel-codes.csv", "--excel", "--codes")
    codes = read_csv(students / "excel-codes.csv", encoding="utf-8-sig")
    assert codes[0] == MACHINE_HEADERS
    assert by_number(codes[0], codes[1:])[A]["ID number"] == f'="{ID_A}"'
    assert by_number(codes[0], codes[1:])[A]["College"] == '="01"'
    assert logged_exports(db) == [("export", 2, 1, "x")] * 2


def test_plain_csv_keeps_plain_digits_for_scripts(xj, students):
    export(xj, students / "plain.csv")
    raw = (students / "plain.csv").read_bytes()
    assert not raw.startswith(BOM) and '="'.encode() not in raw
    written = read_csv(students / "plain.csv")
    a = by_number(written[0], written[1:])[A]
    assert (a["Student number"], a["ID number"], a["Exam number"], a["College code"]) == (A, ID_A, EXAM, "01")
    out = xj("due", "--on", "2026-12-01", "-f", "csv").stdout  # CSV on standard output: plain as well
    assert f"\n{B}," in out and '="' not in out


def test_a_hostile_name_cannot_be_enrolled_and_one_stored_from_before_is_neutralised_not_wrapped(xj, students, db):
    hostile = '=HYPERLINK("http://example.invalid","x")'
    before = db.snapshot()
    refused = xj("enroll", "--name", hostile, "--gender", "男", "--birth-date", "2005-03-01", "--id-number",
                 make_id(seq=40), "--college", "01", "--major", "01", "--class", "01", "--year", "2025")
    assert refused.exit_code == 3 and "'=' is none of these" in refused.stderr
    assert db.snapshot() == before
    # a record written before names were checked (or edited outside xueji)
    db.execute(("UPDATE students SET name = ? WHERE student_no = ?", (hostile, A)))
    export(xj, students / "h.csv", "--excel")
    written = read_csv(students / "h.csv", encoding="utf-8-sig")
    a = by_number(written[0], written[1:])[A]
    assert a["Name"] == "'" + hostile and a["Student number"] == f'="{A}"'
    assert not any(cell.startswith("=") and not cell.startswith('="') for row in written for cell in row)


# --- the problems file of a refused roster -------------------------------------------------------------------

def test_the_problems_file_keeps_every_digit_and_neutralises_what_the_roster_held(xj, workdir, db):
    rows = people(3)
    for i, row in enumerate(rows):
        row["exam_no"] = f"2511010100{i:04d}"
    good = rows[0]["id_number"]
    bad_id = good[:17] + next(d for d in "0123456789" if d != good[17])  # 18 digits, a wrong check character
    rows[0]["id_number"] = bad_id
    rows[1]["name"] = "=1+2"
    path = write_csv(workdir / "roster.csv", rows)
    before = db.state()
    result = xj("enroll", "--file", str(path), "--year", "2025", "--errors-out", str(workdir / "problems.csv"))
    assert result.exit_code == 3
    assert "All problems are in" in result.stderr and "problems.csv" in result.stderr
    assert db.state() == before and db.value("SELECT count(*) FROM students") == 0
    raw = (workdir / "problems.csv").read_bytes()
    assert raw.startswith(BOM)
    written = read_csv(workdir / "problems.csv", encoding="utf-8-sig")
    assert written[0] == ["Row", "Name", "Exam number", "Column", "Value", "Problem"]
    problems = {row[0]: dict(zip(written[0], row)) for row in written[1:]}
    assert problems["2"]["Value"] == f'="{bad_id}"' and problems["2"]["Exam number"] == '="25110101000000"'
    assert problems["3"]["Name"] == "'=1+2" and problems["3"]["Value"] == "'=1+2"
    assert problems["3"]["Exam number"] == '="25110101000001"'


def test_the_problems_file_of_an_import_keeps_numbers_as_text(xj, workdir, db):
    rows = [{"student_no": "2022010101", **people(1)[0], "class": "01", "year": "2022", "status": "active"}]
    before = db.state()
    result = xj("import", "--file", str(write_csv(workdir / "old.csv", rows)), "--errors-out",
                str(workdir / "p.csv"))
    assert result.exit_code == 3 and "p.csv" in result.stderr
    assert db.state() == before
    written = read_csv(workdir / "p.csv", encoding="utf-8-sig")
    [problem] = [dict(zip(written[0], row)) for row in written[1:]]
    assert problem["Value"] == '="2022010101"'  # ten digits: text, so a spreadsheet shows what the roster held


# --- LibreOffice, where it is installed ---------------------------------------------------------------------

@pytest.mark.slow  # LibreOffice starts in a process of its own
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed; "
                    "the cell rule is tested above regardless")
def test_libreoffice_opens_the_excel_csv_with_every_digit(xj, students, tmp_path):
    path = students / "lo.csv"
    export(xj, path, "--excel")
    out = tmp_path / "converted"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
                    "--infilter=CSV:44,34,76,1", "--convert-to", "xlsx", "--outdir", str(out), str(path)],
                   check=True, capture_output=True, timeout=180)
    _, _, rows = sheet_rows(out / "lo.xlsx", data_only=True)
    assert rows[0] == labelled_headers("en")
    found = by_number(rows[0], rows[1:])
    assert (found[A]["Student number"], found[A]["ID number"], found[A]["Exam number"]) == (A, ID_A, EXAM)
    assert (found[B]["ID number"], found[A]["College code"], found[A]["Name"]) == (ID_B, "01", "張三")
