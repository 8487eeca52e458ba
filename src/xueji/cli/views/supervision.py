"""Requests, the access log, the audit chain, operators, check and copies."""

from __future__ import annotations

import json
import sys

from xueji.domain.model import REQUEST_STATES
from xueji.domain.status import EventKind
from xueji.i18n import N_, _

from xueji.cli.views.core import message_text, say, note, status_label, _console, _table, local_time, _emit_data
from xueji.cli.views.students import _detail_text
from xueji.cli.views.batches import SHOWN_PROBLEMS


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


def _colleges(r: dict) -> str:
    """The requesting college, and for a move into another college that one and whether it agreed."""
    if not r["receiving"]:
        return r["college"] or ""
    state = _("agreed by {who}").format(who=r["agreed_by"]) if r["agreed_by"] else _("not yet agreed")
    return f"{r['college']} → {r['receiving']} ({state})"


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
         "decided_at": r.decided_at, "doc_no": r.doc_no, "decision_reason": r.decision_reason,
         "receiving": r.receiving, "agreed_by": r.agreed_by, "agreed_at": r.agreed_at}
        for r in items
    ]
    if fmt != "table":
        _emit_data(records, ("id", "action", "college", "student_no", "status", "submitted_by", "submitted_at",
                             "decided_by", "decided_at", "doc_no", "decision_reason", "receiving", "agreed_by",
                             "agreed_at"), fmt)
        return
    if not records:
        say(N_("No requests."))
        return
    headers = [_("Request"), _("Change"), _("College"), _("Student number"), _("State"), _("Submitted by"),
               _("Submitted at"), _("Decided by"), _("Note")]
    rows = [[r["id"], _action_label(r["action"]), _colleges(r), r["student_no"] or "",
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


def moved_report(moved, fmt: str) -> None:
    if fmt == "table":
        say(N_("Copied into {path}: {students} students, {events} events, head {head}; ledger {entries} entries, "
               "head {ledger_head}."), path=moved.url, students=moved.rows.get("students", 0), events=moved.events,
            head=moved.head, entries=moved.ledger, ledger_head=moved.ledger_head)
    else:
        record = {"url": moved.url, **{f"{table}_rows": count for table, count in moved.rows.items()},
                  "events": moved.events, "head": moved.head, "ledger": moved.ledger, "ledger_head": moved.ledger_head}
        _emit_data([record], list(record), fmt, many=False)


# --- statistics and reports ----------------------------------------------------------------------
