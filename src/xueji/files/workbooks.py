"""Printable and chartable workbooks (openpyxl): the annual report and class lists (花名冊).

These functions receive rows already rendered (labels translated, personal data through the one renderer) and
only lay them out: titles, headers, text cells, charts, page setup.
"""

from __future__ import annotations

import io
from pathlib import Path

from xueji.files.export import append_rows, check_target, display_width


def _sheet(workbook, title: str, heading: str, headers: list[str], rows: list[list], text_columns=()):
    from openpyxl.styles import Font

    sheet = workbook.create_sheet(title[:31])
    sheet.append([heading])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([])
    sheet.append(headers)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    append_rows(sheet, rows, 4, text_columns)
    for index, header in enumerate(headers):
        width = max([display_width(header)] + [display_width(r[index]) for r in rows[:200]]) + 3
        sheet.column_dimensions[sheet.cell(row=3, column=index + 1).column_letter].width = min(max(width, 8), 40)
    sheet.freeze_panes = "A4"
    return sheet


def _bar_chart(sheet, title: str, rows: int, columns: int, anchor: str, stacked: bool = False):
    from openpyxl.chart import BarChart, Reference

    if rows == 0:
        return
    chart = BarChart()
    chart.title = title
    chart.type = "col"
    if stacked:
        chart.grouping = "stacked"
        chart.overlap = 100
    data = Reference(sheet, min_col=2, max_col=columns, min_row=3, max_row=3 + rows)
    categories = Reference(sheet, min_col=1, min_row=4, max_row=3 + rows)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(categories)
    chart.height, chart.width = 9, 18
    sheet.add_chart(chart, anchor)


def _pie_chart(sheet, title: str, rows: int, anchor: str):
    from openpyxl.chart import PieChart, Reference

    if rows == 0:
        return
    chart = PieChart()
    chart.title = title
    chart.add_data(Reference(sheet, min_col=2, min_row=3, max_row=3 + rows), titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=4, max_row=3 + rows))
    sheet.add_chart(chart, anchor)


def annual(path: Path, sheets: list[dict], force: bool = False):
    """Sheets: dicts with title, heading, headers, rows, chart ('bar', 'stacked', 'pie' or None), text_columns."""
    from openpyxl import Workbook

    check_target(path)
    workbook = Workbook()
    workbook.remove(workbook.active)
    for spec in sheets:
        sheet = _sheet(workbook, spec["title"], spec["heading"], spec["headers"], spec["rows"],
                       spec.get("text_columns", ()))
        anchor = f"{sheet.cell(row=1, column=len(spec['headers']) + 2).column_letter}3"
        if spec.get("chart") == "pie":
            _pie_chart(sheet, spec["heading"], len(spec["rows"]), anchor)
        elif spec.get("chart"):
            _bar_chart(sheet, spec["heading"], len(spec["rows"]), len(spec["headers"]), anchor,
                       stacked=spec["chart"] == "stacked")
    return _save(workbook, path, force)


def class_list(path: Path, title: str, headers: list[str], rows: list[list], text_columns=(0,), force: bool = False):
    """A printable class list: A4, the header row repeated on every page, numbers as text."""
    from openpyxl import Workbook

    check_target(path)
    workbook = Workbook()
    workbook.remove(workbook.active)
    sheet = _sheet(workbook, "roster", title, headers, rows, text_columns)
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "3:3"
    sheet.print_options.horizontalCentered = True
    return _save(workbook, path, force)


def _save(workbook, path: Path, force: bool):
    """The workbook under a temporary name (files.safe); the caller publishes it."""
    from xueji.files import safe

    buffer = io.BytesIO()
    workbook.save(buffer)
    return safe.prepare(path, buffer.getvalue(), force)
