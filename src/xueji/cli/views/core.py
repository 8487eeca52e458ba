"""Messages, tables and the console: what every view uses."""

from __future__ import annotations

import io
import json
import os
import re
import sys

from xueji.domain.codetable import CodeTable
from xueji.domain.errors import Choices, InvalidData, Msgid, XuejiError
from xueji.domain.status import Status
from xueji.domain.validate import FIELD_LABELS
from xueji.i18n import _, listed



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
