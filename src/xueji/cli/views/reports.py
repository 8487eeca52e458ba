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
    _console().print(_table(_("Statistics"), headers, table_rows))


def annual_report(report, path, codes: CodeTable | None, force: bool = False):
    from xueji.files import workbooks

    school = report.school
    year = report.year

    def heading(text: str) -> str:
        return _("{school} {year}: {title}").format(school=school, year=year, title=text).strip()

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
         "rows": [[f"{_college_name(codes, c)} · {_college_name(codes, c, m)}", n] for c, m, n in report.enrollments],
         "chart": "bar"},
        {"title": _("Status changes"), "heading": heading(_("Status changes by type (JY/T 1001) and college")),
         "headers": [_("Change")] + [_college_name(codes, c) for c in colleges] + [_("Total")],
         "rows": change_rows, "chart": "stacked" if colleges else None},
        {"title": _("Headcount"), "heading": heading(_("Headcount by status on 31 December")),
         "headers": [_("Status"), _("Students")],
         "rows": [[status_label(s), n] for s, n in report.headcount], "chart": "pie"},
        {"title": _("Graduates"), "heading": heading(_("Graduates by outcome")),
         "headers": [_("College"), _(EventKind.GRADUATE.label), _(EventKind.COMPLETE.label), _(EventKind.INCOMPLETE.label)],
         "rows": outcome_rows, "chart": "bar"},
        {"title": _("Overdue suspensions"), "heading": heading(_("Suspensions that ran out without resumption")),
         "headers": [_("Student number"), _("Name"), _("College"), _("Major"), _("Suspended until"), _("Days overdue")],
         "rows": overdue_rows, "chart": None, "text_columns": (0,)},
    ]
    return workbooks.annual(path, sheets, force)


def class_list(placement, students: list[Student], path, school: str, force: bool = False):
    from xueji.files import workbooks

    year, college, major, klass = placement
    title = _("{school} · {year} · {college} · {major} · class {klass}").format(
        school=school, year=year, college=college.name, major=major.name, klass=klass)
    rows = []
    for student in students:
        view = person_view(student)
        rows.append([student.student_no, view["name"], _(GENDERS.get(view["gender"], view["gender"])),
                     status_label(student.status)])
    return workbooks.class_list(path, title, [_("Student number"), _("Name"), _("Gender"), _("Status")], rows,
                                force=force)
