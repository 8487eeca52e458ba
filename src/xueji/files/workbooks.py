"""Printable and chartable workbooks (openpyxl): the annual report and class lists (花名冊).

These functions receive rows already rendered (labels translated, personal data through the one renderer) and
only lay them out: titles, headers, text cells, charts, page setup.
"""

from __future__ import annotations

import io
from pathlib import Path

from xueji.files.export import append_rows, check_target, display_width


def _sheet(workbook, title: str, heading: str, headers: list[str], rows: list[list], text_columns=(),
           subtitle: str = "", min_widths: dict | None = None, total_row: bool = False):
    from openpyxl.styles import Border, Font, Side

    sheet = workbook.create_sheet(title[:31])
    sheet.append([heading])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([subtitle] if subtitle else [])
    sheet.append(headers)
    thin = Side(style="thin")
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    append_rows(sheet, rows, 4, text_columns)
    for row in sheet.iter_rows(min_row=3, max_row=3 + len(rows), max_col=len(headers)):
        for cell in row:
            cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
    if total_row and rows:
        for cell in sheet[3 + len(rows)]:
            cell.font = Font(bold=True)
    for index, header in enumerate(headers):
        width = max([display_width(header)] + [display_width(r[index]) for r in rows[:200]]) + 3
        width = max(width, (min_widths or {}).get(index, 8))
        sheet.column_dimensions[sheet.cell(row=3, column=index + 1).column_letter].width = min(width, 40)
    sheet.freeze_panes = "A4"
    return sheet


def _print_setup(sheet, landscape: bool, title_rows: str, foot: tuple[str, str, str]) -> None:
    """A4, as wide as the page, the header rows repeated on every page, and each page's foot: left, centre (page X
    of Y: Excel's &P and &N), right."""
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = title_rows
    sheet.print_options.horizontalCentered = True
    left, centre, right = foot
    sheet.oddFooter.left.text = left.replace("&", "&&")
    sheet.oddFooter.center.text = centre
    sheet.oddFooter.right.text = right.replace("&", "&&")


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


def annual(path: Path, sheets: list[dict], force: bool = False, *, subtitle: str = "", creator: str = "",
           foot: tuple[str, str, str] = ("", "", "")):
    """Sheets: dicts with title, heading, headers, rows, chart ('bar', 'stacked', 'pie' or None), text_columns,
    total_row (the last row is a total, kept out of the chart). A4 landscape, headers repeated on every page."""
    from openpyxl import Workbook

    check_target(path)
    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook.properties.creator = creator or "xueji"
    for spec in sheets:
        total = spec.get("total_row", False)
        sheet = _sheet(workbook, spec["title"], spec["heading"], spec["headers"], spec["rows"],
                       spec.get("text_columns", ()), subtitle=subtitle, total_row=total)
        _print_setup(sheet, True, "1:3", foot)
        charted = len(spec["rows"]) - (1 if total and spec["rows"] else 0)
        anchor = f"{sheet.cell(row=1, column=len(spec['headers']) + 2).column_letter}3"
        if spec.get("chart") == "pie":
            _pie_chart(sheet, spec["heading"], charted, anchor)
        elif spec.get("chart"):
            columns = len(spec["headers"]) - (1 if spec.get("total_column") else 0)
            _bar_chart(sheet, spec["heading"], charted, columns, anchor, stacked=spec["chart"] == "stacked")
    return _save(workbook, path, force)


def class_list(path: Path, title: str, headers: list[str], rows: list[list], text_columns=(1,), force: bool = False,
               *, subtitle: str = "", foot: tuple[str, str, str] = ("", "", ""), min_widths: dict | None = None,
               row_height: float | None = None, creator: str = ""):
    """A printable class list: A4 portrait, the title and header rows repeated on every page, each page's foot
    (page X of Y), numbers as text, columns wide enough for a four-character name (longer ones widen it)."""
    from openpyxl import Workbook

    check_target(path)
    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook.properties.creator = creator or "xueji"
    sheet = _sheet(workbook, "roster", title, headers, rows, text_columns, subtitle=subtitle, min_widths=min_widths)
    _print_setup(sheet, False, "1:3", foot)
    if row_height:
        for number in range(4, 4 + len(rows)):
            sheet.row_dimensions[number].height = row_height
    return _save(workbook, path, force)


def _save(workbook, path: Path, force: bool):
    """The workbook under a temporary name (files.safe); the caller publishes it."""
    from xueji.files import safe

    buffer = io.BytesIO()
    workbook.save(buffer)
    return safe.prepare(path, buffer.getvalue(), force)
