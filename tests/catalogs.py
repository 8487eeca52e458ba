"""Maintaining the message catalogs with pybabel's own commands (Babel is a test dependency, never needed at run time).

    python -m tests.catalogs extract   # pybabel extract: source -> locale/xueji.pot
    python -m tests.catalogs update    # pybabel update: xueji.pot -> <lang>/LC_MESSAGES/xueji.po
    python -m tests.catalogs compile   # pybabel compile: each .po -> .mo
    python -m tests.catalogs check     # ours: exit 1 and list the problems, if any

Several commands run in order: ``python -m tests.catalogs extract update compile check``. Each of the first three
runs exactly one ``pybabel`` command (printed as it runs; see ``PYBABEL_*`` below for the options), so a translator
can run them by hand too. What is ours: the mapping file ``tests/babel.cfg`` with one extractor, ``extract_cli``,
that adds the help texts of the commands (Typer reads them from docstrings and ``help=``, which pybabel's Python
extractor cannot see), and ``check`` — placeholders, commands in backticks, options and environment variables kept
verbatim, nothing untranslated or fuzzy in Chinese, every .mo current.

Messages are the string literals given to ``_()``, ``N_()`` and ``ngettext()`` in the package's Python files.
``check`` works from the package itself (it extracts into a scratch file), so it also runs against an installed
copy, where the ``.pot`` file is not shipped. The other commands write into the package's locale folder: run them
from an editable install (``pip install -e``), so they write into ``src/``.
Files whose content did not change (dates in the header aside) are left as they were, and locations carry no line
numbers, so catalogs do not churn when code moves.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from string import Formatter

from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po, write_po

import xueji
from xueji import __version__
from xueji.i18n import DOMAIN, LOCALE_DIR

PACKAGE_DIR = Path(xueji.__file__).resolve().parent  # src/xueji (editable) or the installed copy
SOURCE_ROOT = PACKAGE_DIR.parent  # pybabel runs here: locations read xueji/cli/app.py
REPOSITORY = Path(__file__).resolve().parents[1]  # where `tests` is importable from (the mapping's extractor)
MAPPING = Path(__file__).resolve().parent / "babel.cfg"
POT_FILE = LOCALE_DIR / f"{DOMAIN}.pot"
LOCALES = ("en", "zh_Hans", "zh_Hant")
# Catalogs in which every message must be translated; in en an empty translation falls back to the msgid.
MUST_TRANSLATE = ("zh_Hans", "zh_Hant")
WIDTH = 76
HEADER = "# Messages of xueji (學籍).\n# Made by pybabel extract (python -m tests.catalogs extract); not by hand.\n#"
# pybabel's own commands, as run (the file arguments are added where they are known).
PYBABEL_EXTRACT = ("extract", "-F", str(MAPPING), "-k", "N_", "-c", "Translators:", "-s", "--add-location=file",
                   "-w", str(WIDTH), "--project=xueji", f"--version={__version__}", f"--header-comment={HEADER}")
PYBABEL_UPDATE = ("update", "-D", DOMAIN, "--no-fuzzy-matching", "-w", str(WIDTH))
PYBABEL_COMPILE = ("compile", "-D", DOMAIN)
_DATE_LINE = re.compile(r'^"(POT-Creation-Date|PO-Revision-Date): .*\\n"$', re.MULTILINE)


def po_path(locale: str) -> Path:
    return LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(locale: str) -> Path:
    return LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.mo"


def pybabel(*args: str, cwd: Path | None = None) -> None:
    """One pybabel command (Babel's own front end), with this repository importable for the mapping's extractor.

    ``-P``: the folder pybabel runs in is not put on the path, so a stray ``tests`` package there cannot stand in
    for ours."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(REPOSITORY), os.environ.get("PYTHONPATH")])))
    done = subprocess.run([sys.executable, "-P", "-m", "babel.messages.frontend", "-q", *args], cwd=cwd, env=env,
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"pybabel {args[0]} failed ({done.returncode}):\n{done.stderr}")


# --- extract -----------------------------------------------------------------------------

def extract_cli(fileobj, keywords, comment_tags, options):
    """pybabel extractor for cli/app.py (tests/babel.cfg): its own messages, then every help text of the commands."""
    from babel.messages.extract import extract_python
    from typer.main import get_command

    from xueji.cli import helptext
    from xueji.cli.app import app

    yield from extract_python(fileobj, keywords, comment_tags, options)
    for text in helptext.texts(get_command(app)):
        yield 0, None, text, ["help text"]


def _extract_into(pot: Path) -> None:
    pybabel(*PYBABEL_EXTRACT, "-o", str(pot), PACKAGE_DIR.name, cwd=SOURCE_ROOT)


def extract_catalog() -> Catalog:
    """Every message of the package (pybabel extract into a scratch file), as a template catalog."""
    with tempfile.TemporaryDirectory() as scratch:
        pot = Path(scratch) / f"{DOMAIN}.pot"
        _extract_into(pot)
        return read_pot(pot)


def extract(pot: Path | None = None) -> bool:
    """pybabel extract into ``xueji.pot``; True if it changed (beyond its dates)."""
    pot = pot or POT_FILE
    old = pot.read_bytes() if pot.exists() else None
    _extract_into(pot)
    return _keep_if_only_dates(pot, old)


def _keep_if_only_dates(path: Path, old: bytes | None) -> bool:
    """Put the old bytes back if only the header's dates changed; True if the file really changed."""
    if old is None:
        return True
    new = path.read_bytes()
    if _DATE_LINE.sub("", new.decode("utf-8")) == _DATE_LINE.sub("", old.decode("utf-8")):
        path.write_bytes(old)
        return False
    return True


# --- update ------------------------------------------------------------------------------

def update(template: Catalog | None = None) -> list[Path]:
    """pybabel update: each .po in step with the template (``xueji.pot``, or ``template`` when given).

    Translations of unchanged msgids are kept; new messages are added untranslated (never guessed from a similar
    msgid: ``--no-fuzzy-matching``); messages gone from the source stay at the end as obsolete (``#~``) entries,
    which are not compiled. Returns the files that changed.
    """
    before = {locale: po_path(locale).read_bytes() if po_path(locale).exists() else None for locale in LOCALES}
    with tempfile.TemporaryDirectory() as scratch:
        pot = POT_FILE
        if template is not None or not POT_FILE.exists():
            pot = Path(scratch) / f"{DOMAIN}.pot"
            if template is None:
                _extract_into(pot)
            else:
                _write_po_file(pot, template)
        for locale in LOCALES:
            pybabel(*PYBABEL_UPDATE, "-i", str(pot), "-d", str(LOCALE_DIR), "-l", locale, "--init-missing")
    return [po_path(locale) for locale in LOCALES if _keep_if_only_dates(po_path(locale), before[locale])]


def read_pot(path: Path | None = None) -> Catalog:
    with open(path or POT_FILE, "rb") as handle:
        return read_po(handle, domain=DOMAIN)


def read_catalog(locale: str) -> Catalog:
    with open(po_path(locale), "rb") as handle:
        return read_po(handle, locale=locale, domain=DOMAIN)


def _po_bytes(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=WIDTH, include_lineno=False)
    return buffer.getvalue()


def _write_po_file(path: Path, catalog: Catalog) -> bool:
    """Write a catalog as pybabel would (the tests spoil copies with it); True if written."""
    data = _po_bytes(catalog)
    if path.exists() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


# --- compile -----------------------------------------------------------------------------

def _mo_bytes(catalog: Catalog) -> bytes:
    """What pybabel compile writes for ``catalog`` (the same writer): used by check to see a stale .mo."""
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def compile_catalogs() -> list[Path]:
    """pybabel compile: each .po into its .mo (fuzzy and untranslated entries left out); returns the files changed."""
    before = {locale: mo_path(locale).read_bytes() if mo_path(locale).exists() else None for locale in LOCALES}
    for locale in LOCALES:
        pybabel(*PYBABEL_COMPILE, "-d", str(LOCALE_DIR), "-l", locale)
    return [mo_path(locale) for locale in LOCALES if mo_path(locale).read_bytes() != before[locale]]


# --- check -------------------------------------------------------------------------------

def placeholders(text: str) -> set[str]:
    """The str.format fields of a message, conversion and format spec included: {'{value!r}', '{max}'}."""
    found = set()
    for _literal, field, spec, conversion in Formatter().parse(text):
        if field is not None:
            found.add("{" + field + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}")
    return found


_VERBATIM = (
    ("commands in backticks", re.compile(r"`[^`]+`")),
    ("options", re.compile(r"(?<![\w-])--[a-z][a-z0-9-]*")),
    ("environment variables", re.compile(r"\$[A-Z_][A-Z0-9_]*")),
)


def _mismatch(source: str, translation: str) -> list[str]:
    """What a translation changes that must stay as in the msgid."""
    problems = []
    try:
        expected = placeholders(source)
    except ValueError as error:
        return [f"the msgid is not a valid format string ({error})"]
    try:
        got = placeholders(translation)
    except ValueError as error:
        return [f"the translation is not a valid format string ({error})"]
    if got != expected:
        problems.append(
            "placeholders differ: msgid has " + (", ".join(sorted(expected)) or "none")
            + "; translation has " + (", ".join(sorted(got)) or "none")
        )
    for what, pattern in _VERBATIM:
        want, have = sorted(pattern.findall(source)), sorted(pattern.findall(translation))
        if want != have:
            problems.append(f"{what} differ: msgid has {want or 'none'}; translation has {have or 'none'}")
    return problems


def _forms(message: Message) -> list[str]:
    if isinstance(message.string, (list, tuple)):
        return list(message.string)
    return [message.string or ""]


def _source_for_form(message: Message, index: int, nplurals: int) -> str:
    """The msgid a plural form is compared with: singular for form 0 of a two-form language, else the plural."""
    if not message.pluralizable:
        return message.id
    singular, plural = message.id[0], message.id[1]
    return singular if (index == 0 and nplurals > 1) else plural


def _label(message: Message) -> str:
    text = message.id[0] if message.pluralizable else message.id
    return repr(text if len(text) <= 70 else text[:67] + "...")


def _mo_messages(data: bytes) -> dict:
    catalog = read_mo(io.BytesIO(data))
    return {
        (message.id if not isinstance(message.id, list) else tuple(message.id)):
            (tuple(message.string) if isinstance(message.string, (list, tuple)) else message.string)
        for message in catalog
        if message.id
    } | {"Plural-Forms": catalog.plural_forms}


def check() -> list[str]:
    """Every problem with the catalogs, one line each; empty when all is well."""
    problems: list[str] = []
    source = extract_catalog()
    for locale in LOCALES:
        path = po_path(locale)
        where = f"{locale}/LC_MESSAGES/{path.name}"
        if not path.exists():
            problems.append(f"{where}: missing; run `python -m tests.catalogs update`")
            continue
        try:
            catalog = read_catalog(locale)
        except Exception as error:  # a malformed .po
            problems.append(f"{where}: cannot be read ({error})")
            continue
        if catalog.fuzzy:
            problems.append(f"{where}: the header is marked fuzzy")
        for wanted in source:
            if not wanted.id:
                continue
            message = catalog.get(wanted.id, context=wanted.context)
            if message is None or message.pluralizable != wanted.pluralizable or (
                wanted.pluralizable and tuple(message.id) != tuple(wanted.id)
            ):
                problems.append(f"{where}: {_label(wanted)} is not in the catalog; run extract and update")
        nplurals = catalog.num_plurals
        for message in catalog:
            if not message.id:
                continue
            forms = _forms(message)
            translated = [form for form in forms if form]
            if locale in MUST_TRANSLATE:
                if len(translated) < len(forms) or (message.pluralizable and len(forms) < nplurals):
                    problems.append(f"{where}: {_label(message)} is not translated")
                elif message.fuzzy:
                    problems.append(f"{where}: {_label(message)} is fuzzy")
            for index, form in enumerate(forms):
                if form:
                    for issue in _mismatch(_source_for_form(message, index, nplurals), form):
                        problems.append(f"{where}: {_label(message)}: {issue}")
        mo = mo_path(locale)
        if not mo.exists():
            problems.append(f"{locale}/LC_MESSAGES/{mo.name}: missing; run compile")
        elif _mo_messages(mo.read_bytes()) != _mo_messages(_mo_bytes(catalog)):
            problems.append(f"{locale}/LC_MESSAGES/{mo.name}: out of date with {path.name}; run compile")
    return problems


# --- command line ------------------------------------------------------------------------

COMMANDS = ("extract", "update", "compile", "check")


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m tests.catalogs",
        description="Extract, update, compile and check xueji's message catalogs (in the order given).",
    )
    parser.add_argument("commands", nargs="+", choices=COMMANDS, metavar="COMMAND",
                        help="one or more of: " + ", ".join(COMMANDS))
    args = parser.parse_args(argv)
    status = 0
    for command in args.commands:
        if command == "extract":
            written = extract()
            print(f"extract: {sum(1 for m in read_pot() if m.id)} messages "
                  + (f"written to {_shown(POT_FILE)}" if written else f"({_shown(POT_FILE)} unchanged)"))
        elif command == "update":
            written = update()
            for path in written:
                print(f"update: wrote {_shown(path)}")
            if not written:
                print("update: catalogs unchanged")
            for locale in MUST_TRANSLATE:
                left = [m for m in read_catalog(locale) if m.id and (not all(_forms(m)) or m.fuzzy)]
                if left:
                    print(f"update: {locale} has {len(left)} message(s) to translate")
        elif command == "compile":
            written = compile_catalogs()
            for path in written:
                print(f"compile: wrote {_shown(path)}")
            if not written:
                print("compile: .mo files up to date")
        elif command == "check":
            problems = check()
            for problem in problems:
                print(problem, file=sys.stderr)
            if problems:
                print(f"check: {len(problems)} problem(s)", file=sys.stderr)
                status = 1
            else:
                print("check: catalogs complete and compiled")
    return status


if __name__ == "__main__":
    sys.exit(main())
