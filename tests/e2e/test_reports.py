"""Statistics, the annual workbook, class lists, the generated reference and the guides, on the practice school."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from xueji.cli.app import app
from xueji.cli.state import os_login

ROOT = Path(__file__).resolve().parents[2]
XUEJI = str(Path(sys.executable).parent / "xueji")


@pytest.fixture(scope="module")
def school(tmp_path_factory):
    """The practice school of `xueji demo` (about 2 000 students), built once for this module."""
    folder = tmp_path_factory.mktemp("school") / "practice"
    from xueji.services.demo import build

    build(folder, operator="clerk", language="en")
    return folder


@pytest.fixture
def run(school, monkeypatch):
    for name in ("XUEJI_CONFIG", "XUEJI_DB", "XUEJI_LANG", "XUEJI_OPERATOR", "LC_ALL", "LANG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(school)
    runner = CliRunner()

    def invoke(*args, lang="en"):
        return runner.invoke(app, ["--lang", lang, *args], catch_exceptions=False)

    return invoke


GROUPINGS = ["college", "major", "class", "status", "gender", "year", "college,status", "year,college,major",
             "status,gender", "college,major,class,status,gender,year"]
SCOPES = [[], ["--year", "2024"], ["--college", "01"], ["--status", "active", "--status", "suspended"]]


@pytest.mark.parametrize("by", GROUPINGS)
@pytest.mark.parametrize("scope", SCOPES, ids=lambda s: " ".join(s) or "all")
def test_stats_totals_equal_the_students_in_scope_for_every_grouping(run, by, scope):
    result = run("stats", "--by", by, *scope, "-f", "json")
    assert result.exit_code == 0, result.output
    groups = json.loads(result.stdout)
    in_scope = json.loads(run("query", *scope, "--limit", "0", "-f", "json").stdout)
    assert sum(g["count"] for g in groups) == len(in_scope) > 0
    assert all(set(g) == set(by.split(",")) | {"count"} for g in groups)
    keys = [tuple(g[d] for d in by.split(",")) for g in groups]
    assert len(keys) == len(set(keys))


def test_stats_csv_carries_codes_and_only_leaf_groups(run):
    lines = run("stats", "--by", "college,status", "-f", "csv").stdout.splitlines()
    assert lines[0] == "college,status,count"
    assert all(re.fullmatch(r"\d\d,[a-z_]+,\d+", line) for line in lines[1:])


def test_the_stats_table_shows_names_labels_bars_subtotals_and_the_total(run):
    english = run("stats", "--by", "college,status").stdout
    assert "01 文學院" in english and "Active" in english and "█" in english
    assert "Subtotal: 01 文學院" in english and "Total" in english
    chinese = run("stats", "--by", "college,status", lang="zh-Hant").stdout
    assert "在學" in chinese and "小計" in chinese and "合計" in chinese


def test_stats_refuses_an_unknown_dimension(run):
    assert run("stats", "--by", "college,colour").exit_code == 3


def test_the_annual_workbook_has_its_sheets_charts_and_titles(run, school, tmp_path):
    from openpyxl import load_workbook

    year = str(json.loads(run("stats", "--by", "year", "-f", "json").stdout)[-1]["year"])
    path = tmp_path / "annual.xlsx"
    result = run("report", "annual", "--year", year, "--out", str(path), lang="zh-Hant")
    assert result.exit_code == 0, result.output
    book = load_workbook(path)
    assert book.sheetnames == ["新生", "學籍異動", "年末人數", "畢業生", "休學逾期"]
    for name in ("新生", "學籍異動", "年末人數", "畢業生"):
        assert len(book[name]._charts) == 1, name
    assert book["新生"]["A1"].value.startswith(f"示範大學 {year} 年")
    assert [c.value for c in book["年末人數"][3]] == ["學籍狀態", "學生數"]
    rows = list(book["年末人數"].iter_rows(min_row=4))
    headcount = sum(row[1].value for row in rows[:-1])
    assert headcount > 1500 and rows[-1][0].value == "合計" and rows[-1][1].value == headcount  # the total row
    overdue = book["休學逾期"]
    assert overdue.max_row > 4 and all(row[0].data_type == "s" and len(row[0].value) == 12
                                       for row in overdue.iter_rows(min_row=4, max_row=overdue.max_row - 1))
    assert overdue.cell(overdue.max_row, 1).value == "合計" and overdue.cell(overdue.max_row, 2).value == \
        overdue.max_row - 4
    for sheet in book.worksheets:  # every table: A4 landscape, title and header rows on every page, a foot, a total
        assert str(sheet.page_setup.paperSize) == "9" and sheet.page_setup.orientation == "landscape", sheet.title
        assert sheet.print_title_rows == "$1:$3"
        assert sheet.oddFooter.center.text == "第 &P 頁 共 &N 頁" and "製表人" in sheet.oddFooter.right.text
        assert sheet["A2"].value.startswith("報告日期：")
        assert sheet.cell(sheet.max_row, 1).value == "合計", sheet.title
    assert book.properties.creator == "示範大學"
    changes = book["學籍異動"]
    last = [c.value for c in changes[changes.max_row]]
    assert last[-1] == sum(changes.cell(r, len(last)).value for r in range(4, changes.max_row))


def test_the_annual_report_as_a_pdf_has_the_tables_totals_and_page_numbers(run, school, tmp_path):
    year = str(json.loads(run("stats", "--by", "year", "-f", "json").stdout)[-1]["year"])
    path = tmp_path / "annual.pdf"
    result = run("report", "annual", "--year", year, "--out", str(path), lang="zh-Hant")
    assert result.exit_code == 0, result.output
    from pypdf import PdfReader

    reader = PdfReader(path)
    pages = ["".join(page.extract_text().split()) for page in reader.pages]
    text = "".join(pages)
    assert reader.pages[0].mediabox.width > reader.pages[0].mediabox.height  # landscape
    for words in (f"示範大學{year}年度學籍報告", "各學院、專業新生人數", "12月31日各學籍狀態人數", "合計",
                  "報告日期："):
        assert words in text, words
    assert all(f"第{n}頁共{len(pages)}頁" in page for n, page in enumerate(pages, start=1))
    assert reader.metadata.author == "示範大學"


def test_the_class_list_is_printable_with_numbers_as_text(run, tmp_path):
    from openpyxl import load_workbook

    student = json.loads(run("query", "--college", "01", "--major", "01", "--limit", "1", "-f", "json").stdout)[0]
    path = tmp_path / "class.xlsx"
    result = run("roster", "--year", str(student["current_year"]), "--college", "01", "--major", "01", "--class",
                 student["current_class"], "--out", str(path))
    assert result.exit_code == 0
    sheet = load_workbook(path).active
    assert "示範大學" in sheet["A1"].value and "漢語言文學" in sheet["A1"].value
    assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4 == "9"  # A4
    assert sheet.page_setup.orientation == "portrait"
    assert sheet.print_title_rows == "$1:$3"  # the title and the header on every page
    assert [c.value for c in sheet[3]] == ["No.", "Student number", "Name", "Gender", "Birth date", "Ethnicity",
                                          "Status", "Remarks"]
    numbers = [row[1] for row in sheet.iter_rows(min_row=4)]
    assert numbers and all(c.data_type == "s" and c.number_format == "@" for c in numbers)
    assert [row[0].value for row in sheet.iter_rows(min_row=4)] == list(range(1, len(numbers) + 1))
    assert all(len(str(row[4].value)) == 4 for row in sheet.iter_rows(min_row=4))  # birth year only: masked
    assert sheet.oddFooter.center.text == "Page &P of &N"
    assert sheet.oddFooter.left.text.startswith("Printed ") and sheet.oddFooter.right.text == f"Prepared by {os_login()}"
    assert sheet.column_dimensions["C"].width >= 12  # a four-character name keeps its line


def test_reports_are_workbooks(run, tmp_path):
    assert run("report", "annual", "--year", "2024", "--out", str(tmp_path / "a.csv")).exit_code == 3


# --- the generated reference ----------------------------------------------------------------------

def test_docs_cli_md_is_the_reference_generated_from_the_app():
    from xueji.cli.docs import render

    assert (ROOT / "docs" / "cli.md").read_text(encoding="utf-8") == render(), (
        "docs/cli.md is out of date: python -m xueji.cli.docs > docs/cli.md")


# --- the guides run as written --------------------------------------------------------------------

def _steps(markdown: str):
    """Commands of the guide's console blocks, each with the output lines the guide shows for it."""
    steps, block = [], None
    for line in markdown.splitlines():
        if line.startswith("```console"):
            block = []
            continue
        if line.startswith("```") and block is not None:
            block = None
            continue
        if block is None:
            continue
        if line.startswith("$ "):
            steps.append([line[2:], []])
        elif line.strip() and steps:
            steps[-1][1].append(line.rstrip())
    return steps


def _expect(line: str, output: str) -> bool:
    """A shown line must appear; `…` stands for text that differs from run to run."""
    position = 0
    for part in line.strip().split("…"):
        found = output.find(part, position)
        if found < 0:
            return False
        position = found + len(part)
    return True


GUIDES = ["guide.en.md", "guide.zh-Hans.md", "guide.zh-Hant.md"]


@pytest.mark.parametrize("guide", GUIDES)
def test_every_guide_runs_the_office_s_whole_year_and_sets_its_own_language(guide):
    text = (ROOT / "docs" / guide).read_text(encoding="utf-8")
    ran = {" ".join(w for w in shlex.split(c)[1:3] if not w.startswith("-")) for c, _ in _steps(text)}
    commands = {c.split()[0] for c in ran if c} | {c for c in ran if c.startswith(("transfer", "codes"))}
    for needed in ("demo", "enroll", "import", "query", "suspend", "resume", "due", "transfer out", "transfer in",
                   "withdraw", "amend", "reinstate", "cancel", "requests", "approve", "reject", "operators",
                   "graduate", "stats", "report", "roster", "check", "audit", "backup", "restore", "show"):
        assert any(c == needed or c.startswith(needed + " ") for c in commands | ran), (guide, needed)
    language = guide.removeprefix("guide.").removesuffix(".md")
    assert f"$ export XUEJI_LANG={language}" in text
    assert text.count("\n| 7 |") == 1 and "| 70 |" in text  # the exit codes, each with what to do
    assert "| 2 |" in text and "| 6 |" in text
    for month in {"en": ("September", "June", "December"), "zh-Hans": ("9 月", "6 月", "12 月"),
                  "zh-Hant": ("9 月", "6 月", "12 月")}[language]:
        assert month in text, (guide, month)  # the school year as a calendar


@pytest.mark.slow
@pytest.mark.parametrize("guide", GUIDES)
def test_every_command_of_the_guide_runs_and_prints_what_the_guide_shows(guide, tmp_path):
    steps = _steps((ROOT / "docs" / guide).read_text(encoding="utf-8"))
    assert len(steps) > 20
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("XUEJI_", "LC_", "LANG"))}
    cwd = tmp_path
    for command, shown in steps:
        words = shlex.split(command)
        if words[0] == "cd":
            cwd = cwd / words[1]
            continue
        if words[0] == "export":  # the guide sets the language once, as a clerk does in the shell
            name, _, value = words[1].partition("=")
            environment[name] = value
            continue
        assert words[0] == "xueji", command
        result = subprocess.run([XUEJI, *words[1:]], cwd=cwd, env=environment, capture_output=True, text=True,
                                timeout=120)
        output = result.stdout + result.stderr
        refused = any(line.startswith(("Error:", "錯誤：", "错误：")) for line in shown)
        assert (result.returncode != 0) == refused, (command, result.returncode, output)
        for line in shown:
            assert _expect(line, output), (command, line, output)


def _class_of(run) -> list[str]:
    student = json.loads(run("query", "--college", "01", "--major", "01", "--limit", "1", "-f", "json").stdout)[0]
    return ["--year", str(student["current_year"]), "--college", "01", "--major", "01", "--class",
            student["current_class"]]


def test_the_class_list_as_a_pdf_is_a4_with_its_columns_and_page_numbers(run, tmp_path):
    from pypdf import PdfReader

    path = tmp_path / "class.pdf"
    result = run("roster", *_class_of(run), "--out", str(path), "--sign", lang="zh-Hant")
    assert result.exit_code == 0, result.output
    reader = PdfReader(path)
    assert round(float(reader.pages[0].mediabox.width)) == 595 and round(float(reader.pages[0].mediabox.height)) == 842
    text = "".join("".join(page.extract_text().split()) for page in reader.pages)
    for words in ("序號", "學號", "姓名", "性別", "出生日期", "民族", "學籍狀態", "備註", "簽名", "漢語言文學",
                  f"製表人：{os_login()}", f"第1頁共{len(reader.pages)}頁"):
        assert words in text, words
    assert reader.metadata.author == "示範大學"


def test_the_class_list_reveals_birth_dates_only_to_the_office_with_a_purpose(run, school, tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "class.xlsx"
    result = run("roster", *_class_of(run), "--out", str(path), "--reveal", "--purpose", "畢業資格審查")
    assert result.exit_code == 0, result.output
    births = [row[4].value for row in load_workbook(path).active.iter_rows(min_row=4)]
    assert births and all(len(b) == 10 for b in births)  # YYYY-MM-DD
    import sqlite3

    with sqlite3.connect(school / "xueji.db") as conn:
        assert conn.execute("SELECT command, revealed, purpose FROM access_log ORDER BY id DESC LIMIT 1").fetchone() \
            == ("roster", 1, "畢業資格審查")


def test_papers_refuse_other_formats_and_existing_files(run, tmp_path):
    (tmp_path / "class.pdf").write_bytes(b"mine")
    result = run("roster", *_class_of(run), "--out", str(tmp_path / "class.pdf"))
    assert result.exit_code == 1 and "already exists" in result.output
    assert (tmp_path / "class.pdf").read_bytes() == b"mine"
    assert run("roster", *_class_of(run), "--out", str(tmp_path / "class.pdf"), "--force").exit_code == 0
    assert (tmp_path / "class.pdf").read_bytes().startswith(b"%PDF")
    assert run("roster", *_class_of(run), "--out", str(tmp_path / "class.docx")).exit_code == 3
