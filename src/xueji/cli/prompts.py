"""Asking for a missing value at a terminal: in the clerk's language, checked by the same validators as the option,
asked again until it is right (or the clerk gives up with Ctrl-D / Ctrl-C). Never without a terminal."""

from __future__ import annotations

import sys

from xueji.cli import render
from xueji.i18n import _, listed


def interactive() -> bool:
    return sys.stdin.isatty() and sys.stderr.isatty()


def _validators():
    from xueji.domain import validate as v
    from xueji.domain.number import parse_number
    from xueji.domain.status import CAUSES, OUTCOMES, cause_key, outcome_key

    def choice(keys, normal, field):
        def check(text):
            if normal(text) not in keys:
                from xueji.domain.errors import N_, InvalidData

                raise InvalidData.one(field, text, N_("Use one of {choices}."), choices=listed(keys))
        return check

    return {
        "number": parse_number, "name": v.name, "gender": v.gender, "birth_date": lambda t: v.iso_date(t, "birth_date"),
        "id_number": v.id_number, "until": lambda t: v.iso_date(t, "until"), "date": v.iso_date,
        "reason": lambda t: v.label(t, "reason"), "to_school": lambda t: v.label(t, "to_school"),
        "from_school": lambda t: v.label(t, "from_school"), "klass": v.class_code,
        "college": lambda t: v.label(t, "college"), "major": lambda t: v.label(t, "major"),
        "doc_no": lambda t: v.label(t, "doc_no"), "year": lambda t: v.label(t, "year"),
        "cause": choice(tuple(CAUSES), cause_key, "cause"), "outcome": choice(tuple(OUTCOMES), outcome_key, "outcome"),
        "purpose": lambda t: v.label(t, "purpose"),
    }


def ask(param, ctx) -> str | None:
    """The value of a missing parameter, typed at the terminal; None when the clerk gives up."""
    from xueji.domain.errors import InvalidData

    label = param.help or param.name
    name = param.opts[0] if param.param_type_name == "option" else (param.metavar or param.name.upper())
    check = _validators().get(param.name)
    while True:
        try:
            print(_("{label} ({name}): ").format(label=_(label).rstrip(".。"), name=name), end="", file=sys.stderr,
                  flush=True)
            text = input().strip()
        except (EOFError, KeyboardInterrupt):
            print(file=sys.stderr)
            return None
        if not text:
            continue
        try:
            if check is not None:
                check(text)
        except InvalidData as problem:
            print(_("Error: {message}").format(message=render.error_text(problem)), file=sys.stderr)
            continue
        return text
