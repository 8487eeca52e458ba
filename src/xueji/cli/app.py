"""The Typer app: parse options, call one service, render. No SQL and no rules here."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from typer.core import TyperGroup

from xueji import __version__, i18n
from xueji.cli.state import State
from xueji.domain.errors import N_, XuejiError
from xueji.i18n import _, listed


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
                print(error.ctx.get_help())
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
        from xueji.cli import render

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


def _version(value: bool) -> None:
    if value:
        print(f"xueji {__version__}")
        raise typer.Exit()


def _format(value: str) -> str:
    from xueji.cli.edge import bad

    if value not in ("table", "json", "csv"):
        raise bad(N_("{value!r} is not one of table, json, csv."), value=value)
    return value


def _lang(value: Optional[str]) -> Optional[str]:
    from xueji.cli.edge import bad

    if value is not None and i18n.normalise(value) is None:
        raise bad(N_("{value!r} is not one of en, zh-Hans, zh-Hant."), value=value)
    return value


Format = Annotated[str, typer.Option("--format", "-f", help="Output: table, json or csv.", callback=_format)]
Date = Annotated[Optional[str], typer.Option("--date", help="Effective date YYYY-MM-DD (default: today).")]
DocNo = Annotated[Optional[str], typer.Option("--doc-no", help="Approval document number (批准文號).")]
Reason = Annotated[Optional[str], typer.Option("--reason", help="Reason (原因).")]
Number = Annotated[str, typer.Argument(metavar="STUDENT_NO", help="12-digit student number (學號).", show_default=False)]
# Person and placement options, shared by `enroll` and `transfer in`. Values are plain text checked by the domain.
Name = Annotated[str, typer.Option("--name", help="Name (姓名).", show_default=False)]
Gender = Annotated[str, typer.Option("--gender", help="Gender (性別): 男/女, M/F or 1/2.", show_default=False)]
Birth = Annotated[str, typer.Option("--birth-date", help="Birth date (出生日期) YYYY-MM-DD.", show_default=False)]
IdNumber = Annotated[str, typer.Option("--id-number", help="ID number (身份證件號).", show_default=False)]
College = Annotated[str, typer.Option("--college", help="College code or name (學院).", show_default=False)]
Major = Annotated[str, typer.Option("--major", help="Major code or name (專業).", show_default=False)]
Klass = Annotated[str, typer.Option("--class", help="Class 01–99 (班級).", show_default=False)]
Year = Annotated[Optional[str], typer.Option("--year", help="Enrollment year (default: this year).")]
IdType = Annotated[str, typer.Option("--id-type", help="ID document type: 1 resident card, 6, 7, 8, 9, A passport, Z.")]
ExamNo = Annotated[Optional[str], typer.Option("--exam-no", help="Exam number (考生號), 14 digits.")]
Ethnicity = Annotated[Optional[str], typer.Option("--ethnicity", help="Ethnicity (民族): GB/T 3304 code or name, e.g. 01 or 漢族.")]
Political = Annotated[Optional[str], typer.Option("--political", help="Political status (政治面貌): GB/T 4762 code or name, e.g. 13 or 群眾.")]
Region = Annotated[Optional[str], typer.Option("--region", help="Place of origin (生源地): province name or code, or county code.")]

def _complete_status(incomplete: str):
    from xueji.domain.status import Status

    return [s.value for s in Status if s.value.startswith(incomplete)]


def _complete_college(ctx: typer.Context, incomplete: str):
    return [(code, name) for code, name in _codes(ctx) if code.startswith(incomplete)]


def _complete_major(ctx: typer.Context, incomplete: str):
    college = (ctx.params.get("college") or "").strip()
    try:
        table = _completion_config(ctx).codes
        found = table.college(college) if college else None
    except Exception:  # no configuration yet: nothing to offer
        return []
    majors = found.majors.values() if found else [m for c in table.colleges.values() for m in c.majors.values()]
    return sorted({(m.code, m.name) for m in majors if m.code.startswith(incomplete)})


def _codes(ctx) -> list[tuple[str, str]]:
    try:
        table = _completion_config(ctx).codes
    except Exception:  # no configuration here: nothing to offer
        return []
    return sorted((c.code, c.name) for c in table.colleges.values())


def _completion_config(ctx):
    """The configuration while completing: the root callback has not run, so from --config or the environment."""
    state = ctx.find_root().obj
    if not isinstance(state, State):
        state = State(ctx.find_root().params.get("config"), None, None, None)
    return state.config()


# Filters shared by `query` and `export` (current placement).
FilterName = Annotated[Optional[str], typer.Option("--name", help="Part of the name.")]
FilterId = Annotated[Optional[str], typer.Option("--id-number", help="ID number.")]
FilterYear = Annotated[Optional[str], typer.Option("--year", help="Cohort year.")]
FilterCollege = Annotated[Optional[str], typer.Option("--college", help="College code or name.",
                                                     autocompletion=_complete_college)]
FilterMajor = Annotated[Optional[str], typer.Option("--major", help="Major code or name.",
                                                   autocompletion=_complete_major)]
FilterClass = Annotated[Optional[str], typer.Option("--class", help="Class.")]
FilterStatus = Annotated[Optional[list[str]], typer.Option("--status", help="Status (repeatable): active, suspended, …",
                                                           autocompletion=_complete_status)]


def _state(ctx: typer.Context) -> State:
    state = ctx.find_root().obj
    if ctx.command is not None and ctx is not ctx.find_root():
        state.command = ctx.command_path.partition(" ")[2] or ctx.command.name
    return state


Force = Annotated[bool, typer.Option("--force", help="Replace the file if it exists.")]
MapOption = Annotated[Optional[list[str]], typer.Option("--map", help="HEADER=FIELD: read a column under another name (repeatable), e.g. --map '录取类别=id_type'.")]
HeaderRow = Annotated[Optional[str], typer.Option("--header-row", help="The row holding the column names (default: found among the first 10).")]


def _header_row(value: Optional[str]) -> Optional[int]:
    if value is None:
        return None
    text = value.strip()
    if not text.isdigit() or not text.isascii() or not 1 <= int(text) <= 1000:
        from xueji.domain.errors import InvalidData

        raise InvalidData.one("header_row", value, N_("The header row is a row number from 1 to 1000."))
    return int(text)
Reveal = Annotated[bool, typer.Option("--reveal", help="Show full ID numbers and birth dates (office only; needs --purpose).")]
Purpose = Annotated[Optional[str], typer.Option("--purpose", help="Why personal data is revealed; goes to the access log.")]


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
    from xueji.cli import render

    student = _perform(ctx, action, *args, **kwargs)
    if render.submitted(student, fmt):
        return
    until = student.suspended_until.isoformat() if student.suspended_until else ""
    if fmt == "table":
        render.say(message, student_no=student.student_no, status=student.status.label, until=until,
                   klass=student.current.klass, year=student.current.year, **(params or {}))
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


@app.callback()
def root(
    ctx: typer.Context,
    config: Annotated[Optional[str], typer.Option("--config", help="Configuration file (default: $XUEJI_CONFIG or ./config.toml).")] = None,
    db: Annotated[Optional[str], typer.Option("--db", help="Database file (default: $XUEJI_DB or the configuration's).")] = None,
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


@app.command()
def init(ctx: typer.Context) -> None:
    """Create config.toml and the database here (初始化); keeps whatever exists.

    Example: xueji init
    """
    from xueji.cli import render
    from xueji.services.setup import init as run_init

    state = _state(ctx)
    result = run_init(state.config_path, state.database_override(), script=i18n.language())
    from xueji.domain.errors import Msgid

    render.say(N_("Configuration: {path} ({what})"), path=str(result.config_path),
               what=Msgid(N_("created") if result.config_created else N_("kept")))
    render.say(N_("Database: {path} ({what})"), path=str(result.database_path),
               what=Msgid(N_("created") if result.database_created else N_("kept")))


@codes_app.callback()
def codes(ctx: typer.Context, fmt: Format = "table") -> None:
    """List or extend the code table of colleges and majors (學院/專業代碼).

    Example: xueji codes -f json
    """
    if ctx.invoked_subcommand is None:
        from xueji.cli import render
        from xueji.services import codes as service

        render.codes_table(service.rows(_state(ctx).config()), fmt)


@codes_app.command("add-college")
def add_college(ctx: typer.Context, code: Annotated[str, typer.Argument(help="Two digits, 01–99.")],
                name: Annotated[str, typer.Argument(help="College name.")]) -> None:
    """Add a college (新增學院).

    Example: xueji codes add-college 06 藝術學院
    """
    from xueji.cli import render
    from xueji.services import codes as service

    college = service.add_college(_state(ctx).config(), code, name, _state(ctx).session().actor)
    render.say(N_("Added college {code} {name}."), code=college.code, name=college.name)


@codes_app.command("add-major")
def add_major(ctx: typer.Context, college: Annotated[str, typer.Argument(help="College code.")],
              code: Annotated[str, typer.Argument(help="Two digits, 01–99.")],
              name: Annotated[str, typer.Argument(help="Major name.")],
              national_code: Annotated[Optional[str], typer.Option("--national-code", help="National catalogue code, e.g. 070101.")] = None) -> None:
    """Add a major to a college (新增專業).

    Example: xueji codes add-major 06 01 美術學 --national-code 130401
    """
    from xueji.cli import render
    from xueji.services import codes as service

    major = service.add_major(_state(ctx).config(), college, code, name, national_code, _state(ctx).session().actor)
    render.say(N_("Added major {code} {name} to college {college}."), code=major.code, name=major.name, college=college)


def _enroll(ctx, fmt, from_school=None, **fields) -> None:
    from xueji.cli import render
    from xueji.domain.model import PersonInput

    person = PersonInput(*(fields.pop(f) for f in ("name", "gender", "birth_date", "id_number", "id_type", "exam_no",
                                                     "ethnicity", "political", "region")))
    student = _perform(ctx, "enroll", person, needs_codes=True, from_school=from_school, **fields)
    if render.submitted(student, fmt):
        return
    if fmt == "table":
        print(student.student_no)
    else:
        render.data(_shown(ctx, [student]), fmt, many=False)


def _optional(option: str, help: str):
    return Annotated[Optional[str], typer.Option(option, help=help + " Required without --file.", show_default=False)]


@app.command()
def enroll(
    ctx: typer.Context,
    name: _optional("--name", "Name (姓名).") = None,
    gender: _optional("--gender", "Gender (性別): 男/女, M/F or 1/2.") = None,
    birth_date: _optional("--birth-date", "Birth date (出生日期) YYYY-MM-DD.") = None,
    id_number: _optional("--id-number", "ID number (身份證件號).") = None,
    college: _optional("--college", "College code or name (學院).") = None,
    major: _optional("--major", "Major code or name (專業).") = None,
    klass: _optional("--class", "Class 01–99 (班級).") = None,
    year: Year = None, id_type: IdType = "1", exam_no: ExamNo = None, date: Date = None, doc_no: DocNo = None,
    ethnicity: Ethnicity = None, political: Political = None, region: Region = None,
    file: Annotated[Optional[Path], typer.Option("--file", help="Enroll a roster (.csv or .xlsx) in one transaction.", show_default=False)] = None,
    sheet: Annotated[Optional[str], typer.Option("--sheet", help="Worksheet of an .xlsx roster (default: the first).")] = None,
    encoding: Annotated[Optional[str], typer.Option("--encoding", help="Encoding of a CSV roster (default: detected).")] = None,
    mapping: MapOption = None, header_row: HeaderRow = None,
    order: Annotated[Optional[str], typer.Option("--order", help="Seat order: input, pinyin or exam-no (default: the config's).")] = None,
    class_size: Annotated[Optional[str], typer.Option("--class-size", help="Form classes of at most N when the roster has no class column.")] = None,
    skip_existing: Annotated[bool, typer.Option("--skip-existing", help="Skip people already enrolled in the same year, college and major.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show the numbers that would be given; write nothing.")] = False,
    errors_out: Annotated[Optional[Path], typer.Option("--errors-out", help="Write every problem to this .csv or .xlsx.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing --errors-out file.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary (for cron).")] = False,
    fmt: Format = "table",
) -> None:
    """Enroll a student, or a whole roster with --file, and issue numbers (學籍建立). Prints the number(s).

    Example: xueji enroll --name 李華 --gender 女 --birth-date 2005-06-01 --id-number 11010520050601002X --college 01 --major 01 --class 01 --year 2025

    Example: xueji enroll --file 2025新生.xlsx --year 2025 --order pinyin --skip-existing
    """
    if file is not None:
        _enroll_file(ctx, file, year=year, sheet=sheet, encoding=encoding, order=order, class_size=class_size,
                     skip_existing=skip_existing, dry_run=dry_run, errors_out=errors_out, quiet=quiet, fmt=fmt,
                     date=date, doc_no=doc_no, force=force, mapping=mapping, header_row=header_row)
        return
    fields = {"--name": name, "--gender": gender, "--birth-date": birth_date, "--id-number": id_number,
              "--college": college, "--major": major, "--class": klass}
    missing = [flag for flag, value in fields.items() if value is None]
    if missing:
        from xueji.cli.edge import wrong

        raise wrong(N_("Missing {options} (or give a roster with --file)."), options=listed(missing))
    _enroll(ctx, fmt, name=name, gender=gender, birth_date=birth_date, id_number=id_number, college=college,
            major=major, klass=klass, year=year, id_type=id_type, exam_no=exam_no, date=date, doc_no=doc_no,
            ethnicity=ethnicity, political=political, region=region)


def _enroll_file(ctx, file: Path, *, errors_out: Optional[Path], quiet: bool, fmt: str, **options) -> None:
    from xueji.cli import render
    from xueji.files import roster as rosters
    from xueji.services import batch

    state = _state(ctx)
    session = state.session()
    if options["order"] is None:
        options["order"] = state.config().seat_order
    force = options.pop("force")
    if errors_out is not None:
        render.check_errors_out(errors_out, file, force)
    roster = rosters.read(file, sheet=options.pop("sheet"), encoding=options.pop("encoding"),
                          header_row=_header_row(options.pop("header_row")),
                          mapping=rosters.parse_mapping(options.pop("mapping")))
    try:
        with render.progress(quiet) as tick:
            result = _perform(ctx, "enroll_roster", session=session, roster=roster, progress=tick, **options)
    except batch.RosterInvalid as error:
        render.roster_problems(error, fmt, errors_out, force)
        ctx.exit(error.exit_code)
    if render.submitted(result, fmt):
        return
    render.roster_result(result, _batch_views(ctx, result.enrolled, result.dry_run, fmt, quiet), fmt, quiet,
                         session.codes_table)


def _batch_views(ctx, students, dry_run: bool, fmt: str, quiet: bool) -> list:
    """What a batch prints about its students: a dry run's people are not in the registry (masked, not logged);
    the registry's students are a logged look, taken only when they are printed."""
    from xueji.services.disclosure import unrecorded

    if dry_run:
        return unrecorded(students)
    if fmt == "table" and quiet or not students:
        return []
    return _shown(ctx, students)


@transfer_app.command("in")
def transfer_in(
    ctx: typer.Context,
    from_school: Annotated[str, typer.Option("--from-school", help="School the student comes from.", show_default=False)],
    name: Name, gender: Gender, birth_date: Birth, id_number: IdNumber, college: College, major: Major,
    klass: Klass, year: Year = None, id_type: IdType = "1", exam_no: ExamNo = None, date: Date = None,
    doc_no: DocNo = None, ethnicity: Ethnicity = None, political: Political = None, region: Region = None,
    fmt: Format = "table",
) -> None:
    """Register a transfer-in student under a new number (轉入). Prints the number.

    Example: xueji transfer in --from-school 某某大學 --name 王五 --gender 男 --birth-date 2004-01-01 --id-number 440524200401010012 --college 02 --major 02 --class 01
    """
    _enroll(ctx, fmt, from_school=from_school, name=name, gender=gender, birth_date=birth_date,
            id_number=id_number, college=college, major=major, klass=klass, year=year, id_type=id_type,
            exam_no=exam_no, date=date, doc_no=doc_no, ethnicity=ethnicity, political=political, region=region)


@transfer_app.command("out")
def transfer_out(
    ctx: typer.Context, number: Number,
    to_school: Annotated[str, typer.Option("--to-school", help="Receiving school.", show_default=False)],
    reason: Reason = None, date: Date = None, doc_no: DocNo = None, fmt: Format = "table",
) -> None:
    """Transfer a student out to another school (轉出); the number is never reused.

    Example: xueji transfer out 202301010105 --to-school 某某大學 --doc-no 教務〔2025〕12號
    """

    _change(ctx, fmt, N_("{student_no} transferred out to {school}."), "transfer_out", number, to_school=to_school,
            reason=reason, date=date, doc_no=doc_no, params={"school": to_school.strip()})


@app.command()
def suspend(
    ctx: typer.Context, number: Number,
    reason: Annotated[str, typer.Option("--reason", help="Reason (原因).", show_default=False)],
    until: Annotated[str, typer.Option("--until", help="Last day of the suspension, YYYY-MM-DD.", show_default=False)],
    date: Date = None, doc_no: DocNo = None, fmt: Format = "table",
) -> None:
    """Suspend a student (休學); the registration and number are kept.

    Example: xueji suspend 202301010105 --reason 因病 --until 2026-08-31
    """

    _change(ctx, fmt, N_("{student_no} suspended until {until}."), "suspend", number, reason=reason, until=until,
            date=date, doc_no=doc_no)


@app.command()
def resume(
    ctx: typer.Context, number: Number, date: Date = None,
    klass: Annotated[Optional[str], typer.Option("--class", help="Resume into another class (01–99).")] = None,
    cohort: Annotated[Optional[str], typer.Option("--cohort", help="Resume into a later cohort (year).")] = None,
    doc_no: DocNo = None, fmt: Format = "table",
) -> None:
    """Resume a suspended student (復學) under the same number.

    Example: xueji resume 202301010105 --class 02 --cohort 2024
    """

    _change(ctx, fmt, N_("{student_no} resumed (class {klass} of {year})."), "resume", number, date=date, klass=klass,
            cohort=cohort, doc_no=doc_no)


@app.command()
def withdraw(
    ctx: typer.Context, number: Number,
    reason: Annotated[str, typer.Option("--reason", help="Reason (原因).", show_default=False)],
    date: Date = None, doc_no: DocNo = None, fmt: Format = "table",
) -> None:
    """Withdraw a student (退學); the number is retired for good.

    Example: xueji withdraw 202301010105 --reason 本人申請 --doc-no 教務〔2025〕3號
    """

    _change(ctx, fmt, N_("{student_no} withdrawn."), "withdraw", number, reason=reason, date=date, doc_no=doc_no)


@app.command()
def graduate(
    ctx: typer.Context,
    numbers: Annotated[Optional[list[str]], typer.Argument(metavar="[STUDENT_NO]...", help="Student numbers (or use --year).", show_default=False)] = None,
    year: Annotated[Optional[str], typer.Option("--year", help="Close the whole cohort of this year (current placement).")] = None,
    college: Annotated[Optional[str], typer.Option("--college", help="With --year: only this college.")] = None,
    major: Annotated[Optional[str], typer.Option("--major", help="With --year and --college: only this major.")] = None,
    klass: Annotated[Optional[str], typer.Option("--class", help="With --year: only this class.")] = None,
    excepted: Annotated[Optional[list[str]], typer.Option("--except", help="With --year: leave this student out (repeatable).")] = None,
    outcome: Annotated[str, typer.Option("--outcome", help="graduated (畢業), completed (結業) or incomplete (肄業).")] = "graduated",
    date: Date = None, doc_no: DocNo = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="With --year: list what would happen; write nothing.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary (for cron).")] = False,
    fmt: Format = "table",
) -> None:
    """Close registrations by graduation, completion or incompletion (畢業/結業/肄業); all or none.

    Example: xueji graduate 202101010101 202101010102 --outcome graduated --date 2025-06-30

    Example: xueji graduate --year 2021 --college 01 --except 202101010105 --date 2025-06-30 --dry-run
    """
    from xueji.cli import render

    from xueji.cli.edge import wrong

    if numbers and year is not None:
        raise wrong(N_("Give student numbers or --year, not both."))
    if year is None:
        if not numbers:
            raise wrong(N_("Give one or more student numbers, or --year."))
        if college or major or klass or excepted or dry_run:
            raise wrong(N_("--college, --major, --class, --except and --dry-run go with --year."))
        done = _perform(ctx, "graduate", numbers, outcome=outcome, date=date, doc_no=doc_no)
        if render.submitted(done, fmt):
            return
        if fmt == "table":
            render.say(N_("Closed as {status}: {count}."), count=len(done), status=done[0].status.label)
        else:
            render.data(_shown(ctx, done), fmt, many=True)
        return
    result = _perform(ctx, "graduate_cohort", needs_codes=True, year=year, college=college, major=major, klass=klass,
                      excepted=excepted, outcome=outcome, date=date, doc_no=doc_no, dry_run=dry_run)
    if render.submitted(result, fmt):
        return
    session = _state(ctx).session()
    shown = [] if result.dry_run else _batch_views(ctx, result.closed + [s for s, _ in result.skipped], False, fmt,
                                                   quiet)
    render.cohort_result(result, {s.student_no: s for s in shown}, fmt, quiet, session.codes_table)


@app.command()
def cancel(
    ctx: typer.Context, number: Number,
    cause: Annotated[str, typer.Option("--cause", help="deceased (死亡) or missing (失蹤).", show_default=False)],
    reason: Reason = None, date: Date = None, doc_no: DocNo = None, fmt: Format = "table",
) -> None:
    """Cancel a registration for death or a missing student (注銷).

    Example: xueji cancel 202301010105 --cause missing --reason 經核實下落不明
    """

    _change(ctx, fmt, N_("{student_no} cancelled: {status}."), "cancel", number, cause=cause, reason=reason, date=date,
            doc_no=doc_no)


@app.command()
def query(
    ctx: typer.Context,
    number: Annotated[Optional[str], typer.Argument(metavar="[STUDENT_NO]", help="A student number.", show_default=False)] = None,
    name: FilterName = None, id_number: FilterId = None, year: FilterYear = None, college: FilterCollege = None,
    major: FilterMajor = None, klass: FilterClass = None, status: FilterStatus = None,
    limit: Annotated[str, typer.Option("--limit", help="At most N students, 0 for all.")] = "100",
    reveal: Reveal = False, purpose: Purpose = None, fmt: Format = "table",
) -> None:
    """Find students (查詢), newest first.

    Example: xueji query --college 01 --status suspended -f csv
    """
    from xueji.cli import render
    from xueji.services import queries

    session = _reading(ctx, reveal, purpose)
    found, total = queries.query(session, student_no=number, name=name, id_number=id_number, year=year,
                                 college=college, major=major, klass=klass, statuses=status, limit=limit)
    render.students(found, total, fmt, session.codes_table)


@app.command()
def show(
    ctx: typer.Context, number: Number, reveal: Reveal = False, purpose: Purpose = None,
    requester: Annotated[Optional[str], typer.Option("--requester", help="A student's or guardian's own request: \"NAME (本人|監護人)\".")] = None,
    proof: Annotated[Optional[str], typer.Option("--proof", help="The identity document the requester showed.")] = None,
    fmt: Format = "table",
) -> None:
    """Show a student's record and whole history (學籍檔案).

    Example: xueji show 202301010105 -f json
    """
    from xueji.cli import render
    from xueji.services import queries

    session = _reading(ctx, reveal, purpose, requester, proof)
    student, events = queries.show(session, number)
    render.student_view(student, events, fmt, session.codes_table)


@app.command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Option("--file", help="Records with their numbers (.csv or .xlsx).", show_default=False)],
    sheet: Annotated[Optional[str], typer.Option("--sheet", help="Worksheet of an .xlsx file (default: the first).")] = None,
    encoding: Annotated[Optional[str], typer.Option("--encoding", help="Encoding of a CSV file (default: detected).")] = None,
    mapping: MapOption = None, header_row: HeaderRow = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check everything; write nothing.")] = False,
    errors_out: Annotated[Optional[Path], typer.Option("--errors-out", help="Write every problem to this .csv or .xlsx.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing --errors-out file.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary (for cron).")] = False,
    fmt: Format = "table",
) -> None:
    """Import existing records that already have numbers (既有學籍導入); checked, never renumbered, all or none.

    Example: xueji import --file 舊系統學籍.xlsx --dry-run --errors-out 問題.xlsx
    """
    from xueji.cli import render
    from xueji.files import roster as rosters
    from xueji.services import batch

    session = _state(ctx).session()
    if errors_out is not None:
        render.check_errors_out(errors_out, file, force)
    roster = rosters.read(file, sheet=sheet, encoding=encoding, header_row=_header_row(header_row),
                          mapping=rosters.parse_mapping(mapping))
    try:
        with render.progress(quiet) as tick:
            result = batch.import_records(session, roster, dry_run=dry_run, progress=tick)
    except batch.RosterInvalid as error:
        render.roster_problems(error, fmt, errors_out, force)
        ctx.exit(error.exit_code)
    render.import_result(result, _batch_views(ctx, result.imported, result.dry_run, fmt, quiet or fmt == "table"),
                         fmt, quiet)


@app.command()
def due(
    ctx: typer.Context,
    on: Annotated[Optional[str], typer.Option("--on", help="The day to judge by, YYYY-MM-DD (default: today).")] = None,
    reveal: Reveal = False, purpose: Purpose = None, fmt: Format = "table",
) -> None:
    """List suspensions that ran out without a resumption (休學期滿), with days overdue — the nightly report.

    Example: xueji due --on 2026-09-01 -f csv
    """
    from xueji.cli import render
    from xueji.services import registry

    session = _reading(ctx, reveal, purpose)
    render.overdue(registry.overdue(session, on), fmt, session.codes_table)


@app.command()
def export(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", help="File to write: .csv, .xlsx or .json.", show_default=False)],
    name: FilterName = None, id_number: FilterId = None, year: FilterYear = None, college: FilterCollege = None,
    major: FilterMajor = None, klass: FilterClass = None, status: FilterStatus = None,
    excel: Annotated[bool, typer.Option("--excel", help="CSV as UTF-8 with a BOM, so Excel shows Chinese correctly.")] = False,
    reveal: Reveal = False, purpose: Purpose = None, force: Force = False,
) -> None:
    """Export students to a file (導出): CSV, XLSX (numbers kept as text) or JSON.

    Example: xueji export --out 2025級.xlsx --year 2025
    """
    from xueji.cli import render
    from xueji.services import queries

    session = _reading(ctx, reveal, purpose)
    path, count = queries.export(session, render.export_file(out, excel=excel, force=force), name=name,
                                 id_number=id_number, year=year, college=college, major=major, klass=klass,
                                 statuses=status)
    render.note(N_("Wrote {count} students to {path}."), count=count, path=str(path))


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
    from xueji.cli import render
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
    from xueji.cli import render
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
    from xueji.cli import render
    from xueji.services import requests as service

    done = service.reject(_state(ctx).session(needs_codes=False), request, reason)
    render.say(N_("Request {id} rejected."), id=done.id)


@app.command("access-log")
def access_log(
    ctx: typer.Context,
    operator: Annotated[Optional[str], typer.Option("--operator", help="Only this operator.")] = None,
    since: Annotated[Optional[str], typer.Option("--since", help="From this day, YYYY-MM-DD.")] = None,
    student: Annotated[Optional[str], typer.Option("--student", help="Only looks that showed this student.")] = None,
    fmt: Format = "table",
) -> None:
    """Show who looked at personal data, when, how much and why (查詢記錄); office and inspectors.

    Example: xueji access-log --student 202301010105
    """
    from xueji.cli import render
    from xueji.services import access

    render.access_log_table(access.entries(_state(ctx).session(needs_codes=False), operator, since, student), fmt)


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
    from xueji.cli import render
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
    from xueji.cli import render
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
    from xueji.cli import render
    from xueji.services import audit

    session = _reading(ctx, False, None)
    render.audit_log(audit.log(session, student, since, kind), fmt)


@app.command()
def check(ctx: typer.Context, fmt: Format = "table") -> None:
    """Check the registry's invariants (一致性檢查); exit 7 with the list of violations, 0 when clean.

    Example: xueji check
    """
    from xueji.cli import render
    from xueji.services import audit

    report = audit.check(_state(ctx).session(needs_codes=False))
    render.check_report(report, fmt)
    if report.violations:
        ctx.exit(7)


@app.command()
def amend(
    ctx: typer.Context, number: Number,
    reason: Annotated[str, typer.Option("--reason", help="Why the data is corrected.", show_default=False)],
    name: Annotated[Optional[str], typer.Option("--name", help="Corrected name (needs --doc-no).")] = None,
    gender: Annotated[Optional[str], typer.Option("--gender", help="Corrected gender.")] = None,
    birth_date: Annotated[Optional[str], typer.Option("--birth-date", help="Corrected birth date (needs --doc-no).")] = None,
    id_number: Annotated[Optional[str], typer.Option("--id-number", help="Corrected ID number.")] = None,
    id_type: Annotated[Optional[str], typer.Option("--id-type", help="Corrected ID document type.")] = None,
    exam_no: Annotated[Optional[str], typer.Option("--exam-no", help="Corrected exam number.")] = None,
    ethnicity: Ethnicity = None, political: Political = None, region: Region = None,
    doc_no: DocNo = None, fmt: Format = "table",
) -> None:
    """Correct a student's personal data (信息更正); the event keeps before and after, the number never changes.

    Example: xueji amend 202301010105 --name 張三豐 --reason 公安機關更名 --doc-no 更名證明〔2025〕8號
    """

    _change(ctx, fmt, N_("{student_no} corrected."), "amend", number, name=name, gender=gender, birth_date=birth_date,
            id_number=id_number, id_type=id_type, exam_no=exam_no, ethnicity=ethnicity, political=political,
            region=region, reason=reason, doc_no=doc_no)


@app.command()
def reinstate(
    ctx: typer.Context, number: Number,
    reason: Annotated[str, typer.Option("--reason", help="Why the registration is restored.", show_default=False)],
    doc_no: Annotated[str, typer.Option("--doc-no", help="Approval document number (批准文號).", show_default=False)],
    fmt: Format = "table",
) -> None:
    """Restore a registration closed by mistake, or a missing student who returned (恢復學籍, JY/T 17).

    Example: xueji reinstate 202301010105 --reason 誤辦退學 --doc-no 教務〔2025〕40號
    """

    _change(ctx, fmt, N_("{student_no} reinstated: {status}."), "reinstate", number, reason=reason, doc_no=doc_no)


@app.command()
def backup(
    ctx: typer.Context,
    destination: Annotated[Path, typer.Argument(metavar="DEST", help="The new backup file.", show_default=False)],
    fmt: Format = "table",
) -> None:
    """Copy the database consistently while others work, then verify the copy (備份).

    Example: xueji backup /backups/xueji-2025-09-01.db
    """
    from xueji.cli import render
    from xueji.services import backup as service

    render.copy_report(service.backup(_state(ctx).session(needs_codes=False), destination), fmt,
                       N_("Backed up to {path}: {events} events, head {head}."))


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
    from xueji.cli import render
    from xueji.services import backup as service

    render.copy_report(service.restore(_state(ctx).session(needs_codes=False), source, force), fmt,
                       N_("Restored from the backup: {events} events, head {head}. The previous database is kept as {kept}."))


@app.command()
def stats(
    ctx: typer.Context,
    year: Annotated[Optional[str], typer.Option("--year", help="Cohort year.")] = None,
    college: Annotated[Optional[str], typer.Option("--college", help="College code or name.")] = None,
    status: FilterStatus = None,
    by: Annotated[str, typer.Option("--by", help="Dimensions: college,major,class,status,gender,year.")] = "college,status",
    fmt: Format = "table",
) -> None:
    """Count students by the chosen dimensions, with subtotals, a total and bars (統計).

    Example: xueji stats --year 2025 --by college,gender
    """
    from xueji.cli import render
    from xueji.services import reports

    session = _state(ctx).session(needs_codes=False)
    dims, rows = reports.stats(session, by=by, year=year, college=college, statuses=status)
    render.stats(dims, rows, fmt, session.codes_table)


report_app = typer.Typer(cls=XuejiGroup, no_args_is_help=True, pretty_exceptions_enable=False,
                         help="Reports for the year (年度報告).")
app.add_typer(report_app, name="report")


@report_app.command("annual")
def report_annual(
    ctx: typer.Context,
    year: Annotated[str, typer.Option("--year", help="The year reported on.", show_default=False)],
    out: Annotated[Path, typer.Option("--out", help="The workbook to write (.xlsx).", show_default=False)],
    force: Force = False,
) -> None:
    """Write the year's workbook: enrollments, status changes, headcount, graduates, overdue suspensions, with charts.

    Example: xueji report annual --year 2025 --out 2025年度學籍報告.xlsx
    """
    from xueji.cli import render
    from xueji.services import reports

    state = _state(ctx)
    session = state.session()
    _xlsx_only(out)
    from xueji.files import safe

    safe.check_new(out, force)
    _reading(ctx, False, None)
    reports.annual(session, year, state.config().school,
                   prepare=lambda report: render.annual_report(report, out, session.codes_table, force))
    render.note(N_("Wrote the annual report for {year} to {path}."), year=year, path=str(out))


@app.command()
def roster(
    ctx: typer.Context,
    year: Annotated[str, typer.Option("--year", help="Cohort year.", show_default=False)],
    college: Annotated[str, typer.Option("--college", help="College code or name.", show_default=False)],
    major: Annotated[str, typer.Option("--major", help="Major code or name.", show_default=False)],
    klass: Annotated[str, typer.Option("--class", help="Class.", show_default=False)],
    out: Annotated[Path, typer.Option("--out", help="The workbook to write (.xlsx).", show_default=False)],
    force: Force = False,
) -> None:
    """Write the printable class list (花名冊): A4, header repeated on every page, numbers as text.

    Example: xueji roster --year 2025 --college 01 --major 01 --class 01 --out 2025級漢語言文學1班.xlsx
    """
    from xueji.cli import render
    from xueji.services import reports

    state = _state(ctx)
    session = state.session()
    _xlsx_only(out)
    from xueji.files import safe

    safe.check_new(out, force)
    _reading(ctx, False, None)
    _, students = reports.class_list(
        session, year=year, college=college, major=major, klass=klass,
        prepare=lambda found: render.class_list(*found, out, state.config().school, force))
    render.note(N_("Wrote the class list ({count} students) to {path}."), count=len(students), path=str(out))


def _xlsx_only(path: Path) -> None:
    if path.suffix.lower() != ".xlsx":
        from xueji.domain.errors import InvalidData

        raise InvalidData.one("file", str(path), N_("{path}: reports are written as .xlsx workbooks."), path=str(path))


@app.command()
def demo(
    ctx: typer.Context,
    folder: Annotated[str, typer.Option("--dir", help="Sandbox folder.")] = "xueji-demo",
    fmt: Format = "table",
) -> None:
    """Build a practice sandbox with sample students (練習沙盒); never touches the working database.

    Example: xueji demo --dir /tmp/practice
    """
    from xueji.cli import render
    from xueji.services import demo as service

    state = _state(ctx)
    result = service.build(Path(folder).expanduser().absolute(), operator=state.operator(), language=i18n.language())
    render.demo_report(result, fmt)


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
    from xueji.cli import render
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
    from xueji.cli import render
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
    from xueji.cli import render
    from xueji.services import identity

    row = identity.remove(_state(ctx).session(needs_codes=False), name, reason)
    render.say(N_("Removed operator {name}."), name=row["name"])


@operators_app.command("import")
def operators_import(ctx: typer.Context) -> None:
    """Take the configuration's [operators] table into the registry (office only; the first time, anyone).

    Example: xueji operators import
    """
    from xueji.cli import render
    from xueji.services import identity

    state = _state(ctx)
    added = identity.import_configured(state.session(), state.config().operators)
    render.say(N_("Operators added or changed: {count}."), count=len(added))
