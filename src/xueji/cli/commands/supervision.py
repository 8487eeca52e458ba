"""Supervision: the access log, the audit chain, check, backup and restore."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from xueji.cli import render
from xueji.cli.app import app, audit_app
from xueji.cli.options import Format
from xueji.cli.steps import _state, _reading
from xueji.domain.errors import N_


@app.command("access-log")
def access_log(
    ctx: typer.Context,
    operator: Annotated[Optional[str], typer.Option("--operator", help="Only this operator.")] = None,
    since: Annotated[Optional[str], typer.Option("--since", help="From this day, YYYY-MM-DD.")] = None,
    student: Annotated[Optional[str], typer.Option("--student", help="Only looks that showed this student.")] = None,
    grant: Annotated[Optional[str], typer.Option("--grant", help="Only reads under this department's grant.")] = None,
    fmt: Format = "table",
) -> None:
    """Show who looked at personal data, when, how much and why (查詢記錄); office and inspectors.

    Example: xueji access-log --student 202301010105
    """
    from xueji.services import access

    render.access_log_table(access.entries(_state(ctx).session(needs_codes=False), operator, since, student, grant),
                            fmt)


@audit_app.command("verify")
def audit_verify(
    ctx: typer.Context,
    head: Annotated[Optional[str], typer.Option("--head", help="A head hash written down earlier: prove nothing before it changed.")] = None,
    witness: Annotated[Optional[Path], typer.Option("--witness", help="The witness file ([audit] witness): every head in it must still be in place.")] = None,
    fmt: Format = "table",
) -> None:
    """Recompute the audit chain, the ledger and each record's link to its events; exit 7 naming the first problem.

    Example: xueji audit verify --head 3f5a…(64 hex characters) --witness /var/lib/xueji-witness/heads
    """
    from xueji.services import audit

    result = audit.verify(_state(ctx).session(needs_codes=False), head, witness)
    render.verification(result, fmt)
    if result.breaks:
        ctx.exit(7)


@audit_app.command("head")
def audit_head(ctx: typer.Context, fmt: Format = "table") -> None:
    """Print the number of events and the last hash, and the same for the ledger — the figures inspectors write down
    at each inspection.

    Example: xueji audit head -f json
    """
    from xueji.services import audit

    render.head(*audit.head(_state(ctx).session(needs_codes=False)), fmt)


@audit_app.command("log")
def audit_log(
    ctx: typer.Context,
    student: Annotated[Optional[str], typer.Option("--student", help="Only this student's events.")] = None,
    since: Annotated[Optional[str], typer.Option("--since", help="Recorded on or after this day, YYYY-MM-DD.")] = None,
    kind: Annotated[Optional[str], typer.Option("--kind", help="Only this kind: enroll, suspend, amend, …")] = None,
    fmt: Format = "table",
) -> None:
    """List the events of the audit trail (異動記錄), oldest first; personal data in corrections is masked.

    Example: xueji audit log --kind withdraw --since 2025-09-01
    """
    from xueji.services import audit

    session = _reading(ctx, False, None)
    render.audit_log(audit.log(session, student, since, kind), fmt)


@app.command()
def check(ctx: typer.Context, fmt: Format = "table") -> None:
    """Check the registry's invariants (一致性檢查); exit 7 with the list of violations, 0 when clean.

    Example: xueji check
    """
    from xueji.services import audit

    report = audit.check(_state(ctx).session(needs_codes=False))
    render.check_report(report, fmt)
    if report.violations:
        ctx.exit(7)


@app.command()
def backup(
    ctx: typer.Context,
    destination: Annotated[Path, typer.Argument(metavar="DEST", help="The new backup file.", show_default=False)],
    fmt: Format = "table",
) -> None:
    """Copy the database consistently while others work, then verify the copy (備份).

    Example: xueji backup /backups/xueji-2025-09-01.db
    """
    from xueji.services import backup as service

    render.copy_report(service.backup(_state(ctx).session(needs_codes=False), destination), fmt,
                       N_("Backed up to {path}: {events} events, head {head}."))


@app.command()
def migrate(
    ctx: typer.Context,
    to: Annotated[str, typer.Option("--to", metavar="URL", help="The PostgreSQL database: postgresql://host/name "
                                    "(passwords in ~/.pgpass, never here).", show_default=False)],
    fmt: Format = "table",
) -> None:
    """Copy this SQLite registry into PostgreSQL in one transaction, checking both ends agree (遷移).

    Example: xueji migrate --to postgresql://registry.example.edu/xueji
    """
    from xueji import config as cfg
    from xueji.services import backup as service

    moved = service.migrate(_state(ctx).session(needs_codes=False), cfg.database_location(to, Path.cwd(), "--to"))
    render.moved_report(moved, fmt)


@app.command()
def restore(
    ctx: typer.Context,
    source: Annotated[Path, typer.Argument(metavar="SRC", help="A backup made by `xueji backup`.", show_default=False)],
    force: Annotated[bool, typer.Option("--force", help="Really replace the current database.")] = False,
    fmt: Format = "table",
) -> None:
    """Replace the database with a verified backup, keeping a copy of the current one (還原).

    Example: xueji restore /backups/xueji-2025-09-01.db --force
    """
    from xueji.services import backup as service

    render.copy_report(service.restore(_state(ctx).session(needs_codes=False), source, force), fmt,
                       N_("Restored from the backup: {events} events, head {head}. The previous database is kept as {kept}."))
