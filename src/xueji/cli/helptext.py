"""Help in the clerk's language: every command's and option's help text, and the words Typer and Click put around
them (Usage, Options, Commands, Arguments, required, default), translated through xueji's catalogs.

The help texts themselves are msgids: `texts()` lists them for the catalog tool, and `localise()` swaps each for its
translation on the command tree about to be shown.
"""

from __future__ import annotations

from xueji.i18n import N_, _

# Click's and Typer's own words in help and usage, as msgids of xueji's catalogs.
CLICK_WORDS = (N_("Show this message and exit."),)
_PANELS = {
    "ARGUMENTS_PANEL_TITLE": N_("Arguments"),
    "OPTIONS_PANEL_TITLE": N_("Options"),
    "COMMANDS_PANEL_TITLE": N_("Commands"),
    "ERRORS_PANEL_TITLE": N_("Error"),
    "REQUIRED_LONG_STRING": N_("[required]"),
    "DEFAULT_STRING": N_("[default: {}]"),
    "ENVVAR_STRING": N_("[env var: {}]"),
    "DEPRECATED_STRING": N_("(deprecated) "),
    "ABORTED_TEXT": N_("Aborted."),
}


def _walk(command):
    yield command
    for sub in (getattr(command, "commands", None) or {}).values():
        yield from _walk(sub)


def texts(command) -> list[str]:
    """Every help text of a command tree (commands, options, arguments), once each."""
    found: list[str] = []
    for cmd in _walk(command):
        for text in (cmd.help, getattr(cmd, "short_help", None)):
            if text:
                found.append(text)
        for param in cmd.params:
            if getattr(param, "help", None):
                found.append(param.help)
    return list(dict.fromkeys(found))


def _wants_help(command, argv: list[str]) -> bool:
    if any(word in ("-h", "--help") for word in argv):
        return True
    words = [w for w in argv if not w.startswith("-")]
    node = command
    for word in words:
        commands = getattr(node, "commands", None)
        if not commands or word not in commands:
            return False
        node = commands[word]
    return bool(getattr(node, "commands", None))  # a group without its subcommand shows its help


def _text(text: str) -> str:
    """A help text translated, its square brackets kept ([operators] is not Rich markup)."""
    return _(text).replace("[", "\\[")


def localise(command, argv: list[str]) -> None:
    """Translate the help texts of the tree; when help will be shown, also the headings and the usage prefix."""
    english = _("Usage: ") == "Usage: "
    for cmd in _walk(command):
        if cmd.help:
            cmd.help = _text(cmd.help)
        if getattr(cmd, "short_help", None):
            cmd.short_help = _text(cmd.short_help)
        for param in cmd.params:
            if getattr(param, "help", None):
                param.help = _text(param.help)
        if english:
            continue
        cmd.options_metavar = _("[OPTIONS]")
        if hasattr(cmd, "subcommand_metavar"):
            cmd.subcommand_metavar = _("COMMAND [ARGS]...")
        _translate_help_option(cmd)
    if english or not _wants_help(command, argv):
        return
    from typer import rich_utils
    from typer._click import formatting

    for name, msgid in _PANELS.items():
        setattr(rich_utils, name, _(msgid))
    original = formatting.HelpFormatter.write_usage
    if getattr(original, "_xueji", False):
        return

    def write_usage(self, prog, args="", prefix=None):
        return original(self, prog, args, _("Usage: ") if prefix is None else prefix)

    write_usage._xueji = True
    formatting.HelpFormatter.write_usage = write_usage


def _translate_help_option(cmd) -> None:
    """Click makes --help's own option when asked; give it the translated text."""
    original = cmd.get_help_option

    def get_help_option(ctx):
        option = original(ctx)
        if option is not None:
            option.help = _("Show this message and exit.")
        return option

    cmd.get_help_option = get_help_option
