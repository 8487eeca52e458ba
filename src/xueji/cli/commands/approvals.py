"""Roles and approvals: the colleges' requests, approve and reject, the registry's operators."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from xueji.cli import render
from xueji.cli.app import app, operators_app
from xueji.cli.options import Format, DocNo, Reason
from xueji.cli.steps import _state, _shown
from xueji.domain.errors import N_


@app.command("requests")
def requests_(
    ctx: typer.Context,
    status: Annotated[Optional[str], typer.Option("--status", help="pending, approved or rejected.")] = None,
    college: Annotated[Optional[str], typer.Option("--college", help="Only this college's requests.")] = None,
    fmt: Format = "table",
) -> None:
    """List requests for approval (待審批申請): college changes waiting for the office.

    Example: xueji requests --status pending
    """
    from xueji.services import requests as service

    render.requests_table(service.listing(_state(ctx).session(needs_codes=False), status, college), fmt)


@app.command()
def approve(
    ctx: typer.Context,
    request: Annotated[str, typer.Argument(metavar="REQUEST", help="Request number.", show_default=False)],
    doc_no: DocNo = None, fmt: Format = "table",
) -> None:
    """Approve a college's request (教務處批准): it is checked again and applied now.

    Example: xueji approve 12 --doc-no 教務〔2025〕31號
    """
    from xueji.services import requests as service

    result = service.approve(_state(ctx).session(), request, doc_no)
    students = result if isinstance(result, list) else (
        getattr(result, "enrolled", None) or getattr(result, "closed", None) or [result])
    if fmt == "table":
        render.say(N_("Request {id} approved and applied."), id=request.strip().lstrip("#"))
    else:
        render.data(_shown(ctx, students), fmt, many=True)


@app.command()
def reject(
    ctx: typer.Context,
    request: Annotated[str, typer.Argument(metavar="REQUEST", help="Request number.", show_default=False)],
    reason: Annotated[str, typer.Option("--reason", help="Why it is rejected.", show_default=False)],
) -> None:
    """Reject a college's request (退回申請); the student is unchanged.

    Example: xueji reject 12 --reason 材料不全
    """
    from xueji.services import requests as service

    done = service.reject(_state(ctx).session(needs_codes=False), request, reason)
    render.say(N_("Request {id} rejected."), id=done.id)


@operators_app.command("add")
def operators_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(metavar="NAME", help="The OS account (login name).", show_default=False)],
    role: Annotated[str, typer.Option("--role", help="office, college, inspector or viewer.", show_default=False)],
    college: Annotated[Optional[str], typer.Option("--college", help="The college of college staff.")] = None,
    act_as: Annotated[bool, typer.Option("--act-as", help="A shared or service account that may record in another operator's name.")] = False,
) -> None:
    """Add an operator (office only); the change is kept in the ledger.

    Example: xueji operators add li --role college --college 01
    """
    from xueji.services import identity

    row = identity.add(_state(ctx).session(), name, role, college, act_as)
    render.say(N_("Added operator {name} ({role})."), name=row["name"], role=row["role"])


@operators_app.command("list")
def operators_list(
    ctx: typer.Context,
    history: Annotated[bool, typer.Option("--history", help="Also operators who were removed.")] = False,
    fmt: Format = "table",
) -> None:
    """List the operators in force (office and inspectors).

    Example: xueji operators list --history
    """
    from xueji.services import identity

    render.operators_table(identity.listing(_state(ctx).session(needs_codes=False), history), fmt)


@operators_app.command("remove")
def operators_remove(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(metavar="NAME", help="The operator to remove.", show_default=False)],
    reason: Reason = None,
) -> None:
    """End an operator (office only): never deleted, the history keeps who was an operator when.

    Example: xueji operators remove li --reason 調離
    """
    from xueji.services import identity

    row = identity.remove(_state(ctx).session(needs_codes=False), name, reason)
    render.say(N_("Removed operator {name}."), name=row["name"])


@operators_app.command("import")
def operators_import(ctx: typer.Context) -> None:
    """Take the configuration's [operators] table into the registry (office only; the first time, anyone).

    Example: xueji operators import
    """
    from xueji.services import identity

    state = _state(ctx)
    added = identity.import_configured(state.session(), state.config().operators)
    render.say(N_("Operators added or changed: {count}."), count=len(added))


@app.command()
def agree(
    ctx: typer.Context,
    request: Annotated[str, typer.Argument(metavar="REQUEST", help="Request number.", show_default=False)],
) -> None:
    """Agree, as the receiving college, to a change of major into it (接收學院同意); the office then decides.

    Example: xueji agree 12
    """
    from xueji.services import requests as service

    done = service.agree(_state(ctx).session(needs_codes=False), request)
    render.say(N_("College {college} agreed to request {id}; the office decides next."), college=done.receiving,
               id=done.id)
