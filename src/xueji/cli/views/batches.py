"""Batches: roster problems, results, progress, imports, cohorts."""

from __future__ import annotations

import json
import sys

from xueji.domain.codetable import CodeTable
from xueji.domain.errors import InvalidData
from xueji.domain.model import Student
from xueji.i18n import N_, _, listed

from xueji.cli.views.core import (
    message_text, error_text, say, note, status_label, _college_name, _console, _table, _emit_data, STUDENT_KEYS,
)
from xueji.cli.views.students import person_view, student_record


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

        # CSV for Excel: a BOM, so Excel on Chinese Windows opens it correctly, and exam and ID numbers written as
        # ="…" (files.export.excel_text), so they keep every digit.
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
