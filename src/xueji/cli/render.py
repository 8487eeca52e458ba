"""The one name commands use for output (``render.say``, ``render.students``…); the views live in ``cli/views/`` by room.

Masking and the access log are not decided there either: the services hand out students whose ``person`` is a
``PersonView`` (already masked unless the look was allowed to reveal, and already logged). ``person_view`` refuses
anything else, so an unmasked record can never reach the screen by mistake.
"""

from xueji.cli.views.core import (
    message_text, error_text, error, say, note, status_label, _national, _college_name, _console, _width,
    _table, _display, local_time, _emit_data, STUDENT_KEYS, EVENT_KEYS, _WHOLE  # noqa: F401,
)
from xueji.cli.views.students import (
    person_view, student_record, event_record, data, students, student_view, _who, _detail_text, codes_table,
    overdue, export_file, _DETAIL_LABELS, EXPORT_HEADERS  # noqa: F401,
)
from xueji.cli.views.demo import demo_report, program, _sample_id, _next_summer  # noqa: F401
from xueji.cli.views.batches import (
    check_errors_out, shown_text, problem_records, roster_problems, roster_result, progress, import_result,
    cohort_result, SHOWN_PROBLEMS, PROBLEM_KEYS  # noqa: F401,
)
from xueji.cli.views.supervision import (
    submitted, _action_label, requests_table, access_log_table, verification, head, operators_table, audit_log,
    check_report, copy_report, _ACTION_KINDS  # noqa: F401,
)
from xueji.cli.views.reports import _dimension_value, stats, annual_report, class_list, DIMENSION_LABELS  # noqa: F401
