"""The fixed order of seats within a class (§五.2 "按照一定順序"): input order, pinyin of the name, or exam number."""

from __future__ import annotations

from functools import lru_cache

ORDERS = ("input", "pinyin", "exam-no")
_ORDER_WORDS = {"拼音": "pinyin", "輸入": "input", "输入": "input", "原序": "input", "名單順序": "input",
                "名单顺序": "input", "考生號": "exam-no", "考生号": "exam-no"}


def order_key(text: str | None) -> str:
    """input, pinyin or exam-no, from the code or the word in either script (拼音, 考生號…)."""
    value = (text or "").strip()
    return _ORDER_WORDS.get(value, value.lower())

# Compound surnames, in both scripts, read as one surname.
COMPOUND_SURNAMES = (
    "歐陽", "欧阳", "司馬", "司马", "上官", "諸葛", "诸葛", "尉遲", "尉迟", "東方", "东方", "皇甫", "令狐", "慕容",
    "公孫", "公孙", "長孫", "长孙", "宇文", "司徒", "夏侯", "軒轅", "轩辕", "端木", "澹臺", "澹台", "西門", "西门",
    "南宮", "南宫", "呼延", "獨孤", "独孤", "聞人", "闻人", "万俟", "申屠", "鐘離", "钟离", "百里", "東郭", "东郭",
)

_COMPOUNDS = frozenset(COMPOUND_SURNAMES)
assert all(len(c) == 2 for c in COMPOUND_SURNAMES)

# Surnames whose reading differs from the character's common one.
SURNAME_READINGS = {
    "曾": "zeng", "單": "shan", "单": "shan", "區": "ou", "区": "ou", "仇": "qiu", "解": "xie", "查": "zha",
    "樂": "yue", "乐": "yue", "朴": "piao", "尉遲": "yuchi", "尉迟": "yuchi", "万俟": "moqi", "蓋": "ge", "盖": "ge",
    "繆": "miao", "缪": "miao", "覃": "qin", "華": "hua", "华": "hua", "任": "ren", "沈": "shen", "冼": "xian",
    "翟": "zhai", "種": "chong", "种": "chong", "秘": "bi", "隗": "wei", "員": "yun", "员": "yun", "那": "na",
    "燕": "yan", "葛": "ge", "長孫": "zhangsun", "长孙": "zhangsun", "澹臺": "tantai", "澹台": "tantai",
    "黑": "he", "召": "shao", "折": "she", "句": "gou", "相": "xiang", "宿": "su", "郇": "xun", "汤": "tang",
}


def split_name(name: str) -> tuple[str, str]:
    """Surname and given name of a Chinese name (compound surnames kept whole)."""
    if "·" in name:  # minority names: the whole name is read in order
        return name, ""
    if name[:2] in _COMPOUNDS and len(name) > 2:  # every compound surname has two characters
        return name[:2], name[2:]
    return name[:1], name[1:]


def pinyin_key(name: str, id_number: str) -> tuple:
    """Surname, then given name by pinyin (tone as the tie-break), then the ID number."""
    from pypinyin import Style, lazy_pinyin  # 0.2 s to import: only when ordering by pinyin

    surname, given = split_name(name)
    surname_plain = SURNAME_READINGS.get(surname) or "".join(lazy_pinyin(surname, style=Style.NORMAL, errors="default"))
    given_plain = lazy_pinyin(given, style=Style.NORMAL, errors="default")
    given_tones = lazy_pinyin(given, style=Style.TONE3, errors="default")
    return (surname_plain.lower(), surname, [p.lower() for p in given_plain], given_tones, id_number)


def sort_key(order: str):
    """A key function over (input index, name, id_number, exam_no) for the chosen order."""
    if order == "pinyin":
        return lambda item: pinyin_key(item[1], item[2]) + (item[0],)
    if order == "exam-no":
        return lambda item: (item[3] is None, item[3] or "", item[0])
    return lambda item: item[0]


def split_sizes(count: int, size: int) -> list[int]:
    """The fewest classes of at most ``size`` students, as even as possible (sizes differ by at most one)."""
    if count <= 0:
        return []
    classes = -(-count // size)
    base, extra = divmod(count, classes)
    return [base + 1 if i < extra else base for i in range(classes)]


# --- search keys: a name found across scripts and by pinyin -------------------------------------------------------

_TONELESS = str.maketrans("āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ", "aaaaeeeeiiiioooouuuuvvvvvnnnm")


@lru_cache(maxsize=1)
def _readings() -> dict[int, str]:
    """Each character's first reading without tones: pypinyin's per-character table, read from its JSON file (not
    through the package, whose import also loads a 2.5 MB phrase dictionary: 0.5 s and 45 MiB never used here)."""
    import json
    from importlib.util import find_spec
    from pathlib import Path

    spec = find_spec("pypinyin")
    table = Path(spec.origin).parent / "pinyin_dict.json" if spec and spec.origin else None
    if table is not None and table.exists():
        data = {int(code): text for code, text in json.loads(table.read_text(encoding="utf-8")).items()}
    else:  # a packaging of pypinyin without the JSON file
        from pypinyin.pinyin_dict import pinyin_dict as data
    return {code: text.split(",", 1)[0].translate(_TONELESS) for code, text in data.items()}


def search_key(name: str) -> str:
    """What `query --name` searches: the name as written, its pinyin and its initials, e.g.
    陳浩蘭 → "陳浩蘭 chenhaolan chl" (surnames read as surnames: 曾 zeng, 單 shan). Either script is searched by
    converting the query, so nothing is converted here (a roster writes 100 000 of these)."""
    readings = _readings()
    surname, given = split_name(name)
    syllables = [SURNAME_READINGS.get(surname) or "".join(readings.get(ord(c), c) for c in surname)]
    syllables += [readings.get(ord(c), c.lower()) for c in given if c not in " ·-"]
    full = "".join(syllables).lower()
    initials = "".join(s[:1] for s in syllables).lower()
    return f"{name} {full} {initials}"


def search_texts(query: str) -> tuple[str, ...]:
    """A name query as the search keys hold it: Latin letters in lower case; Chinese in both scripts."""
    from xueji.domain.national import simplified, traditional

    text = "".join(query.split())
    if text.isascii():
        return (text.lower(),)
    return tuple(dict.fromkeys((text, simplified(text), traditional(text))))
