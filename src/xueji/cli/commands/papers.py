"""Certificates (在讀證明 / 學籍證明, §八.1)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from xueji.cli import render
from xueji.cli.app import certificate_app
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
