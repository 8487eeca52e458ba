"""Setting up: init, the code table, the practice sandbox."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from xueji import i18n
from xueji.cli import render
from xueji.cli.app import app, codes_app
from xueji.cli.options import Format
from xueji.cli.steps import _state
from xueji.domain.errors import N_


@app.command()
def init(ctx: typer.Context) -> None:
    """Create config.toml and the database here (初始化); keeps whatever exists.

    Example: xueji init
    """
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
        from xueji.services import codes as service

        render.codes_table(service.rows(_state(ctx).config()), fmt)


@codes_app.command("add-college")
def add_college(ctx: typer.Context, code: Annotated[str, typer.Argument(help="Two digits, 01–99.")],
                name: Annotated[str, typer.Argument(help="College name.")]) -> None:
    """Add a college (新增學院).

    Example: xueji codes add-college 06 藝術學院
    """
    from xueji.services import codes as service

    session = _state(ctx).session()
    college = service.add_college(_state(ctx).config(), code, name, session.actor, session.store)
    render.say(N_("Added college {code} {name}."), code=college.code, name=college.name)


@codes_app.command("add-major")
def add_major(ctx: typer.Context, college: Annotated[str, typer.Argument(help="College code.")],
              code: Annotated[str, typer.Argument(help="Two digits, 01–99.")],
              name: Annotated[str, typer.Argument(help="Major name.")],
              national_code: Annotated[Optional[str], typer.Option("--national-code", help="National catalogue code, e.g. 070101.")] = None) -> None:
    """Add a major to a college (新增專業).

    Example: xueji codes add-major 06 01 美術學 --national-code 130401
    """
    from xueji.services import codes as service

    session = _state(ctx).session()
    major = service.add_major(_state(ctx).config(), college, code, name, national_code, session.actor, session.store)
    render.say(N_("Added major {code} {name} to college {college}."), code=major.code, name=major.name, college=college)


@app.command()
def demo(
    ctx: typer.Context,
    folder: Annotated[str, typer.Option("--dir", help="Sandbox folder.")] = "xueji-demo",
    year: Annotated[Optional[str], typer.Option("--year", help="Build it as of this school year (its newest cohort), as a guide was written; default: this one.")] = None,
    fmt: Format = "table",
) -> None:
    """Build a practice sandbox with sample students (練習沙盒); never touches the working database.

    Example: xueji demo --dir /tmp/practice
    """
    from xueji.services import demo as service

    state = _state(ctx)
    result = service.build(Path(folder).expanduser().absolute(), operator=state.operator(), language=i18n.language(),
                           year=year)
    render.demo_report(result, fmt)
