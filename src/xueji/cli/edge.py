"""The edge of the command line: usage errors (exit 2) rendered in the clerk's language.

Typer 0.28 vendors Click as ``typer._click``, whose messages are English strings with no gettext hook. So the
usage errors are not printed by Click: they are rendered here from each exception's own fields (the parameter,
the option name, its possibilities, the extra arguments) through xueji's catalogs. An exception of a kind this
module does not know is still shown, translated as far as its kind allows, and a test fails when a Typer upgrade
brings a new one.
"""

from __future__ import annotations

import re
import sys

from xueji.i18n import N_, _


class Usage(Exception):
    """A usage error of xueji's own callbacks: a msgid and its parameters, translated when shown."""

    def __init__(self, message: str, **params):
        super().__init__(message)
        self.message = message
        self.params = params


_EXTRA = re.compile(r"^Got unexpected extra argument(?:s|\(s\))? \((?P<args>.*)\)$")
_NO_COMMAND = re.compile(r"^No such command (?P<name>.+)\.$")
_REQUIRES = re.compile(r"^Option (?P<name>.+) requires an argument\.$")
_REQUIRES_N = re.compile(r"^Option (?P<name>.+) requires (?P<count>\d+) arguments\.$")
_NO_VALUE = re.compile(r"^Option (?P<name>.+) does not take a value\.$")


def _hint(error) -> str:
    hint = getattr(error, "param_hint", None)
    if hint is None and getattr(error, "param", None) is not None:
        hint = error.param.get_error_hint(error.ctx) if error.ctx is not None else error.param.name
    if hint is not None and not isinstance(hint, str):
        hint = " / ".join(repr(x) for x in hint)
    return hint or ""


def bad(message: str, /, **params):
    """A usage error of our own about one parameter (raised in an option's callback): exit 2, translated."""
    import typer

    error = typer.BadParameter(message)
    error.__cause__ = Usage(message, **params)
    return error


def wrong(message: str, /, **params):
    """A usage error of our own about the command line as a whole: exit 2, translated."""
    from typer._click.exceptions import UsageError

    error = UsageError(message)
    error.__cause__ = Usage(message, **params)
    return error


def message(error) -> str:
    """The error's message in the operator's language, from its fields."""
    from typer._click import exceptions as ce

    own = error.__cause__ if isinstance(error.__cause__, Usage) else None
    if own is not None and not isinstance(error, ce.BadParameter):
        return translate_own(own)
    if isinstance(error, ce.MissingParameter):
        kind = error.param_type or (error.param.param_type_name if error.param is not None else "parameter")
        name = _hint(error)
        if kind == "argument":
            return _("Missing argument {name}.").format(name=name)
        if kind == "option":
            return _("Missing option {name}.").format(name=name)
        return _("Missing parameter {name}.").format(name=name)
    if isinstance(error, ce.NoSuchOption):
        if error.possibilities:
            return _("No such option: {name}. Did you mean: {options}?").format(
                name=error.option_name, options=" / ".join(sorted(error.possibilities)))
        return _("No such option: {name}.").format(name=error.option_name)
    if isinstance(error, ce.BadParameter):
        detail = translate_own(own) if own is not None else _choice_or_raw(error)
        name = _hint(error)
        if name:
            return _("Invalid value for {name}: {detail}").format(name=name, detail=detail)
        return _("Invalid value: {detail}").format(detail=detail)
    text = str(getattr(error, "message", error))
    for pattern, msgid in ((_EXTRA, N_("Unexpected extra arguments: {args}.")),
                           (_NO_COMMAND, N_("No such command {name}.")),
                           (_REQUIRES, N_("Option {name} needs a value.")),
                           (_REQUIRES_N, N_("Option {name} needs {count} values.")),
                           (_NO_VALUE, N_("Option {name} takes no value."))):
        found = pattern.match(text)
        if found:
            return _(msgid).format(**found.groupdict())
    if text == "Missing command.":
        return _("Missing command.")
    return _("The command line is not understood: {detail}").format(detail=text)


def _choice_or_raw(error) -> str:
    text = str(error.message)
    found = re.match(r"^(?P<value>.+) is not one of (?P<choices>.+)\.$", text)
    if found:
        return _("{value} is not one of {choices}.").format(**found.groupdict())
    return text


def translate_own(error: Usage) -> str:
    return _(error.message).format(**error.params)


def usage_line(ctx) -> str:
    """Click's usage line with its words in the language: Usage:, [OPTIONS], COMMAND [ARGS]..."""
    text = ctx.get_usage()
    text = text.replace("Usage: ", _("Usage: "), 1)
    text = text.replace("[OPTIONS]", _("[OPTIONS]")).replace("COMMAND [ARGS]...", _("COMMAND [ARGS]..."))
    return text


def show(error) -> None:
    """Usage line, a hint to ask for help, and the error: on stderr, in the language."""
    ctx = getattr(error, "ctx", None)
    lines = []
    if ctx is not None:
        lines.append(usage_line(ctx))
        lines.append(_("Try '{command} --help' for help.").format(command=ctx.command_path))
        lines.append("")
    lines.append(_("Error: {message}").format(message=message(error)))
    print("\n".join(lines), file=sys.stderr)
