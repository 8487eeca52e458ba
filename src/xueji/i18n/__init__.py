"""Languages: gettext catalogs for en, zh-Hans and zh-Hant, chosen once per process.

Choice: --lang > $XUEJI_LANG > the config's ``locale`` > the POSIX locale ($LC_ALL, $LC_MESSAGES, $LANG) > en.
"""

from __future__ import annotations

import gettext as _gettext
import os
from pathlib import Path

LANGUAGES = ("en", "zh-Hans", "zh-Hant")
LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "xueji"

_translation: _gettext.NullTranslations = _gettext.NullTranslations()
_language = "en"


def normalise(value: str | None) -> str | None:
    """A supported language for a tag such as zh-Hant, zh_TW.UTF-8 or en_US; None if it names none."""
    if not value:
        return None
    tag = value.split(".")[0].split("@")[0].replace("_", "-").lower()
    if tag in ("c", "posix", ""):
        return None
    if tag in ("zh-hant", "zh-tw", "zh-hk", "zh-mo") or tag.startswith("zh-hant"):
        return "zh-Hant"
    if tag in ("zh", "zh-hans", "zh-cn", "zh-sg") or tag.startswith("zh-hans"):
        return "zh-Hans"
    if tag == "en" or tag.startswith("en-"):
        return "en"
    return None


def from_environment() -> str | None:
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name)
        if value and normalise(value) is None and value.split(".")[0].upper() in ("C", "POSIX"):
            continue
        if value:
            return normalise(value) or "en"
    return None


def resolve(option: str | None = None, config_locale: str | None = None) -> str:
    return (
        normalise(option)
        or normalise(os.environ.get("XUEJI_LANG"))
        or normalise(config_locale)
        or from_environment()
        or "en"
    )


def set_language(language: str) -> None:
    global _translation, _language
    _language = language if language in LANGUAGES else "en"
    _translation = _gettext.translation(
        DOMAIN, LOCALE_DIR, languages=[_language.replace("-", "_")], fallback=True
    )


def translator(language: str):
    """The gettext function of one language, whatever the session's is (a certificate printed in another)."""
    return _gettext.translation(DOMAIN, LOCALE_DIR, languages=[language.replace("-", "_")], fallback=True).gettext


def language() -> str:
    return _language


def _(message: str) -> str:
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translation.ngettext(singular, plural, n)


def listed(items) -> str:
    """Items joined as the language lists them: "a, b" in English, "a、b" in Chinese."""
    # TRANSLATORS: the separator between items of a list in a sentence (Chinese uses the enumeration comma 、).
    return _(", ").join(str(item) for item in items)


def N_(message: str) -> str:
    return message
