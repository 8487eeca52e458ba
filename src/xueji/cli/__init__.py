"""The command line: a thin skin over the services."""

import sys
from contextlib import contextmanager

_GLOBAL_WITH_VALUE = {"--config", "--db", "--lang", "--operator"}


def _invoked(argv: list[str]) -> str | None:
    """The command word of a command line, or None when help, the version or nothing is asked for."""
    skip = False
    for word in argv:
        if skip:
            skip = False
        elif word in ("-h", "--help", "--version"):
            return None
        elif word in _GLOBAL_WITH_VALUE:
            skip = True
        elif not word.startswith("-"):
            return word
    return None


@contextmanager
def narrowed(app, argv: list[str]):
    """The app with only the command being run (Typer builds every command's parser otherwise: ~35 ms). Help,
    --version and unknown words keep the whole app, so usage messages stay complete. Restored on leaving."""
    name = _invoked(argv)
    kept = app.registered_commands, app.registered_groups
    if name and "-h" not in argv and "--help" not in argv:
        commands = [c for c in app.registered_commands
                    if (c.name or c.callback.__name__.lower().replace("_", "-")) == name]
        groups = [g for g in app.registered_groups if g.name == name]
        if commands or groups:
            app.registered_commands, app.registered_groups = commands, groups
    try:
        yield app
    finally:
        app.registered_commands, app.registered_groups = kept


def main() -> None:
    from xueji.cli.app import app

    # Start-up is a feature: build only the command being run.
    with narrowed(app, sys.argv[1:]):
        app(prog_name="xueji")
