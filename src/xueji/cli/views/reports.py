"""Statistics, the annual report and the class list."""

from __future__ import annotations


from xueji.domain.codetable import CodeTable
from xueji.domain.model import Student
from xueji.domain.status import EventKind
from xueji.domain.validate import GENDERS
from xueji.i18n import N_, _

from xueji.cli.views.core import status_label, _college_name, _console, _table, _emit_data
from xueji.cli.views.students import person_view


DIMENSION_LABELS = {"college": N_("College"), "major": N_("Major"), "class": N_("Class"), "status": N_("Status"),
                    "gender": N_("Gender"), "year": N_("Cohort")}


def _dimension_value(dim: str, value, row: dict, codes: CodeTable | None) -> str:
    if dim == "college":
        return _college_name(codes, value)
    if dim == "major":
        return _college_name(codes, row["college"], value) if "college" in row else value
    if dim == "status":
        return status_label(value)
    if dim == "gender":
        return _(GENDERS.get(value, value))
    return str(value)


def stats(dims: list[str], rows: list[tuple], fmt: str, codes: CodeTable | None) -> None:
    """Leaf groups as data; on screen with names, subtotals by the first dimension, a total and a bar per count."""
    records = [dict(zip(dims, row[:-1])) | {"count": row[-1]} for row in rows]
    if fmt != "table":
        _emit_data(records, tuple(dims) + ("count",), fmt)
        return
    total = sum(r["count"] for r in records)
    widest = max([r["count"] for r in records] or [1])

    def bar(count: int) -> str:
        return "█" * max(1 if count else 0, round(30 * count / widest))

    table_rows = []
    for index, record in enumerate(records):
        cells = [_dimension_value(d, record[d], record, codes) for d in dims]
        table_rows.append(cells + [record["count"], bar(record["count"])])
        last_of_group = index + 1 == len(records) or records[index + 1][dims[0]] != record[dims[0]]
        if len(dims) > 1 and last_of_group:
            subtotal = sum(r["count"] for r in records if r[dims[0]] == record[dims[0]])
            table_rows.append([_("Subtotal: {group}").format(group=cells[0])] + [""] * (len(dims) - 1) + [subtotal, ""])
    table_rows.append([_("Total")] + [""] * (len(dims) - 1) + [total, ""])
    headers = [_(DIMENSION_LABELS[d]) for d in dims] + [_("Students"), ""]
    _console().print(_table(_("Statistics"), headers, table_rows,
                            _("By each student's current placement (after any change of major, class or cohort).")))


def _foot(operator: str, today) -> tuple[str, str, str]:
    """Every page's foot: the print date, page X of Y (Excel's &P and &N), who made the table (制表人)."""
    return (_("Printed {date}").format(date=today.isoformat()),
            _("Page {page} of {pages}").format(page="&P", pages="&N"),
            _("Prepared by {operator}").format(operator=operator))


def _paper(title: str, sections: list[dict], foot: tuple[str, str, str], *, landscape: bool, subtitle: str = "",
           author: str = "", row_height=None):
    from xueji.files import pdf
    from xueji.i18n import language

    return pdf.Paper(language(), title, [
        pdf.Section(spec["heading"], spec["headers"], spec["rows"], spec.get("chart"), spec.get("total_row", False),
                    spec.get("stretch")) for spec in sections],
        landscape=landscape, foot_left=foot[0], foot_right=foot[2],
        page_label=_("Page {page} of {pages}"), author=author, subtitle=subtitle, row_height=row_height)


def _with_total(rows: list[list], label: str, first_number: int = 1) -> list[list]:
    """The rows and a 合計 row summing every numeric column."""
    if not rows:
        return rows
    total = [label] + [""] * (len(rows[0]) - 1)
    for index in range(first_number, len(rows[0])):
        values = [row[index] for row in rows]
        if all(isinstance(v, int) for v in values):
            total[index] = sum(values)
    return rows + [total]


def annual_report(report, path, codes: CodeTable | None, operator: str, today, force: bool = False):
    """The year's report as a workbook (.xlsx: A4 landscape, headers repeated, a total row on every table, charts)
    or as a PDF of the same tables and charts."""
    from xueji.files import pdf, workbooks

    school = report.school
    year = report.year

    def heading(text: str) -> str:
        return _("{school} {year}: {title}").format(school=school, year=year, title=text).strip()

    total = _("Total")
    colleges = sorted({c for _, _, c, _ in report.changes}) or []
    kinds = sorted({(k, j) for k, j, _, _ in report.changes}, key=lambda kj: kj[1] or "zz")
    change_rows = []
    for kind, jyt in kinds:
        counts = {c: n for k, _, c, n in report.changes if k == kind}
        change_rows.append([f"{_(EventKind(kind).label)}" + (f" ({jyt})" if jyt else "")]
                           + [counts.get(c, 0) for c in colleges] + [sum(counts.values())])
    outcome_colleges = sorted({c for _, _, c, _ in report.outcomes})
    outcome_rows = []
    for college in outcome_colleges:
        counts = {k: n for k, _, c, n in report.outcomes if c == college}
        outcome_rows.append([_college_name(codes, college)] + [counts.get(k, 0) for k in ("graduate", "complete", "incomplete")])
    overdue_rows = []
    for student, days in report.overdue:
        view = person_view(student)
        overdue_rows.append([student.student_no, view["name"], _college_name(codes, student.current.college),
                             _college_name(codes, student.current.college, student.current.major),
                             student.suspended_until.isoformat(), days])
    sheets = [
        {"title": _("New enrollments"), "heading": heading(_("New enrollments by college and major")),
         "headers": [_("Major"), _("Students")],
         "rows": _with_total([[f"{_college_name(codes, c)} · {_college_name(codes, c, m)}", n]
                              for c, m, n in report.enrollments], total),
         "chart": "bar", "total_row": True},
        {"title": _("Status changes"), "heading": heading(_("Status changes by type (JY/T 1001) and college")),
         "headers": [_("Change")] + [_college_name(codes, c) for c in colleges] + [total],
         "rows": _with_total(change_rows, total), "chart": "stacked" if colleges else None, "total_row": True,
         "total_column": True},
        {"title": _("Headcount"), "heading": heading(_("Headcount by status on 31 December")),
         "headers": [_("Status"), _("Students")],
         "rows": _with_total([[status_label(s), n] for s, n in report.headcount], total), "chart": "pie",
         "total_row": True},
        {"title": _("Graduates"), "heading": heading(_("Graduates by outcome")),
         "headers": [_("College"), _(EventKind.GRADUATE.label), _(EventKind.COMPLETE.label), _(EventKind.INCOMPLETE.label)],
         "rows": _with_total(outcome_rows, total), "chart": "bar", "total_row": True},
        {"title": _("Overdue suspensions"), "heading": heading(_("Suspensions that ran out without resumption")),
         "headers": [_("Student number"), _("Name"), _("College"), _("Major"), _("Suspended until"), _("Days overdue")],
         "rows": overdue_rows + ([[total, len(overdue_rows), "", "", "", ""]] if overdue_rows else []),
         "chart": None, "text_columns": (0,), "total_row": True},
    ]
    subtitle = _("Report date: {date}. Colleges are the students' current ones (after any change of major); new "
                 "enrollments are counted where the students entered.").format(date=today.isoformat())
    foot = _foot(operator, today)
    if path.suffix.lower() == ".pdf":
        return pdf.tables(path, _paper(_("{school} annual report {year}").format(school=school, year=year).strip(),
                                       sheets, foot, landscape=True, subtitle=subtitle, author=school), force)
    return workbooks.annual(path, sheets, force, subtitle=subtitle, creator=school, foot=foot)


def class_list(placement, students: list[Student], path, school: str, operator: str, today, *, sign: bool = False,
               force: bool = False):
    """The class list (花名冊): number in the class, student number, name, gender, birth date (masked unless the look
    revealed it), ethnicity, status, remarks, and with ``sign`` a column to sign in."""
    from xueji.files import pdf, workbooks

    from xueji.cli.views.core import _national

    year, college, major, klass = placement
    title = _("{school} · {year} · {college} · {major} · class {klass}").format(
        school=school, year=year, college=college.name, major=major.name, klass=klass)
    headers = [_("No."), _("Student number"), _("Name"), _("Gender"), _("Birth date"), _("Ethnicity"), _("Status"),
               _("Remarks")] + ([_("Signature")] if sign else [])
    rows = []
    for number, student in enumerate(students, start=1):
        view = person_view(student)
        ethnicity = _national("ethnicity", view["ethnicity"]).split(" ", 1)[-1] if view["ethnicity"] else ""
        remark = _("until {date}").format(date=student.suspended_until.isoformat()) \
            if student.suspended_until else ""
        rows.append([number, student.student_no, view["name"], _(GENDERS.get(view["gender"], view["gender"])),
                     view["birth_date"], ethnicity, status_label(student.status), remark] + ([""] if sign else []))
    subtitle = _("Class list: {count} students, as placed now (after any change of major, class or cohort)").format(
        count=len(rows))
    foot = _foot(operator, today)
    if path.suffix.lower() == ".pdf":
        return pdf.tables(path, _paper(title, [{"heading": "", "headers": headers, "rows": rows,
                                                "stretch": len(headers) - 1}], foot, landscape=False, subtitle=subtitle,
                                       author=school, row_height=26 if sign else None), force)
    return workbooks.class_list(path, title, headers, rows, text_columns=(1,), force=force, subtitle=subtitle,
                                foot=foot, min_widths={2: 12, 8: 22}, row_height=30 if sign else None,
                                creator=school)
