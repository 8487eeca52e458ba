"""The Typer app: parse options, call one service, render. No SQL and no rules here."""

from __future__ import annotations

import os
import sys
from typing import Annotated, Optional

import typer
from typer.core import TyperGroup

from xueji import __version__, i18n
from xueji.cli import render
from xueji.cli.state import State
from xueji.domain.errors import N_, XuejiError
from xueji.i18n import _


def _early_language(argv: list[str]) -> str:
    """The language before the command line is parsed, so that its errors and help speak it too."""
    lang = config = None
    for index, word in enumerate(argv):
        if word in ("--lang", "--config") and index + 1 < len(argv):
            value = argv[index + 1]
        elif word.startswith(("--lang=", "--config=")):
            value = word.partition("=")[2]
        else:
            continue
        if word.startswith("--lang"):
            lang = lang or value
        else:
            config = config or value
    if lang is not None and i18n.normalise(lang) is None:
        lang = None
    locale = None
    if not (lang or os.environ.get("XUEJI_LANG")):
        from xueji import config as cfg

        path = cfg.find_config(config)
        locale = cfg.read_locale(path) if path.is_file() else None
    return i18n.resolve(lang, locale)


class XuejiGroup(TyperGroup):
    """Turns every error a user can cause into one translated line and its exit code."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        """Usage errors are rendered by xueji, in the language, not by Click (exit 2 kept)."""
        from typer._click.exceptions import ClickException
        from typer.exceptions import Abort, Exit

        from xueji.cli import edge

        argv = list(sys.argv[1:] if args is None else args)
        i18n.set_language(_early_language(argv))
        from xueji.cli import helptext

        helptext.localise(self, argv)
        try:
            result = self._main_asking(argv, prog_name, complete_var, extra)
        except ClickException as error:
            if error.__class__.__name__ == "NoArgsIsHelpError":
                # building the error built the help: Rich has printed it already and left the plain message empty
                if error.format_message().strip():
                    print(error.format_message())
                code = 2
            else:
                edge.show(error)
                code = error.exit_code
        except Exit as error:
            code = error.exit_code
        except Abort:
            print(_("Aborted."), file=sys.stderr)
            code = 1
        else:
            code = result if isinstance(result, int) else 0
        if standalone_mode:
            sys.exit(code)
        return code

    def _main_asking(self, argv, prog_name, complete_var, extra):
        """At a terminal, a missing required value is asked for (validated, asked again when wrong); without one it
        stays a usage error (exit 2)."""
        from typer._click.exceptions import MissingParameter

        from xueji.cli import prompts

        for _attempt in range(30):
            try:
                return super().main(list(argv), prog_name, complete_var, standalone_mode=False, **extra)
            except MissingParameter as error:
                if not prompts.interactive() or error.param is None:
                    raise
                value = prompts.ask(error.param, error.ctx)
                if value is None:
                    raise
                argv = argv + ([error.param.opts[0], value] if error.param.param_type_name == "option" else [value])
        return super().main(list(argv), prog_name, complete_var, standalone_mode=False, **extra)

    def invoke(self, ctx):

        try:
            return super().invoke(ctx)
        except XuejiError as error:
            render.error(error)
            ctx.exit(error.exit_code)
        except KeyboardInterrupt:
            render.note(N_("Interrupted: nothing was changed."))
            ctx.exit(130)
        except (typer.Exit, typer.Abort, typer.TyperException, BrokenPipeError):
            raise
        except Exception as error:
            from xueji.services import storage_failure

            failure = storage_failure(error)  # the database engine's trouble, in xueji's words
            if failure is not None:
                render.error(failure)
                ctx.exit(failure.exit_code)
            # A bug, not something the user did: no traceback (it could hold personal data) unless asked for.
            if os.environ.get("XUEJI_DEBUG"):
                raise
            render.note(N_("Internal error ({kind}); nothing was changed. Run again with XUEJI_DEBUG=1 for details, and report it."),
                        kind=type(error).__name__)
            ctx.exit(70)
        finally:
            if ctx.parent is None and isinstance(ctx.obj, State):
                for message, params in ctx.obj.notices():
                    render.note(message, **params)
                ctx.obj.close()


app = typer.Typer(
    cls=XuejiGroup,
    name="xueji",
    help="xueji (學籍): student registration and student numbers for an academic affairs office.",
    add_completion=True,
    no_args_is_help=True,
    pretty_exceptions_enable=False,  # locals would print students' personal data
    context_settings={"help_option_names": ["-h", "--help"]},
)
codes_app = typer.Typer(cls=XuejiGroup, invoke_without_command=True, pretty_exceptions_enable=False)
transfer_app = typer.Typer(cls=XuejiGroup, help="Transfers between schools (轉學).", no_args_is_help=True,
                           pretty_exceptions_enable=False)
audit_app = typer.Typer(cls=XuejiGroup, no_args_is_help=True, pretty_exceptions_enable=False,
                        help="The audit chain (審計鏈): verify it, read its head, list events.")
operators_app = typer.Typer(cls=XuejiGroup, no_args_is_help=True, pretty_exceptions_enable=False,
                            help="The registry's operators (操作員): who may work, with which role.")
app.add_typer(operators_app, name="operators")
app.add_typer(codes_app, name="codes")
app.add_typer(audit_app, name="audit")
app.add_typer(transfer_app, name="transfer")
report_app = typer.Typer(cls=XuejiGroup, no_args_is_help=True, pretty_exceptions_enable=False,
                         help="Reports for the year (年度報告).")
app.add_typer(report_app, name="report")


class CertificateGroup(XuejiGroup):
    """`xueji certificate NO …` issues (the form clerks write); `verify` and `list` are its other commands."""

    def resolve_command(self, ctx, args):
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["issue", *args]
        return super().resolve_command(ctx, args)


grants_app = typer.Typer(cls=XuejiGroup, no_args_is_help=True, pretty_exceptions_enable=False,
                         help="Departments' grants (部門查詢授權, §八.2): what a department may read, why, until when.")
app.add_typer(grants_app, name="grants")
certificate_app = typer.Typer(cls=CertificateGroup, no_args_is_help=True, pretty_exceptions_enable=False,
                              help="Certificates (在讀證明 / 學籍證明): issue one, check a code, list those issued.")
app.add_typer(certificate_app, name="certificate")


def _version(value: bool) -> None:
    if value:
        print(f"xueji {__version__}")
        raise typer.Exit()


def _lang(value: Optional[str]) -> Optional[str]:
    from xueji.cli.edge import bad

    if value is not None and i18n.normalise(value) is None:
        raise bad(N_("{value!r} is not one of en, zh-Hans, zh-Hant."), value=value)
    return value


@app.callback()
def root(
    ctx: typer.Context,
    config: Annotated[Optional[str], typer.Option("--config", help="Configuration file (default: $XUEJI_CONFIG or ./config.toml).")] = None,
    db: Annotated[Optional[str], typer.Option(
        "--db", help="Database: a file, or postgresql://host/name (default: $XUEJI_DB or the configuration's).")] = None,
    lang: Annotated[Optional[str], typer.Option("--lang", help="Language: en, zh-Hans, zh-Hant.", callback=_lang)] = None,
    operator: Annotated[Optional[str], typer.Option("--operator", help="Who is recording (default: $XUEJI_OPERATOR or the login name).")] = None,
    version: Annotated[bool, typer.Option("--version", help="Show the version and exit.", callback=_version, is_eager=True)] = False,
) -> None:
    """xueji (學籍): keep every student's registration and student number.

    Example: xueji enroll --name 張三 --gender 男 --birth-date 2005-03-01 --id-number 110105200503010016 --college 01 --major 01 --class 01
    """
    state = State(config, db, lang, operator)
    ctx.obj = state
    i18n.set_language(state.language())


# The rooms register their commands; help lists them in the order a clerk meets them in the year.
from xueji.cli.commands import (  # noqa: E402,F401
    approvals, changes, enrollment, lookups, papers, reports, setup, supervision,
)

ORDER = ("init", "enroll", "suspend", "resume", "withdraw", "graduate", "cancel", "change-major", "change-class",
         "change-cohort", "query", "show", "import", "due",
         "export", "requests", "agree", "approve", "reject", "access-log", "check", "amend", "reinstate", "backup", "migrate", "restore",
         "stats", "roster", "demo")
app.registered_commands.sort(key=lambda c: ORDER.index(c.name or c.callback.__name__.lower().replace("_", "-")))
