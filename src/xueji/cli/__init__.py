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


_ANYWHERE = ("--config", "--db", "--lang")  # no command has an option of these names (--operator: access-log has)


def hoisted(argv: list[str]) -> list[str]:
    """``xueji init --db URL`` as ``xueji --db URL init``: where to work and in which language may follow the command
    too, as clerks and the issue's examples write them. Nothing after ``--`` is touched."""
    front, rest, index = [], [], 0
    while index < len(argv):
        word = argv[index]
        if word == "--":
            rest.extend(argv[index:])
            break
        name = word.split("=", 1)[0]
        if name in _ANYWHERE and index > 0:
            if "=" in word:
                front.append(word)
            else:
                front.extend(argv[index:index + 2])
                index += 1
        else:
            rest.append(word)
        index += 1
    return front + rest


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
    argv = hoisted(sys.argv[1:])
    with narrowed(app, argv):
        app(args=argv, prog_name="xueji")
