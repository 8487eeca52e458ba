"""The steps every command takes between the command line and the services: its state, a look at personal data, a
change made (or requested), what it may show."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from xueji.cli import render
from xueji.cli.state import State
from xueji.domain.errors import N_


def _state(ctx: typer.Context) -> State:
    state = ctx.find_root().obj
    if ctx.command is not None and ctx is not ctx.find_root():
        state.command = ctx.command_path.partition(" ")[2] or ctx.command.name
    return state


def _reading(ctx: typer.Context, reveal: bool, purpose: Optional[str], requester: Optional[str] = None,
             proof: Optional[str] = None):
    """A session for a command that shows personal data: masked unless revealed by office staff with a purpose
    (the services decide, and log the look)."""
    from xueji.services.disclosure import declare

    state = _state(ctx)
    session = state.session(needs_codes=False)
    declare(session, state.command, reveal=reveal, purpose=purpose, requester=requester, proof=proof)
    return session


def _change(ctx: typer.Context, fmt: str, message: str, action: str, *args, params: dict | None = None,
            **kwargs) -> None:
    """A status change for one student: made (or requested), then confirmed in one line or printed as data."""

    student = _perform(ctx, action, *args, **kwargs)
    if render.submitted(student, fmt):
        return
    until = student.suspended_until.isoformat() if student.suspended_until else ""
    if fmt == "table":
        render.say(message, student_no=student.student_no, status=student.status.label, until=until,
                   klass=student.current.klass, year=student.current.year, college=student.current.college,
                   major=student.current.major, **(params or {}))
    else:
        render.data(_shown(ctx, [student]), fmt, many=False)


def _shown(ctx: typer.Context, students) -> list:
    """The students a command is about to print, as the services let them be shown (a logged look)."""
    from xueji.services import queries
    from xueji.services.disclosure import declare

    state = _state(ctx)
    session = state.session(needs_codes=False)
    declare(session, state.command)
    return queries.views(session, [s.student_no for s in students])


def _perform(ctx: typer.Context, action: str, *args, needs_codes: bool = False, session=None, **kwargs):
    """Every change goes through requests.perform: at once for the office, as a request for a college."""
    from xueji.services.requests import perform

    session = session or _state(ctx).session(needs_codes=needs_codes)
    return perform(session, action, *args, **kwargs)


def _paper_target(path: Path) -> None:
    if path.suffix.lower() not in (".xlsx", ".pdf"):
        from xueji.domain.errors import InvalidData

        raise InvalidData.one("file", str(path), N_("{path}: reports are written as .xlsx workbooks or .pdf files."),
                              path=str(path))


def _batch_views(ctx, students, dry_run: bool, fmt: str, quiet: bool) -> list:
    """What a batch prints about its students: a dry run's people are not in the registry (masked, not logged);
    the registry's students are a logged look, taken only when they are printed."""
    from xueji.services.disclosure import unrecorded

    if dry_run:
        return unrecorded(students)
    if fmt == "table" and quiet or not students:
        return []
    return _shown(ctx, students)
