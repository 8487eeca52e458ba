"""Students: the record as shown, lists, the history, the code table, due suspensions, export files."""

from __future__ import annotations

import json

from xueji.domain.access import PersonView
from xueji.domain.codetable import CodeTable
from xueji.domain.model import Event, Student
from xueji.domain.status import EventKind
from xueji.domain.validate import FIELD_LABELS, GENDERS, ID_TYPES
from xueji.i18n import N_, _

from xueji.cli.views.core import (
    say, status_label, _national, _college_name, _console, _table, local_time, _emit_data, STUDENT_KEYS,
    EVENT_KEYS,
)


def person_view(student: Student) -> dict:
    """A student's personal data as the services let it be shown."""
    p = student.person
    if not isinstance(p, PersonView):
        raise TypeError("personal data reached the screen without going through the services' disclosure")
    return {"name": p.name, "gender": p.gender, "birth_date": p.birth_date, "id_type": p.id_type,
            "id_number": p.id_number, "exam_no": p.exam_no, "ethnicity": p.ethnicity, "political": p.political,
            "region": p.region}


def student_record(student: Student) -> dict:
    """A student as stable keys and codes: the shape of JSON and CSV output."""
    entry, current = student.entry, student.current
    return {
        "student_no": student.student_no,
        **person_view(student),
        "enroll_year": entry.year,
        "college": entry.college,
        "major": entry.major,
        "class": entry.klass,
        "seat": student.seat,
        "status": student.status.value,
        "status_since": student.status_since.isoformat(),
        "suspended_until": student.suspended_until.isoformat() if student.suspended_until else None,
        "current_year": current.year,
        "current_college": current.college,
        "current_major": current.major,
        "current_class": current.klass,
    }


def event_record(event: Event) -> dict:
    return {
        "id": event.id,
        "kind": event.kind.value,
        "jyt_code": event.jyt_code,
        "effective_date": event.effective_date.isoformat(),
        "recorded_at": event.recorded_at,
        "operator": event.operator,
        "account": event.account,
        "submitted_by": event.submitted_by,
        "approved_by": event.approved_by,
        "request_id": event.request_id,
        "reason": event.reason,
        "doc_no": event.doc_no,
        "status_before": event.status_before.value if event.status_before else None,
        "status_after": event.status_after.value,
        "detail": event.detail,  # masked by the service
    }


def data(items: list[Student], fmt: str, many: bool = True) -> None:
    """Students as JSON or CSV (views from the services)."""
    _emit_data([student_record(s) for s in items], STUDENT_KEYS, fmt, many=many)


def students(items: list[Student], total: int, fmt: str, codes: CodeTable | None) -> None:
    if fmt != "table":
        _emit_data([student_record(s) for s in items], STUDENT_KEYS, fmt)
        return
    if not items:
        say(N_("No students found."))
        return
    rows = [
        [
            s.student_no, (v := person_view(s))["name"], _(GENDERS.get(v["gender"], v["gender"])),
            _college_name(codes, s.current.college), _college_name(codes, s.current.college, s.current.major),
            f"{s.current.year}/{s.current.klass}", status_label(s.status), s.status_since.isoformat(),
        ]
        for s in items
    ]
    caption = None
    if total > len(items):
        caption = _("Showing {shown} of {total}; use --limit 0 to see all.").format(shown=len(items), total=total)
    headers = [_("Student number"), _("Name"), _("Gender"), _("College"), _("Major"), _("Cohort/Class"),
               _("Status"), _("Since")]
    _console().print(_table(_("Students: {count}").format(count=total), headers, rows, caption))


def student_view(student: Student, events: list[Event], fmt: str, codes: CodeTable | None) -> None:
    if fmt == "json":
        print(json.dumps({"student": student_record(student), "events": [event_record(e) for e in events]},
                         ensure_ascii=False, indent=2))
        return
    if fmt == "csv":
        _emit_data([event_record(e) | {"student_no": student.student_no} for e in events],
                   ("student_no",) + EVENT_KEYS, fmt)
        return
    p = person_view(student)
    fields = [
        (_("Student number"), student.student_no),
        (_("Name"), p["name"]),
        (_("Gender"), _(GENDERS.get(p["gender"], p["gender"]))),
        (_("Birth date"), p["birth_date"]),
        (_("ID document"), f"{_(ID_TYPES.get(p['id_type'], p['id_type']))} {p['id_number']}"),
        (_("Exam number"), p["exam_no"] or ""),
        *[(label, _national(kind, p[kind])) for kind, label in (
            ("ethnicity", _("Ethnicity")), ("political", _("Political status")), ("region", _("Place of origin")))
          if p[kind]],
        (_("Entered"), f"{student.entry.year} · {_college_name(codes, student.entry.college)} · "
                       f"{_college_name(codes, student.entry.college, student.entry.major)} · "
                       + _("class {klass}, seat {seat}").format(klass=student.entry.klass, seat=f"{student.seat:02d}")),
        (_("Current placement"), f"{student.current.year} · {_college_name(codes, student.current.college)} · "
                                 f"{_college_name(codes, student.current.college, student.current.major)} · "
                                 + _("class {klass}").format(klass=student.current.klass)),
        (_("Status"), f"{status_label(student.status)} ({student.status.jyt_code}) "
                      + _("since {date}").format(date=student.status_since.isoformat())
                      + (" " + _("until {date}").format(date=student.suspended_until.isoformat())
                         if student.suspended_until else "")),
    ]
    console = _console()
    console.print(_table(None, [_("Field"), _("Value")], [list(f) for f in fields], wrap=(1,)))
    rows = [
        [
            e.effective_date.isoformat(), _(EventKind(e.kind).label),
            f"{status_label(e.status_before) or '—'} → {status_label(e.status_after)}",
            e.reason or "", local_time(e.recorded_at), _who(e), e.doc_no or "", e.jyt_code or "",
            _detail_text(e.detail),
        ]
        for e in events
    ]
    headers = [_("Effective"), _("Change"), _("Status"), _("Reason"), _("Recorded at"), _("Submitted / approved by"),
               _("Document no."), _("JY/T code"), _("Details")]
    console.print(_table(_("History"), headers, rows))


def _who(event: Event) -> str:
    """Who submitted and who approved a change, and the OS account behind it when it acted as someone else."""
    text = event.approved_by or event.operator
    if event.submitted_by and event.submitted_by != text:
        text = f"{event.submitted_by} → {text}"
    if event.request_id:
        text += " " + _("(request {id})").format(id=event.request_id)
    if event.account and event.account != event.operator:
        text += " " + _("[account {account}]").format(account=event.account)
    return text


_DETAIL_LABELS = {
    "until": N_("until {value}"),
    "from_school": N_("from {value}"),
    "to_school": N_("to {value}"),
    "placement_before": N_("placement before {value}"),
    "placement_after": N_("placement after {value}"),
    "before": N_("before: {value}"),
    "after": N_("after: {value}"),
}


def _detail_text(detail: dict) -> str:
    parts = []
    for key, value in detail.items():
        if isinstance(value, dict):  # a correction's before and after: field names in the language
            value = ", ".join(f"{_(FIELD_LABELS.get(k, k))}={v}" for k, v in value.items())
        parts.append(_(_DETAIL_LABELS[key]).format(value=value) if key in _DETAIL_LABELS else f"{key}: {value}")
    return "; ".join(parts)


def codes_table(rows: list[dict], fmt: str) -> None:
    if fmt != "table":
        _emit_data(rows, ("college", "college_name", "major", "major_name", "national_code"), fmt)
        return
    headers = [_("College"), _("College name"), _("Major"), _("Major name"), _("National code")]
    _console().print(_table(_("Code table"), headers, [
        [r["college"], r["college_name"], r["major"], r["major_name"], r["national_code"]] for r in rows]))


def overdue(items, fmt: str, codes: CodeTable | None) -> None:
    if fmt != "table":
        _emit_data([student_record(s) | {"days_overdue": days} for s, days in items],
                   STUDENT_KEYS + ("days_overdue",), fmt)
        return
    if not items:
        say(N_("No suspension has run out."))
        return
    rows = [[s.student_no, person_view(s)["name"], _college_name(codes, s.current.college),
             _college_name(codes, s.current.college, s.current.major), s.suspended_until.isoformat(), days]
            for s, days in items]
    _console().print(_table(_("Suspensions that ran out: {count}").format(count=len(items)),
                            [_("Student number"), _("Name"), _("College"), _("Major"), _("Suspended until"),
                             _("Days overdue")], rows))


EXPORT_HEADERS = {
    "student_no": N_("Student number"), "name": N_("Name"), "gender": N_("Gender"), "birth_date": N_("Birth date"),
    "id_type": N_("ID document type"), "id_number": N_("ID number"), "exam_no": N_("Exam number"),
    "enroll_year": N_("Enrollment year"), "college": N_("College"), "major": N_("Major"), "class": N_("Class"),
    "seat": N_("Seat"), "status": N_("Status"), "status_since": N_("Since"), "suspended_until": N_("Suspended until"),
    "current_year": N_("Current cohort"), "current_college": N_("Current college"), "current_major": N_("Current major"),
    "current_class": N_("Current class"), "ethnicity": N_("Ethnicity"), "political": N_("Political status"),
    "region": N_("Place of origin"),
}


# The columns an export shows as a label (a name in the language) with the code in its own column beside it.
LABELLED = ("gender", "id_type", "college", "major", "status", "current_college", "current_major", "ethnicity",
            "political", "region")
# Columns kept as text: numbers whose digits all matter, and codes with a leading zero (01).
EXPORT_TEXT = ("student_no", "id_number", "exam_no", "college", "major", "class", "current_college", "current_major",
               "current_class")
# Translators: the header of the column that carries a code beside its label, e.g. "College code" beside "College".
CODE_HEADER = N_("{label} code")
# Translators: the name of the sheet of a student export (the students themselves, not a count of them).
EXPORT_SHEET = N_("Student records")


def export_keys(labels: bool) -> list[str]:
    """The columns of an export: STUDENT_KEYS (codes, the machine form), or with each labelled column followed by
    its code's column ("college", "college_code")."""
    if not labels:
        return list(STUDENT_KEYS)
    return [k for key in STUDENT_KEYS for k in ((key, f"{key}_code") if key in LABELLED else (key,))]


def export_headers(keys: list[str]) -> list[str]:
    """The headers of export columns, in the language."""
    return [_(CODE_HEADER).format(label=_(EXPORT_HEADERS[k[:-len("_code")]])) if k.endswith("_code")
            else _(EXPORT_HEADERS[k]) for k in keys]


def _code_name(codes: CodeTable | None, college: str | None, major: str | None = None) -> str:
    """A college's or major's name as the code table writes it; the code itself when the table does not know it."""
    entry = codes.colleges.get(college) if codes is not None and college else None
    if entry is not None and major is not None:
        entry = entry.majors.get(major)
    return entry.name if entry is not None else (college if major is None else major) or ""


def labelled_record(student: Student, codes: CodeTable | None) -> dict:
    """A student as an export in the operator's language shows them: labels and names, each code beside its label.
    Names of the code table (written in Traditional) in Simplified in zh-Hans; national codes' names alone (their
    codes have their own columns), in the script of the language as _national writes them."""
    from xueji.domain import national
    from xueji.i18n import language

    record, lang = student_record(student), language()
    script = national.simplified if lang == "zh-Hans" else str
    labels = {
        "gender": _(GENDERS[record["gender"]]) if record["gender"] in GENDERS else record["gender"] or "",
        "id_type": _(ID_TYPES[record["id_type"]]) if record["id_type"] in ID_TYPES else record["id_type"] or "",
        "status": status_label(student.status),
        **{key: script(_code_name(codes, record[key])) for key in ("college", "current_college")},
        "major": script(_code_name(codes, record["college"], record["major"])),
        "current_major": script(_code_name(codes, record["current_college"], record["current_major"])),
        **{kind: national.label(kind, record[kind], traditional=lang == "zh-Hant") if record[kind] else ""
           for kind in ("ethnicity", "political", "region")},
    }
    return record | labels | {f"{key}_code": record[key] for key in LABELLED}


def export_file(path, *, excel: bool, force: bool, machine: bool = False, codes: CodeTable | None = None):
    """How students are laid out in a file, checked now, written when the service hands over the students, put in
    place by the service. JSON always carries stable keys and codes. CSV and XLSX have headers in the language and
    show labels and names in it (status, gender, college and major by name…), each code in its own column beside
    its label; ``machine`` (--codes) gives the codes alone, in the columns of JSON."""
    from xueji.files import export

    export.check_target(path)
    from xueji.files import safe

    safe.check_new(path, force)
    json_file = path.suffix.lower() == ".json"
    labels = not machine and not json_file
    keys = export_keys(labels)

    def prepare(items: list[Student]):
        records = [labelled_record(s, codes) if labels else student_record(s) for s in items]
        headers = keys if json_file else export_headers(keys)
        text = EXPORT_TEXT + tuple(f"{key}_code" for key in LABELLED)
        return export.prepare(path, keys, headers, records, excel=excel, force=force, text_columns=text,
                              sheet_title=_(EXPORT_SHEET))

    return prepare
