"""The one name commands use for output (``render.say``, ``render.students``…); the views live in ``cli/views/`` by room.

Commands import this module at the top. It costs nothing to import: a name is looked up in its room (and that room's
Rich imported) the first time a command uses it, so ``--version``, ``--help`` and a command that fails before any
output never pay for the views they do not use.

Masking and the access log are not decided there either: the services hand out students whose ``person`` is a
``PersonView`` (already masked unless the look was allowed to reveal, and already logged). ``person_view`` refuses
anything else, so an unmasked record can never reach the screen by mistake.
"""

from importlib import import_module

_ROOMS = {
    "core": (
        "message_text error_text error say note status_label _national _college_name _console _width _table _display "
        "local_time _emit_data STUDENT_KEYS EVENT_KEYS _WHOLE"
    ),
    "students": (
        "person_view student_record event_record data students student_view _who _detail_text codes_table overdue "
        "export_file _DETAIL_LABELS EXPORT_HEADERS"
    ),
    "demo": "demo_report program _sample_id _next_summer",
    "batches": (
        "check_errors_out shown_text problem_records roster_problems roster_result progress import_result "
        "cohort_result SHOWN_PROBLEMS PROBLEM_KEYS"
    ),
    "supervision": (
        "submitted _action_label requests_table access_log_table verification head operators_table audit_log "
        "check_report copy_report moved_report _ACTION_KINDS"
    ),
    "reports": "_dimension_value stats annual_report class_list DIMENSION_LABELS",
    "papers": "check_certificate_target certificate_file certificate_verdict certificates_table grants_table access_report "
               "granted_students granted_export",
}
_ROOM_OF = {name: room for room, names in _ROOMS.items() for name in names.split()}

__all__ = sorted(_ROOM_OF)


def __getattr__(name: str):
    room = _ROOM_OF.get(name)
    if room is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"xueji.cli.views.{room}"), name)
    globals()[name] = value
    return value
