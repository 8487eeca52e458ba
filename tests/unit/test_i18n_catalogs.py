"""The message catalogs: complete, compiled, consistent with the source; and how a language is chosen."""

from __future__ import annotations

import shutil

import pytest

pytest.importorskip("babel")

from xueji import i18n  # noqa: E402
from tests import catalogs  # noqa: E402


@pytest.fixture(autouse=True)
def english_afterwards(monkeypatch):
    """Each test starts from no language settings and leaves the process in English."""
    for name in ("XUEJI_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    yield
    i18n.set_language("en")


def _show(problems: list[str]) -> str:
    return "\n".join(problems) + "\n(run: python -m tests.catalogs extract update compile check)"


# --- the catalogs ----------------------------------------------------------------------------

def test_every_message_in_the_source_is_translated_in_both_chinese_catalogs():
    problems = catalogs.check()
    assert problems == [], _show(problems)


def test_compiled_catalogs_match_their_sources():
    stale = [p for p in catalogs.check() if ".mo:" in p]
    assert stale == [], _show(stale)
    for locale in catalogs.LOCALES:
        assert catalogs.mo_path(locale).exists(), locale


def test_every_catalog_holds_every_message_the_source_marks():
    source = {m.id for m in catalogs.extract_catalog() if m.id}
    assert len(source) > 100
    for locale in catalogs.LOCALES:
        held = {m.id for m in catalogs.read_catalog(locale) if m.id}
        assert source <= held, (locale, sorted(source - held))


def test_pybabel_extract_with_our_mapping_finds_messages_and_the_commands_help_texts():
    """Issue 12: extraction is pybabel's own command; tests/babel.cfg adds one extractor for the help texts."""
    template = catalogs.extract_catalog()
    help_text = template.get("Configuration file (default: $XUEJI_CONFIG or ./config.toml).")
    assert help_text is not None and "help text" in help_text.auto_comments
    assert [path for path, _line in help_text.locations] == ["xueji/cli/app.py"]
    marked = template.get("No student has the number {student_no}.")
    assert marked is not None and all(line is None for _path, line in marked.locations)


def test_the_chinese_catalogs_use_one_plural_form():
    for locale in catalogs.MUST_TRANSLATE:
        assert catalogs.read_catalog(locale).num_plurals == 1


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("zh-Hant", {"Suspended": "休學", "Active": "在學", "Transferred out": "轉學（轉出）",
                     "Resumption": "復學", "Error: {message}": "錯誤：{message}", "{error} Hint: {hint}": "{error}提示：{hint}"}),
        ("zh-Hans", {"Suspended": "休学", "Active": "在读", "Transferred out": "转学（转出）",
                     "Resumption": "复学", "Error: {message}": "错误：{message}", "{error} Hint: {hint}": "{error}提示：{hint}"}),
        ("en", {"Suspended": "Suspended", "Active": "Active", "Error: {message}": "Error: {message}"}),
    ],
)
def test_set_language_switches_the_translation_of_status_labels_and_messages(language, expected):
    i18n.set_language(language)
    assert i18n.language() == language
    assert {msgid: i18n._(msgid) for msgid in expected} == expected


def test_suspended_reads_休學_in_traditional_休学_in_simplified_and_suspended_in_english():
    i18n.set_language("zh-Hant")
    assert i18n._("Suspended") == "休學"
    i18n.set_language("zh-Hans")
    assert i18n._("Suspended") == "休学"
    i18n.set_language("en")
    assert i18n._("Suspended") == "Suspended"


def test_an_unknown_language_falls_back_to_english():
    i18n.set_language("fr")
    assert i18n.language() == "en"
    assert i18n._("Suspended") == "Suspended"


def test_placeholders_are_read_with_their_conversions():
    assert catalogs.placeholders("{value!r} is not a date; {min}–{max:>3}") == {"{value!r}", "{min}", "{max:>3}"}
    assert catalogs.placeholders("No placeholders.") == set()


@pytest.fixture
def scratch_catalogs(tmp_path, monkeypatch):
    """A compiled copy of the catalogs that a test may spoil; check() and friends read it instead of the real ones.

    Returns the problems the copy has before the test spoils it (none, unless strings were added to the source
    since the catalogs were last updated), so each test sees only the problems it caused.
    """
    copy = tmp_path / "locale"
    shutil.copytree(catalogs.LOCALE_DIR, copy)
    monkeypatch.setattr(catalogs, "LOCALE_DIR", copy)
    monkeypatch.setattr(catalogs, "POT_FILE", copy / "xueji.pot")
    catalogs.compile_catalogs()
    return set(catalogs.check())


def _spoil(locale: str, msgid: str, *, string: str | None = None, fuzzy: bool = False) -> None:
    catalog = catalogs.read_catalog(locale)
    message = catalog[msgid]
    if string is not None:
        message.string = string
    if fuzzy:
        message.flags.add("fuzzy")
    catalogs._write_po_file(catalogs.po_path(locale), catalog)


def _new_problems(before: set[str]) -> list[str]:
    return [p for p in catalogs.check() if p not in before]


@pytest.mark.slow  # the catalog tool on a scratch copy of the catalogs
def test_check_reports_a_translation_that_drops_or_changes_a_placeholder(scratch_catalogs):
    _spoil("zh_Hant", "No student has the number {student_no}.", string="沒有學號為 {number} 的學生。")
    _spoil("zh_Hans", "{value!r} is not a date: write it as one of {forms}.", string="{value} 不是日期。")
    catalogs.compile_catalogs()
    problems = _new_problems(scratch_catalogs)
    assert len(problems) == 2, problems
    assert any("zh_Hant" in p and "{student_no}" in p and "{number}" in p for p in problems)
    assert any("zh_Hans" in p and "{value!r}" in p for p in problems)


@pytest.mark.slow  # the catalog tool on a scratch copy of the catalogs
def test_check_reports_a_translated_command_or_option(scratch_catalogs):
    _spoil("zh_Hans", "Check the number with `xueji query`.", string="请用 `学籍 查询` 核对学号。")
    _spoil("zh_Hant", "Choose another folder with --dir.", string="請用 --目錄 另選文件夾。")
    catalogs.compile_catalogs()
    problems = _new_problems(scratch_catalogs)
    assert len(problems) == 2, problems
    assert any("zh_Hans" in p and "backticks" in p for p in problems), problems
    assert any("zh_Hant" in p and "options" in p for p in problems), problems


@pytest.mark.slow  # the catalog tool on a scratch copy of the catalogs
def test_check_reports_untranslated_and_fuzzy_messages_in_chinese_but_not_in_english(scratch_catalogs):
    _spoil("zh_Hans", "Suspended", string="")
    _spoil("zh_Hant", "Withdrawn", fuzzy=True)
    _spoil("en", "Suspended", string="")
    catalogs.compile_catalogs()
    problems = _new_problems(scratch_catalogs)
    assert len(problems) == 2, problems
    assert any("zh_Hans" in p and "'Suspended' is not translated" in p for p in problems)
    assert any("zh_Hant" in p and "'Withdrawn' is fuzzy" in p for p in problems)


@pytest.mark.slow  # the catalog tool on a scratch copy of the catalogs
def test_check_reports_a_mo_file_older_than_its_po(scratch_catalogs):
    _spoil("zh_Hant", "Suspended", string="休學中")
    assert _new_problems(scratch_catalogs) == ["zh_Hant/LC_MESSAGES/xueji.mo: out of date with xueji.po; run compile"]
    assert catalogs.compile_catalogs() == [catalogs.mo_path("zh_Hant")]
    assert _new_problems(scratch_catalogs) == []


@pytest.mark.slow  # the catalog tool on a scratch copy of the catalogs
def test_check_reports_a_source_message_missing_from_a_catalog(scratch_catalogs):
    catalog = catalogs.read_catalog("en")
    catalog.delete("Deceased")
    catalogs._write_po_file(catalogs.po_path("en"), catalog)
    catalogs.compile_catalogs()
    assert _new_problems(scratch_catalogs) == [
        "en/LC_MESSAGES/xueji.po: 'Deceased' is not in the catalog; run extract and update"
    ]


@pytest.mark.slow  # the catalog tool on a scratch copy of the catalogs
def test_update_keeps_every_translation_and_adds_new_messages_untranslated(scratch_catalogs):
    before = {locale: {m.id: m.string for m in catalogs.read_catalog(locale) if m.id and m.string}
              for locale in catalogs.LOCALES}
    source = catalogs.extract_catalog()
    catalogs.update(source)
    catalogs.compile_catalogs()
    for locale in catalogs.LOCALES:
        after = {m.id: m.string for m in catalogs.read_catalog(locale) if m.id}
        kept = {msgid: string for msgid, string in before[locale].items() if msgid in source}
        assert {msgid: after[msgid] for msgid in kept} == kept, locale
    # What is left is only translating: every message is in every catalog, and every .mo is current.
    left = catalogs.check()
    assert [p for p in left if not p.endswith("is not translated")] == [], _show(left)
    assert catalogs.update(source) == []  # a second run has nothing to write
    assert catalogs.compile_catalogs() == []


# --- choosing a language -------------------------------------------------------------------

@pytest.mark.parametrize(
    ("tag", "language"),
    [
        ("zh_TW.UTF-8", "zh-Hant"),
        ("zh_HK", "zh-Hant"),
        ("zh-Hant", "zh-Hant"),
        ("zh_CN.UTF-8", "zh-Hans"),
        ("zh_SG", "zh-Hans"),
        ("zh-Hans", "zh-Hans"),
        ("en_US.UTF-8", "en"),
        ("en", "en"),
        ("C", None),
        ("fr_FR.UTF-8", None),
        ("", None),
        (None, None),
    ],
)
def test_normalise_maps_locale_tags_to_a_supported_language(tag, language):
    assert i18n.normalise(tag) == language


def test_lang_option_wins_over_xueji_lang_config_and_lang(monkeypatch):
    monkeypatch.setenv("XUEJI_LANG", "zh-Hans")
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert i18n.resolve("zh-Hant", "en") == "zh-Hant"


def test_xueji_lang_wins_over_config_locale_and_lang(monkeypatch):
    monkeypatch.setenv("XUEJI_LANG", "zh_TW.UTF-8")
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert i18n.resolve(None, "en") == "zh-Hant"


def test_config_locale_wins_over_lang(monkeypatch):
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert i18n.resolve(None, "zh-Hant") == "zh-Hant"


def test_lang_decides_when_nothing_else_is_set(monkeypatch):
    monkeypatch.setenv("LANG", "zh_HK.UTF-8")
    assert i18n.resolve() == "zh-Hant"
    monkeypatch.setenv("LANG", "zh_SG")
    assert i18n.resolve() == "zh-Hans"
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert i18n.resolve() == "en"


def test_english_when_no_language_is_set_anywhere():
    assert i18n.resolve() == "en"


def test_lc_all_and_lc_messages_come_before_lang(monkeypatch):
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    monkeypatch.setenv("LC_MESSAGES", "zh_CN.UTF-8")
    assert i18n.resolve() == "zh-Hans"
    monkeypatch.setenv("LC_ALL", "zh_TW.UTF-8")
    assert i18n.resolve() == "zh-Hant"
