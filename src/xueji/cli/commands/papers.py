"""Certificates (在讀證明 / 學籍證明, §八.1) and departments' grants (§八.2)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from xueji.cli import render
from xueji.cli.app import certificate_app, grants_app, report_app
from xueji.cli.options import Force, Format, Number, Purpose
from xueji.cli.steps import _state
from xueji.domain.errors import N_


@certificate_app.command("issue")
def certificate_issue(
    ctx: typer.Context,
    number: Number,
    kind: Annotated[str, typer.Option("--kind", help="enrollment (在讀證明) or record (學籍證明).", show_default=False)],
    requester: Annotated[str, typer.Option("--requester", help="Who asks: \"NAME (本人|監護人)\".", show_default=False)],
    proof: Annotated[str, typer.Option("--proof", help="The identity document the requester showed.", show_default=False)],
    out: Annotated[Path, typer.Option("--out", help="The certificate to write (.pdf).", show_default=False)],
    bilingual: Annotated[bool, typer.Option("--bilingual", help="Chinese with the English beneath.")] = False,
    purpose: Purpose = None,
    force: Force = False,
) -> None:
    """Issue a certificate (在讀證明 / 學籍證明) as a one-page PDF with a verification code and its QR code, in the
    language of the session (--lang zh-Hans, zh-Hant or en, before or after the command).

    Example: xueji certificate 202501010101 --kind enrollment --requester "張三 (本人)" --proof 居民身份證 --out 在讀證明.pdf
    """
    from xueji import i18n
    from xueji.services import certificates
    from xueji.services.disclosure import declare

    state = _state(ctx)
    session = state.session()
    language = i18n.language()
    render.check_certificate_target(out, force)
    declare(session, state.command, purpose=purpose, requester=requester, proof=proof)
    issued = certificates.issue(session, number, kind, lang=language, bilingual=bilingual,
                                prepare=render.certificate_file(out, session.codes_table, state.config().school,
                                                                force))
    render.note(N_("Issued certificate {serial} ({code}) for {student_no}: {path}."), serial=issued.serial,
                code=issued.code, student_no=issued.student.student_no, path=str(out))


@certificate_app.command("verify")
def certificate_verify(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="The verification code printed on the certificate.", show_default=False)],
    fmt: Format = "table",
) -> None:
    """Check a certificate's code: genuine and still true (exit 0); changed since, or not issued here (exit 1).

    Example: xueji certificate verify K7QM-3HXP-9RTV-WD4C
    """
    from xueji.services import certificates
    from xueji.services.disclosure import declare

    state = _state(ctx)
    session = state.session(needs_codes=False)
    declare(session, state.command)
    verdict = certificates.verify(session, code)
    render.certificate_verdict(verdict, fmt)
    if verdict.state != "true":
        ctx.exit(1)


@certificate_app.command("list")
def certificate_list(
    ctx: typer.Context,
    student: Annotated[Optional[str], typer.Option("--student", help="Only this student's certificates.")] = None,
    since: Annotated[Optional[str], typer.Option("--since", help="Issued from this day, YYYY-MM-DD.")] = None,
    fmt: Format = "table",
) -> None:
    """List the certificates issued: serial, code, kind, student, when, by whom, for whom.

    Example: xueji certificate list --since 2026-09-01
    """
    from xueji.services import certificates

    render.certificates_table(certificates.listing(_state(ctx).session(needs_codes=False), student, since), fmt)


@grants_app.command("add")
def grants_add(
    ctx: typer.Context,
    operator: Annotated[str, typer.Option("--operator", help="The department's operator (role department).", show_default=False)],
    purpose: Annotated[str, typer.Option("--purpose", help="What the data is for (用途).", show_default=False)],
    fields: Annotated[str, typer.Option("--fields", help="The fields it may read, e.g. student_no,name,status,college,major.", show_default=False)],
    until: Annotated[str, typer.Option("--until", help="The last day it holds, YYYY-MM-DD.", show_default=False)],
    doc_no: Annotated[str, typer.Option("--doc-no", help="The office's approval (批准文號).", show_default=False)],
    college: Annotated[Optional[str], typer.Option("--college", help="Only this college's students.")] = None,
    year: Annotated[Optional[str], typer.Option("--year", help="Only this cohort.")] = None,
    status: Annotated[Optional[list[str]], typer.Option("--status", help="Only students with this status (repeatable).")] = None,
) -> None:
    """Grant a department read access (office only): a purpose, fields, a scope and an expiry, in the ledger.

    Example: xueji grants add --operator finance --purpose 學費核對 --fields student_no,name,status,college,major --until 2027-01-31 --doc-no 教務〔2026〕40號
    """
    from xueji.services import grants

    grant = grants.add(_state(ctx).session(), operator=operator, purpose=purpose, fields=fields, until=until,
                       doc_no=doc_no, college=college, year=year, statuses=status)
    render.note(N_("Grant {id} to {operator} ({purpose}) holds until {until}."), id=grant.id,
                operator=grant.operator, purpose=grant.purpose, until=grant.until.isoformat())


@grants_app.command("list")
def grants_list(ctx: typer.Context, fmt: Format = "table") -> None:
    """List the grants: who, why, which fields and students, until when, revoked or not.

    Example: xueji grants list -f json
    """
    from xueji.services import grants

    render.grants_table(grants.listing(_state(ctx).session(needs_codes=False)), fmt)


@grants_app.command("revoke")
def grants_revoke(
    ctx: typer.Context,
    grant: Annotated[str, typer.Argument(metavar="GRANT", help="Grant number.", show_default=False)],
    reason: Annotated[str, typer.Option("--reason", help="Why it ends.", show_default=False)],
) -> None:
    """Revoke a grant before its expiry (office only); it stays in the registry and the ledger.

    Example: xueji grants revoke 3 --reason 核對完成
    """
    from xueji.services import grants

    done = grants.revoke(_state(ctx).session(needs_codes=False), grant, reason)
    render.note(N_("Grant {id} revoked."), id=done.id)


@report_app.command("access")
def report_access(
    ctx: typer.Context,
    year: Annotated[str, typer.Option("--year", help="The year reported on.", show_default=False)],
    fmt: Format = "table",
) -> None:
    """Reads under departments' grants in a year, per department and purpose, for the supervision group (§九).

    Example: xueji report access --year 2026
    """
    from xueji.services import access

    render.access_report(access.under_grants(_state(ctx).session(needs_codes=False), year), fmt)


@certificate_app.command("statuses")
def certificate_statuses(
    ctx: typer.Context,
    kind: Annotated[str, typer.Argument(metavar="KIND", help="enrollment or record.", show_default=False)],
    status: Annotated[Optional[list[str]], typer.Argument(metavar="[STATUS]...", help="The statuses it is issued for (office): replaces the list.", show_default=False)] = None,
) -> None:
    """Show, or set (office), the statuses a kind of certificate is issued for (default: enrollment for active
    students only, record for every status); kept in the registry and its ledger.

    Example: xueji certificate statuses enrollment active suspended
    """
    from xueji.services import certificates

    chosen = certificates.statuses(_state(ctx).session(needs_codes=False), kind, status)
    from xueji.i18n import _, listed

    render.say(N_("A {kind} is issued for: {statuses}."), kind=certificates.kind_of(kind).label,
               statuses=listed(f"{_(s.label)} ({s.value})" for s in chosen))
