"""The one place that turns records into output: tables, JSON, CSV and messages.

Masking and the access log are not decided here: the services hand out students whose ``person`` is a
``PersonView`` (already masked unless the look was allowed to reveal, and already logged). ``person_view`` refuses
anything else, so an unmasked record can never reach the screen by mistake.
"""

from __future__ import annotations

import io
import json
import os
import re
import sys

from xueji.domain.access import PersonView
from xueji.domain.codetable import CodeTable
from xueji.domain.errors import Choices, InvalidData, Msgid, XuejiError
from xueji.domain.model import REQUEST_STATES, Event, Student
from xueji.domain.status import EventKind, Status
from xueji.domain.validate import FIELD_LABELS, GENDERS, ID_TYPES
from xueji.i18n import N_, _, listed

STUDENT_KEYS = (
    "student_no", "name", "gender", "birth_date", "id_type", "id_number", "exam_no", "enroll_year", "college",
    "major", "class", "seat", "status", "status_since", "suspended_until", "current_year", "current_college",
    "current_major", "current_class", "ethnicity", "political", "region",
)
EVENT_KEYS = (
    "id", "kind", "jyt_code", "effective_date", "recorded_at", "operator", "account", "submitted_by", "approved_by",
    "request_id", "reason", "doc_no", "status_before", "status_after", "detail",
)


# --- messages ----------------------------------------------------------------------------

def message_text(message: str, params: dict, /) -> str:
    """Translate a msgid and fill in its parameters, translating those that are msgids or errors themselves."""
    values = {}
    for key, value in params.items():
        if isinstance(value, Msgid):
            values[key] = _(value)
        elif isinstance(value, Choices):
            values[key] = listed(f"{_(label)} ({code})" for code, label in value)
        elif isinstance(value, XuejiError):
            values[key] = error_text(value)
        else:
            values[key] = value
    try:
        return _(message).format(**values)
    except (KeyError, IndexError, ValueError):
        return message.format(**values)


def error_text(error: XuejiError) -> str:
    if isinstance(error, InvalidData) and error.problems:
        parts = []
        for problem in error.problems:
            label = _(FIELD_LABELS.get(problem.field, problem.field))
            parts.append(_("{field}: {problem}").format(field=label, problem=message_text(problem.message, problem.params)))
        return "; ".join(parts)
    return message_text(error.message, error.params)


def error(error: XuejiError) -> None:
    """One line on stderr in the operator's language, with a hint where one helps."""
    text = _("Error: {message}").format(message=error_text(error))
    if error.hint:
        text = _("{error} Hint: {hint}").format(error=text, hint=message_text(error.hint, error.params))
    print(text, file=sys.stderr)


def say(message: str, /, **params) -> None:
    """A confirmation on stdout (msgid + parameters)."""
    print(message_text(message, params))


def note(message: str, /, **params) -> None:
    """A remark on stderr, so it never mixes with data a script reads."""
    print(message_text(message, params), file=sys.stderr)


# --- personal data: the one place it is rendered ---------------------------------------------

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


def status_label(status: Status | str | None) -> str:
    return _(Status(status).label) if status else ""


def _national(kind: str, code: str | None) -> str:
    """A national code with its name, in the script of the language (Simplified unless zh-Hant)."""
    from xueji.domain import national
    from xueji.i18n import language

    name = national.label(kind, code, traditional=language() == "zh-Hant")
    return f"{code} {name}" if name and name != code else (code or "")


def _college_name(codes: CodeTable | None, college: str, major: str | None = None) -> str:
    if codes is None or college not in codes.colleges:
        return college if major is None else major
    c = codes.colleges[college]
    if major is None:
        return f"{college} {c.name}"
    m = c.majors.get(major)
    return f"{major} {m.name}" if m else major


# --- output ------------------------------------------------------------------------------

def _console():
    from rich.console import Console

    terminal = sys.stdout.isatty()
    columns = os.environ.get("COLUMNS", "")
    width = int(columns) if columns.isdigit() and int(columns) >= 20 else (None if terminal else 200)
    return Console(highlight=False, width=width, no_color="NO_COLOR" in os.environ or None, soft_wrap=False)


_WHOLE = re.compile(r"^[0-9A-Za-z*:+./\-]+( \d\d:\d\d:\d\d)?$")  # numbers, ID numbers, dates, times: never split


def _width() -> int:
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) >= 20:
        return int(columns)
    if sys.stdout.isatty():
        import shutil

        return shutil.get_terminal_size().columns
    return 200


def _table(title: str | None, headers: list[str], rows: list[list], caption: str | None = None, *,
           keep: int = 2, wrap: tuple = ()):
    """A table whose numbers, dates and times are never split across lines (their columns keep their width), whose
    text is shortened with … rather than wrapped (except the columns in ``wrap``, wrapped between words), and which
    leaves out its rightmost columns (after the first ``keep``) when the terminal is too narrow for them."""
    from rich.cells import cell_len
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    cells = [["" if cell is None else str(cell) for cell in row] for row in rows]
    whole = []
    for index, header in enumerate(headers):
        column = [row[index] for row in cells if index < len(row)]
        whole.append(max([_display(v) for v in column] + [_display(header)])
                     if column and all(not v or _WHOLE.match(v) for v in column) else 0)

    def build(shown: int, rows_shown=None):
        note = None
        if shown < len(headers):
            note = _("Narrow screen: {count} columns left out; -f json shows them.").format(count=len(headers) - shown)
        table = Table(title=title, caption=f"{caption}  {note}" if caption and note else caption or note,
                      show_lines=False, header_style="bold")
        for index, header in enumerate(headers[:shown]):
            if whole[index]:
                table.add_column(header, no_wrap=True, min_width=whole[index])
            elif index in wrap:
                table.add_column(header, overflow="fold")
            else:
                table.add_column(header, overflow="ellipsis", no_wrap=True, min_width=min(4, _display(header)))
        for row in cells if rows_shown is None else rows_shown:  # data, never markup: "[account x]" as written
            table.add_row(*[escape(cell) for cell in row[:shown]])
        return table

    width = _width()
    # The rows that hold each column's widest cell decide the table's width: probe with those alone, not with all
    # the rows (`query --limit 0` may print a hundred thousand).
    widest = {max(range(len(cells)), key=lambda r, c=c: _display(cells[r][c]) if c < len(cells[r]) else 0)
              for c in range(len(headers))} if cells else set()
    sample = [cells[r] for r in sorted(widest)]
    for shown in range(len(headers), keep - 1, -1):
        if shown <= keep:
            return build(shown)
        probe = Console(width=width, file=io.StringIO(), highlight=False, color_system=None)
        probe.print(build(shown, sample), crop=False)
        if max((cell_len(line) for line in probe.file.getvalue().splitlines()), default=0) <= width:
            return build(shown)
    return build(keep)


def _display(value: str) -> int:
    from xueji.files.export import display_width

    return display_width(value)


def local_time(stamp: str | None) -> str:
    """A stored UTC time as the clerk's local time (TZ, or the system's), to the second."""
    if not stamp:
        return ""
    import time
    from datetime import datetime

    if hasattr(time, "tzset"):
        time.tzset()  # TZ as it is now (a test, or a long-lived caller, may have changed it)
    try:
        return datetime.fromisoformat(stamp).astimezone().strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        return stamp


def _emit_data(records: list[dict], keys: tuple | list, fmt: str, many: bool = True) -> None:
    if fmt == "json":
        print(json.dumps(records if many else records[0], ensure_ascii=False, indent=2))
    elif records:  # no rows, no output at all: `mail -E` sends no empty mail
        from xueji.files.export import write_csv  # formula-safe, as in files

        write_csv(sys.stdout, list(keys), records)


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


def demo_report(result, fmt: str = "table") -> None:
    """What the sandbox holds and the commands to try next, written so that they run as printed."""
    import shlex
    from pathlib import Path

    try:
        shown = result.config_path.relative_to(Path.cwd())
    except ValueError:
        shown = result.config_path
    if fmt != "table":
        _emit_data([{"folder": str(result.folder), "config": str(result.config_path), "database": str(result.database),
                     "students": sum(result.counts.values()), "counts": result.counts,
                     "admissions": [str(result.folder / name) for name in result.admissions],
                     "legacy": str(result.folder / result.legacy),
                     "operators": [name for name, _role, _college in result.operators]}],
                   ("folder", "config", "database", "students", "counts", "admissions", "legacy", "operators"), fmt,
                   many=False)
        return
    rows = [[status_label(s), s, result.counts.get(s.value, 0)] for s in Status if result.counts.get(s.value)]
    title = _("Practice sandbox in {path}").format(path=str(result.folder))
    _console().print(_table(title, [_("Status"), _("Code"), _("Students")], rows,
                            _("{count} students in all").format(count=sum(result.counts.values()))))
    prefix = f"{program()} --config {shlex.quote(str(shown))}"
    samples = result.samples
    year, number = samples["year"], samples["class"]
    clean, faulty = (shlex.quote(str(shown.parent / name)) for name in result.admissions)
    print()
    print(_("Two admissions lists to practise with (majors 01/03 and 05/02 are empty):"))
    print("  " + _("{path}: 30 new students, ready to enroll").format(path=clean))
    print("  " + _("{path}: the same list with 4 mistakes, as colleges send them").format(path=faulty))
    legacy = shlex.quote(str(shown.parent / result.legacy))
    print(_("Records the old system numbered, to bring in with xueji import: {path}").format(path=legacy))
    if result.operators:
        from xueji.domain.access import Role

        def who(name, role, college):
            kind = _(Role(role).label)
            return f"{name} ({kind} {college})" if college else f"{name} ({kind})"

        print(_("Operators: you (office; --operator NAME acts as another), {names}.").format(
            names=listed(who(*entry) for entry in result.operators)))
    commands = [
        f"{prefix} query --limit 10",
        f"{prefix} query --status suspended",
        f"{prefix} show {samples['suspended']}",
        f"{prefix} resume {samples['suspended']}",
        f"{prefix} suspend {samples['active']} --reason 因病 --until {_next_summer()}",
        f"{prefix} enroll --file {faulty} --year {year} --class-size 15 --dry-run",
        f"{prefix} enroll --file {clean} --year {year} --class-size 15 --order pinyin",
        f"{prefix} import --file {legacy} --dry-run",
        f"{prefix} enroll --name 林小雨 --gender 女 --birth-date 2007-05-04 --id-number {_sample_id()} "
        f"--college 01 --major 01 --class 03",
        f"{prefix} --operator clerk01 withdraw {samples['active']} --reason 因病",
        f"{prefix} requests",
        f"{prefix} show {samples['graduated']} -f json",
        f"{prefix} due",
        f"{prefix} stats --by college,status",
        f"{prefix} report annual --year {year} --out {shlex.quote(str(shown.parent / 'annual.xlsx'))}",
        f"{prefix} roster --year {year} --college {number[4:6]} --major {number[6:8]} --class {number[8:10]} "
        f"--out {shlex.quote(str(shown.parent / 'class.xlsx'))}",
        f"{prefix} audit verify",
        f"{prefix} check",
        f"{prefix} codes",
    ]
    if not result.operators:
        commands = [c for c in commands if "--operator" not in c and not c.endswith(" requests")]
    print()
    print(_("Try next (the sandbox is yours to change; `xueji demo` rebuilds it):"))
    for command in commands:
        print(f"  {command}")


def program() -> str:
    """How to call this very xueji so that a printed command runs as printed: `xueji` when that name on PATH is this
    program, else its full path (or `python -m xueji`)."""
    import os
    import shlex
    import shutil
    import sys

    running = sys.argv[0] if sys.argv and sys.argv[0] else ""
    found = shutil.which("xueji")
    if os.path.basename(running) == "xueji" and os.path.isfile(running):
        if found and os.path.realpath(found) == os.path.realpath(running):
            return "xueji"
        return shlex.quote(os.path.abspath(running))
    if found and os.path.realpath(os.path.dirname(found)) == os.path.realpath(os.path.dirname(sys.executable)):
        return "xueji"
    return f"{shlex.quote(sys.executable)} -m xueji"


def _sample_id() -> str:
    from xueji.domain.validate import check_character

    return "11010520070504002" + check_character("11010520070504002")


def _next_summer() -> str:
    from datetime import date

    today = date.today()
    return date(today.year + (1 if today.month >= 7 else 0), 8, 31).isoformat()


# --- batches -------------------------------------------------------------------------------

SHOWN_PROBLEMS = 20


def check_errors_out(path, reading, force: bool) -> None:
    """Before any work: the problems file is .csv or .xlsx, new (or --force), and not the roster being read."""
    from xueji.files import safe
    from xueji.files.export import check_target

    if check_target(path) == ".json":
        raise InvalidData.one("file", str(path), N_("{path}: write problems to .csv or .xlsx."), path=str(path))
    safe.check_new(path, force, reads=(reading,))


def shown_text(text) -> str:
    """Text from a file as it may reach a terminal: control and bidirectional-format characters written as escapes
    (a hostile roster must not recolour or reorder what the clerk sees)."""
    import unicodedata

    value = "" if text is None else str(text)
    if value.isprintable():
        return value
    return "".join(ch if ch == " " or unicodedata.category(ch) not in ("Cc", "Cf", "Zl", "Zp") else f"\\u{ord(ch):04x}"
                   for ch in value)


def problem_records(problems) -> list[dict]:
    return [
        {"row": p.row, "name": shown_text(p.name), "exam_no": shown_text(p.exam_no), "column": shown_text(_(p.column)),
         "value": shown_text(p.value), "message": message_text(p.message, p.params)}
        for p in problems
    ]


PROBLEM_KEYS = ["row", "name", "exam_no", "column", "value", "message"]


def roster_problems(error, fmt: str, errors_out, force: bool = False) -> None:
    """Every problem of a refused roster: the first ones on screen, all of them in --errors-out or JSON."""
    records = problem_records(error.rows)
    if errors_out is not None:
        from xueji.files.export import write

        # CSV with a BOM: Excel on Chinese Windows opens it correctly.
        write(errors_out, PROBLEM_KEYS, [_("Row"), _("Name"), _("Exam number"), _("Column"), _("Value"), _("Problem")],
              records, text_columns=("name", "exam_no", "value"), sheet_title=_("Problems"), force=force, excel=True)
    if fmt == "json":
        print(json.dumps({"errors": records}, ensure_ascii=False, indent=2))
    elif fmt == "csv":
        _emit_data(records, PROBLEM_KEYS, fmt)
    else:
        from rich.console import Console

        console = Console(stderr=True, highlight=False, width=None if sys.stderr.isatty() else 200)
        rows = [[r["row"], r["name"], r["column"], r["value"], r["message"]] for r in records[:SHOWN_PROBLEMS]]
        console.print(_table(None, [_("Row"), _("Name"), _("Column"), _("Value"), _("Problem")], rows))
        if len(records) > SHOWN_PROBLEMS:
            note(N_("… and {more} more."), more=len(records) - SHOWN_PROBLEMS)
    error_text_line = _("Error: {message}").format(message=error_text(error))
    if errors_out is not None:
        error_text_line += " " + _("All problems are in {path}.").format(path=str(errors_out))
    print(error_text_line, file=sys.stderr)


def roster_result(result, shown: list[Student], fmt: str, quiet: bool, codes: CodeTable | None) -> None:
    if fmt != "table":
        data = {
            "enrolled": len(result.enrolled),
            "skipped": len(result.skipped),
            "dry_run": result.dry_run,
            "seconds": round(result.seconds, 3),
            "students": [student_record(s) for s in shown],
            "skipped_rows": [{"row": s.row, "student_no": s.student_no, "name": s.name} for s in result.skipped],
            "ignored_columns": result.ignored,
        }
        if fmt == "json":
            print(json.dumps(data, ensure_ascii=False, indent=2))
        else:
            _emit_data(data["students"], STUDENT_KEYS, fmt)
        return
    if quiet:
        return
    if shown:
        rows = [[s.student_no, person_view(s)["name"], _college_name(codes, s.entry.college),
                 _college_name(codes, s.entry.college, s.entry.major), s.entry.klass] for s in shown]
        title = _("Numbers that would be given (dry run: nothing written)") if result.dry_run else _("New numbers")
        _console().print(_table(title, [_("Student number"), _("Name"), _("College"), _("Major"), _("Class")], rows))
    for skipped in result.skipped:
        note(N_("Row {row}: skipped, already enrolled as {student_no}."), row=skipped.row, student_no=skipped.student_no)
    if result.ignored:
        note(N_("Columns not kept by the registry, ignored: {columns}."), columns=listed(result.ignored))
    say(N_("Enrolled {enrolled}, skipped {skipped}, in {seconds:.1f} s."), enrolled=len(result.enrolled),
        skipped=len(result.skipped), seconds=result.seconds)


class progress:
    """A progress bar on stderr while a batch works, only when stderr is a terminal."""

    def __init__(self, quiet: bool = False):
        self.enabled = not quiet and sys.stderr.isatty()
        self._bar = None
        self._task = None

    def __enter__(self):
        if not self.enabled:
            return None
        from rich.console import Console
        from rich.progress import Progress

        self._bar = Progress(console=Console(stderr=True), transient=True)
        self._bar.start()
        self._task = self._bar.add_task(_("Working"), total=None)
        return self.tick

    def tick(self, done: int, total: int) -> None:
        self._bar.update(self._task, completed=done, total=total)

    def __exit__(self, *exc) -> None:
        if self._bar is not None:
            self._bar.stop()


def import_result(result, shown: list[Student], fmt: str, quiet: bool) -> None:
    if fmt != "table":
        data = {"imported": len(result.imported), "dry_run": result.dry_run, "seconds": round(result.seconds, 3),
                "students": [student_record(s) for s in shown]}
        if fmt == "json":
            print(json.dumps(data, ensure_ascii=False, indent=2))
        else:
            _emit_data(data["students"], STUDENT_KEYS, fmt)
        return
    if not quiet:
        message = N_("Checked {count} records; nothing written (dry run).") if result.dry_run else N_("Imported {count} records in {seconds:.1f} s.")
        say(message, count=len(result.imported), seconds=result.seconds)


def cohort_result(result, shown: dict, fmt: str, quiet: bool, codes: CodeTable | None) -> None:
    reasons = {"excepted": N_("left out with --except"), "status": N_("not active")}
    if fmt != "table":
        def view(s):
            if result.dry_run:  # numbers only, as in the table: a dry run leaves no trace, so shows no personal data
                return {"student_no": s.student_no, "status": s.status.value}
            return student_record(shown[s.student_no])

        data = {
            "closed": [view(s) for s in result.closed],
            "skipped": [view(s) | {"skip_reason": why} for s, why in result.skipped],
            "dry_run": result.dry_run,
        }
        if fmt == "json":
            print(json.dumps(data, ensure_ascii=False, indent=2))
        else:
            rows = [r | {"action": "closed"} for r in data["closed"]] + [r | {"action": "skipped"} for r in data["skipped"]]
            _emit_data(rows, ("action",) + STUDENT_KEYS + ("skip_reason",), fmt)
        return
    if quiet:
        return
    # A dry run shows numbers only: it writes nothing, not even an access-log entry, so it shows no personal data.
    def name(s):
        return [] if result.dry_run else [person_view(shown[s.student_no])["name"] if s.student_no in shown else ""]

    rows = [[s.student_no, *name(s), status_label(s.status), _("closed")] for s in result.closed]
    rows += [[s.student_no, *name(s), status_label(s.status), _("skipped: {why}").format(why=_(reasons[why]))]
             for s, why in result.skipped]
    title = _("Cohort closing (dry run: nothing written)") if result.dry_run else _("Cohort closing")
    headers = [_("Student number"), *([] if result.dry_run else [_("Name")]), _("Status"), _("Action")]
    _console().print(_table(title, headers, rows))
    say(N_("Closed {closed}, skipped {skipped}."), closed=len(result.closed), skipped=len(result.skipped))


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


def export_file(path, *, excel: bool, force: bool):
    """How students are laid out in a file (stable codes in JSON; headers in the language in CSV and XLSX): checked
    now, written when the service hands over the students, put in place by the service."""
    from xueji.files import export

    export.check_target(path)
    from xueji.files import safe

    safe.check_new(path, force)

    def prepare(items: list[Student]):
        records = [student_record(s) for s in items]
        headers = list(STUDENT_KEYS) if path.suffix.lower() == ".json" else [_(EXPORT_HEADERS[k]) for k in STUDENT_KEYS]
        return export.prepare(path, list(STUDENT_KEYS), headers, records, excel=excel, force=force,
                              text_columns=("student_no", "id_number", "exam_no", "college", "major", "class",
                                            "current_college", "current_major", "current_class"))

    return prepare


def submitted(result, fmt: str) -> bool:
    """A college's change became a request: say so (and return True), or return False for a change that applied."""
    from xueji.services.requests import Submitted

    if not isinstance(result, Submitted):
        return False
    if fmt == "json":
        print(json.dumps({"request": result.request_id, "action": result.action, "status": "pending"}))
    elif fmt == "csv":
        _emit_data([{"request": result.request_id, "action": result.action, "status": "pending"}],
                   ("request", "action", "status"), fmt)
    else:
        say(N_("Request {id} submitted; it waits for the office's approval (xueji approve {id})."), id=result.request_id)
    return True


_ACTION_KINDS = {"enroll_roster": "enroll", "graduate_cohort": "graduate", "cancel": "death"}


def _action_label(action: str) -> str:
    """A request's change in the language (a roster or a cohort is named as what it does to each student)."""
    kind = _ACTION_KINDS.get(action, action)
    if action == "cancel":
        return _("Cancellation")
    try:
        label = _(EventKind(kind).label)
    except ValueError:
        return action
    return label + (" ×N" if action in ("enroll_roster", "graduate_cohort") else "")


def requests_table(items, fmt: str) -> None:
    records = [
        {"id": r.id, "action": r.action, "college": r.college, "student_no": r.student_no, "status": r.status,
         "submitted_by": r.submitted_by, "submitted_at": r.submitted_at, "decided_by": r.decided_by,
         "decided_at": r.decided_at, "doc_no": r.doc_no, "decision_reason": r.decision_reason}
        for r in items
    ]
    if fmt != "table":
        _emit_data(records, ("id", "action", "college", "student_no", "status", "submitted_by", "submitted_at",
                             "decided_by", "decided_at", "doc_no", "decision_reason"), fmt)
        return
    if not records:
        say(N_("No requests."))
        return
    headers = [_("Request"), _("Change"), _("College"), _("Student number"), _("State"), _("Submitted by"),
               _("Submitted at"), _("Decided by"), _("Note")]
    rows = [[r["id"], _action_label(r["action"]), r["college"], r["student_no"] or "",
             _(REQUEST_STATES.get(r["status"], r["status"])),
             r["submitted_by"], local_time(r["submitted_at"]), r["decided_by"] or "", r["doc_no"] or r["decision_reason"] or ""]
            for r in records]
    _console().print(_table(_("Requests"), headers, rows))



def access_log_table(entries: list[dict], fmt: str) -> None:
    if fmt != "table":
        _emit_data(entries, ("id", "at", "operator", "account", "command", "filters", "shown", "revealed", "purpose",
                             "requester", "proof"), fmt)
        return
    if not entries:
        say(N_("The access log is empty for this selection."))
        return
    headers = [_("When"), _("Operator"), _("Account"), _("Command"), _("Filters"), _("Students shown"), _("Revealed"),
               _("Purpose"), _("Requester")]
    rows = [[local_time(e["at"]), e["operator"], e["account"] or "", e["command"], json.dumps(e["filters"], ensure_ascii=False),
             e["shown"], _("yes") if e["revealed"] else _("no"), e["purpose"] or "", e["requester"] or ""]
            for e in entries]
    _console().print(_table(_("Access log"), headers, rows))


# --- supervision -----------------------------------------------------------------------------

def verification(result, fmt: str) -> None:
    breaks = [{"event_id": b.event_id, "student_no": b.student_no, "message": message_text(b.message, b.params)}
              for b in result.breaks]
    if fmt == "json":
        print(json.dumps({"ok": not breaks, "events": result.events, "head": result.head,
                          "ledger_entries": result.entries, "ledger_head": result.ledger_head,
                          "unwitnessed": result.unwitnessed, "breaks": breaks}, ensure_ascii=False, indent=2))
    elif fmt == "csv":
        _emit_data(breaks, ("event_id", "student_no", "message"), fmt)
    elif not breaks:
        say(N_("The audit chain is intact: {events} events, head {head}."), events=result.events, head=result.head)
        say(N_("The ledger is intact: {entries} entries (access log, requests, operators), head {head}."),
            entries=result.entries, head=result.ledger_head)
    if result.unwitnessed:
        note(N_("Warning: {count} events or ledger entries were recorded after the last head in the witness file "
                "(by a process without the witness configured, or after its last line)."), count=result.unwitnessed)
    if breaks:
        for item in breaks[:SHOWN_PROBLEMS]:
            print(item["message"], file=sys.stderr)
        first = breaks[0]
        if first["event_id"] is not None:
            text = _("The audit chain is broken; the first problem is at event {id}.").format(id=first["event_id"])
        else:
            text = _("The audit chain is broken: {problem}").format(problem=first["message"])
        print(_("Error: {message}").format(message=text), file=sys.stderr)


def head(events: tuple[int, str], ledger: tuple[int, str], fmt: str) -> None:
    if fmt == "table":
        say(N_("Events: {events}. Head: {head}"), events=events[0], head=events[1])
        say(N_("Ledger: {entries}. Head: {head}"), entries=ledger[0], head=ledger[1])
    else:
        _emit_data([{"events": events[0], "head": events[1], "ledger_entries": ledger[0], "ledger_head": ledger[1]}],
                   ("events", "head", "ledger_entries", "ledger_head"), fmt, many=False)


def operators_table(rows: list[dict], fmt: str) -> None:
    keys = ("name", "role", "college", "act_as", "added_at", "added_by", "ended_at", "ended_by", "end_reason")
    records = [{k: (bool(r[k]) if k == "act_as" else r[k]) for k in keys} for r in rows]
    if fmt != "table":
        _emit_data(records, keys, fmt)
        return
    from xueji.domain.access import Role

    headers = [_("Operator"), _("Role"), _("College"), _("Acts for others"), _("Added"), _("Added by"), _("Ended")]
    table_rows = [[r["name"], _(Role(r["role"]).label), r["college"] or "", _("yes") if r["act_as"] else "",
                   local_time(r["added_at"]), r["added_by"], local_time(r["ended_at"])] for r in records]
    _console().print(_table(_("Operators"), headers, table_rows))


def audit_log(events: list[dict], fmt: str) -> None:
    records = events  # details already masked by the service
    if fmt != "table":
        _emit_data(records, ("id", "student_no", "kind", "jyt_code", "effective_date", "recorded_at", "operator",
                             "account", "submitted_by", "approved_by", "request_id", "reason", "doc_no",
                             "status_before", "status_after", "detail", "prev_hash", "hash"), fmt)
        return
    if not records:
        say(N_("No events match."))
        return
    headers = [_("Event"), _("Recorded at"), _("Student number"), _("Change"), _("JY/T code"), _("Status"),
               _("Operator"), _("Document no."), _("Details"), _("Hash")]
    rows = [[e["id"], local_time(e["recorded_at"]), e["student_no"], _(EventKind(e["kind"]).label), e["jyt_code"] or "",
             f"{status_label(e['status_before']) or '—'} → {status_label(e['status_after'])}", e["operator"],
             e["doc_no"] or "", _detail_text(e["detail"]), e["hash"][:12]] for e in records]
    _console().print(_table(_("Audit trail"), headers, rows))


def check_report(report, fmt: str) -> None:
    violations = [{"level": "violation", "message": message_text(m, p)} for m, p in report.violations]
    warnings = [{"level": "warning", "message": message_text(m, p)} for m, p in report.warnings]
    if fmt == "json":
        print(json.dumps({"ok": not violations, "students": report.students, "violations": violations,
                          "warnings": warnings}, ensure_ascii=False, indent=2))
    elif fmt == "csv":
        _emit_data(violations + warnings, ("level", "message"), fmt)
    else:
        for item in warnings:
            note(N_("Warning: {message}"), message=item["message"])
        if not violations:
            say(N_("All checks passed for {students} students."), students=report.students)
    for item in violations[:SHOWN_PROBLEMS] if fmt == "table" else []:
        print(item["message"], file=sys.stderr)
    if violations:
        print(_("Error: {message}").format(message=_("Integrity problems found: {count}.").format(count=len(violations))),
              file=sys.stderr)


def copy_report(copy, fmt: str, message: str) -> None:
    if fmt == "table":
        say(message, path=str(copy.path), events=copy.events, head=copy.head, kept=str(copy.kept or ""))
    else:
        _emit_data([{"path": str(copy.path), "events": copy.events, "head": copy.head,
                     "kept": str(copy.kept) if copy.kept else None}], ("path", "events", "head", "kept"), fmt, many=False)


# --- statistics and reports ----------------------------------------------------------------------

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
