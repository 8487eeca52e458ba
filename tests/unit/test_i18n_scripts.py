"""The Chinese catalogs keep to their script: zh_Hans all Simplified, zh_Hant all Traditional and in Taiwan's words.

OpenCC is the judge of script: a Simplified translation converted to Simplified (t2s) must come back unchanged, and
a Traditional one converted to Traditional (s2t) likewise, but for the few characters OpenCC's s2t writes in an older
form than Taiwan does (ALLOWED_S2T below).
"""

from __future__ import annotations

import re

import opencc
import pytest

pytest.importorskip("babel")

from tests import catalogs  # noqa: E402

# Characters that OpenCC's s2t rewrites although the character already is correct Traditional, as Taiwan writes it:
# (in the zh_Hant catalog, what s2t makes of it). Add a pair only for a character the catalog actually uses.
ALLOWED_S2T = {
    ("台", "臺"),  # 台帳 (ledger), 台灣居民來往大陸通行證 (the permit's name): Taiwan writes 台 as often as 臺.
    ("群", "羣"),  # 群眾 (GB/T 4762): 群 is Taiwan's standard form (教育部標準字體); 羣 is a variant.
    ("才", "纔"),  # 才有 (only ... have): 才 is Taiwan's standard form; OpenCC writes the literary 纔 before 有.
}

# Taiwan's word, and the mainland word zh_Hant must not use for it.
TAIWAN_WORDS = {
    "資料庫": "數據庫",
    "檔案": "文件",  # a file; no legitimate 文件 in the catalog (a document number is 文號: 批准文號)
    "執行": "運行",
    "資訊": "信息",
    "設定檔": "配置文件",
    "帳戶": "賬戶",
    "資料夾": "文件夾",
    "匯出": "導出",
    "匯入": "導入",
    "註銷": "注銷",
    "字元": "字符",
    "磁碟": "磁盤",
    "建立": "創建",
    "使用者": "用戶",
    "預設": "默認",
}

# Words that hold 行 without meaning a row, left out before looking for 行 in a message about rows.
_NOT_A_ROW = re.compile("執行|行政|進行|行為|發行|銀行")


def _translations(locale: str) -> list[tuple[str, str]]:
    """(msgid, translation) for every translated message of a catalog, each plural form on its own."""
    found = []
    for message in catalogs.read_catalog(locale):
        if not message.id:
            continue
        msgid = message.id[0] if message.pluralizable else message.id
        forms = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        found.extend((msgid, form) for form in forms if form)
    return found


def _show(offenders: list[tuple[str, str]]) -> str:
    return "\n".join(f"{msgid!r}: {detail}" for msgid, detail in offenders)


def _not_allowed(text: str, converted: str) -> list[tuple[str, str]]:
    """The characters s2t changed, as (written, s2t's form), less the allowed ones; the whole text if lengths differ."""
    if len(text) != len(converted):
        return [(text, converted)]
    return [(a, b) for a, b in zip(text, converted) if a != b and (a, b) not in ALLOWED_S2T]


def test_every_simplified_translation_is_unchanged_by_opencc_t2s():
    t2s = opencc.OpenCC("t2s").convert
    offenders = []
    for msgid, text in _translations("zh_Hans"):
        converted = t2s(text)
        if converted != text:
            pairs = zip(text, converted) if len(text) == len(converted) else [(text, converted)]
            changed = sorted({a + "→" + b for a, b in pairs if a != b})
            offenders.append((msgid, "Traditional characters " + ", ".join(changed)))
    assert offenders == [], "zh_Hans translations with Traditional characters:\n" + _show(offenders)


def test_every_traditional_translation_is_unchanged_by_opencc_s2t_but_for_the_allowed_characters():
    s2t = opencc.OpenCC("s2t").convert
    offenders = []
    for msgid, text in _translations("zh_Hant"):
        changed = _not_allowed(text, s2t(text))
        if changed:
            offenders.append((msgid, "Simplified characters " + ", ".join(sorted({a + "→" + b for a, b in changed}))))
    assert offenders == [], "zh_Hant translations with Simplified characters:\n" + _show(offenders)


def test_each_allowed_character_is_still_needed_by_the_traditional_catalog():
    s2t = opencc.OpenCC("s2t").convert
    used = set()
    for _msgid, text in _translations("zh_Hant"):
        converted = s2t(text)
        if len(text) == len(converted):
            used.update((a, b) for a, b in zip(text, converted) if a != b)
    assert ALLOWED_S2T - used == set(), "no longer needed in ALLOWED_S2T"


def test_the_traditional_catalog_uses_taiwans_words_and_none_of_their_mainland_forms():
    texts = _translations("zh_Hant")
    everything = "\n".join(text for _msgid, text in texts)
    missing = [word for word in TAIWAN_WORDS if word not in everything]
    mainland = [(msgid, f"{wrong} (write {right})") for msgid, text in texts
                for right, wrong in TAIWAN_WORDS.items() if wrong in text]
    assert missing == [], f"zh_Hant never uses {missing}"
    assert mainland == [], "zh_Hant translations with mainland words:\n" + _show(mainland)


def test_a_row_is_列_and_a_column_欄_in_traditional_and_行_and_列_in_simplified():
    """Taiwan's convention is 列 = row, 欄 = column; the mainland's 行 = row, 列 = column."""
    hant, hans = dict(_translations("zh_Hant")), dict(_translations("zh_Hans"))
    rows = [msgid for msgid in hant if re.search(r"\brows?\b", msgid, re.IGNORECASE)]
    columns = [msgid for msgid in hant if re.search(r"\bcolumns?\b", msgid, re.IGNORECASE)]
    assert rows and columns
    wrong = [(m, hant[m]) for m in rows if "列" not in hant[m] or "行" in _NOT_A_ROW.sub("", hant[m])]
    wrong += [(m, hant[m]) for m in columns if "欄" not in hant[m]]
    wrong += [(m, hans[m]) for m in rows if "行" not in hans[m]]
    wrong += [(m, hans[m]) for m in columns if "列" not in hans[m] or "栏" in hans[m]]
    assert wrong == [], _show(wrong)


def test_row_numbers_read_第_n_列_in_traditional_and_第_n_行_in_simplified():
    hant, hans = dict(_translations("zh_Hant")), dict(_translations("zh_Hans"))
    numbered = [msgid for msgid in hant if "{row}" in msgid]
    assert numbered
    wrong = [(m, hant[m]) for m in numbered if "第 {row} 列" not in hant[m]]
    wrong += [(m, hans[m]) for m in numbered if "第 {row} 行" not in hans[m]]
    assert wrong == [], _show(wrong)


def test_not_active_is_worded_with_the_label_of_the_active_status():
    for locale in catalogs.MUST_TRANSLATE:
        catalog = catalogs.read_catalog(locale)
        assert catalog["Active"].string in catalog["not active"].string, locale


def test_the_active_status_reads_在學_in_traditional_and_在读_in_simplified():
    assert catalogs.read_catalog("zh_Hant")["Active"].string == "在學"
    assert catalogs.read_catalog("zh_Hans")["Active"].string == "在读"


# --- the guides keep to their script and their words too ---------------------------------------------

def _guide(name: str) -> str:
    from pathlib import Path

    return (Path(__file__).resolve().parents[2] / "docs" / name).read_text(encoding="utf-8")


def test_the_simplified_guide_is_all_simplified_and_the_traditional_guide_all_traditional():
    hans, hant = _guide("guide.zh-Hans.md"), _guide("guide.zh-Hant.md")
    t2s, s2t = opencc.OpenCC("t2s").convert, opencc.OpenCC("s2t").convert
    assert [line for line in hans.splitlines() if t2s(line) != line] == []
    assert [line for line in hant.splitlines() if _not_allowed(line, s2t(line))] == []


def test_the_traditional_guide_speaks_taiwans_words_and_the_simplified_guide_the_mainlands():
    hans, hant = _guide("guide.zh-Hans.md"), _guide("guide.zh-Hant.md")
    assert [wrong for wrong in TAIWAN_WORDS.values() if wrong in hant] == []
    assert [w for w in ("资料库", "档案", "资讯", "设定档", "资料夹", "汇出", "汇入", "字元", "预设", "交易", "栏")
            if w in hans] == []
